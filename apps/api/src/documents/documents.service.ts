import { Injectable } from '@nestjs/common';
import { DocumentParseError, parseDocument } from '@scholia/documents';
import type { Block, DocumentDto, DocumentList, DocumentSummary, ImportDocumentBody } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { forbidden, notFound, ProblemException } from '../common/problem.js';
import { canTeach, GroupsService } from '../groups/groups.service.js';
import { MembershipRepository } from '../groups/membership.repository.js';
import { DocumentRepository, type DocumentSummaryRow } from './document.repository.js';

const toSummary = (d: DocumentSummaryRow): DocumentSummary => ({
  id: d.id,
  groupId: d.groupId,
  title: d.title,
  author: d.author,
  source: d.source,
  revision: d.revisions[0]?.number ?? 1,
  annotationCount: d._count.annotations,
  created: d.createdAt.toISOString(),
});

/** The canonical text and blocks of an imported or revised source; 422 problem+json when it cannot be parsed. */
export function parseContent(format: 'text' | 'markdown', content: string): { text: string; blocks: Block[] } {
  try {
    return parseDocument({ format, content });
  } catch (error) {
    if (error instanceof DocumentParseError) throw new ProblemException(422, 'unparseable-document', error.message);
    throw error;
  }
}

@Injectable()
export class DocumentsService {
  constructor(
    private readonly documents: DocumentRepository,
    private readonly groups: GroupsService,
    private readonly members: MembershipRepository,
  ) {}

  async list(auth: AuthContext, slug: string): Promise<DocumentList> {
    const access = await this.groups.access(slug, auth);
    return { items: (await this.documents.listForGroup(access.groupId)).map(toSummary) };
  }

  async import(auth: AuthContext, slug: string, body: ImportDocumentBody): Promise<DocumentDto> {
    const access = await this.groups.access(slug, auth);
    if (!canTeach(access.role)) throw forbidden('Only instructors can add documents.');
    const id = await this.importInto(access.groupId, auth.user.id, body);
    return this.get(auth, id);
  }

  /** Also used by the seed and the command line, which act without a request. */
  async importInto(groupId: string, userId: string, body: ImportDocumentBody): Promise<string> {
    const parsed = parseContent(body.format, body.content);
    return this.documents.create({
      groupId,
      title: body.title,
      author: body.author ?? null,
      source: body.source ?? null,
      createdById: userId,
      format: body.format,
      content: body.content,
      text: parsed.text,
      blocks: parsed.blocks,
    });
  }

  async get(auth: AuthContext, id: string): Promise<DocumentDto> {
    if (!(await this.members.byDocument(id, auth.user.id))) throw notFound('That document');
    const doc = await this.documents.findWithText(id);
    const revision = doc?.revisions[0];
    if (!doc || !revision) throw notFound('That document');
    return { ...toSummary(doc), groupSlug: doc.group.slug, text: revision.text, blocks: revision.blocks as Block[] };
  }
}
