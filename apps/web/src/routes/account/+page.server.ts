import type { SessionList } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, url, depends }) => {
  const user = requireUser(locals, url);
  depends('app:sessions');
  try {
    const { items } = await api<SessionList>(fetch, 'GET', '/api/me/sessions');
    return { profile: user, sessions: items };
  } catch (err) {
    loadFailure(err, url);
  }
};
