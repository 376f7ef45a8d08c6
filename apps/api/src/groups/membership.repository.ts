import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Role } from '../generated/prisma/client.js';

export interface GroupAccess {
  groupId: string;
  slug: string;
  role: Role;
  mutedUntil: Date | null;
  /** The group holds students' new annotations and replies for approval. */
  preModeration: boolean;
}

const ACCESS = {
  groupId: true,
  role: true,
  mutedUntil: true,
  group: { select: { slug: true, preModeration: true } },
} as const;

/** Who may do what in which group: the single place group membership is looked up. */
@Injectable()
export class MembershipRepository {
  constructor(private readonly prisma: PrismaService) {}

  async bySlug(slug: string, userId: string): Promise<GroupAccess | null> {
    const m = await this.prisma.membership.findFirst({
      where: { userId, group: { slug } },
      select: ACCESS,
    });
    return (
      m && {
        groupId: m.groupId,
        slug: m.group.slug,
        role: m.role,
        mutedUntil: m.mutedUntil,
        preModeration: m.group.preModeration,
      }
    );
  }

  async byDocument(documentId: string, userId: string): Promise<GroupAccess | null> {
    const m = await this.prisma.membership.findFirst({
      where: { userId, group: { documents: { some: { id: documentId } } } },
      select: ACCESS,
    });
    return (
      m && {
        groupId: m.groupId,
        slug: m.group.slug,
        role: m.role,
        mutedUntil: m.mutedUntil,
        preModeration: m.group.preModeration,
      }
    );
  }
}
