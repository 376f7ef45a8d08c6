import { z } from 'zod';
import { AuthorRef, IsoDate, Uuid } from './common.js';

const Offset = z.number().int().min(0).max(10_000_000);

export const TextPositionSelector = z
  .strictObject({ type: z.literal('TextPositionSelector'), start: Offset, end: Offset })
  .refine((s) => s.end > s.start, { message: 'end must be after start' })
  .meta({ id: 'TextPositionSelector' });
export const TextQuoteSelector = z
  .strictObject({
    type: z.literal('TextQuoteSelector'),
    exact: z.string().min(1).max(20_000),
    prefix: z.string().max(64).optional(),
    suffix: z.string().max(64).optional(),
  })
  .meta({ id: 'TextQuoteSelector' });
export const Selector = z.union([TextPositionSelector, TextQuoteSelector]);

/** A passage: both selectors, as the W3C model pairs them. Positions count Unicode code points. */
export const Target = z
  .strictObject({ selector: z.array(Selector).min(1).max(2) })
  .refine((t) => t.selector.some((s) => s.type === 'TextQuoteSelector'), {
    message: 'a TextQuoteSelector is required',
  })
  .meta({ id: 'Target' });
export type Target = z.infer<typeof Target>;

export const Visibility = z.enum(['private', 'group']);
export const AnchorStatus = z.enum(['anchored', 'moved', 'orphaned']);
export const ReplyMove = z.enum(['comment', 'support', 'rebut', 'qualify', 'question', 'source-request']);
export type ReplyMove = z.infer<typeof ReplyMove>;
export const StanceSide = z.enum(['for', 'against']);
export type StanceSide = z.infer<typeof StanceSide>;
export const StanceInput = z.strictObject({ positionId: Uuid, side: StanceSide }).meta({ id: 'StanceInput' });
export type StanceInput = z.infer<typeof StanceInput>;
/** The stance an annotation or reply takes in a debate (null when it takes none). */
export const StanceRef = z.object({ debateId: Uuid, positionId: Uuid, side: StanceSide }).meta({ id: 'StanceRef' });
export type StanceRef = z.infer<typeof StanceRef>;

const Tag = z.string().trim().min(1).max(40);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/);
const NoteText = z.string().max(20_000);

export const CreateAnnotationBody = z
  .strictObject({
    target: Target,
    text: NoteText.optional(),
    tags: z.array(Tag).max(20).optional(),
    visibility: Visibility.optional(),
    color: Color.optional(),
    /** Take a stance in a debate on this document, with this passage as evidence. */
    stance: StanceInput.optional(),
  })
  .meta({ id: 'CreateAnnotationBody' });
export type CreateAnnotationBody = z.infer<typeof CreateAnnotationBody>;

export const PatchAnnotationBody = z
  .strictObject({
    version: z.number().int().min(1),
    text: NoteText.optional(),
    tags: z.array(Tag).max(20).optional(),
    visibility: Visibility.optional(),
    color: Color.nullable().optional(),
  })
  .meta({ id: 'PatchAnnotationBody' });
export type PatchAnnotationBody = z.infer<typeof PatchAnnotationBody>;

const ReplyText = z.string().trim().min(1).max(20_000);

export const CreateReplyBody = z
  .strictObject({
    text: ReplyText,
    move: ReplyMove.optional(),
    parentId: Uuid.optional(),
    citations: z.array(Target).max(10).optional(),
    /** Take a stance in a debate on this document, with the cited passages (else the thread's) as evidence. */
    stance: StanceInput.optional(),
  })
  .meta({ id: 'CreateReplyBody' });
export type CreateReplyBody = z.infer<typeof CreateReplyBody>;

/** Editing a reply changes its words only: its move, place in the thread, citations and stance stay as posted. */
export const PatchReplyBody = z
  .strictObject({ version: z.number().int().min(1), text: ReplyText })
  .meta({ id: 'PatchReplyBody' });
export type PatchReplyBody = z.infer<typeof PatchReplyBody>;

export const Anchor = z.object({
  status: AnchorStatus,
  start: z.number().int().nullable(),
  end: z.number().int().nullable(),
});

export const Moderation = z.object({
  hidden: z.boolean(),
  reason: z.string().nullable(),
  pending: z.boolean(),
});

export const ReplyDto = z
  .object({
    id: Uuid,
    annotationId: Uuid,
    parentId: Uuid.nullable(),
    text: z.string(),
    html: z.string(),
    move: ReplyMove,
    citations: z.array(z.object({ target: Target, anchor: Anchor })),
    author: AuthorRef.nullable(),
    deleted: z.boolean(),
    moderation: Moderation,
    votes: z.number().int(),
    voted: z.boolean(),
    stance: StanceRef.nullable(),
    /** For editing: a PATCH with an older version gets 409. */
    version: z.number().int(),
    created: IsoDate,
    updated: IsoDate,
  })
  .meta({ id: 'Reply' });
export type ReplyDto = z.infer<typeof ReplyDto>;

export const AnnotationDto = z
  .object({
    id: Uuid,
    documentId: Uuid,
    target: Target,
    text: z.string(),
    html: z.string(),
    tags: z.array(z.string()),
    color: z.string().nullable(),
    visibility: Visibility,
    author: AuthorRef.nullable(),
    anchor: Anchor,
    version: z.number().int(),
    deleted: z.boolean(),
    locked: z.boolean(),
    pinned: z.boolean(),
    moderation: Moderation,
    votes: z.number().int(),
    voted: z.boolean(),
    stance: StanceRef.nullable(),
    created: IsoDate,
    updated: IsoDate,
    replies: z.array(ReplyDto),
  })
  .meta({ id: 'Annotation' });
export type AnnotationDto = z.infer<typeof AnnotationDto>;

export const AnnotationQuery = z
  .strictObject({
    author: z.string().max(100).optional(),
    tag: Tag.optional(),
    visibility: Visibility.optional(),
    status: AnchorStatus.optional(),
    q: z.string().trim().max(200).optional(),
    mine: z.enum(['true', 'false']).optional(),
    /** Default: document order. `persuasive`: most votes; `newest`; `contested`: most rebut/qualify replies and stances on both sides. */
    sort: z.enum(['document', 'persuasive', 'newest', 'contested']).optional(),
    /** Threads whose note or a reply argues about this debate position (as far as the caller may see the stances). */
    position: Uuid.optional(),
    /** With `position`: only arguments on this side of it. */
    side: StanceSide.optional(),
  })
  .refine((q) => q.side === undefined || q.position !== undefined, {
    path: ['side'],
    message: 'side needs a position',
  })
  .meta({ id: 'AnnotationQuery' });
export type AnnotationQuery = z.infer<typeof AnnotationQuery>;

export const AnnotationList = z
  .object({ items: z.array(AnnotationDto), total: z.number().int(), seq: z.number().int() })
  .meta({ id: 'AnnotationList' });
export type AnnotationList = z.infer<typeof AnnotationList>;
