import { z } from 'zod';
import { AuthorRef, IsoDate, Role, Uuid } from './common.js';
import { InviteDto, Slug } from './groups.js';

// ---------------------------------------------------------------------------------------------------------------------
// Group administration: settings, invites, members
// ---------------------------------------------------------------------------------------------------------------------

export const PatchGroupBody = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    description: z.string().trim().max(2000).optional(),
    settings: z
      .strictObject({ preModeration: z.boolean().optional(), commitRevealDefault: z.boolean().optional() })
      .optional(),
  })
  .refine(
    (b) => b.name !== undefined || b.description !== undefined || (b.settings && Object.keys(b.settings).length > 0),
    {
      message: 'Nothing to change: send name, description or settings',
    },
  )
  .meta({ id: 'PatchGroupBody' });
export type PatchGroupBody = z.infer<typeof PatchGroupBody>;

export const InviteParam = z.strictObject({ slug: Slug, id: Uuid });
export const MemberParam = z.strictObject({ slug: Slug, userId: Uuid });

export const InviteSummary = InviteDto.extend({
  created: IsoDate,
  createdBy: AuthorRef,
  revoked: IsoDate.nullable(),
  /** Neither revoked nor expired: joining with it works. */
  active: z.boolean(),
}).meta({ id: 'InviteSummary' });
export type InviteSummary = z.infer<typeof InviteSummary>;

export const InviteList = z.object({ items: z.array(InviteSummary) }).meta({ id: 'InviteList' });
export type InviteList = z.infer<typeof InviteList>;

/** A member as others see them; `joined` and `mutedUntil` are shown to instructors only. */
export const MemberDto = z
  .object({
    user: AuthorRef,
    role: Role,
    joined: IsoDate.optional(),
    /** Set while the member is muted: they can read but not post until then. */
    mutedUntil: IsoDate.nullable().optional(),
  })
  .meta({ id: 'Member' });
export type MemberDto = z.infer<typeof MemberDto>;

export const MemberList = z.object({ items: z.array(MemberDto) }).meta({ id: 'MemberList' });
export type MemberList = z.infer<typeof MemberList>;

/**
 * `student` ↔ `instructor` (the owner only); `owner` hands the group over to another member (the owner only), who
 * becomes the owner while the previous owner becomes an instructor.
 */
export const PatchMemberBody = z.strictObject({ role: Role }).meta({ id: 'PatchMemberBody' });
export type PatchMemberBody = z.infer<typeof PatchMemberBody>;

// ---------------------------------------------------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------------------------------------------------

export const ItemType = z.enum(['annotation', 'reply']);
export type ItemType = z.infer<typeof ItemType>;

const Reason = z.string().trim().max(1000);

export const FlagBody = z.strictObject({ reason: Reason.min(1, 'Say what is wrong with it') }).meta({ id: 'FlagBody' });
export type FlagBody = z.infer<typeof FlagBody>;

export const FlagDto = z
  .object({ id: Uuid, targetType: ItemType, targetId: Uuid, reason: z.string(), created: IsoDate })
  .meta({ id: 'Flag' });
export type FlagDto = z.infer<typeof FlagDto>;

/** Where an annotation or reply is and what it says, for queues and the audit log. */
export const ItemRef = z
  .object({
    targetType: ItemType,
    targetId: Uuid,
    /** The annotation itself, or the annotation whose thread the reply is in (the reader opens `#annotation-ID`). */
    annotationId: Uuid,
    documentId: Uuid,
    documentTitle: z.string(),
    /** The highlighted passage. */
    quote: z.string(),
    /** The start of the note or reply text, as written (plain Markdown source, not HTML). */
    excerpt: z.string(),
    author: AuthorRef,
    hidden: z.boolean(),
    hiddenReason: z.string().nullable(),
    removed: z.boolean(),
    review: z.enum(['approved', 'pending', 'rejected']),
    locked: z.boolean(),
    pinned: z.boolean(),
    created: IsoDate,
  })
  .meta({ id: 'ItemRef' });
export type ItemRef = z.infer<typeof ItemRef>;

export const FlagQueueEntry = z
  .object({
    item: ItemRef,
    flagCount: z.number().int(),
    flags: z.array(z.object({ id: Uuid, reporter: AuthorRef, reason: z.string(), created: IsoDate })),
  })
  .meta({ id: 'FlagQueueEntry' });
export type FlagQueueEntry = z.infer<typeof FlagQueueEntry>;

/** Open flags grouped by item, the most flagged first. */
export const FlagQueue = z
  .object({ items: z.array(FlagQueueEntry), total: z.number().int() })
  .meta({ id: 'FlagQueue' });
export type FlagQueue = z.infer<typeof FlagQueue>;

