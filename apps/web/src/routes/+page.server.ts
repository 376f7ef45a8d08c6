import type { GroupList } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, url }) => {
  if (!locals.user) return { groups: null };
  try {
    const { items } = await api<GroupList>(fetch, 'GET', '/api/groups');
    return { groups: items };
  } catch (err) {
    loadFailure(err, url);
  }
};
