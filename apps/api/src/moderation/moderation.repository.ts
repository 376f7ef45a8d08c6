import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '../database/prisma.service.js';
import type { Prisma, Role } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

const AUTHOR = { select: { id: true, displayName: true, handle: true } } as const;

const ANNOTATION_ITEM = {
  id: true,
  documentId: true,
  authorId: true,
  visibility: true,
  exact: true,
  text: true,
  review: true,
  hiddenAt: true,
  hiddenReason: true,
  removedAt: true,
  deletedAt: true,
  locked: true,
  pinned: true,
  createdAt: true,
  author: AUTHOR,
  document: { select: { groupId: true, title: true } },
} as const satisfies Prisma.AnnotationSelect;

const REPLY_ITEM = {
  id: true,
  annotationId: true,
  authorId: true,
  text: true,
  review: true,
  hiddenAt: true,
  hiddenReason: true,
  removedAt: true,
  deletedAt: true,
  createdAt: true,
  author: AUTHOR,
  annotation: { select: ANNOTATION_ITEM },
} as const satisfies Prisma.ReplySelect;

export type AnnotationItem = Prisma.AnnotationGetPayload<{ select: typeof ANNOTATION_ITEM }>;
export type ReplyItem = Prisma.ReplyGetPayload<{ select: typeof REPLY_ITEM }>;

const FLAG = {
  id: true,
  reason: true,
  createdAt: true,
  resolvedAt: true,
  annotationId: true,
  replyId: true,
  reporter: AUTHOR,
  annotation: { select: ANNOTATION_ITEM },
  reply: { select: REPLY_ITEM },
} as const satisfies Prisma.FlagSelect;

export type FlagRow = Prisma.FlagGetPayload<{ select: typeof FLAG }>;

/** A state change of an annotation or reply, applied only if the item is still in the state `where` describes. */
export interface ItemChange {
  where: Prisma.AnnotationWhereInput & Prisma.ReplyWhereInput;
  data: Prisma.AnnotationUpdateManyMutationInput & Prisma.ReplyUpdateManyMutationInput;
}

const inGroup = (groupId: string): Prisma.FlagWhereInput => ({
  OR: [{ annotation: { is: { document: { groupId } } } }, { reply: { is: { annotation: { document: { groupId } } } } }],
});

@Injectable()
export class ModerationRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  findAnnotation(id: string): Promise<AnnotationItem | null> {
    return this.prisma.annotation.findUnique({ where: { id }, select: ANNOTATION_ITEM });
  }

  findReply(id: string): Promise<ReplyItem | null> {
    return this.prisma.reply.findUnique({ where: { id }, select: REPLY_ITEM });
  }

  /** Null when this reporter already flagged the item. */
  async createFlag(data: { reporterId: string; annotationId?: string; replyId?: string; reason: string }) {
    try {
      return await this.prisma.flag.create({ data, select: { id: true, reason: true, createdAt: true } });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }

  /** Open flags on items of the group that are still there to moderate, oldest first. */
  openFlags(groupId: string): Promise<FlagRow[]> {
    return this.prisma.flag.findMany({
      where: {
        resolvedAt: null,
        ...inGroup(groupId),
        NOT: [
          { annotation: { is: { OR: [{ deletedAt: { not: null } }, { removedAt: { not: null } }] } } },
          { reply: { is: { OR: [{ deletedAt: { not: null } }, { removedAt: { not: null } }] } } },
        ],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: FLAG,
    });
  }

  findFlag(id: string): Promise<FlagRow | null> {
    return this.prisma.flag.findUnique({ where: { id }, select: FLAG });
  }

  /** Group annotations and replies awaiting approval, oldest first. */
  async pending(groupId: string): Promise<{ annotations: AnnotationItem[]; replies: ReplyItem[] }> {
    const live = { review: 'pending', deletedAt: null, removedAt: null } as const;
    const [annotations, replies] = await Promise.all([
      this.prisma.annotation.findMany({
        where: { ...live, visibility: 'group', document: { groupId } },
        orderBy: { createdAt: 'asc' },
        select: ANNOTATION_ITEM,
      }),
      this.prisma.reply.findMany({
        where: {
          ...live,
          annotation: { visibility: 'group', deletedAt: null, removedAt: null, document: { groupId } },
        },
        orderBy: { createdAt: 'asc' },
        select: REPLY_ITEM,
      }),
    ]);
    return { annotations, replies };
  }

  /** False when the annotation is no longer in the state the change expects (someone acted first). */
  async changeAnnotation(tx: Tx, id: string, change: ItemChange): Promise<boolean> {
    const res = await tx.annotation.updateMany({ where: { id, deletedAt: null, ...change.where }, data: change.data });
    return res.count === 1;
  }

  async changeReply(tx: Tx, id: string, change: ItemChange): Promise<boolean> {
    const res = await tx.reply.updateMany({ where: { id, deletedAt: null, ...change.where }, data: change.data });
    return res.count === 1;
  }

  /** Resolves the open flags of an item (or one flag); how many were open. */
  async resolveFlags(
    tx: Tx,
    target: { annotationId: string } | { replyId: string } | { id: string },
    at: Date,
  ): Promise<number> {
    const res = await tx.flag.updateMany({ where: { ...target, resolvedAt: null }, data: { resolvedAt: at } });
    return res.count;
  }

  member(groupId: string, userId: string): Promise<{ role: Role; mutedUntil: Date | null } | null> {
    return this.prisma.membership.findUnique({
      where: { groupId_userId: { groupId, userId } },
      select: { role: true, mutedUntil: true },
    });
  }

  /** False when the member left or was removed meanwhile (or, for `onlyIfMutedAfter`, is not muted). */
  async setMute(
    tx: Tx,
    groupId: string,
    userId: string,
    until: Date | null,
    onlyIfMutedAfter?: Date,
  ): Promise<boolean> {
    const res = await tx.membership.updateMany({
      where: {
        groupId,
        userId,
        role: 'student',
        ...(onlyIfMutedAfter ? { mutedUntil: { gt: onlyIfMutedAfter } } : {}),
      },
      data: { mutedUntil: until },
    });
    return res.count === 1;
  }
}
