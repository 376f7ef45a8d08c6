import { Injectable } from '@nestjs/common';
import type { AnalyticsQuery, AnalyticsReport, AnalyticsRow } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound } from '../common/problem.js';
import { attachment, CSV_MEDIA_TYPE, type CsvCell, fileSlug, toCsv } from '../exports/csv.js';
import type { FileResponse } from '../exports/file-response.js';
import { canTeach } from '../groups/groups.service.js';
import { MembershipRepository } from '../groups/membership.repository.js';
import { AnalyticsRepository } from './analytics.repository.js';
import { computeAnalytics, MOVES } from './metrics.js';

export type AnalyticsResult = FileResponse<AnalyticsReport>;

export const ANALYTICS_CSV_COLUMNS = [
  'student',
  'handle',
  'document_id',
  'document',
  'annotations',
  'replies',
  'words',
  'passages',
  'positions',
  'replies_received',
  'votes_received',
  ...MOVES.map((m) => `moves_${m.replace('-', '_')}`),
] as const;

@Injectable()
export class AnalyticsService {
  constructor(
    private readonly analytics: AnalyticsRepository,
    private readonly members: MembershipRepository,
    private readonly clock: Clock,
  ) {}

  /** Participation per student and per document, for the group's instructors (students get 403, others 404). */
  async report(auth: AuthContext, slug: string, query: AnalyticsQuery): Promise<AnalyticsResult> {
    const access = await this.members.bySlug(slug, auth.user.id);
    if (!access) throw notFound('That group');
    if (!canTeach(access.role)) throw forbidden('Only instructors can see the analytics of a group.');
    const documents = await this.analytics.documents(access.groupId);
    if (query.documentId && !documents.some((d) => d.id === query.documentId)) throw notFound('That document');
    const documentIds = query.documentId ? [query.documentId] : documents.map((d) => d.id);
    const [students, annotations, replies, stances] = await Promise.all([
      this.analytics.students(access.groupId),
      this.analytics.annotations(documentIds),
      this.analytics.replies(documentIds),
      this.analytics.stances(documentIds),
    ]);
    students.sort((a, b) => a.displayName.localeCompare(b.displayName, 'en') || a.handle.localeCompare(b.handle));
    const { rows, totals } = computeAnalytics({ students, documentIds, annotations, replies, stances });
    const report: AnalyticsReport = {
      slug: access.slug,
      documentId: query.documentId ?? null,
      documents,
      totals,
      rows,
      generated: this.clock.now().toISOString(),
    };
    if (query.format !== 'csv') return { contentType: 'application/json; charset=utf-8', body: report };
    const titles = new Map(documents.map((d) => [d.id, d.title]));
    const title = query.documentId ? (titles.get(query.documentId) ?? 'document') : 'all-documents';
    return {
      contentType: CSV_MEDIA_TYPE,
      body: toCsv(
        ANALYTICS_CSV_COLUMNS,
        rows.map((r) => csvRow(r, titles.get(r.documentId) ?? '')),
      ),
      disposition: attachment(`${access.slug}-analytics-${fileSlug(title)}.csv`),
    };
  }
}

function csvRow(r: AnalyticsRow, title: string): CsvCell[] {
  return [
    r.student.displayName,
    r.student.handle,
    r.documentId,
    title,
    r.annotations,
    r.replies,
    r.words,
    r.passages,
    r.positions,
    r.repliesReceived,
    r.votesReceived,
    ...MOVES.map((m) => r.moves[m]),
  ];
}
