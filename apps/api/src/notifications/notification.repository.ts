import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

const SELECT = {
  id: true,
  userId: true,
  kind: true,
  data: true,
  readAt: true,
  createdAt: true,
  actor: { select: { id: true, displayName: true, handle: true } },
} as const satisfies Prisma.NotificationSelect;

export type NotificationRow = Prisma.NotificationGetPayload<{ select: typeof SELECT }>;

@Injectable()
export class NotificationRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    tx: Tx | undefined,
    data: { userId: string; actorId: string | null; kind: string; data: Prisma.InputJsonValue; createdAt: Date },
  ): Promise<NotificationRow> {
    return (tx ?? this.prisma).notification.create({ data, select: SELECT });
  }

  /** Whether `userId` has an unread notification of `kind` from `actorId` whose data has `key` = `value`. */
  async hasUnread(
    tx: Tx | undefined,
    userId: string,
    actorId: string,
    kind: string,
    key: string,
    value: string,
  ): Promise<boolean> {
    const n = await (tx ?? this.prisma).notification.count({
      where: { userId, actorId, kind, readAt: null, data: { path: [key], equals: value } },
    });
    return n > 0;
  }

  list(userId: string, limit: number, unreadOnly: boolean): Promise<NotificationRow[]> {
    return this.prisma.notification.findMany({
      where: { userId, ...(unreadOnly ? { readAt: null } : {}) },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: SELECT,
    });
  }

  unreadCount(userId: string): Promise<number> {
    return this.prisma.notification.count({ where: { userId, readAt: null } });
  }

  async markRead(userId: string, ids: string[] | undefined, at: Date): Promise<void> {
    await this.prisma.notification.updateMany({
      where: { userId, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
      data: { readAt: at },
    });
  }

  /** The members of the document's group among `handles` (lower-case), with their ids. */
  membersByHandle(documentId: string, handles: string[]): Promise<{ id: string; handle: string }[]> {
    if (handles.length === 0) return Promise.resolve([]);
    return this.prisma.user.findMany({
      where: { handle: { in: handles }, memberships: { some: { group: { documents: { some: { id: documentId } } } } } },
      select: { id: true, handle: true },
    });
  }
}
