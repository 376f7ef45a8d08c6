import { Injectable } from '@nestjs/common';
import type { DocumentEventEnvelope, DocumentEventPayloads } from '@scholia/shared';
import type { Prisma } from '../generated/prisma/client.js';
import { PrismaService } from '../database/prisma.service.js';
import type { SealedGate } from '../debates/sealing.js';

type Tx = Prisma.TransactionClient;

/**
 * Who may receive an event. `{}`: everyone in the document's group; `{ userId }`: only that user (a private item).
 * A moderated item (hidden, removed, pending or rejected) is reported as one event per view: `{ moderators: true }`
 * for the group's instructors, `{ userId }` for its author, and `{ except: { moderators: true, userId } }` for
 * everyone else (see moderation/item-events.ts).
 */
export interface Audience {
  userId?: string;
  /** Only the group's instructors (and `userId`, when given). */
  moderators?: boolean;
  /** Everyone but these. */
  except?: { moderators?: boolean; userId?: string };
  /**
   * Commit-then-reveal debates the event touches while they are sealed: applied per recipient on top of the above
   * (debates/sealing.ts). Added by the debates module as the event is written; callers need not set it.
   */
  sealed?: SealedGate[];
}

/**
 * Narrows an event's audience as it is written, inside the same transaction (see `refineAudience`). `batch` is given
 * when many events are written at once (`appendMany`, with no other writes in between): a scratch map, the same for
 * every event of the batch, where a refiner may keep what it read for the first one.
 */
export type AudienceRefiner = (
  tx: Tx,
  documentId: string,
  type: keyof DocumentEventPayloads,
  payload: unknown,
  audience: Audience,
  batch?: Map<string, unknown>,
) => Promise<Audience>;

export interface StoredEvent extends DocumentEventEnvelope {
  audience: Audience;
}

/** The per-document outbox: an event is written in the same transaction as the change it reports. */
@Injectable()
export class EventRepository {
  private readonly refiners: AudienceRefiner[] = [];

  constructor(private readonly prisma: PrismaService) {}

  /** Lets another module narrow the audience of every event as it is written (the debates module: commit-then-reveal). */
  refineAudience(refiner: AudienceRefiner): void {
    this.refiners.push(refiner);
  }

  async append<T extends keyof DocumentEventPayloads>(
    tx: Tx,
    documentId: string,
    type: T,
    payload: DocumentEventPayloads[T],
    audience: Audience = {},
  ): Promise<StoredEvent> {
    for (const refine of this.refiners) audience = await refine(tx, documentId, type, payload, audience);
    // The row lock on the document serialises writers, so sequence numbers have no gaps and commit in order.
    const doc = await tx.document.update({
      where: { id: documentId },
      data: { eventSeq: { increment: 1 } },
      select: { eventSeq: true },
    });
    await tx.documentEvent.create({
      data: { documentId, seq: doc.eventSeq, type, payload: payload, audience: audience as Prisma.InputJsonValue },
    });
    return { documentId, seq: doc.eventSeq, type, payload, audience };
  }

  /**
   * Many events of one type for one document at once (re-anchoring after a revision reports thousands): each refined
   * as `append` does, then numbered consecutively with one update of the document's counter and one insert.
   */
  async appendMany<T extends keyof DocumentEventPayloads>(
    tx: Tx,
    documentId: string,
    type: T,
    items: { payload: DocumentEventPayloads[T]; audience?: Audience }[],
  ): Promise<StoredEvent[]> {
    if (items.length === 0) return [];
    const audiences: Audience[] = [];
    const batch = new Map<string, unknown>();
    for (const item of items) {
      let audience = item.audience ?? {};
      for (const refine of this.refiners) audience = await refine(tx, documentId, type, item.payload, audience, batch);
      audiences.push(audience);
    }
    const doc = await tx.document.update({
      where: { id: documentId },
      data: { eventSeq: { increment: items.length } },
      select: { eventSeq: true },
    });
    const first = doc.eventSeq - items.length + 1;
    const events: StoredEvent[] = items.map((item, i) => ({
      documentId,
      seq: first + i,
      type,
      payload: item.payload,
      audience: audiences[i] ?? {},
    }));
    // One statement, one parameter: much cheaper than a createMany of thousands of rows.
    const rows = JSON.stringify(events.map((e) => ({ seq: e.seq, payload: e.payload, audience: e.audience })));
    await tx.$executeRaw`
      INSERT INTO document_events (document_id, seq, type, payload, audience)
      SELECT ${documentId}::uuid, e.seq, ${type}, e.payload, e.audience
      FROM jsonb_to_recordset(${rows}::jsonb) AS e(seq int, payload jsonb, audience jsonb)`;
    return events;
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
