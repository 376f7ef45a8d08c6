import { Inject, Injectable } from '@nestjs/common';
import type { GroupDto, InviteList, InviteSummary, MemberDto, MemberList, PatchGroupBody, Role } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { conflict, forbidden, notFound } from '../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { canTeach, GroupsService } from '../groups/groups.service.js';
import type { GroupAccess } from '../groups/membership.repository.js';
import { type InviteRow, MemberRepository, type MemberRow } from './member.repository.js';
import { MembershipEvents } from './membership-events.js';

const onOff = (b: boolean): string => (b ? 'on' : 'off');

/** Group administration: settings, deletion, invites, members, roles and leaving. */
@Injectable()
export class MembersService {
  constructor(
    private readonly repo: MemberRepository,
    private readonly groups: GroupsService,
    private readonly membership: MembershipEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ----- The group -----------------------------------------------------------------------------------------------------

  async updateGroup(auth: AuthContext, slug: string, body: PatchGroupBody): Promise<GroupDto> {
    const access = await this.instructor(auth, slug, 'Only instructors can change the group.');
    const current = await this.groups.get(auth, slug);
    const data = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.settings?.preModeration !== undefined ? { preModeration: body.settings.preModeration } : {}),
      ...(body.settings?.commitRevealDefault !== undefined
        ? { commitRevealDefault: body.settings.commitRevealDefault }
        : {}),
    };
    const changes = [
      data.name !== undefined && data.name !== current.name ? `name: “${current.name}” → “${data.name}”` : null,
      data.description !== undefined && data.description !== current.description ? 'description changed' : null,
      data.preModeration !== undefined && data.preModeration !== current.settings.preModeration
        ? `pre-moderation ${onOff(data.preModeration)}`
        : null,
      data.commitRevealDefault !== undefined && data.commitRevealDefault !== current.settings.commitRevealDefault
        ? `commit-then-reveal by default ${onOff(data.commitRevealDefault)}`
        : null,
    ].filter((c): c is string => c !== null);
    if (changes.length === 0) return current;
    await this.repo.updateGroup(access.groupId, data, {
      actorId: auth.user.id,
      action: 'update-settings',
      targetType: 'group',
      targetId: access.groupId,
      reason: changes.join('; '),
    });
    return this.groups.get(auth, slug);
  }

  async deleteGroup(auth: AuthContext, slug: string): Promise<void> {
    const access = await this.groups.access(slug, auth);
    if (access.role !== 'owner') throw forbidden('Only the owner can delete the group.');
    await this.repo.deleteGroup(access.groupId);
    this.membership.changed(access.groupId, null);
  }

  // ----- Invites -------------------------------------------------------------------------------------------------------

  async invites(auth: AuthContext, slug: string): Promise<InviteList> {
    const access = await this.instructor(auth, slug, 'Only instructors can see invite links.');
    // Instructor invites are the owner's to hand out: other instructors do not see them.
    const rows = await this.repo.invites(
      access.groupId,
      access.role === 'owner' ? ['instructor', 'student'] : ['student'],
    );
    return { items: rows.map((r) => this.toInvite(r)) };
  }

  async revokeInvite(auth: AuthContext, slug: string, id: string): Promise<void> {
    const access = await this.instructor(auth, slug, 'Only instructors can revoke invite links.');
    const invite = await this.repo.invite(access.groupId, id);
    if (!invite || (invite.role !== 'student' && access.role !== 'owner')) throw notFound('That invite');
    await this.repo.revokeInvite(access.groupId, id, this.clock.now(), {
      actorId: auth.user.id,
      action: 'revoke-invite',
      targetType: 'invite',
      targetId: id,
      reason: `${invite.role} invite, used ${invite.uses} time${invite.uses === 1 ? '' : 's'}`,
    });
  }

  private toInvite(r: InviteRow): InviteSummary {
    const now = this.clock.now();
    return {
      id: r.id,
      code: r.code,
      url: `${this.config.origin}/join/${r.code}`,
      role: r.role,
      expires: r.expiresAt?.toISOString() ?? null,
      uses: r.uses,
      created: r.createdAt.toISOString(),
      createdBy: r.createdBy,
      revoked: r.revokedAt?.toISOString() ?? null,
      active: r.revokedAt === null && (r.expiresAt === null || r.expiresAt > now),
    };
  }

  // ----- Members -------------------------------------------------------------------------------------------------------

  async members(auth: AuthContext, slug: string): Promise<MemberList> {
    const access = await this.groups.access(slug, auth);
    const rows = await this.repo.members(access.groupId);
    const full = canTeach(access.role);
    return { items: rows.map((r) => this.toMember(r, full)) };
  }

  /**
   * student ↔ instructor: the owner only. Nobody changes the owner's role; the owner hands the group over by giving
   * another member the role `owner`, and becomes an instructor.
   */
  async changeRole(auth: AuthContext, slug: string, userId: string, role: Role): Promise<MemberDto> {
    const access = await this.instructor(auth, slug, 'Only instructors can manage members.');
    const target = await this.repo.member(access.groupId, userId);
    if (!target) throw notFound('That member');
    if (target.role === role) return this.toMember(target, true);
    const audit = { actorId: auth.user.id, targetType: 'member' as const, targetId: userId };
    let updated: MemberRow | null;
    if (role === 'owner') {
      if (access.role !== 'owner') throw forbidden('Only the owner can hand the group over.');
      updated = await this.repo.transferOwnership(access.groupId, auth.user.id, userId, {
        ...audit,
        action: 'transfer-ownership',
        reason: `${target.user.displayName} is the new owner; the previous owner is now an instructor`,
      });
      this.membership.changed(access.groupId, auth.user.id);
    } else {
      if (target.role === 'owner')
        throw forbidden("Nobody can change the owner's role; the owner can hand the group over to another member.");
      if (access.role !== 'owner') throw forbidden('Only the owner can make or remove instructors.');
      updated = await this.repo.setRole(access.groupId, userId, target.role, role, {
        ...audit,
        action: 'change-role',
        reason: `${target.role} → ${role}`,
      });
    }
    if (!updated) throw conflict('member-changed', "This member's role changed meanwhile; reload and try again.");
    this.membership.changed(access.groupId, userId);
    return this.toMember(updated, true);
  }

  /** Instructors remove students; the owner removes anyone but themself. */
  async remove(auth: AuthContext, slug: string, userId: string): Promise<void> {
    const access = await this.instructor(auth, slug, 'Only instructors can remove members.');
    const target = await this.repo.member(access.groupId, userId);
    if (!target) throw notFound('That member');
    if (userId === auth.user.id) throw forbidden('You cannot remove yourself; leave the group instead.');
    if (target.role === 'owner') throw forbidden('Nobody can remove the owner.');
    if (target.role === 'instructor' && access.role !== 'owner')
      throw forbidden('Only the owner can remove instructors.');
    const removed = await this.repo.removeMember(access.groupId, userId, target.role, {
      actorId: auth.user.id,
      action: 'remove-member',
      targetType: 'member',
      targetId: userId,
      reason: `was ${target.role === 'instructor' ? 'an instructor' : 'a student'}`,
    });
    if (!removed) throw conflict('member-changed', "This member's role changed meanwhile; reload and try again.");
    this.membership.changed(access.groupId, userId);
  }

  async leave(auth: AuthContext, slug: string): Promise<void> {
    const access = await this.groups.access(slug, auth);
    if (access.role === 'owner') {
      throw conflict(
        'owner-cannot-leave',
        'The owner cannot leave the group: hand it over to another member first (or delete it).',
      );
    }
    if (!(await this.repo.removeMember(access.groupId, auth.user.id, access.role, null))) {
      throw conflict('member-changed', 'Your role changed meanwhile; reload and try again.');
    }
    this.membership.changed(access.groupId, auth.user.id);
  }

  private toMember(r: MemberRow, full: boolean): MemberDto {
    if (!full) return { user: r.user, role: r.role };
    const muted = r.mutedUntil && r.mutedUntil > this.clock.now() ? r.mutedUntil.toISOString() : null;
    return { user: r.user, role: r.role, joined: r.joinedAt.toISOString(), mutedUntil: muted };
  }

  /** The caller's membership when they are an instructor or the owner: 404 for outsiders, 403 for students. */
  private async instructor(auth: AuthContext, slug: string, why: string): Promise<GroupAccess> {
    const access = await this.groups.access(slug, auth);
    if (!canTeach(access.role)) throw forbidden(why);
    return access;
  }
}
