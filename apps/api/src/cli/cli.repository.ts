import { PrismaService } from '../database/prisma.service.js';

/** The few look-ups the command line needs that the request-driven repositories do not offer. */
export class CliRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The group with its owner (the longest-standing one, should there be several); null for an unknown slug. */
  async groupWithOwner(
    slug: string,
  ): Promise<{ id: string; slug: string; name: string; owner: { id: string; displayName: string } | null } | null> {
    const group = await this.prisma.group.findUnique({
      where: { slug },
      select: {
        id: true,
        slug: true,
        name: true,
        members: {
          where: { role: 'owner' },
          orderBy: { joinedAt: 'asc' },
          take: 1,
          select: { user: { select: { id: true, displayName: true } } },
        },
      },
    });
    if (!group) return null;
    return { id: group.id, slug: group.slug, name: group.name, owner: group.members[0]?.user ?? null };
  }
}
