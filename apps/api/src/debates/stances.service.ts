import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { AnnotationDto, DocumentEventPayloads, ReplyDto, StanceInput, StanceRef } from '@scholia/shared';
import { Clock } from '../common/clock.js';
import { notFound, ProblemException } from '../common/problem.js';
import type { Audience } from '../events/event.repository.js';
import { EventRepository } from '../events/event.repository.js';
import type { Prisma } from '../generated/prisma/client.js';
import { toAnnotationDto, type Viewer } from '../annotations/annotation.mapper.js';
import type { AnnotationRow } from '../annotations/annotation.repository.js';
import { DebateRepository } from './debate.repository.js';
import { admits, type SealedGate } from './sealing.js';

type Tx = Prisma.TransactionClient;

/** Events whose payload reports (part of) an argument, so that commit-then-reveal may withhold them. */
const GATED = new Set<keyof DocumentEventPayloads>([
  'annotation.created',
  'annotation.updated',
  'annotation.reanchored',
  'reply.created',
  'reply.updated',
  'vote.changed',
]);

/**
 * Stances and what commit-then-reveal hides. A stance ties an annotation or reply to a position of a debate on the
 * same document; a user's newest stance in a debate supersedes their previous one (history kept). In a
 * commit-then-reveal debate, until its reveal time, a student sees others' arguments only once they have posted a
 * stance of their own on something the group can see; instructors always see.
 */
@Injectable()
export class StancesService implements OnModuleInit {
  constructor(
    private readonly debates: DebateRepository,
    private readonly events: EventRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.events.refineAudience((tx, documentId, type, payload, audience, batch) =>
      this.refineAudience(tx, documentId, type, payload, audience, batch),
    );
  }

  /**
   * Takes `userId`'s stance with an annotation or reply just created in `tx`: 422 when the position is not one of a
   * debate on this document, 409 when that debate is closed (the caller's transaction then stores nothing).
   */
  async take(
    tx: Tx,
    input: { userId: string; documentId: string; stance: StanceInput; annotationId?: string; replyId?: string },
  ): Promise<StanceRef> {
    const position = await this.debates.lockPosition(tx, input.stance.positionId);
    if (!position || position.documentId !== input.documentId) {
      const detail = 'stance.positionId is not a position of a debate on this document.';
      throw new ProblemException(422, 'bad-position', detail, {
        errors: [{ path: 'body.stance.positionId', message: 'Not a position of a debate on this document' }],
      });
    }
    if (position.status === 'closed') {
      throw new ProblemException(
        409,
        'debate-closed',
        'This debate is closed: it takes no new stances. Your post was not saved.',
      );
    }
    await this.debates.takeStance(
      tx,
      {
        debateId: position.debateId,
        positionId: position.positionId,
        userId: input.userId,
        side: input.stance.side,
        annotationId: input.annotationId ?? null,
        replyId: input.replyId ?? null,
      },
      this.clock.now(),
    );
    return { debateId: position.debateId, positionId: position.positionId, side: input.stance.side };
  }

  /** The row as it reads once it carries `stance` (for the DTO of what was just created). */
  withStance<T extends { stances: StanceRef[] }>(row: T, stance: StanceRef | null): T {
    return stance ? { ...row, stances: [stance] } : row;
  }

  /** The document's commit-then-reveal debates whose peers' arguments `viewer` may not see yet. */
  async sealedFor(documentId: string, viewer: Pick<Viewer, 'userId' | 'moderator'>): Promise<Set<string>> {
    if (viewer.moderator) return new Set();
    const sealed = await this.debates.sealedDebates(documentId, this.clock.now());
    if (sealed.length === 0) return new Set();
    const revealed = await this.debates.revealedBy(
      sealed.map((d) => d.id),
      viewer.userId,
    );
    return new Set(sealed.map((d) => d.id).filter((id) => !revealed.has(id)));
  }

  /** `viewer` with the debates sealed for them on `documentId`. */
  async viewerFor(documentId: string, viewer: Viewer): Promise<Viewer> {
    const sealed = await this.sealedFor(documentId, viewer);
    return sealed.size ? { ...viewer, sealed } : viewer;
  }

  /** 404 when `viewer` may not see the annotation (or the reply `parentId` in it) because it argues in a sealed debate. */
  async assertUnsealed(row: AnnotationRow, viewer: Viewer, parentId?: string): Promise<void> {
    const sealed = await this.sealedFor(row.documentId, viewer);
    if (sealed.size === 0) return;
    const dto = toAnnotationDto(row, { ...viewer, sealed });
    if (!dto) throw notFound('That annotation');
    if (parentId && !dto.replies.some((r) => r.id === parentId)) {
      throw new ProblemException(422, 'bad-parent', 'parentId must be a reply in the same thread.', {
        errors: [{ path: 'body.parentId', message: 'Not a reply in this thread' }],
      });
    }
  }

