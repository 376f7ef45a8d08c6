import type { DocumentEventEnvelope } from '@scholia/shared';
import type { StoredEvent } from '../events/event.repository.js';
import { sealedView } from '../debates/sealing.js';

/** What a connected reader needs for per-recipient delivery. */
export interface Subscriber {
  id: string;
  userId: string;
  /** An instructor of the document's group: receives the moderators' view of hidden and pending items. */
  moderator: boolean;
  emit(event: DocumentEventEnvelope): void;
}

interface Subscription {
  subscriber: Subscriber;
  /** The last sequence number this subscriber has been sent. */
  seq: number;
  /** Live events that arrived while the subscriber was being caught up, in arrival order. */
  buffer: StoredEvent[] | null;
}

/** Whether `who` may receive `event` at all. */
export function mayReceive(event: StoredEvent, who: Pick<Subscriber, 'userId' | 'moderator'>): boolean {
  const { userId, moderators, except } = event.audience;
  if (except) return !((except.moderators === true && who.moderator) || except.userId === who.userId);
  if (moderators) return who.moderator || userId === who.userId;
  return userId === undefined || userId === who.userId;
}

interface Stream {
  /** The last sequence number fanned out on this instance. */
  seq: number;
  /** Events that arrived ahead of a gap (transactions commit in order but may publish out of order). */
  ahead: Map<number, StoredEvent>;
  gapTimer: NodeJS.Timeout | null;
}

const GAP_WAIT_MS = 250;

/** Sends one envelope to many subscribers (by subscriber id) at once, so that it is encoded once. */
export type Broadcast = (subscriberIds: string[], event: DocumentEventEnvelope) => void;

/**
 * Delivers each document's events to its subscribers on this instance, each event once and in sequence order. Events
 * are first put in order per document (a gap that does not fill itself is loaded from the outbox); a subscriber that
 * is catching up buffers live events and drops those its replay already covered.
 */
export class DocumentHub {
  private readonly docs = new Map<string, Map<string, Subscription>>();
  private readonly streams = new Map<string, Stream>();
  private broadcast: Broadcast | undefined;

  constructor(
    private readonly loadSince: (documentId: string, seq: number) => Promise<StoredEvent[]>,
    /** The time, for commit-then-reveal gates that open at a reveal time. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Sends live events that every recipient sees alike through `broadcast`, encoded once, rather than per subscriber. */
  useBroadcast(broadcast: Broadcast | undefined): void {
    this.broadcast = broadcast;
  }

  /**
   * Starts a catch-up from `seq`: live events are held until `finishCatchUp`. `currentSeq` is the document's sequence
   * number read before this call; the replay read after it covers everything up to there.
   */
  beginCatchUp(documentId: string, subscriber: Subscriber, seq: number, currentSeq: number): void {
    let subs = this.docs.get(documentId);
    if (!subs) this.docs.set(documentId, (subs = new Map()));
    if (!this.streams.has(documentId))
      this.streams.set(documentId, { seq: currentSeq, ahead: new Map(), gapTimer: null });
    subs.set(subscriber.id, { subscriber, seq, buffer: [] });
  }

  /** Sends the replayed events, then whatever arrived meanwhile, skipping what was already sent. */
  finishCatchUp(documentId: string, subscriberId: string, replay: StoredEvent[]): void {
    const sub = this.docs.get(documentId)?.get(subscriberId);
    if (!sub) return;
    const held = sub.buffer ?? [];
    sub.buffer = null;
    for (const e of [...replay, ...held.sort((a, b) => a.seq - b.seq)]) this.deliver(sub, e);
  }

  /** Marks `seq` as the point from which a subscriber that got a reload instruction continues. */
  resetTo(documentId: string, subscriberId: string, seq: number): void {
    const sub = this.docs.get(documentId)?.get(subscriberId);
    if (sub) sub.seq = seq;
  }

  remove(documentId: string, subscriberId: string): void {
    const subs = this.docs.get(documentId);
    subs?.delete(subscriberId);
    if (subs?.size === 0) this.forget(documentId);
  }

  /** A user's subscriptions on this instance, to check again when their membership changes. */
  subscriptionsOf(userId: string): { documentId: string; subscriber: Subscriber }[] {
    const out: { documentId: string; subscriber: Subscriber }[] = [];
    for (const [documentId, subs] of this.docs) {
      for (const sub of subs.values())
        if (sub.subscriber.userId === userId) out.push({ documentId, subscriber: sub.subscriber });
    }
    return out;
  }

  removeEverywhere(subscriberId: string): string[] {
    const left: string[] = [];
    for (const [documentId, subs] of this.docs) {
      if (subs.delete(subscriberId)) left.push(documentId);
      if (subs.size === 0) this.forget(documentId);
    }
    return left;
  }

  private forget(documentId: string): void {
    this.docs.delete(documentId);
    const stream = this.streams.get(documentId);
    if (stream?.gapTimer) clearTimeout(stream.gapTimer);
    this.streams.delete(documentId);
  }

  /** Takes an event from any instance; fans events out in sequence order. */
  publish(event: StoredEvent): void {
    const stream = this.streams.get(event.documentId);
    if (!stream || event.seq <= stream.seq) return;
    stream.ahead.set(event.seq, event);
    this.drain(event.documentId, stream);
  }

  private drain(documentId: string, stream: Stream): void {
    for (let next = stream.ahead.get(stream.seq + 1); next; next = stream.ahead.get(stream.seq + 1)) {
      stream.ahead.delete(next.seq);
      stream.seq = next.seq;
      this.fanOut(next);
    }
    if (stream.ahead.size === 0 || stream.gapTimer) return;
    stream.gapTimer = setTimeout(() => {
      stream.gapTimer = null;
      this.loadSince(documentId, stream.seq).then(
        (events) => {
          for (const e of events) if (e.seq > stream.seq) stream.ahead.set(e.seq, e);
          this.drain(documentId, stream);
        },
        () => this.drain(documentId, stream),
      );
    }, GAP_WAIT_MS);
    stream.gapTimer.unref();
  }

  private fanOut(event: StoredEvent): void {
    const subs = this.docs.get(event.documentId);
    if (!subs) return;
    // Without sealed gates, everyone who may receive the event receives the same envelope: send it once to them all.
    const broadcast = this.broadcast;
    const shared = broadcast && !event.audience.sealed?.length ? sealedView(event, '', this.now()) : null;
    const recipients: string[] = [];
    for (const sub of subs.values()) {
      if (sub.buffer) sub.buffer.push(event);
      else if (!shared) this.deliver(sub, event);
      else if (this.due(sub, event)) recipients.push(sub.subscriber.id);
    }
    if (broadcast && shared && recipients.length > 0) broadcast(recipients, shared);
  }

  /** Whether `sub` is to be sent `event` (sealing aside); moves its position past the event either way. */
  private due(sub: Subscription, event: StoredEvent): boolean {
    if (event.seq <= sub.seq) return false;
    sub.seq = event.seq;
    return mayReceive(event, sub.subscriber);
  }

  private deliver(sub: Subscription, event: StoredEvent): void {
    if (!this.due(sub, event)) return;
    // Commit-then-reveal: withheld, or with sealed replies cut out, for a student who has not posted yet.
    const envelope = sealedView(event, sub.subscriber.userId, this.now());
    if (envelope) sub.subscriber.emit(envelope);
  }
}
