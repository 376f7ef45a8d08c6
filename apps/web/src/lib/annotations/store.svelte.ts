import type {
  AnnotationDto,
  AnnotationList,
  DocumentEventEnvelope,
  DocumentEventPayloads,
  ReplyDto,
} from '@scholia/shared';

type Envelope = DocumentEventEnvelope;

const payloadOf = <T extends keyof DocumentEventPayloads>(e: Envelope, type: T): DocumentEventPayloads[T] | null =>
  e.type === type ? (e.payload as DocumentEventPayloads[T]) : null;

/**
 * The annotations of one document as this reader may see them, kept current by the document's events. Every change is
 * idempotent (by id, version and sequence number): a replayed or duplicated event, or an event for a change this page
 * already made itself, changes nothing.
 */
export class AnnotationStore {
  /** Every annotation visible to me, unfiltered. */
  items = $state.raw<AnnotationDto[]>([]);
  /** The last sequence number seen (list or event). */
  seq = 0;

  constructor(
    list: AnnotationList,
    private readonly me: string,
  ) {
    this.items = list.items;
    this.seq = list.seq;
  }

  get(id: string): AnnotationDto | undefined {
    return this.items.find((a) => a.id === id);
  }

  /** Replaces everything with a fresh list (after a reload instruction or a reconciliation). */
  replace(list: AnnotationList): void {
    this.items = list.items;
    this.seq = Math.max(this.seq, list.seq);
  }

  /** Adds or updates an annotation; an older version than the one held is ignored. */
  upsert(a: AnnotationDto, options: { keepVoted?: boolean } = {}): void {
    const i = this.items.findIndex((x) => x.id === a.id);
    if (i < 0) {
      this.items = [...this.items, a];
      return;
    }
    const old = this.items[i]!;
    if (a.version < old.version) return;
    // Events are rendered for the one who made the change: keep my own view of the per-viewer fields and of the
    // thread (replies arrive by their own events).
    const next = options.keepVoted ? { ...a, voted: old.voted, replies: old.replies } : a;
    this.items = this.items.with(i, next);
  }

  remove(id: string): void {
    this.items = this.items.filter((a) => a.id !== id);
  }

  /** Deleted with a live thread: the annotation stays as a tombstone; otherwise it goes. */
  markDeleted(id: string): void {
    const a = this.get(id);
    if (!a) return;
    if (a.replies.some((r) => !r.deleted)) {
      this.upsert({ ...a, deleted: true, text: '', html: '', tags: [], author: null, version: a.version });
    } else {
      this.remove(id);
    }
  }

  addReply(r: ReplyDto): void {
    const a = this.get(r.annotationId);
    if (!a) return;
    const i = a.replies.findIndex((x) => x.id === r.id);
    const replies = i < 0 ? [...a.replies, r] : a.replies.with(i, { ...r, voted: a.replies[i]!.voted });
    this.items = this.items.map((x) => (x.id === a.id ? { ...a, replies } : x));
  }

  /** Whether applying the event would change anything (duplicates and echoes of my own changes would not). */
  wouldChange(e: Envelope): boolean {
    const created = payloadOf(e, 'annotation.created') ?? payloadOf(e, 'annotation.updated');
    if (created) {
      const old = this.get(created.id);
      return !old || created.version > old.version;
    }
    const deleted = payloadOf(e, 'annotation.deleted');
    if (deleted) return this.get(deleted.id) !== undefined && !this.get(deleted.id)!.deleted;
    const moved = payloadOf(e, 'annotation.reanchored');
    if (moved) {
      const old = this.get(moved.id);
      return (
        !!old &&
        (old.anchor.start !== moved.anchor.start ||
          old.anchor.end !== moved.anchor.end ||
          old.anchor.status !== moved.anchor.status)
      );
    }
    const reply = payloadOf(e, 'reply.created') ?? payloadOf(e, 'reply.updated');
    if (reply) {
      const a = this.get(reply.annotationId);
      const old = a?.replies.find((r) => r.id === reply.id);
      return !!a && (!old || old.updated < reply.updated || old.text !== reply.text || old.deleted !== reply.deleted);
    }
    const replyDeleted = payloadOf(e, 'reply.deleted');
    if (replyDeleted)
      return !!this.get(replyDeleted.annotationId)?.replies.some((r) => r.id === replyDeleted.id && !r.deleted);
    const vote = payloadOf(e, 'vote.changed');
    if (vote) return true;
    return false;
  }

  /**
   * Applies one event. Returns 'reconcile' when the event cannot be applied safely from its payload alone (the API
   * announces a switch of my annotation to private as a deletion), so the caller should fetch the list again.
   */
  apply(e: Envelope): 'ok' | 'reconcile' {
    this.seq = Math.max(this.seq, e.seq);
    switch (e.type) {
      case 'annotation.created':
      case 'annotation.updated':
        this.upsert(e.payload as AnnotationDto, { keepVoted: true });
        return 'ok';
      case 'annotation.deleted': {
        const { id } = e.payload as DocumentEventPayloads['annotation.deleted'];
        const a = this.get(id);
        if (a && a.author?.id === this.me && !a.deleted) return 'reconcile';
        this.markDeleted(id);
        return 'ok';
      }
      case 'annotation.reanchored': {
        const { id, anchor } = e.payload as DocumentEventPayloads['annotation.reanchored'];
        const a = this.get(id);
        if (a) this.items = this.items.map((x) => (x.id === id ? { ...x, anchor } : x));
        return 'ok';
      }
      case 'reply.created':
      case 'reply.updated':
        this.addReply(e.payload as ReplyDto);
        return 'ok';
      case 'reply.deleted': {
        const { id, annotationId } = e.payload as DocumentEventPayloads['reply.deleted'];
        const a = this.get(annotationId);
        if (a) {
          const replies = a.replies.map((r) =>
            r.id === id ? { ...r, deleted: true, text: '', html: '', author: null } : r,
          );
          this.items = this.items.map((x) => (x.id === annotationId ? { ...x, replies } : x));
        }
        return 'ok';
      }
      case 'vote.changed': {
        const { targetId, kind, votes } = e.payload as DocumentEventPayloads['vote.changed'];
        this.items = this.items.map((a) => {
          if (kind === 'annotation') return a.id === targetId ? { ...a, votes } : a;
          return a.replies.some((r) => r.id === targetId)
            ? { ...a, replies: a.replies.map((r) => (r.id === targetId ? { ...r, votes } : r)) }
            : a;
        });
        return 'ok';
      }
      default:
        return 'ok';
    }
  }
}
