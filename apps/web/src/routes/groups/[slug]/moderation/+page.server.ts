import { error } from '@sveltejs/kit';
import {
  AuditActionName,
  type AuditList,
  type FlagQueue,
  type GroupDto,
  type MemberList,
  type PendingList,
} from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The audit filters from the address, kept only when valid, so a hand-edited address never breaks the page. */
function auditFilters(url: URL): { action: string; actor: string; from: string; to: string; page: number } {
  const p = url.searchParams;
  const action = p.get('action') ?? '';
  const from = p.get('from') ?? '';
  const to = p.get('to') ?? '';
  const page = Number(p.get('page') ?? '1');
  return {
    action: AuditActionName.safeParse(action).success ? action : '',
    actor: (p.get('actor') ?? '').trim().slice(0, 100),
    from: DATE.test(from) ? from : '',
    to: DATE.test(to) ? to : '',
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

export const load: PageServerLoad = async ({ locals, fetch, params, url, depends }) => {
  requireUser(locals, url);
  depends('app:moderation');
  const slug = encodeURIComponent(params.slug);
  let group: GroupDto;
  try {
    group = await api<GroupDto>(fetch, 'GET', `/api/groups/${slug}`);
  } catch (err) {
    loadFailure(err, url);
  }
  // A member knows the group exists: tell a student plainly that moderation is for instructors.
  if (group.role === 'student') error(403, { message: 'Only the instructors of this group can moderate it.' });
  const filters = auditFilters(url);
  const query = new URLSearchParams({ perPage: '25', page: String(filters.page) });
  for (const key of ['action', 'actor', 'from', 'to'] as const) if (filters[key]) query.set(key, filters[key]);
  try {
    const [flags, pending, audit, members] = await Promise.all([
      api<FlagQueue>(fetch, 'GET', `/api/groups/${slug}/flags`),
      api<PendingList>(fetch, 'GET', `/api/groups/${slug}/pending`),
      api<AuditList>(fetch, 'GET', `/api/groups/${slug}/audit?${query}`),
      api<MemberList>(fetch, 'GET', `/api/groups/${slug}/members`),
    ]);
    return { group, flags: flags.items, pending: pending.items, audit, filters, members: members.items };
  } catch (err) {
    loadFailure(err, url);
  }
};
