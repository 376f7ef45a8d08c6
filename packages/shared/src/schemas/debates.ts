import { z } from 'zod';
import { StanceSide } from './annotations.js';
import { AuthorRef, IsoDate, Uuid } from './common.js';

export const DebateMode = z.enum(['open', 'commit-reveal']);
export type DebateMode = z.infer<typeof DebateMode>;
export const DebateStatus = z.enum(['open', 'closed']);
export type DebateStatus = z.infer<typeof DebateStatus>;

const PositionInput = z.strictObject({
  title: z.string().trim().min(1).max(200),
  statement: z.string().trim().max(2000).optional(),
});

export const CreateDebateBody = z
  .strictObject({
    question: z.string().trim().min(1).max(500),
    positions: z.array(PositionInput).min(2).max(6),
    /** Default: the group's commit-then-reveal setting. */
    mode: DebateMode.optional(),
    /** Commit-then-reveal: when everyone sees everyone's stances, whether or not they have posted. */
    revealAt: IsoDate.nullable().optional(),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.positions.forEach((p, i) => {
      const key = p.title.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['positions', i, 'title'], message: 'Two positions have the same title' });
      seen.add(key);
    });
  })
  .meta({ id: 'CreateDebateBody' });
export type CreateDebateBody = z.infer<typeof CreateDebateBody>;

export const PatchDebateBody = z
  .strictObject({
    status: DebateStatus.optional(),
    /** `null` removes the reveal time; a time in the past reveals now. */
    revealAt: IsoDate.nullable().optional(),
    question: z.string().trim().min(1).max(500).optional(),
  })
  .refine((b) => b.status !== undefined || b.revealAt !== undefined || b.question !== undefined, {
    message: 'Nothing to change: send status, revealAt or question',
  })
  .meta({ id: 'PatchDebateBody' });
export type PatchDebateBody = z.infer<typeof PatchDebateBody>;

export const PositionDto = z.object({ id: Uuid, title: z.string(), statement: z.string() }).meta({ id: 'Position' });
export type PositionDto = z.infer<typeof PositionDto>;

export const DebateDto = z
  .object({
    id: Uuid,
    documentId: Uuid,
    documentTitle: z.string(),
    groupSlug: z.string(),
    question: z.string(),
    mode: DebateMode,
    status: DebateStatus,
    revealAt: IsoDate.nullable(),
    created: IsoDate,
    createdBy: AuthorRef,
    positions: z.array(PositionDto),
    /** What the caller may do and see. */
    viewer: z.object({
      canManage: z.boolean(),
      /** False for a student in a commit-then-reveal debate who has not posted a stance yet (before the reveal time). */
      revealed: z.boolean(),
      /** The caller's current stance, if any. */
      stance: z.object({ positionId: Uuid, side: StanceSide }).nullable(),
    }),
  })
  .meta({ id: 'Debate' });
export type DebateDto = z.infer<typeof DebateDto>;

export const DebateList = z.object({ items: z.array(DebateDto) }).meta({ id: 'DebateList' });
export type DebateList = z.infer<typeof DebateList>;

export const Passage = z
  .object({ start: z.number().int().nullable(), end: z.number().int().nullable(), exact: z.string() })
  .meta({ id: 'Passage' });
export type Passage = z.infer<typeof Passage>;

/** One argument on the board: an annotation or reply that took a stance, with its evidence. */
export const ArgumentDto = z
  .object({
    stanceId: Uuid,
    kind: z.enum(['annotation', 'reply']),
    annotationId: Uuid,
    replyId: Uuid.nullable(),
    author: AuthorRef,
    positionId: Uuid,
    side: StanceSide,
    /** False when the author has since taken another stance in this debate. */
    current: z.boolean(),
    /** The quoted passages: the annotation's, or the reply's citations (else its thread's passage, `evidence: thread`). */
    passages: z.array(Passage),
    evidence: z.enum(['passage', 'citations', 'thread']),
    excerpt: z.string(),
    hidden: z.boolean(),
    votes: z.number().int(),
    voted: z.boolean(),
    created: IsoDate,
  })
  .meta({ id: 'Argument' });
export type ArgumentDto = z.infer<typeof ArgumentDto>;

export const BoardPosition = PositionDto.extend({
  counts: z.object({
    /** Arguments on each side. */
    for: z.number().int(),
    against: z.number().int(),
    /** People whose current stance is on each side. */
    holdersFor: z.number().int(),
    holdersAgainst: z.number().int(),
  }),
  for: z.array(ArgumentDto),
  against: z.array(ArgumentDto),
}).meta({ id: 'BoardPosition' });
export type BoardPosition = z.infer<typeof BoardPosition>;

/** A range of the text cited on opposing sides: for and against one position, or for two different positions. */
export const ContestedPassage = z
  .object({
    start: z.number().int(),
    end: z.number().int(),
    exact: z.string(),
    sides: z.array(z.object({ positionId: Uuid, side: StanceSide, argumentIds: z.array(Uuid) })),
  })
  .meta({ id: 'ContestedPassage' });
export type ContestedPassage = z.infer<typeof ContestedPassage>;

export const Participant = z
  .object({
    user: AuthorRef,
    current: z.object({ positionId: Uuid, side: StanceSide }).nullable(),
    argued: z.array(z.object({ positionId: Uuid, side: StanceSide, count: z.number().int() })),
    /** They have held more than one position or side in this debate. */
    changed: z.boolean(),
  })
  .meta({ id: 'Participant' });
export type Participant = z.infer<typeof Participant>;

export const DebateBoard = z
  .object({
    debate: DebateDto,
    positions: z.array(BoardPosition),
    contested: z.array(ContestedPassage),
    participants: z.array(Participant),
    /** True when the caller sees only their own arguments (commit-then-reveal, not posted yet). */
    sealed: z.boolean(),
  })
  .meta({ id: 'DebateBoard' });
export type DebateBoard = z.infer<typeof DebateBoard>;

export const DebateExportQuery = z
  .strictObject({ format: z.enum(['markdown', 'csv']).default('markdown') })
  .meta({ id: 'DebateExportQuery' });
export type DebateExportQuery = z.infer<typeof DebateExportQuery>;

export const StanceHistoryQuery = z.strictObject({ userId: Uuid.optional() }).meta({ id: 'StanceHistoryQuery' });
export type StanceHistoryQuery = z.infer<typeof StanceHistoryQuery>;

export const StanceHistoryEntry = z
  .object({
    id: Uuid,
    user: AuthorRef,
    positionId: Uuid,
    side: StanceSide,
    annotationId: Uuid.nullable(),
    replyId: Uuid.nullable(),
    created: IsoDate,
    supersededAt: IsoDate.nullable(),
  })
  .meta({ id: 'StanceHistoryEntry' });
export type StanceHistoryEntry = z.infer<typeof StanceHistoryEntry>;

export const StanceHistory = z.object({ items: z.array(StanceHistoryEntry) }).meta({ id: 'StanceHistory' });
export type StanceHistory = z.infer<typeof StanceHistory>;

export const VoteResult = z.object({ votes: z.number().int(), voted: z.boolean() }).meta({ id: 'VoteResult' });
export type VoteResult = z.infer<typeof VoteResult>;
