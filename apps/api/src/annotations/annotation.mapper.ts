import type { AnnotationDto, ReplyDto, Target } from '@scholia/shared';
import type { AnnotationRow, ReplyRow } from './annotation.repository.js';

export interface Viewer {
  userId: string;
  /** Instructors see hidden and pending items as they are. */
  moderator: boolean;
}

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
    created: r.createdAt.toISOString(),
    updated: r.updatedAt.toISOString(),
  };
}

/** What `viewer` may see of an annotation and its thread; null when they may not see it at all. */
export function toAnnotationDto(a: AnnotationRow, viewer: Viewer): AnnotationDto | null {
  if (a.visibility === 'private' && a.authorId !== viewer.userId) return null;
  const visibleReplies = a.replies.filter((r) => r.review !== 'pending' || viewer.moderator || r.authorId === viewer.userId);
  const deleted = a.deletedAt !== null;
  if (deleted && !visibleReplies.some((r) => r.deletedAt === null)) return null;
  if (a.review === 'pending' && !(viewer.moderator || a.authorId === viewer.userId)) return null;
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
    created: a.createdAt.toISOString(),
    updated: a.updatedAt.toISOString(),
    replies: visibleReplies.map((r) => toReplyDto(r, viewer)),
  };
}
