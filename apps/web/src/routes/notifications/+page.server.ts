import type { NotificationList } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, url }) => {
  requireUser(locals, url);
  try {
    return { notifications: await api<NotificationList>(fetch, 'GET', '/api/notifications?limit=100') };
  } catch (err) {
    loadFailure(err, url);
  }
};
