import { z } from 'zod';
import { Target } from './annotations.js';
import { AuthorRef, IsoDate, Uuid } from './common.js';

export const IdParam = z.strictObject({ id: Uuid });

export const BlockKind = z.enum(['heading', 'paragraph', 'blockquote', 'separator']);
export const Block = z
  .object({
    kind: BlockKind,
    level: z.number().int().optional(),
    start: z.number().int(),
    end: z.number().int(),
    footnotes: z.array(z.object({ marker: z.string(), start: z.number().int(), end: z.number().int() })),
  })
  .meta({ id: 'Block' });
export type Block = z.infer<typeof Block>;

/** 2 MB of text; the request body limit is set a little above it. */
export const DOCUMENT_MAX_CHARS = 2_000_000;

export const ImportDocumentBody = z
  .strictObject({
    title: z.string().trim().min(1).max(300),
    author: z.string().trim().max(300).optional(),
    source: z.string().trim().max(1000).optional(),
    format: z.enum(['text', 'markdown']),
    content: z.string().min(1).max(DOCUMENT_MAX_CHARS),
  })
  .meta({ id: 'ImportDocumentBody' });
export type ImportDocumentBody = z.infer<typeof ImportDocumentBody>;

export const DocumentSummary = z
  .object({
    id: Uuid,
    groupId: Uuid,
    title: z.string(),
    author: z.string().nullable(),
    source: z.string().nullable(),
    revision: z.number().int(),
    annotationCount: z.number().int(),
    created: IsoDate,
  })
  .meta({ id: 'DocumentSummary' });
export type DocumentSummary = z.infer<typeof DocumentSummary>;

export const DocumentList = z.object({ items: z.array(DocumentSummary) }).meta({ id: 'DocumentList' });
export type DocumentList = z.infer<typeof DocumentList>;

export const DocumentDto = DocumentSummary.extend({
  groupSlug: z.string(),
  text: z.string(),
  blocks: z.array(Block),
}).meta({ id: 'Document' });
export type DocumentDto = z.infer<typeof DocumentDto>;

export const DocumentFormat = z.enum(['text', 'markdown']);

/** A corrected text for a document; every annotation is then re-anchored in it. */
export const CreateRevisionBody = z
  .strictObject({
    /** Default: the format of the current revision. */
    format: DocumentFormat.optional(),
    content: z.string().min(1).max(DOCUMENT_MAX_CHARS),
    note: z.string().trim().max(1000).optional(),
  })
  .meta({ id: 'CreateRevisionBody' });
export type CreateRevisionBody = z.infer<typeof CreateRevisionBody>;

/** How many of the document's annotations (private and deleted ones included) ended up in each anchor status. */
export const ReanchorCounts = z.object({
  anchored: z.number().int(),
  moved: z.number().int(),
  orphaned: z.number().int(),
});
export type ReanchorCounts = z.infer<typeof ReanchorCounts>;

export const RevisionResult = z
  .object({
    documentId: Uuid,
    revision: z.number().int(),
    note: z.string().nullable(),
    created: IsoDate,
    text: z.string(),
    blocks: z.array(Block),
    reanchored: ReanchorCounts,
  })
  .meta({ id: 'RevisionResult' });
export type RevisionResult = z.infer<typeof RevisionResult>;

export const RevisionSummary = z
  .object({
    number: z.number().int(),
    format: DocumentFormat,
    note: z.string().nullable(),
    author: AuthorRef.nullable(),
    created: IsoDate,
  })
  .meta({ id: 'RevisionSummary' });
export type RevisionSummary = z.infer<typeof RevisionSummary>;

export const RevisionList = z.object({ items: z.array(RevisionSummary) }).meta({ id: 'RevisionList' });
export type RevisionList = z.infer<typeof RevisionList>;

/** A new selection in the document's current text for an annotation (e.g. an orphan). */
export const ReattachAnnotationBody = z
  .strictObject({
    target: Target,
    /** When given, a stale version gets 409 like an edit would. */
    version: z.number().int().min(1).optional(),
  })
  .meta({ id: 'ReattachAnnotationBody' });
export type ReattachAnnotationBody = z.infer<typeof ReattachAnnotationBody>;
