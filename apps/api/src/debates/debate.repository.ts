import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { DebateMode, DebateStatus, Prisma, StanceSide } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

const AUTHOR = { select: { id: true, displayName: true, handle: true } } as const;

const DEBATE_INCLUDE = {
  positions: { orderBy: { ordinal: 'asc' } },
  createdBy: AUTHOR,
  document: { select: { title: true, groupId: true, group: { select: { slug: true } } } },
} as const satisfies Prisma.DebateInclude;

export type DebateRow = Prisma.DebateGetPayload<{ include: typeof DEBATE_INCLUDE }>;

/**
 * A stance that reveals a commit-then-reveal debate to its author: posted on something the group can see and still
 * there (a private note, or one deleted again, does not count).
 */
const revealing = (userId?: string): Prisma.StanceWhereInput => ({
  ...(userId ? { userId } : {}),
  OR: [
    { annotation: { deletedAt: null, visibility: 'group' } },
    { reply: { deletedAt: null, annotation: { visibility: 'group' } } },
  ],
});

/** Still sealed at `now`: commit-then-reveal without a reveal time, or with one still ahead. */
const sealedAt = (now: Date): Prisma.DebateWhereInput => ({
  mode: 'commit_reveal',
  OR: [{ revealAt: null }, { revealAt: { gt: now } }],
});

const ITEM_MODERATION = { deletedAt: true, hiddenAt: true, removedAt: true, review: true } as const;

export const boardInclude = (viewerId: string) =>
  ({
    user: AUTHOR,
    annotation: {
      select: {
        id: true,
        authorId: true,
        exact: true,
        start: true,
        end: true,
        text: true,
        visibility: true,
        createdAt: true,
        ...ITEM_MODERATION,
        _count: { select: { votes: true } },
        votes: { where: { userId: viewerId }, select: { id: true } },
      },
    },
    reply: {
      select: {
        id: true,
        annotationId: true,
        authorId: true,
        text: true,
        citations: true,
        createdAt: true,
        ...ITEM_MODERATION,
        _count: { select: { votes: true } },
        votes: { where: { userId: viewerId }, select: { id: true } },
        annotation: {
          select: {
            id: true,
            authorId: true,
            exact: true,
            start: true,
            end: true,
            visibility: true,
            ...ITEM_MODERATION,
            stances: { select: { debateId: true } },
          },
        },
      },
    },
  }) satisfies Prisma.StanceInclude;

export type BoardStanceRow = Prisma.StanceGetPayload<{ include: ReturnType<typeof boardInclude> }>;

export interface PositionLock {
  positionId: string;
  debateId: string;
  documentId: string;
  status: DebateStatus;
}

export interface StanceSummary {
  debateId: string;
  positionId: string;
  side: StanceSide;
}

type SealedDebate = { id: string; revealAt: Date | null };

@Injectable()
export class DebateRepository {
  /** `sealedDebates` per open transaction (gone with it). */
  private readonly sealedInTx = new WeakMap<Tx, Map<string, Promise<SealedDebate[]>>>();

  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  create(
    tx: Tx,
    data: {
      documentId: string;
      question: string;
      mode: DebateMode;
      revealAt: Date | null;
      createdById: string;
      positions: { title: string; statement: string }[];
    },
  ): Promise<DebateRow> {
    const { positions, ...debate } = data;
    return tx.debate.create({
      data: { ...debate, positions: { create: positions.map((p, ordinal) => ({ ...p, ordinal })) } },
      include: DEBATE_INCLUDE,
    });
  }

  find(id: string): Promise<DebateRow | null> {
    return this.prisma.debate.findUnique({ where: { id }, include: DEBATE_INCLUDE });
  }

  listForDocument(documentId: string): Promise<DebateRow[]> {
    return this.prisma.debate.findMany({
      where: { documentId },
      orderBy: { createdAt: 'asc' },
      include: DEBATE_INCLUDE,
    });
  }

  listForGroup(groupId: string): Promise<DebateRow[]> {
    return this.prisma.debate.findMany({
      where: { document: { groupId } },
      orderBy: { createdAt: 'desc' },
      include: DEBATE_INCLUDE,
    });
  }

  update(
    tx: Tx,
    id: string,
    data: { status?: DebateStatus; revealAt?: Date | null; question?: string },
  ): Promise<DebateRow> {
    return tx.debate.update({ where: { id }, data, include: DEBATE_INCLUDE });
  }

  /** The group's slug and whether it defaults to commit-then-reveal, for a document. */
  groupOfDocument(documentId: string): Promise<{ commitRevealDefault: boolean } | null> {
    return this.prisma.group.findFirst({
      where: { documents: { some: { id: documentId } } },
      select: { commitRevealDefault: true },
    });
  }

  /** `userId`'s current stance in each of `debateIds`. */
  async currentStances(debateIds: string[], userId: string): Promise<StanceSummary[]> {
    if (debateIds.length === 0) return [];
    return this.prisma.stance.findMany({
      where: { debateId: { in: debateIds }, userId, supersededAt: null },
      select: { debateId: true, positionId: true, side: true },
    });
  }

  /** Which of `debateIds` `userId` has revealed by posting a stance of their own. */
  async revealedBy(debateIds: string[], userId: string): Promise<Set<string>> {
    if (debateIds.length === 0) return new Set();
    const rows = await this.prisma.stance.findMany({
      where: { debateId: { in: debateIds }, ...revealing(userId) },
      select: { debateId: true },
      distinct: ['debateId'],
    });
    return new Set(rows.map((r) => r.debateId));
  }

