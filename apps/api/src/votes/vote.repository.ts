import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export type VoteKind = 'annotation' | 'reply';

/** What a vote needs to know about its target: where it is, whose it is, and whether the voter may see it. */
export interface VoteTarget {
  kind: VoteKind;
  id: string;
  annotationId: string;
  documentId: string;
  groupSlug: string;
  authorId: string;
  text: string;
  /** The thread's visibility and author (a reply is as visible as its annotation). */
  visibility: 'private' | 'group';
  threadAuthorId: string;
  deleted: boolean;
  removed: boolean;
  review: string;
  threadRemoved: boolean;
  threadReview: string;
}

const THREAD = {
  id: true,
  documentId: true,
  authorId: true,
  visibility: true,
  deletedAt: true,
  removedAt: true,
  review: true,
  text: true,
  document: { select: { group: { select: { slug: true } } } },
} as const;

@Injectable()
export class VoteRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  async target(kind: VoteKind, id: string): Promise<VoteTarget | null> {
    if (kind === 'annotation') {
      const a = await this.prisma.annotation.findUnique({ where: { id }, select: THREAD });
      if (!a) return null;
      return {
        kind,
        id,
        annotationId: a.id,
        documentId: a.documentId,
        groupSlug: a.document.group.slug,
        authorId: a.authorId,
        text: a.text,
        visibility: a.visibility,
        threadAuthorId: a.authorId,
        deleted: a.deletedAt !== null,
        removed: a.removedAt !== null,
        review: a.review,
        threadRemoved: a.removedAt !== null,
        threadReview: a.review,
      };
    }
    const r = await this.prisma.reply.findUnique({
      where: { id },
      select: {
        id: true,
        authorId: true,
        text: true,
        deletedAt: true,
        removedAt: true,
        review: true,
        annotation: { select: THREAD },
      },
    });
    if (!r) return null;
    const a = r.annotation;
    return {
      kind,
      id,
      annotationId: a.id,
      documentId: a.documentId,
      groupSlug: a.document.group.slug,
      authorId: r.authorId,
      text: r.text,
      visibility: a.visibility,
      threadAuthorId: a.authorId,
      deleted: r.deletedAt !== null,
      removed: r.removedAt !== null,
      review: r.review,
      threadRemoved: a.removedAt !== null,
      threadReview: a.review,
    };
  }

  /** Removes `userId`'s vote if there is one, else adds it; then the count. A concurrent duplicate throws P2002. */
  async toggle(
    tx: Tx,
    userId: string,
    kind: VoteKind,
    id: string,
    at: Date,
  ): Promise<{ voted: boolean; votes: number }> {
    const where = kind === 'annotation' ? { userId, annotationId: id } : { userId, replyId: id };
    const removed = await tx.vote.deleteMany({ where });
    if (removed.count === 0) await tx.vote.create({ data: { ...where, createdAt: at } });
    const votes = await tx.vote.count({ where: kind === 'annotation' ? { annotationId: id } : { replyId: id } });
    return { voted: removed.count === 0, votes };
  }
}
