import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { NewDocument } from '../documents/document.repository.js';
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
  /** The author's handle. */
  author: string;
  passage: SeedPassage;
  text: string;
  html: string;
  stance?: SeedStance;
  replies: {
    author: string;
    text: string;
    html: string;
    move: ReplyMove;
    citations: SeedPassage[];
    stance?: SeedStance;
  }[];
}

export interface NewDemo {
  group: { slug: string; name: string; description: string };
  members: { email: string; displayName: string; handle: string; passwordHash: string; role: Role }[];
  inviteCode: string;
  document: Omit<NewDocument, 'groupId' | 'createdById'>;
  debate: { question: string; positions: { title: string; statement: string }[]; threads: SeedThread[] };
}

type Tx = Parameters<Parameters<PrismaService['$transaction']>[0]>[0];

@Injectable()
export class SeedRepository {
  constructor(private readonly prisma: PrismaService) {}

  groupExists(slug: string): Promise<boolean> {
    return this.prisma.group.count({ where: { slug } }).then((n) => n > 0);
  }

  /**
   * The group with its members, invite, document and debate, in one transaction; null when another process got there
   * first, so the seed runs once however many instances start together.
   */
  async createDemo(data: NewDemo): Promise<{ groupId: string } | null> {
    try {
      return await this.prisma.$transaction(
        async (tx) => {
          const group = await tx.group.create({ data: data.group });
          const ids = new Map<string, string>();
          let ownerId = '';
          for (const m of data.members) {
            const { role, ...user } = m;
            const row = await tx.user.create({ data: user });
            await tx.membership.create({ data: { groupId: group.id, userId: row.id, role } });
            ids.set(m.handle, row.id);
            if (role === 'owner') ownerId = row.id;
          }
          await tx.invite.create({
            data: { groupId: group.id, code: data.inviteCode, role: 'student', createdById: ownerId },
          });
          const { format, content, text, blocks, ...meta } = data.document;
          const document = await tx.document.create({
            data: {
              ...meta,
              groupId: group.id,
              createdById: ownerId,
              revisions: { create: { number: 1, format, content, text, blocks, createdById: ownerId } },
            },
            select: { id: true },
          });
          await createDebate(tx, document.id, ownerId, data.debate, (handle) => ids.get(handle)!);
          return { groupId: group.id };
        },
        { timeout: 30_000 },
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'P2002') return null;
      throw error;
    }
  }
}

/** The debate with its positions and threads; each stance supersedes its author's previous one, as when posted in turn. */
async function createDebate(
  tx: Tx,
  documentId: string,
  createdById: string,
  data: NewDemo['debate'],
  userId: (handle: string) => string,
): Promise<void> {
  const debate = await tx.debate.create({
    data: {
      documentId,
      question: data.question,
      createdById,
      positions: { create: data.positions.map((p, ordinal) => ({ ...p, ordinal })) },
    },
    include: { positions: { orderBy: { ordinal: 'asc' } } },
  });
  const stance = async (authorId: string, s: SeedStance, item: { annotationId?: string; replyId?: string }) => {
    await tx.stance.updateMany({
      where: { debateId: debate.id, userId: authorId, supersededAt: null },
      data: { supersededAt: new Date() },
    });
    await tx.stance.create({
      data: {
        debateId: debate.id,
        positionId: debate.positions[s.position]!.id,
        userId: authorId,
        side: s.side,
        ...item,
      },
    });
  };
  for (const t of data.threads) {
    const { target, exact, prefix, suffix, start, end } = t.passage;
    const authorId = userId(t.author);
    const a = await tx.annotation.create({
      data: {
        documentId,
        authorId,
        target,
        exact,
        prefix,
        suffix,
        start,
        end,
        revision: 1,
        text: t.text,
        html: t.html,
      },
    });
    if (t.stance) await stance(authorId, t.stance, { annotationId: a.id });
    for (const r of t.replies) {
      const replyAuthorId = userId(r.author);
      const citations = r.citations.map((c) => ({
        target: c.target,
        anchor: { status: 'anchored', start: c.start, end: c.end },
      }));
      const reply = await tx.reply.create({
        data: { annotationId: a.id, authorId: replyAuthorId, text: r.text, html: r.html, move: r.move, citations },
      });
      if (r.stance) await stance(replyAuthorId, r.stance, { replyId: reply.id });
    }
  }
}
