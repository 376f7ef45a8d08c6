import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma, Role } from '../generated/prisma/client.js';
import { type AuditInput, recordAudit } from '../moderation/audit.repository.js';

const AUTHOR = { select: { id: true, displayName: true, handle: true } } as const;

const MEMBER = {
  role: true,
  mutedUntil: true,
  joinedAt: true,
  user: AUTHOR,
} as const satisfies Prisma.MembershipSelect;
export type MemberRow = Prisma.MembershipGetPayload<{ select: typeof MEMBER }>;

const INVITE = {
  id: true,
  code: true,
  role: true,
  expiresAt: true,
  revokedAt: true,
  createdAt: true,
  uses: true,
  createdBy: AUTHOR,
} as const satisfies Prisma.InviteSelect;
export type InviteRow = Prisma.InviteGetPayload<{ select: typeof INVITE }>;

const ROLE_ORDER: Record<Role, number> = { owner: 0, instructor: 1, student: 2 };

/** Audit rows for administrative changes go with the change, in one transaction. */
type Audit = Omit<AuditInput, 'groupId'>;

@Injectable()
export class MemberRepository {
  constructor(private readonly prisma: PrismaService) {}

  async updateGroup(
    groupId: string,
    data: { name?: string; description?: string; preModeration?: boolean; commitRevealDefault?: boolean },
    audit: Audit,
  ): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.group.update({ where: { id: groupId }, data });
      await recordAudit(tx, { ...audit, groupId });
    });
  }

  async deleteGroup(groupId: string): Promise<void> {
    await this.prisma.group.deleteMany({ where: { id: groupId } });
  }

  async members(groupId: string): Promise<MemberRow[]> {
    const rows = await this.prisma.membership.findMany({
      where: { groupId },
      select: MEMBER,
      orderBy: { joinedAt: 'asc' },
    });
    return rows.sort(
      (a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.user.displayName.localeCompare(b.user.displayName),
    );
  }

  member(groupId: string, userId: string): Promise<MemberRow | null> {
    return this.prisma.membership.findUnique({ where: { groupId_userId: { groupId, userId } }, select: MEMBER });
  }

  /** Changes a role only if it is still `from` (two instructors clicking at once); null when it was not. */
  async setRole(groupId: string, userId: string, from: Role, to: Role, audit: Audit): Promise<MemberRow | null> {
    return this.prisma.$transaction(async (tx) => {
      const res = await tx.membership.updateMany({
        where: { groupId, userId, role: from },
        data: { role: to, ...(to !== 'student' ? { mutedUntil: null } : {}) },
      });
      if (res.count !== 1) return null;
      await recordAudit(tx, { ...audit, groupId });
      return tx.membership.findUnique({ where: { groupId_userId: { groupId, userId } }, select: MEMBER });
    });
  }

  /** The owner hands the group over: `toId` becomes the owner, `fromId` an instructor. False if either changed meanwhile. */
  async transferOwnership(groupId: string, fromId: string, toId: string, audit: Audit): Promise<MemberRow | null> {
    return this.prisma
      .$transaction(async (tx) => {
        const demoted = await tx.membership.updateMany({
          where: { groupId, userId: fromId, role: 'owner' },
          data: { role: 'instructor' },
        });
        const promoted = await tx.membership.updateMany({
          where: { groupId, userId: toId, role: { not: 'owner' } },
          data: { role: 'owner', mutedUntil: null },
        });
        if (demoted.count !== 1 || promoted.count !== 1) throw new OwnershipChanged();
        await recordAudit(tx, { ...audit, groupId });
        return tx.membership.findUnique({ where: { groupId_userId: { groupId, userId: toId } }, select: MEMBER });
      })
      .catch((error: unknown) => {
        if (error instanceof OwnershipChanged) return null;
        throw error;
      });
  }

  /** Removes a member whose role is still `role`; false when it is not (or they are gone). */
  async removeMember(groupId: string, userId: string, role: Role, audit: Audit | null): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const res = await tx.membership.deleteMany({ where: { groupId, userId, role } });
      if (res.count !== 1) return false;
      if (audit) await recordAudit(tx, { ...audit, groupId });
      return true;
    });
  }

  invites(groupId: string, roles: Role[]): Promise<InviteRow[]> {
    return this.prisma.invite.findMany({
      where: { groupId, role: { in: roles } },
      orderBy: { createdAt: 'desc' },
      select: INVITE,
    });
  }

  invite(groupId: string, id: string): Promise<InviteRow | null> {
    return this.prisma.invite.findFirst({ where: { id, groupId }, select: INVITE });
  }

  /** Revokes an invite unless it already is; true when this call revoked it. */
  async revokeInvite(groupId: string, id: string, at: Date, audit: Audit): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const res = await tx.invite.updateMany({ where: { id, groupId, revokedAt: null }, data: { revokedAt: at } });
      if (res.count !== 1) return false;
      await recordAudit(tx, { ...audit, groupId });
      return true;
    });
  }
}

class OwnershipChanged extends Error {}
