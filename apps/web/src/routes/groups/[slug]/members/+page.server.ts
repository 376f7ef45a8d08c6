import type { GroupDto, InviteList, MemberList } from '@scholia/shared';
import { api } from '$lib/api';
import { loadFailure, requireUser } from '$lib/server/load';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, fetch, params, url, depends }) => {
  const user = requireUser(locals, url);
  depends('app:members');
  const slug = encodeURIComponent(params.slug);
  try {
    const [group, members] = await Promise.all([
      api<GroupDto>(fetch, 'GET', `/api/groups/${slug}`),
      api<MemberList>(fetch, 'GET', `/api/groups/${slug}/members`),
    ]);
    const canManage = group.role === 'owner' || group.role === 'instructor';
    const invites = canManage ? (await api<InviteList>(fetch, 'GET', `/api/groups/${slug}/invites`)).items : [];
    return { group, members: members.items, invites, me: user.id };
  } catch (err) {
    loadFailure(err, url);
  }
};
