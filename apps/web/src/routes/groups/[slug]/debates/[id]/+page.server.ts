import { error, redirect } from '@sveltejs/kit';
import type { DebateBoard, StanceHistory } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, fetch, params, url }) => {
  const user = requireUser(locals, url);
  if (!UUID.test(params.id)) error(404, { message: 'Not found' });
  let board: DebateBoard;
  // Mine for a student, everyone's for an instructor: how stances changed over time.
  const history = api<StanceHistory>(fetch, 'GET', `/api/debates/${params.id}/stances/history`).catch(() => null);
  try {
    board = await api<DebateBoard>(fetch, 'GET', `/api/debates/${params.id}/board`);
  } catch (err) {
    loadFailure(err, url);
  }
  // The debate belongs to another group of mine: send the reader to its real address.
  if (board.debate.groupSlug !== params.slug)
    redirect(307, `/groups/${board.debate.groupSlug}/debates/${board.debate.id}`);
  return { user, board, history: (await history)?.items ?? [] };
};
