import { Injectable } from '@nestjs/common';
import type { DocumentEventEnvelope, DocumentEventPayloads } from '@scholia/shared';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../database/prisma.service.js';

type Tx = Prisma.TransactionClient;

/** Who may receive an event: everyone in the document's group, or only the named user (a private item). */
export interface Audience {
  userId?: string;
}

export interface StoredEvent extends DocumentEventEnvelope {
  audience: Audience;
}

/** The per-document outbox: an event is written in the same transaction as the change it reports. */
@Injectable()
export class EventRepository {
  constructor(private readonly prisma: PrismaService) {}

  async append<T extends keyof DocumentEventPayloads>(
    tx: Tx,
    documentId: string,
    type: T,
    payload: DocumentEventPayloads[T],
    audience: Audience = {},
  ): Promise<StoredEvent> {
    // The row lock on the document serialises writers, so sequence numbers have no gaps and commit in order.
    const doc = await tx.document.update({ where: { id: documentId }, data: { eventSeq: { increment: 1 } }, select: { eventSeq: true } });
    await tx.documentEvent.create({
      data: { documentId, seq: doc.eventSeq, type, payload: payload as Prisma.InputJsonValue, audience: audience as Prisma.InputJsonValue },
    });
    return { documentId, seq: doc.eventSeq, type, payload, audience } as StoredEvent;
  }

  /** Events after `seq`, oldest first, and the oldest sequence number still kept. */
  async since(documentId: string, seq: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.prisma.documentEvent.findMany({
      where: { documentId, seq: { gt: seq } },
      orderBy: { seq: 'asc' },
      take: limit,
    });
    return rows.map((r) => ({
      documentId: r.documentId,
      seq: r.seq,
      type: r.type as keyof DocumentEventPayloads,
      payload: r.payload as unknown as DocumentEventPayloads[keyof DocumentEventPayloads],
      audience: r.audience as Audience,
    }));
  }

  async currentSeq(documentId: string): Promise<number> {
    const doc = await this.prisma.document.findUnique({ where: { id: documentId }, select: { eventSeq: true } });
    return doc?.eventSeq ?? 0;
  }
}