/** Items awaiting approval in a pre-moderated group, oldest first. */
export const PendingList = z.object({ items: z.array(ItemRef) }).meta({ id: 'PendingList' });
export type PendingList = z.infer<typeof PendingList>;

// ---------------------------------------------------------------------------------------------------------------------
// Moderation actions and the audit log
// ---------------------------------------------------------------------------------------------------------------------

export const ModerationActionName = z.enum([
  'hide',
  'unhide',
  'remove',
  'lock',
  'unlock',
  'pin',
  'unpin',
  'approve',
  'reject',
  'mute',
  'unmute',
  'resolve-flag',
]);
export type ModerationActionName = z.infer<typeof ModerationActionName>;

export const ModerationTargetType = z.enum(['annotation', 'reply', 'member', 'flag']);
export type ModerationTargetType = z.infer<typeof ModerationTargetType>;

/** Which targets each action applies to. `resolve-flag` on an annotation or reply dismisses all its open flags. */
export const MODERATION_TARGETS: Record<ModerationActionName, readonly ModerationTargetType[]> = {
  hide: ['annotation', 'reply'],
  unhide: ['annotation', 'reply'],
  remove: ['annotation', 'reply'],
  lock: ['annotation'],
  unlock: ['annotation'],
  pin: ['annotation'],
  unpin: ['annotation'],
  approve: ['annotation', 'reply'],
  reject: ['annotation', 'reply'],
  mute: ['member'],
  unmute: ['member'],
  'resolve-flag': ['flag', 'annotation', 'reply'],
};

/** Actions that must say why: the reason is shown to the author and kept in the audit log. */
export const REASON_REQUIRED: readonly ModerationActionName[] = ['hide', 'remove', 'reject', 'mute'];

/** How long a mute lasts when `until` is not given. */
export const DEFAULT_MUTE_HOURS = 24;

export const ModerationBody = z
  .strictObject({
    action: ModerationActionName,
    targetType: ModerationTargetType,
    /** The annotation, reply or flag id; for `member`, the member's user id. */
    targetId: Uuid,
    reason: Reason.optional(),
    /** `mute` only: when the mute ends (default: 24 hours from now). */
    until: IsoDate.optional(),
  })
  .superRefine((b, ctx) => {
    if (!MODERATION_TARGETS[b.action].includes(b.targetType)) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetType'],
        message: `${b.action} applies to ${MODERATION_TARGETS[b.action].join(' or ')}, not ${b.targetType}`,
      });
    }
    if (REASON_REQUIRED.includes(b.action) && !b.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: `Give a reason to ${b.action}` });
    }
    if (b.until !== undefined && b.action !== 'mute') {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'until is only for mute' });
    }
  })
  .meta({ id: 'ModerationBody' });
export type ModerationBody = z.infer<typeof ModerationBody>;

/** Administrative changes that the audit log keeps alongside moderation actions. */
export const AdminActionName = z.enum([
  'change-role',
  'transfer-ownership',
  'remove-member',
  'revoke-invite',
  'update-settings',
]);
export type AdminActionName = z.infer<typeof AdminActionName>;

export const AuditActionName = z.enum([...ModerationActionName.options, ...AdminActionName.options]);
export type AuditActionName = z.infer<typeof AuditActionName>;

export const AuditEntry = z
  .object({
    id: Uuid,
    action: AuditActionName,
    actor: AuthorRef,
    targetType: z.enum(['annotation', 'reply', 'member', 'flag', 'invite', 'group']),
    targetId: z.string(),
    /** What the target was, for reading the log: the item's excerpt, the member's name, the invite's role. */
    targetLabel: z.string(),
    /** Where the item is, for annotations, replies and flags that still exist. */
    documentId: Uuid.nullable(),
    annotationId: Uuid.nullable(),
    reason: z.string(),
    until: IsoDate.nullable(),
    created: IsoDate,
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

const DateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const AuditQuery = z
  .strictObject({
    action: AuditActionName.optional(),
    /** A user id or @handle. */
    actor: z.string().trim().max(100).optional(),
    /** From this moment (or the start of this day, UTC). */
    from: DateOrTime.optional(),
    /** Up to this moment (or the end of this day, UTC). */
    to: DateOrTime.optional(),
    page: z.coerce.number().int().min(1).max(100_000).optional(),
    perPage: z.coerce.number().int().min(1).max(200).optional(),
  })
  .meta({ id: 'AuditQuery' });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** Newest first. */
export const AuditList = z
  .object({ items: z.array(AuditEntry), total: z.number().int(), page: z.number().int(), perPage: z.number().int() })
  .meta({ id: 'AuditList' });
export type AuditList = z.infer<typeof AuditList>;
