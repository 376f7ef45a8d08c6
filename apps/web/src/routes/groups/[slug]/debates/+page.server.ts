import type { DebateList, DocumentList, GroupDto } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  requireUser(locals, url);
  const slug = encodeURIComponent(params.slug);
  try {
    const [group, debates, documents] = await Promise.all([
      api<GroupDto>(fetch, 'GET', `/api/groups/${slug}`),
      api<DebateList>(fetch, 'GET', `/api/groups/${slug}/debates`),
      api<DocumentList>(fetch, 'GET', `/api/groups/${slug}/documents`),
    ]);
    return { group, debates: debates.items, documents: documents.items, documentId: url.searchParams.get('document') };
  } catch (err) {
    loadFailure(err, url);
  }
};
