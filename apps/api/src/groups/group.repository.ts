import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '../database/prisma.service.js';
import type { Role } from '../generated/prisma/client.js';

const WITH_COUNTS = {
  id: true,
  slug: true,
  name: true,
  description: true,
  preModeration: true,
  commitRevealDefault: true,
  createdAt: true,
  _count: { select: { members: true, documents: true } },
} as const;

export interface GroupRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  preModeration: boolean;
  commitRevealDefault: boolean;
  createdAt: Date;
  _count: { members: number; documents: number };
}

@Injectable()
export class GroupRepository {
  constructor(private readonly prisma: PrismaService) {}

  async listForUser(userId: string): Promise<{ group: GroupRow; role: Role }[]> {
    const rows = await this.prisma.membership.findMany({
      where: { userId },
      orderBy: { joinedAt: 'desc' },
      select: { role: true, group: { select: WITH_COUNTS } },
    });
    return rows.map((r) => ({ group: r.group, role: r.role }));
  }

  find(groupId: string): Promise<GroupRow | null> {
    return this.prisma.group.findUnique({ where: { id: groupId }, select: WITH_COUNTS });
  }

  findBySlug(slug: string): Promise<GroupRow | null> {
    return this.prisma.group.findUnique({ where: { slug }, select: WITH_COUNTS });
  }

  /** Null when the slug is taken. */
  async createWithOwner(
    data: { slug: string; name: string; description: string },
    ownerId: string,
  ): Promise<GroupRow | null> {
    try {
      return await this.prisma.group.create({
        data: { ...data, members: { create: { userId: ownerId, role: 'owner' } } },
        select: WITH_COUNTS,
      });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  async createInvite(data: { groupId: string; code: string; role: Role; expiresAt: Date | null; createdById: string }) {
    return this.prisma.invite.create({ data });
  }

  findInvite(code: string) {
    return this.prisma.invite.findUnique({ where: { code }, include: { group: { select: { slug: true } } } });
  }

  /** Adds the member unless already one; returns the role they end up with. */
  async join(inviteId: string, groupId: string, userId: string, role: Role): Promise<Role> {
    return this.prisma.$transaction(async (tx) => {
      const existing = await tx.membership.findUnique({ where: { groupId_userId: { groupId, userId } } });
      if (existing) return existing.role;
      await tx.membership.create({ data: { groupId, userId, role } });
      await tx.invite.update({ where: { id: inviteId }, data: { uses: { increment: 1 } } });
      return role;
    });
  }
}
