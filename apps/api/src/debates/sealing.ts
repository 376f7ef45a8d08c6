import type { AnnotationDto, DocumentEventEnvelope, ReplyDto } from '@scholia/shared';
import type { StoredEvent } from '../events/event.repository.js';

/**
 * Commit-then-reveal, on the wire. A debate in that mode is *sealed* until its reveal time: a student sees peers'
 * stances and arguments in it only after posting a stance of their own. Every event that reports such an argument
 * carries one gate per sealed debate it touches (added as the event is written, see StancesService.refineAudience),
 * and the realtime hub applies them to each recipient as it delivers.
 */
export interface SealedGate {
  debateId: string;
  /** From this ISO time everyone is admitted; null while no reveal time is set. */
  revealAt: string | null;
  /** Admitted before then: the group's instructors and those who had posted their own stance when it was written. */
  allow: string[];
  /**
   * `event`: the event reports an argument in the debate (or an item in the thread below one): withheld entirely.
   * `replies`: the payload is a thread; only the replies arguing in the debate, and the answers below them, are cut.
   */
  scope: 'event' | 'replies';
}

/** Whether a gate lets `userId` through at `now`. */
export function admits(gate: SealedGate, userId: string, now: Date): boolean {
  return gate.allow.includes(userId) || (gate.revealAt !== null && Date.parse(gate.revealAt) <= now.getTime());
}

interface ThreadItem {
  id: string;
  parentId: string | null;
  authorId: string | null;
  debateId: string | null;
}

/**
 * The replies of a thread that `userId` may not see: those someone else wrote taking a stance in a sealed debate,
 * and every reply below them. Replies must come parents first (they are ordered by creation).
 */
export function sealedReplyIds(
  replies: ThreadItem[],
  isSealed: (debateId: string) => boolean,
  userId: string,
): Set<string> {
  const out = new Set<string>();
  for (const r of replies) {
    if (
      (r.parentId !== null && out.has(r.parentId)) ||
      (r.debateId !== null && r.authorId !== userId && isSealed(r.debateId))
    )
      out.add(r.id);
  }
  return out;
}

const replyItem = (r: ReplyDto): ThreadItem => ({
  id: r.id,
  parentId: r.parentId,
  authorId: r.author?.id ?? null,
  debateId: r.stance?.debateId ?? null,
});

/** Cuts sealed replies out of an annotation's thread as `userId` would see it. */
export function withoutSealedReplies(
  a: AnnotationDto,
  isSealed: (debateId: string) => boolean,
  userId: string,
): AnnotationDto {
  const cut = sealedReplyIds(a.replies.map(replyItem), isSealed, userId);
  return cut.size === 0 ? a : { ...a, replies: a.replies.filter((r) => !cut.has(r.id)) };
}

/**
 * The event as `userId` may receive it at `now`: without its audience, with sealed replies cut out of a thread, or
 * null when it reports an argument they may not see yet.
 */
export function sealedView(event: StoredEvent, userId: string, now: Date): DocumentEventEnvelope | null {
  const { audience, ...envelope } = event;
  const closed = (audience.sealed ?? []).filter((g) => !admits(g, userId, now));
  if (closed.length === 0) return envelope;
  if (closed.some((g) => g.scope === 'event')) return null;
  if (envelope.type !== 'annotation.created' && envelope.type !== 'annotation.updated') return envelope;
  const cut = new Set(closed.map((g) => g.debateId));
  return { ...envelope, payload: withoutSealedReplies(envelope.payload as AnnotationDto, (d) => cut.has(d), userId) };
}
