import { z } from 'zod';
import { ReplyMove } from './annotations.js';
import { AuthorRef, IsoDate, Uuid } from './common.js';

export const AnalyticsQuery = z
  .strictObject({
    /** Only this document of the group; default: every document, summed per student. */
    documentId: Uuid.optional(),
    format: z.enum(['json', 'csv']).optional(),
  })
  .meta({ id: 'AnalyticsQuery' });
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>;

const Count = z.number().int().min(0);

export const MoveCounts = z.record(ReplyMove, Count);
export type MoveCounts = z.infer<typeof MoveCounts>;

/**
 * What one student did (on one document, or summed over the documents in scope). Counted: what instructors can see —
 * not private annotations, not deleted, removed or rejected items.
 * - `annotations`, `replies`: items the student wrote.
 * - `words`: words in those notes and replies.
 * - `passages`: distinct stretches of text the student highlighted, after merging overlapping highlights (two
 *   highlights that share at least one character are one passage; ones that merely touch are two). Orphaned
 *   highlights are not counted as passages.
 * - `positions`: distinct debate positions the student took a stance on (for or against, including stances later
 *   changed).
 * - `repliesReceived`: replies by others answering the student's annotations or replies.
 * - `votesReceived`: votes by others on the student's annotations and replies.
 * - `moves`: the student's replies by move.
 */
export const AnalyticsMetrics = z.object({
  annotations: Count,
  replies: Count,
  words: Count,
  passages: Count,
  positions: Count,
  repliesReceived: Count,
  votesReceived: Count,
  moves: MoveCounts,
});
export type AnalyticsMetrics = z.infer<typeof AnalyticsMetrics>;

export const AnalyticsRow = AnalyticsMetrics.extend({ student: AuthorRef, documentId: Uuid }).meta({
  id: 'AnalyticsRow',
});
export type AnalyticsRow = z.infer<typeof AnalyticsRow>;

export const AnalyticsTotal = AnalyticsMetrics.extend({ student: AuthorRef }).meta({ id: 'AnalyticsTotal' });
export type AnalyticsTotal = z.infer<typeof AnalyticsTotal>;

export const AnalyticsReport = z
  .object({
    slug: z.string(),
    /** The document filter, or null for all of the group's documents. */
    documentId: Uuid.nullable(),
    /** Every document of the group (for a filter), oldest first. */
    documents: z.array(z.object({ id: Uuid, title: z.string() })),
    /** One per student: the sums over the documents in scope. */
    totals: z.array(AnalyticsTotal),
    /** One per student per document in scope. */
    rows: z.array(AnalyticsRow),
    generated: IsoDate,
  })
  .meta({ id: 'AnalyticsReport' });
export type AnalyticsReport = z.infer<typeof AnalyticsReport>;
