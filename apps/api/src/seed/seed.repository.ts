import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { ReplyMove, Role, StanceSide } from '../generated/prisma/client.js';

/** A passage located in the text: the selectors as the anchorer describes them, and where they anchor. */
export interface SeedPassage {
  target: object;
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
}

export interface SeedStance {
  position: number;
  side: StanceSide;
}

export interface SeedThread {
  authorId: string;
  passage: SeedPassage;
  text: string;
  html: string;
  stance?: SeedStance;
  replies: {
    authorId: string;
    text: string;
    html: string;
    move: ReplyMove;
    citations: SeedPassage[];
    stance?: SeedStance;
  }[];
}

@Injectable()
export class SeedRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The ids of the users with these e-mail addresses. */
  async userIds(emails: string[]): Promise<Map<string, string>> {
    const rows = await this.prisma.user.findMany({
      where: { email: { in: emails } },
      select: { id: true, email: true },
    });
    return new Map(rows.map((r) => [r.email, r.id]));
  }

  async documentText(documentId: string): Promise<{ text: string; revision: number } | null> {
    const rev = await this.prisma.documentRevision.findFirst({
      where: { documentId },
      orderBy: { number: 'desc' },
      select: { text: true, number: true },
    });
    return rev && { text: rev.text, revision: rev.number };
  }

  /**
   * A debate with its positions, and threads of annotations and replies that take stances in it, in one transaction;
   * each stance supersedes its author's previous one, as when posted one after another.
   */
  async createDebate(data: {
    documentId: string;
    revision: number;
    createdById: string;
    question: string;
    positions: { title: string; statement: string }[];
    threads: SeedThread[];
  }): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const debate = await tx.debate.create({
        data: {
          documentId: data.documentId,
          question: data.question,
          createdById: data.createdById,
          positions: { create: data.positions.map((p, ordinal) => ({ ...p, ordinal })) },
        },
        include: { positions: { orderBy: { ordinal: 'asc' } } },
      });
      const stance = async (userId: string, s: SeedStance, item: { annotationId?: string; replyId?: string }) => {
        await tx.stance.updateMany({
          where: { debateId: debate.id, userId, supersededAt: null },
          data: { supersededAt: new Date() },
        });
        await tx.stance.create({
          data: { debateId: debate.id, positionId: debate.positions[s.position]!.id, userId, side: s.side, ...item },
        });
      };
      for (const t of data.threads) {
        const { target, exact, prefix, suffix, start, end } = t.passage;
        const a = await tx.annotation.create({
          data: {
            documentId: data.documentId,
            authorId: t.authorId,
            target,
            exact,
            prefix,
            suffix,
            start,
            end,
            revision: data.revision,
            text: t.text,
            html: t.html,
          },
        });
        if (t.stance) await stance(t.authorId, t.stance, { annotationId: a.id });
        for (const r of t.replies) {
          const citations = r.citations.map((c) => ({
            target: c.target,
            anchor: { status: 'anchored', start: c.start, end: c.end },
          }));
          const reply = await tx.reply.create({
            data: { annotationId: a.id, authorId: r.authorId, text: r.text, html: r.html, move: r.move, citations },
          });
          if (r.stance) await stance(r.authorId, r.stance, { replyId: reply.id });
        }
      }
      return debate.id;
    });
  }

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
