import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

const AUTHOR = { select: { id: true, displayName: true, handle: true } } as const;
/** The stance an annotation or reply takes in a debate (at most one: see debates/stances.service.ts). */
const STANCES = { select: { debateId: true, positionId: true, side: true }, take: 1 } as const;

export const annotationInclude = (viewerId: string) =>
  ({
    author: AUTHOR,
    _count: { select: { votes: true } },
    votes: { where: { userId: viewerId }, select: { id: true } },
    stances: STANCES,
    replies: {
      orderBy: { createdAt: 'asc' },
      include: {
        author: AUTHOR,
        _count: { select: { votes: true } },
        votes: { where: { userId: viewerId }, select: { id: true } },
        stances: STANCES,
      },
    },
  }) satisfies Prisma.AnnotationInclude;

export type AnnotationRow = Prisma.AnnotationGetPayload<{ include: ReturnType<typeof annotationInclude> }>;
export type ReplyRow = AnnotationRow['replies'][number];

export interface ListFilter {
  documentId: string;
  viewerId: string;
  authorId?: string;
  authorHandle?: string;
  tag?: string;
  visibility?: 'private' | 'group';
  status?: 'anchored' | 'moved' | 'orphaned';
  ids?: string[];
}

@Injectable()
export class AnnotationRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  async currentRevision(documentId: string): Promise<{ number: number; text: string } | null> {
    return this.prisma.documentRevision.findFirst({
      where: { documentId },
      orderBy: { number: 'desc' },
      select: { number: true, text: true },
    });
  }

  find(id: string, viewerId: string): Promise<AnnotationRow | null> {
    return this.prisma.annotation.findUnique({ where: { id }, include: annotationInclude(viewerId) });
  }

  findIn(tx: Prisma.TransactionClient, id: string, viewerId: string): Promise<AnnotationRow | null> {
    return tx.annotation.findUnique({ where: { id }, include: annotationInclude(viewerId) });
  }

  list(f: ListFilter): Promise<AnnotationRow[]> {
    return this.prisma.annotation.findMany({
      where: {
        documentId: f.documentId,
        OR: [{ visibility: 'group' }, { authorId: f.viewerId }],
        ...(f.authorId ? { authorId: f.authorId } : {}),
        ...(f.authorHandle ? { author: { handle: f.authorHandle } } : {}),
        ...(f.tag ? { tags: { has: f.tag } } : {}),
        ...(f.visibility ? { visibility: f.visibility } : {}),
        ...(f.status ? { anchorStatus: f.status } : {}),
        ...(f.ids ? { id: { in: f.ids } } : {}),
      },
      // Pinned annotations first (instructors pin what everyone should read), then in text order.
      orderBy: [{ pinned: 'desc' }, { start: 'asc' }, { createdAt: 'asc' }],
      include: annotationInclude(f.viewerId),
    });
  }

  /** Annotations whose note, quote or replies match a web-search style query (PostgreSQL full-text search). */
  async search(documentId: string, q: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT a.id::text AS id FROM annotations a
      WHERE a.document_id = ${documentId}::uuid AND a.deleted_at IS NULL AND (
        to_tsvector('english', a.text || ' ' || a.exact || ' ' || array_to_string(a.tags, ' ')) @@ websearch_to_tsquery('english', ${q})
        OR EXISTS (SELECT 1 FROM replies r WHERE r.annotation_id = a.id AND r.deleted_at IS NULL
                   AND to_tsvector('english', r.text) @@ websearch_to_tsquery('english', ${q})))`;
    return rows.map((r) => r.id);
  }

  /**
   * Like `search`, saying what matched: the annotation itself (`replyId` null: its note, quote or tags) or one of its
   * replies, so that a match only counts when the caller may see the item that matched.
   */
  async searchMatches(documentId: string, q: string): Promise<{ annotationId: string; replyId: string | null }[]> {
    return this.prisma.$queryRaw<{ annotationId: string; replyId: string | null }[]>`
      SELECT a.id::text AS "annotationId", NULL::text AS "replyId" FROM annotations a
      WHERE a.document_id = ${documentId}::uuid AND a.deleted_at IS NULL
        AND to_tsvector('english', a.text || ' ' || a.exact || ' ' || array_to_string(a.tags, ' ')) @@ websearch_to_tsquery('english', ${q})
      UNION ALL
      SELECT r.annotation_id::text, r.id::text FROM replies r JOIN annotations a ON a.id = r.annotation_id
      WHERE a.document_id = ${documentId}::uuid AND r.deleted_at IS NULL
        AND to_tsvector('english', r.text) @@ websearch_to_tsquery('english', ${q})`;
  }

  create(
    tx: Prisma.TransactionClient,
    data: Prisma.AnnotationUncheckedCreateInput,
    viewerId: string,
  ): Promise<AnnotationRow> {
    return tx.annotation.create({ data, include: annotationInclude(viewerId) });
  }

  /** False when `version` is no longer current: someone saved in between. */
  async updateVersioned(
    tx: Prisma.TransactionClient,
    id: string,
    version: number,
    data: Prisma.AnnotationUpdateManyMutationInput,
  ): Promise<boolean> {
    const res = await tx.annotation.updateMany({
      where: { id, version, deletedAt: null },
      data: { ...data, version: { increment: 1 } },
    });
    return res.count === 1;
  }

  /** Moves an annotation to a new selection; false when `version` (if given) is no longer current. */
  async reattach(
    tx: Prisma.TransactionClient,
    id: string,
    version: number | undefined,
    data: {
      target: Prisma.InputJsonValue;
      exact: string;
      prefix: string;
      suffix: string;
      start: number;
      end: number;
      revision: number;
    },
  ): Promise<boolean> {
    const res = await tx.annotation.updateMany({
      where: { id, ...(version !== undefined ? { version } : {}) },
      data: { ...data, anchorStatus: 'anchored', version: { increment: 1 } },
    });
    return res.count === 1;
  }

  async softDelete(tx: Prisma.TransactionClient, id: string, at: Date): Promise<void> {
    await tx.annotation.update({
      where: { id },
      data: { deletedAt: at, text: '', html: '', version: { increment: 1 } },
    });
  }

  createReply(
    tx: Prisma.TransactionClient,
    data: Prisma.ReplyUncheckedCreateInput,
    viewerId: string,
  ): Promise<ReplyRow> {
    return tx.reply.create({
      data,
      include: {
        author: AUTHOR,
        _count: { select: { votes: true } },
        votes: { where: { userId: viewerId }, select: { id: true } },
        stances: STANCES,
      },
    });
  }

  findReply(id: string): Promise<{ id: string; annotationId: string } | null> {
    return this.prisma.reply.findUnique({ where: { id }, select: { id: true, annotationId: true } });
  }
}