  /**
   * The document's debates still sealed at `now`. Within a transaction they are read once per document: a reply asks
   * for them to gate its notifications and again to gate its event, a few milliseconds apart.
   */
  sealedDebates(documentId: string, now: Date, tx?: Tx): Promise<SealedDebate[]> {
    const read = () =>
      (tx ?? this.prisma).debate.findMany({
        where: { documentId, ...sealedAt(now) },
        select: { id: true, revealAt: true },
      });
    if (!tx) return read();
    let byDocument = this.sealedInTx.get(tx);
    if (!byDocument) this.sealedInTx.set(tx, (byDocument = new Map()));
    let sealed = byDocument.get(documentId);
    // A real promise: Prisma's are lazy, and each `then` on one would run the query again.
    if (!sealed) byDocument.set(documentId, (sealed = Promise.resolve(read())));
    return sealed;
  }

  /** Who is admitted to a sealed debate: the group's instructors and everyone who has posted a revealing stance. */
  async admitted(debateId: string, tx?: Tx): Promise<string[]> {
    const db = tx ?? this.prisma;
    const [teachers, posters] = await Promise.all([
      db.membership.findMany({
        where: {
          role: { in: ['owner', 'instructor'] },
          group: { documents: { some: { debates: { some: { id: debateId } } } } },
        },
        select: { userId: true },
      }),
      db.stance.findMany({ where: { debateId, ...revealing() }, select: { userId: true }, distinct: ['userId'] }),
    ]);
    return [...new Set([...teachers.map((t) => t.userId), ...posters.map((p) => p.userId)])];
  }

  /**
   * The position with its debate, locked against a concurrent close until the transaction ends (FOR SHARE on the
   * debate row: closing waits for stances being taken, and a stance taken after a close sees it closed).
   */
  async lockPosition(tx: Tx, positionId: string): Promise<PositionLock | null> {
    const rows = await tx.$queryRaw<
      { positionId: string; debateId: string; documentId: string; status: DebateStatus }[]
    >`
      SELECT p.id::text AS "positionId", d.id::text AS "debateId", d.document_id::text AS "documentId", d.status::text AS status
      FROM positions p JOIN debates d ON d.id = p.debate_id
      WHERE p.id = ${positionId}::uuid
      FOR SHARE OF d`;
    return rows[0] ?? null;
  }

  /** Marks `userId`'s current stance in the debate as superseded, and takes the new one. */
  async takeStance(
    tx: Tx,
    data: {
      debateId: string;
      positionId: string;
      userId: string;
      side: StanceSide;
      annotationId: string | null;
      replyId: string | null;
    },
    at: Date,
  ): Promise<{ id: string }> {
    await tx.stance.updateMany({
      where: { debateId: data.debateId, userId: data.userId, supersededAt: null },
      data: { supersededAt: at },
    });
    return tx.stance.create({ data: { ...data, createdAt: at }, select: { id: true } });
  }

  /** The stances taken by an annotation's thread: its own and its replies', with the replies' places in it. */
  async threadStances(
    annotationId: string,
    tx?: Tx,
  ): Promise<{ annotationDebates: string[]; replies: { id: string; parentId: string | null; debateIds: string[] }[] }> {
    const a = await (tx ?? this.prisma).annotation.findUnique({
      where: { id: annotationId },
      select: {
        stances: { select: { debateId: true } },
        replies: {
          orderBy: { createdAt: 'asc' },
          select: { id: true, parentId: true, stances: { select: { debateId: true } } },
        },
      },
    });
    return {
      annotationDebates: a?.stances.map((s) => s.debateId) ?? [],
      replies:
        a?.replies.map((r) => ({ id: r.id, parentId: r.parentId, debateIds: r.stances.map((s) => s.debateId) })) ?? [],
    };
  }

  /** The debates each annotation of the document takes a stance in (annotations without one are left out). */
  async annotationStanceDebates(documentId: string, tx?: Tx): Promise<Map<string, string[]>> {
    const rows = await (tx ?? this.prisma).stance.findMany({
      where: { annotation: { documentId } },
      select: { annotationId: true, debateId: true },
    });
    const out = new Map<string, string[]>();
    for (const r of rows) if (r.annotationId) out.set(r.annotationId, [...(out.get(r.annotationId) ?? []), r.debateId]);
    return out;
  }

  /** The thread a reply belongs to. */
  replyAnnotation(replyId: string, tx?: Tx): Promise<{ annotationId: string } | null> {
    return (tx ?? this.prisma).reply.findUnique({ where: { id: replyId }, select: { annotationId: true } });
  }

  boardStances(debateId: string, viewerId: string): Promise<BoardStanceRow[]> {
    return this.prisma.stance.findMany({
      where: { debateId },
      orderBy: { createdAt: 'asc' },
      include: boardInclude(viewerId),
    });
  }

  history(debateId: string, userId?: string) {
    return this.prisma.stance.findMany({
      where: { debateId, ...(userId ? { userId } : {}) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        positionId: true,
        side: true,
        annotationId: true,
        replyId: true,
        createdAt: true,
        supersededAt: true,
        user: AUTHOR,
      },
    });
  }

  /** The current text of a document, for quoting contested ranges. */
  async documentText(documentId: string): Promise<string> {
    const rev = await this.prisma.documentRevision.findFirst({
      where: { documentId },
      orderBy: { number: 'desc' },
      select: { text: true },
    });
    return rev?.text ?? '';
  }
}
