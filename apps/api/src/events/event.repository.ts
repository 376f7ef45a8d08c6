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
    // One statement: bumping the document's counter row-locks it until the transaction ends, which serialises
    // writers (so sequence numbers have no gaps and commit in order); appending last keeps that lock short.
    const rows = await tx.$queryRaw<{ seq: number }[]>`
      WITH d AS (UPDATE documents SET event_seq = event_seq + 1 WHERE id = ${documentId}::uuid RETURNING event_seq)
      INSERT INTO document_events (document_id, seq, type, payload, audience)
      SELECT ${documentId}::uuid, d.event_seq, ${type}::text, ${JSON.stringify(payload)}::jsonb, ${JSON.stringify(audience)}::jsonb
      FROM d
      RETURNING seq`;
    const seq = rows[0]?.seq;
    if (seq === undefined) throw new Error(`No document ${documentId} to append ${type} to`);
    return { documentId, seq, type, payload, audience };
  }

  /**
   * Many events of one type for one document at once (re-anchoring after a revision reports thousands): each refined
   * as `append` does, then numbered consecutively and written in one statement.
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
    // As in `append`, one statement numbers them after the counter and writes them all, with one parameter: much
    // cheaper than a createMany of thousands of rows.
    const rows = JSON.stringify(items.map((item, i) => ({ payload: item.payload, audience: audiences[i] ?? {} })));
    const counted = await tx.$queryRaw<{ last: number }[]>`
      WITH d AS (
        UPDATE documents SET event_seq = event_seq + ${items.length}::int WHERE id = ${documentId}::uuid RETURNING event_seq),
      ins AS (
        INSERT INTO document_events (document_id, seq, type, payload, audience)
        SELECT ${documentId}::uuid, d.event_seq - ${items.length}::int + e.n::int, ${type}::text, e.item -> 'payload', e.item -> 'audience'
        FROM d, jsonb_array_elements(${rows}::jsonb) WITH ORDINALITY AS e(item, n))
      SELECT event_seq AS last FROM d`;
    const last = counted[0]?.last;
    if (last === undefined) throw new Error(`No document ${documentId} to append ${type} to`);
    const first = last - items.length + 1;
    return items.map((item, i) => ({
      documentId,
      seq: first + i,
      type,
      payload: item.payload,
      audience: audiences[i] ?? {},
    }));
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
