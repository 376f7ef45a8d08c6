import { error } from '@sveltejs/kit';
import type { AnalyticsReport, GroupDto } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  requireUser(locals, url);
  const slug = encodeURIComponent(params.slug);
  const requested = url.searchParams.get('document');
  const documentId = requested && UUID.test(requested) ? requested.toLowerCase() : null;
  let group: GroupDto;
  try {
    group = await api<GroupDto>(fetch, 'GET', `/api/groups/${slug}`);
  } catch (err) {
    loadFailure(err, url);
  }
  // A member of the group knows it exists: tell a student plainly that analytics are for instructors.
  if (group.role === 'student') error(403, { message: 'Only the instructors of this group can see its analytics.' });
  try {
    const query = documentId ? `?documentId=${documentId}` : '';
    const report = await api<AnalyticsReport>(fetch, 'GET', `/api/groups/${slug}/analytics${query}`);
    return { group, report };
  } catch (err) {
    loadFailure(err, url);
  }
};
