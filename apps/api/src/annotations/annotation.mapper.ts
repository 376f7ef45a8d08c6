import type { AnnotationDto, ReplyDto, StanceRef, Target } from '@scholia/shared';
import { sealedReplyIds } from '../debates/sealing.js';
import type { AnnotationRow, ReplyRow } from './annotation.repository.js';

export interface Viewer {
  userId: string;
  /** Instructors see hidden and pending items as they are. */
  moderator: boolean;
  /**
   * Commit-then-reveal debates this viewer may not see arguments in yet (StancesService.sealedFor): others' items that
   * take a stance in one, and the replies below them, are left out.
   */
  sealed?: ReadonlySet<string>;
}

const stanceOf = (
  stances: readonly { debateId: string; positionId: string; side: 'for' | 'against' }[],
): StanceRef | null => {
  const s = stances[0];
  return s ? { debateId: s.debateId, positionId: s.positionId, side: s.side } : null;
};

/** Whether an item is someone else's argument in a debate that is still sealed for `viewer`. */
const sealedFor = (row: { authorId: string; stances: readonly { debateId: string }[] }, viewer: Viewer): boolean =>
  !!viewer.sealed?.size && row.authorId !== viewer.userId && row.stances.some((s) => viewer.sealed!.has(s.debateId));

const HIDDEN_HTML = '<p><em>Hidden by a moderator</em></p>';

function moderationView(
  row: { authorId: string; hiddenAt: Date | null; hiddenReason: string | null; review: string },
  viewer: Viewer,
): { moderation: AnnotationDto['moderation']; masked: boolean } {
  const hidden = row.hiddenAt !== null;
  const privileged = viewer.moderator || row.authorId === viewer.userId;
  return {
    moderation: { hidden, reason: hidden && privileged ? row.hiddenReason : null, pending: row.review === 'pending' },
    masked: hidden && !privileged,
  };
}

/**
 * Whether `viewer` may see an item at all: a removed item only to instructors; a pending or rejected one (pre-moderation)
 * only to instructors and its author. Hidden items are seen by everyone, masked for all but those two.
 */
export function itemVisible(
  row: { authorId: string; review: string; removedAt: Date | null },
  viewer: Viewer,
): boolean {
  if (viewer.moderator) return true;
  if (row.removedAt !== null) return false;
  return row.review === 'approved' || row.authorId === viewer.userId;
}

export function toReplyDto(r: ReplyRow, viewer: Viewer): ReplyDto {
  const deleted = r.deletedAt !== null;
  const { moderation, masked } = moderationView(r, viewer);
  const blank = deleted || masked;
  return {
    id: r.id,
    annotationId: r.annotationId,
    parentId: r.parentId,
    text: blank ? '' : r.text,
    html: deleted ? '' : masked ? HIDDEN_HTML : r.html,
    move: r.move === 'source_request' ? 'source-request' : r.move,
    citations: blank ? [] : (r.citations as ReplyDto['citations']),
    author: deleted ? null : r.author,
    deleted,
    moderation,
    votes: r._count.votes,
    voted: r.votes.length > 0,
    stance: stanceOf(r.stances),
    version: r.version,
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
  };
}

/** What `viewer` may see of an annotation and its thread; null when they may not see it at all. */
export function toAnnotationDto(a: AnnotationRow, viewer: Viewer): AnnotationDto | null {
  if (a.visibility === 'private' && a.authorId !== viewer.userId) return null;
  if (!itemVisible(a, viewer)) return null;
  if (sealedFor(a, viewer)) return null;
  const sealed = viewer.sealed?.size
    ? sealedReplyIds(
        a.replies.map((r) => ({
          id: r.id,
          parentId: r.parentId,
          authorId: r.authorId,
          debateId: r.stances[0]?.debateId ?? null,
        })),
        (d) => viewer.sealed!.has(d),
        viewer.userId,
      )
    : null;
  const visibleReplies = a.replies.filter((r) => itemVisible(r, viewer) && !sealed?.has(r.id));
  const deleted = a.deletedAt !== null;
  if (deleted && !visibleReplies.some((r) => r.deletedAt === null)) return null;
  const { moderation, masked } = moderationView(a, viewer);
  const blank = deleted || masked;
  return {
    id: a.id,
    documentId: a.documentId,
    target: a.target as Target,
    text: blank ? '' : a.text,
    html: deleted ? '' : masked ? HIDDEN_HTML : a.html,
    tags: blank ? [] : a.tags,
    color: a.color,
    visibility: a.visibility,
    author: deleted ? null : a.author,
    anchor: { status: a.anchorStatus, start: a.start, end: a.end },
    version: a.version,
    deleted,
    locked: a.locked,
    pinned: a.pinned,
    moderation,
    votes: a._count.votes,
    voted: a.votes.length > 0,
    stance: stanceOf(a.stances),
    created: a.createdAt.toISOString(),
    updated: a.updatedAt.toISOString(),
    replies: visibleReplies.map((r) => toReplyDto(r, viewer)),
  };
}
