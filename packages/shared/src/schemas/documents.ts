import { z } from 'zod';
import { IsoDate, Uuid } from './common.js';

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
