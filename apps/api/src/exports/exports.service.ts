import { Inject, Injectable } from '@nestjs/common';
import {
  ANNO_CONTEXT,
  ANNO_MEDIA_TYPE,
  type AnnotationDto,
  EXPORT_CSV_COLUMNS,
  EXPORT_PAGE_SIZE,
  type ExportQuery,
  type LdAnnotationCollection,
  type LdAnnotationPage,
} from '@scholia/shared';
import { toAnnotationDto } from '../annotations/annotation.mapper.js';
import { AnnotationRepository } from '../annotations/annotation.repository.js';
import type { AuthContext } from '../auth/auth-context.js';
import { notFound } from '../common/problem.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { StancesService } from '../debates/stances.service.js';
import { canTeach } from '../groups/groups.service.js';
import { MembershipRepository } from '../groups/membership.repository.js';
import { attachment, CSV_MEDIA_TYPE, fileSlug, toCsv } from './csv.js';
import { ExportRepository } from './export.repository.js';
import type { FileResponse } from './file-response.js';
import { type ExportContext, flatten, toCsvRow, toLdAnnotation } from './w3c.mapper.js';

/** An export answer: its media type, its body (JSON-LD object or CSV text) and, for files, a download name. */
export type ExportResult = FileResponse<LdAnnotationCollection | LdAnnotationPage>;

@Injectable()
export class ExportsService {
  constructor(
    private readonly documents: ExportRepository,
    private readonly annotations: AnnotationRepository,
    private readonly members: MembershipRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stances: StancesService,
  ) {}

  /**
   * A document's annotations and replies as the caller may see them (the same rules as the annotation list: private
   * items only to their author, pending ones to their author and instructors, hidden ones as placeholders for everyone
   * else, deleted ones only as placeholders for the replies under them, others' arguments in a commit-then-reveal
   * debate only once the caller may see them).
   */
  async export(auth: AuthContext, documentId: string, query: ExportQuery): Promise<ExportResult> {
    const access = await this.members.byDocument(documentId, auth.user.id);
    const doc = access && (await this.documents.document(documentId));
    if (!access || !doc) throw notFound('That document');
    // Commit-then-reveal: others' arguments in debates still sealed for the caller are left out (debates module).
    const viewer = await this.stances.viewerFor(documentId, { userId: auth.user.id, moderator: canTeach(access.role) });
    const rows = await this.annotations.list({ documentId, viewerId: auth.user.id });
    const dtos = rows.map((r) => toAnnotationDto(r, viewer)).filter((a): a is AnnotationDto => a !== null);
    const items = flatten(dtos);
    const ctx: ExportContext = { origin: this.config.origin, documentId, groupSlug: doc.group.slug, viewer };

    if (query.format === 'csv') {
      return {
        contentType: CSV_MEDIA_TYPE,
        body: toCsv(
          EXPORT_CSV_COLUMNS,
          items.map((i) => toCsvRow(i, ctx)),
        ),
        disposition: attachment(`${fileSlug(doc.title)}-annotations.csv`),
      };
    }

    const perPage = query.perPage ?? EXPORT_PAGE_SIZE;
    const total = items.length;
    const lastPage = Math.max(1, Math.ceil(total / perPage));
    const collectionId = `${this.config.origin}/api/documents/${documentId}/export?format=jsonld`;
    const pageId = (n: number) => `${collectionId}&page=${n}${query.perPage ? `&perPage=${perPage}` : ''}`;
    const label = `Annotations on “${doc.title}”`;
    const page = (n: number): LdAnnotationPage => {
      const startIndex = (n - 1) * perPage;
      return {
        id: pageId(n),
        type: 'AnnotationPage',
        startIndex,
        ...(n < lastPage ? { next: pageId(n + 1) } : {}),
        ...(n > 1 ? { prev: pageId(n - 1) } : {}),
        items: items.slice(startIndex, startIndex + perPage).map((i) => toLdAnnotation(i, ctx)),
      };
    };

    if (query.page !== undefined) {
      if (query.page > lastPage) throw notFound('That page of the export');
      return {
        contentType: ANNO_MEDIA_TYPE,
        body: {
          '@context': ANNO_CONTEXT,
          ...page(query.page),
          partOf: {
            id: collectionId,
            type: 'AnnotationCollection',
            label,
            total,
            first: pageId(1),
            last: pageId(lastPage),
          },
        },
      };
    }
    return {
      contentType: ANNO_MEDIA_TYPE,
      body: {
        '@context': ANNO_CONTEXT,
        id: collectionId,
        type: 'AnnotationCollection',
        label,
        total,
        first: page(1),
        last: pageId(lastPage),
      },
    };
  }
}