  /** The gates of an item (an annotation, or a reply in its thread) in debates sealed now; empty when there are none. */
  async gatesOf(documentId: string, annotationId: string, replyId: string | null, tx?: Tx): Promise<SealedGate[]> {
    const sealed = await this.debates.sealedDebates(documentId, this.clock.now(), tx);
    if (sealed.length === 0) return [];
    return this.gates(sealed, await this.itemDebates(annotationId, replyId, tx), [], tx);
  }

  /** Whether `userId` gets through every gate now. */
  admitsAll(gates: SealedGate[], userId: string): boolean {
    const now = this.clock.now();
    return gates.every((g) => admits(g, userId, now));
  }

  /**
   * Adds the commit-then-reveal gates to an event as it is written (registered with the EventRepository, so every
   * module's events get them). Events for the author alone, or for instructors, need none.
   */
  private async refineAudience(
    tx: Tx,
    documentId: string,
    type: keyof DocumentEventPayloads,
    payload: unknown,
    audience: Audience,
    batch?: Map<string, unknown>,
  ): Promise<Audience> {
    if (!GATED.has(type)) return audience;
    if ((audience.userId !== undefined || audience.moderators) && !audience.except) return audience;
    // A batch of events (re-anchoring after a revision) reads the document's sealed debates once.
    const key = `sealed:${documentId}`;
    const sealed =
      (batch?.get(key) as Awaited<ReturnType<DebateRepository['sealedDebates']>> | undefined) ??
      (await this.debates.sealedDebates(documentId, this.clock.now(), tx));
    batch?.set(key, sealed);
    if (sealed.length === 0) return audience;
    let whole: string[] = [];
    let parts: string[] = [];
    switch (type) {
      case 'annotation.created':
      case 'annotation.updated': {
        const a = payload as AnnotationDto;
        whole = a.stance ? [a.stance.debateId] : [];
        parts = a.replies.flatMap((r) => (r.stance ? [r.stance.debateId] : []));
        break;
      }
      case 'reply.created':
      case 'reply.updated': {
        const r = payload as ReplyDto;
        whole = [...(r.stance ? [r.stance.debateId] : []), ...(await this.itemDebates(r.annotationId, r.id, tx))];
        break;
      }
      case 'annotation.reanchored': {
        const id = (payload as { id: string }).id;
        if (batch) {
          // Thousands at once: the document's annotation stances, read once for the batch.
          const byAnnotation =
            (batch.get(`stances:${documentId}`) as Map<string, string[]> | undefined) ??
            (await this.debates.annotationStanceDebates(documentId, tx));
          batch.set(`stances:${documentId}`, byAnnotation);
          whole = byAnnotation.get(id) ?? [];
        } else {
          whole = await this.itemDebates(id, null, tx);
        }
        break;
      }
      case 'vote.changed': {
        const v = payload as DocumentEventPayloads['vote.changed'];
        const annotationId =
          v.kind === 'annotation' ? v.targetId : (await this.debates.replyAnnotation(v.targetId, tx))?.annotationId;
        if (annotationId) whole = await this.itemDebates(annotationId, v.kind === 'reply' ? v.targetId : null, tx);
        break;
      }
    }
    const gates = await this.gates(sealed, whole, parts, tx, batch);
    return gates.length ? { ...audience, sealed: gates } : audience;
  }

  private async gates(
    sealed: { id: string; revealAt: Date | null }[],
    whole: string[],
    parts: string[],
    tx?: Tx,
    batch?: Map<string, unknown>,
  ): Promise<SealedGate[]> {
    const gates: SealedGate[] = [];
    const seen = new Set<string>();
    for (const [debateIds, scope] of [
      [whole, 'event'],
      [parts, 'replies'],
    ] as const) {
      for (const id of debateIds) {
        const debate = sealed.find((d) => d.id === id);
        if (!debate || seen.has(id)) continue;
        seen.add(id);
        const allow = (batch?.get(`admitted:${id}`) as string[] | undefined) ?? (await this.debates.admitted(id, tx));
        batch?.set(`admitted:${id}`, allow);
        gates.push({ debateId: id, revealAt: debate.revealAt?.toISOString() ?? null, allow, scope });
      }
    }
    return gates;
  }

  /** The debates an item argues in, with those of the thread above it: its annotation and the replies it answers. */
  private async itemDebates(annotationId: string, replyId: string | null, tx?: Tx): Promise<string[]> {
    const thread = await this.debates.threadStances(annotationId, tx);
    const out = [...thread.annotationDebates];
    const byId = new Map(thread.replies.map((r) => [r.id, r]));
    for (let r = replyId ? byId.get(replyId) : undefined; r; r = r.parentId ? byId.get(r.parentId) : undefined)
      out.push(...r.debateIds);
    return out;
  }
}
