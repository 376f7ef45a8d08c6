import type { DebateList, DocumentList, GroupDto } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  requireUser(locals, url);
  const slug = encodeURIComponent(params.slug);
  try {
    const [group, documents, debates] = await Promise.all([
      api<GroupDto>(fetch, 'GET', `/api/groups/${slug}`),
      api<DocumentList>(fetch, 'GET', `/api/groups/${slug}/documents`),
      api<DebateList>(fetch, 'GET', `/api/groups/${slug}/debates`),
    ]);
    return { group, documents: documents.items, debates: debates.items };
  } catch (err) {
    loadFailure(err, url);
  }
};
