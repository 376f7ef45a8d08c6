import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Role } from '../generated/prisma/client.js';

@Injectable()
export class SeedRepository {
  constructor(private readonly prisma: PrismaService) {}

  groupExists(slug: string): Promise<boolean> {
    return this.prisma.group.count({ where: { slug } }).then((n) => n > 0);
  }

  /**
   * Creates the group, its members and invite in one transaction; false when another process got there first, so
   * the seed runs once however many instances start together.
   */
  async createGroup(data: {
    slug: string;
    name: string;
    description: string;
    members: { email: string; displayName: string; handle: string; passwordHash: string; role: Role }[];
    inviteCode: string;
  }): Promise<{ groupId: string; ownerId: string } | null> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const group = await tx.group.create({
          data: { slug: data.slug, name: data.name, description: data.description },
        });
        let ownerId = '';
        for (const m of data.members) {
          const { role, ...user } = m;
          const row = await tx.user.create({ data: user });
          await tx.membership.create({ data: { groupId: group.id, userId: row.id, role } });
          if (role === 'owner') ownerId = row.id;
        }
        await tx.invite.create({
          data: { groupId: group.id, code: data.inviteCode, role: 'student', createdById: ownerId },
        });
        return { groupId: group.id, ownerId };
      });
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
  }
}
