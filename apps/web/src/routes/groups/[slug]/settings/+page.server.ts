import { error } from '@sveltejs/kit';
import type { GroupDto } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  requireUser(locals, url);
  let group: GroupDto;
  try {
    group = await api<GroupDto>(fetch, 'GET', `/api/groups/${encodeURIComponent(params.slug)}`);
  } catch (err) {
    loadFailure(err, url);
  }
  if (group.role === 'student') error(403, { message: 'Only the instructors of this group can change its settings.' });
  return { group };
};
