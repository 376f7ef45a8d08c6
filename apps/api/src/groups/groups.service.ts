import { Inject, Injectable } from '@nestjs/common';
import type { CreateGroupBody, CreateInviteBody, GroupDto, InviteDto, JoinResult } from '@scholia/shared';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound, ProblemException } from '../common/problem.js';
import { Secrets } from '../common/secrets.js';
import type { AuthContext } from '../auth/auth-context.js';
import type { Role } from '../generated/prisma/client.js';
import { GroupRepository, type GroupRow } from './group.repository.js';
import { type GroupAccess, MembershipRepository } from './membership.repository.js';

export const canTeach = (role: Role): boolean => role === 'owner' || role === 'instructor';

/** 403 while a moderator's mute runs: a muted member reads, but neither posts nor votes. */
export function refuseIfMuted(access: Pick<GroupAccess, 'mutedUntil'>, now: Date): void {
  if (access.mutedUntil && access.mutedUntil > now) {
    throw forbidden(`A moderator has muted you in this group until ${access.mutedUntil.toISOString()}.`);
  }
}

const toGroupDto = (g: GroupRow, role: Role): GroupDto => ({
  id: g.id,
  slug: g.slug,
  name: g.name,
  description: g.description,
  role,
  memberCount: g._count.members,
  documentCount: g._count.documents,
  settings: { preModeration: g.preModeration, commitRevealDefault: g.commitRevealDefault },
  created: g.createdAt.toISOString(),
});

export const slugify = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'seminar';

@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MembershipRepository,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async listMine(auth: AuthContext): Promise<{ items: GroupDto[] }> {
    const rows = await this.groups.listForUser(auth.user.id);
    return { items: rows.map((r) => toGroupDto(r.group, r.role)) };
  }

  async create(auth: AuthContext, body: CreateGroupBody): Promise<GroupDto> {
    const base = slugify(body.name);
    for (let attempt = 0; attempt < 20; attempt++) {
      const slug = attempt === 0 ? base : `${base}-${this.secrets.token(3).slice(0, 4)}`;
      const group = await this.groups.createWithOwner(
        { slug, name: body.name, description: body.description ?? '' },
        auth.user.id,
      );
      if (group) return toGroupDto(group, 'owner');
    }
    throw new ProblemException(409, 'slug-taken', 'Could not find a free address for this group; try another name.');
  }

  async get(auth: AuthContext, slug: string): Promise<GroupDto> {
    const access = await this.access(slug, auth);
    const group = await this.groups.find(access.groupId);
    if (!group) throw notFound('That group');
    return toGroupDto(group, access.role);
  }

  async createInvite(auth: AuthContext, slug: string, body: CreateInviteBody): Promise<InviteDto> {
    const access = await this.access(slug, auth);
    if (!canTeach(access.role)) throw forbidden('Only instructors can invite members.');
    if (body.role === 'instructor' && access.role !== 'owner')
      throw forbidden('Only the owner can invite instructors.');
    const expiresAt = body.expiresInHours
      ? new Date(this.clock.now().getTime() + body.expiresInHours * 3_600_000)
      : null;
    const invite = await this.groups.createInvite({
      groupId: access.groupId,
      code: this.secrets.token(10),
      role: body.role,
      expiresAt,
      createdById: auth.user.id,
    });
    return {
      id: invite.id,
      code: invite.code,
      url: `${this.config.origin}/join/${invite.code}`,
      role: invite.role,
      expires: invite.expiresAt?.toISOString() ?? null,
      uses: invite.uses,
    };
  }

  async join(auth: AuthContext, rawCode: string): Promise<JoinResult> {
    // People paste the whole link as often as the code.
    const code = rawCode.split('/').pop() ?? rawCode;
    const invite = await this.groups.findInvite(code);
    const now = this.clock.now();
    if (!invite || invite.revokedAt || (invite.expiresAt && invite.expiresAt <= now)) {
      throw new ProblemException(
        404,
        'invite-invalid',
        'That invite code is not valid: it may have expired or been revoked.',
      );
    }
    const role = await this.groups.join(invite.id, invite.groupId, auth.user.id, invite.role);
    return { slug: invite.group.slug, role };
  }

  /** The caller's membership, or 404 so that outsiders cannot tell whether the group exists. */
  async access(slug: string, auth: AuthContext): Promise<GroupAccess> {
    const access = await this.members.bySlug(slug, auth.user.id);
    if (!access) throw notFound('That group');
    return access;
  }
}
