import { redirect } from '@sveltejs/kit';
import type { JoinResult } from '@scholia/shared';
import { api, ApiError } from '$lib/api';
import { loginUrl } from '$lib/nav';
import type { PageServerLoad } from './$types';

/** An invite link: signed-in users join at once and land in the group; visitors log in (or register) first. */
export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  if (!locals.user) redirect(303, loginUrl(url));
  let result: JoinResult;
  try {
    result = await api<JoinResult>(fetch, 'POST', '/api/groups/join', { code: params.code });
  } catch (err) {
    if (err instanceof ApiError) {
      if (err.problem.status === 401) redirect(303, loginUrl(url));
      return { problem: err.problem };
    }
    throw err;
  }
  redirect(303, `/groups/${result.slug}`);
};
