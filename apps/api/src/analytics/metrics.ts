import type { AnalyticsMetrics, AnalyticsRow, AnalyticsTotal, AuthorRef, MoveCounts, ReplyMove } from '@scholia/shared';
import type { AnalyticsAnnotationRow, AnalyticsReplyRow, AnalyticsStanceRow } from './analytics.repository.js';

export const MOVES: readonly ReplyMove[] = ['comment', 'support', 'rebut', 'qualify', 'question', 'source-request'];

const emptyMoves = (): MoveCounts => ({
  comment: 0,
  support: 0,
  rebut: 0,
  qualify: 0,
  question: 0,
  'source-request': 0,
});

export const emptyMetrics = (): AnalyticsMetrics => ({
  annotations: 0,
  replies: 0,
  words: 0,
  passages: 0,
  positions: 0,
  repliesReceived: 0,
  votesReceived: 0,
  moves: emptyMoves(),
});

/** Words as a reader counts them: runs of letters or digits in any script, joined by apostrophes or hyphens. */
export function countWords(text: string): number {
  return text.match(/[\p{L}\p{N}\p{M}]+(?:['’-][\p{L}\p{N}\p{M}]+)*/gu)?.length ?? 0;
}

/**
 * Distinct passages among [start, end) ranges: overlapping ranges (sharing at least one character) merge into one;
 * ranges that merely touch stay two.
 */
export function distinctPassages(ranges: { start: number; end: number }[]): number {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.end - b.end);
  let count = 0;
  let reach = -Infinity;
  for (const r of sorted) {
    if (r.start >= reach) count += 1;
    reach = Math.max(reach, r.end);
  }
  return count;
}

/** Counted: what an instructor sees of a student's work; private, deleted, removed and rejected items are not. */
const counts = (item: { deletedAt: Date | null; removedAt: Date | null; review: string }): boolean =>
  item.deletedAt === null && item.removedAt === null && item.review !== 'rejected';

const key = (userId: string, documentId: string): string => `${userId} ${documentId}`;

/** The metrics of each student on each document (see AnalyticsMetrics for what every number means). */
export function computeAnalytics(input: {
  students: AuthorRef[];
  documentIds: string[];
  annotations: AnalyticsAnnotationRow[];
  replies: AnalyticsReplyRow[];
  stances: AnalyticsStanceRow[];
}): { rows: AnalyticsRow[]; totals: AnalyticsTotal[] } {
  const studentIds = new Set(input.students.map((s) => s.id));
  const cells = new Map<string, AnalyticsMetrics>();
  const ranges = new Map<string, { start: number; end: number }[]>();
  const positions = new Map<string, Set<string>>();
  const cell = (userId: string, documentId: string): AnalyticsMetrics | undefined => {
    if (!studentIds.has(userId)) return undefined;
    const k = key(userId, documentId);
    let m = cells.get(k);
    if (!m) cells.set(k, (m = emptyMetrics()));
    return m;
  };

  const annotations = input.annotations.filter((a) => a.visibility === 'group' && counts(a));
  const annotationAuthor = new Map(input.annotations.map((a) => [a.id, a.authorId]));
  for (const a of annotations) {
    const m = cell(a.authorId, a.documentId);
    if (!m) continue;
    m.annotations += 1;
    m.words += countWords(a.text);
    m.votesReceived += a.votes.filter((v) => v.userId !== a.authorId).length;
    if (a.start !== null && a.end !== null) {
      const k = key(a.authorId, a.documentId);
      ranges.set(k, [...(ranges.get(k) ?? []), { start: a.start, end: a.end }]);
    }
  }

  const replies = input.replies.filter((r) => r.annotation.visibility === 'group' && counts(r));
  const replyAuthor = new Map(input.replies.map((r) => [r.id, r.authorId]));
  for (const r of replies) {
    const documentId = r.annotation.documentId;
    const m = cell(r.authorId, documentId);
    if (m) {
      m.replies += 1;
      m.words += countWords(r.text);
      m.votesReceived += r.votes.filter((v) => v.userId !== r.authorId).length;
      m.moves[r.move === 'source_request' ? 'source-request' : r.move] += 1;
    }
    // The reply answers its parent reply, or the annotation when it starts the thread.
    const answered = r.parentId ? replyAuthor.get(r.parentId) : annotationAuthor.get(r.annotationId);
    if (answered && answered !== r.authorId) {
      const received = cell(answered, documentId);
      if (received) received.repliesReceived += 1;
    }
  }

  // A stance taken in a private note stays private.
  const privateAnnotations = new Set(input.annotations.filter((a) => a.visibility === 'private').map((a) => a.id));
  const privateReplies = new Set(input.replies.filter((r) => r.annotation.visibility === 'private').map((r) => r.id));
  for (const s of input.stances) {
    if (!studentIds.has(s.userId)) continue;
    if ((s.annotationId && privateAnnotations.has(s.annotationId)) || (s.replyId && privateReplies.has(s.replyId)))
      continue;
    const k = key(s.userId, s.debate.documentId);
    positions.set(k, (positions.get(k) ?? new Set()).add(s.positionId));
    cell(s.userId, s.debate.documentId);
  }

  const rows: AnalyticsRow[] = [];
  const totals: AnalyticsTotal[] = [];
  for (const student of input.students) {
    const total = emptyMetrics();
    for (const documentId of input.documentIds) {
      const k = key(student.id, documentId);
      const m = cells.get(k) ?? emptyMetrics();
      m.passages = distinctPassages(ranges.get(k) ?? []);
      m.positions = positions.get(k)?.size ?? 0;
      rows.push({ student, documentId, ...m });
      add(total, m);
    }
    totals.push({ student, ...total });
  }
  return { rows, totals };
}

function add(into: AnalyticsMetrics, m: AnalyticsMetrics): void {
  into.annotations += m.annotations;
  into.replies += m.replies;
  into.words += m.words;
  into.passages += m.passages;
  into.positions += m.positions;
  into.repliesReceived += m.repliesReceived;
  into.votesReceived += m.votesReceived;
  for (const move of MOVES) into.moves[move] += m.moves[move];
}
