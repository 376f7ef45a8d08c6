import { z } from 'zod';

/** The JSON-LD context every Web Annotation document names. */
export const ANNO_CONTEXT = 'http://www.w3.org/ns/anno.jsonld';
/** The media type of a W3C Web Annotation export. */
export const ANNO_MEDIA_TYPE = `application/ld+json; profile="${ANNO_CONTEXT}"`;
/** Items (annotations and replies) per AnnotationPage unless `perPage` says otherwise. */
export const EXPORT_PAGE_SIZE = 100;

export const ExportFormat = z.enum(['jsonld', 'csv']);
export type ExportFormat = z.infer<typeof ExportFormat>;

const PositiveInt = (max: number) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,6}$/, { message: 'Expected a whole number from 1' })
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

/**
 * `format=jsonld` (the default): a W3C AnnotationCollection whose first AnnotationPage is embedded; `page=N` answers
 * that AnnotationPage alone. `format=csv`: one row per annotation and reply. Only what the caller may see is exported.
 */
export const ExportQuery = z
  .strictObject({
    format: ExportFormat.optional(),
    page: PositiveInt(1_000_000).optional(),
    perPage: PositiveInt(1000).optional(),
  })
  .meta({ id: 'ExportQuery' });
export type ExportQuery = z.infer<typeof ExportQuery>;

const Iri = z.string();
const LdTextualBody = z.looseObject({
  type: z.literal('TextualBody'),
  value: z.string(),
  format: z.string().optional(),
  purpose: z.string().optional(),
});
const LdSelector = z.union([
  z.object({ type: z.literal('TextPositionSelector'), start: z.number().int(), end: z.number().int() }),
  z.object({
    type: z.literal('TextQuoteSelector'),
    exact: z.string(),
    prefix: z.string().optional(),
    suffix: z.string().optional(),
  }),
]);
const LdSpecificResource = z.object({
  type: z.literal('SpecificResource'),
  source: Iri,
  selector: z.array(LdSelector),
});
export const LdAgent = z.object({ id: Iri, type: z.literal('Person'), name: z.string(), nickname: z.string() });

/** One W3C Web Annotation: an annotation (`commenting` or `highlighting`) or a reply (`replying`). */
export const LdAnnotation = z
  .looseObject({
    '@context': z.literal(ANNO_CONTEXT),
    id: Iri,
    type: z.literal('Annotation'),
    motivation: z.enum(['commenting', 'highlighting', 'replying']).optional(),
    created: z.string(),
    modified: z.string(),
    creator: LdAgent.optional(),
    body: z.union([LdTextualBody, z.array(LdTextualBody)]).optional(),
    target: z.union([Iri, LdSpecificResource, z.array(z.union([Iri, LdSpecificResource]))]),
  })
  .meta({ id: 'LdAnnotation' });
export type LdAnnotation = z.infer<typeof LdAnnotation>;

export const LdCollectionRef = z.object({
  id: Iri,
  type: z.literal('AnnotationCollection'),
  label: z.string(),
  total: z.number().int(),
  first: Iri,
  last: Iri,
});

export const LdAnnotationPage = z
  .object({
    '@context': z.literal(ANNO_CONTEXT).optional(),
    id: Iri,
    type: z.literal('AnnotationPage'),
    partOf: LdCollectionRef.optional(),
    startIndex: z.number().int(),
    next: Iri.optional(),
    prev: Iri.optional(),
    items: z.array(LdAnnotation),
  })
  .meta({ id: 'LdAnnotationPage' });
export type LdAnnotationPage = z.infer<typeof LdAnnotationPage>;

export const LdAnnotationCollection = z
  .object({
    '@context': z.literal(ANNO_CONTEXT),
    id: Iri,
    type: z.literal('AnnotationCollection'),
    label: z.string(),
    total: z.number().int(),
    first: LdAnnotationPage,
    last: Iri,
  })
  .meta({ id: 'LdAnnotationCollection' });
export type LdAnnotationCollection = z.infer<typeof LdAnnotationCollection>;

/** What the export answers: a collection, or one page of it when `page` is given (or CSV text). */
export const ExportResponse = z.union([LdAnnotationCollection, LdAnnotationPage]).meta({ id: 'ExportResponse' });
export type ExportResponse = z.infer<typeof ExportResponse>;

/** The CSV export's columns, in order. */
export const EXPORT_CSV_COLUMNS = [
  'id',
  'type',
  'parent_id',
  'author',
  'author_handle',
  'created',
  'quote',
  'start',
  'end',
  'anchor_status',
  'tags',
  'visibility',
  'move',
  'moderation',
  'text',
] as const;
