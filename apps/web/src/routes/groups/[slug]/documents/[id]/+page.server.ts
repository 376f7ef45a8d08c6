import { error, redirect } from '@sveltejs/kit';
import type { AnnotationList, DebateList, DocumentDto, GroupDto } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  const user = requireUser(locals, url);
  if (!UUID.test(params.id)) error(404, { message: 'Not found' });
  const annotationsPath = `/api/documents/${params.id}/annotations`;
  const q = url.searchParams.get('q')?.trim().slice(0, 200) ?? '';
  const [doc, group, annotations, matches, debates] = await Promise.allSettled([
    api<DocumentDto>(fetch, 'GET', `/api/documents/${params.id}`),
    api<GroupDto>(fetch, 'GET', `/api/groups/${encodeURIComponent(params.slug)}`),
    api<AnnotationList>(fetch, 'GET', annotationsPath),
    q ? api<AnnotationList>(fetch, 'GET', `${annotationsPath}?q=${encodeURIComponent(q)}`) : Promise.resolve(null),
    api<DebateList>(fetch, 'GET', `/api/documents/${params.id}/debates`),
  ]);
  if (doc.status === 'rejected') loadFailure(doc.reason, url);
  // The document lives in another group of mine: send the reader to its real address.
  if (doc.value.groupSlug !== params.slug)
    redirect(307, `/groups/${doc.value.groupSlug}/documents/${doc.value.id}${url.search}`);
  if (group.status === 'rejected') loadFailure(group.reason, url);
  if (annotations.status === 'rejected') loadFailure(annotations.reason, url);
  return {
    user,
    document: doc.value,
    group: group.value,
    // Highlights and cards are part of the first paint; the page keeps them current over the socket.
    annotations: annotations.value,
    matches: matches.status === 'fulfilled' && matches.value ? matches.value.items.map((a) => a.id) : null,
    // Debates only colour the highlights and offer stances: the text is readable without them.
    debates: debates.status === 'fulfilled' ? debates.value.items : [],
  };
};
