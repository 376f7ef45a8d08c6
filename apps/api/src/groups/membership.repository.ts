import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Role } from '../generated/prisma/client.js';

export interface GroupAccess {
  groupId: string;
  slug: string;
  role: Role;
  mutedUntil: Date | null;
}

/** Who may do what in which group: the single place group membership is looked up. */
@Injectable()
export class MembershipRepository {
  constructor(private readonly prisma: PrismaService) {}

  async bySlug(slug: string, userId: string): Promise<GroupAccess | null> {
    const m = await this.prisma.membership.findFirst({
      where: { userId, group: { slug } },
      select: { groupId: true, role: true, mutedUntil: true, group: { select: { slug: true } } },
    });
    return m && { groupId: m.groupId, slug: m.group.slug, role: m.role, mutedUntil: m.mutedUntil };
  }

  async byDocument(documentId: string, userId: string): Promise<GroupAccess | null> {
    const m = await this.prisma.membership.findFirst({
      where: { userId, group: { documents: { some: { id: documentId } } } },
      select: { groupId: true, role: true, mutedUntil: true, group: { select: { slug: true } } },
    });
    return m && { groupId: m.groupId, slug: m.group.slug, role: m.role, mutedUntil: m.mutedUntil };
  }
}
