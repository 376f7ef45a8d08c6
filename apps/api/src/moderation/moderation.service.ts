import { Injectable, Optional } from '@nestjs/common';
import {
  type AuditEntry,
  type AuditList,
  type AuditQuery,
  DEFAULT_MUTE_HOURS,
  type FlagBody,
  type FlagDto,
  type FlagQueue,
  type FlagQueueEntry,
  type ItemRef,
  type ModerationBody,
  type PendingList,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { itemVisible, type Viewer } from '../annotations/annotation.mapper.js';
import { AnnotationRepository } from '../annotations/annotation.repository.js';
import { Clock } from '../common/clock.js';
import { conflict, forbidden, notFound, ProblemException } from '../common/problem.js';
import { EventBus } from '../events/event-bus.js';
import type { Prisma } from '../generated/prisma/client.js';
import { EventRepository, type StoredEvent } from '../events/event.repository.js';
import { canTeach, GroupsService } from '../groups/groups.service.js';
import type { GroupAccess } from '../groups/membership.repository.js';
import { MembershipRepository } from '../groups/membership.repository.js';
import { AuditRepository, type AuditRow, recordAudit, type TargetDescription } from './audit.repository.js';
import { appendAnnotationEvents, appendReplyEvents } from './item-events.js';
import { type AnnotationItem, type ItemChange, ModerationRepository, type ReplyItem } from './moderation.repository.js';
import { type Notified, NotificationsService } from '../notifications/notifications.service.js';

type Tx = Prisma.TransactionClient;

const HOUR = 3_600_000;
const MAX_MUTE_DAYS = 365;
const EXCERPT = 200;

const excerptOf = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT - 1)}…` : flat;
};

function itemRef(type: 'annotation' | 'reply', item: AnnotationItem | ReplyItem): ItemRef {
  const annotation = 'annotation' in item ? item.annotation : item;
  return {
    targetType: type,
    targetId: item.id,
    annotationId: annotation.id,
    documentId: annotation.documentId,
    documentTitle: annotation.document.title,
    quote: annotation.exact,
    excerpt: excerptOf(item.text),
    author: item.author,
    hidden: item.hiddenAt !== null,
    hiddenReason: item.hiddenReason,
    removed: item.removedAt !== null,
    review: item.review,
    locked: annotation.locked,
    pinned: annotation.pinned,
    created: item.createdAt.toISOString(),
  };
}

const toAuditEntry = (row: AuditRow, target: TargetDescription | undefined): AuditEntry => ({
  id: row.id,
  action: row.action as AuditEntry['action'],
  actor: row.actor,
  targetType: row.targetType as AuditEntry['targetType'],
  targetId: row.targetId,
  targetLabel: target?.label ?? `${row.targetType} (no longer exists)`,
  documentId: target?.documentId ?? null,
  annotationId: target?.annotationId ?? null,
  reason: row.reason,
  until: row.until?.toISOString() ?? null,
  created: row.createdAt.toISOString(),
});

type ItemAction = 'hide' | 'unhide' | 'remove' | 'lock' | 'unlock' | 'pin' | 'unpin' | 'approve' | 'reject';

/** Flags, the moderation queue, moderation actions and the audit log. */
@Injectable()
export class ModerationService {
  constructor(
    private readonly repo: ModerationRepository,
    private readonly audit: AuditRepository,
    private readonly annotations: AnnotationRepository,
    private readonly members: MembershipRepository,
    private readonly groups: GroupsService,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    /** Tells authors that their item was moderated (and members that they were muted), when notifications are on. */
    @Optional() private readonly notifications?: NotificationsService,
  ) {}

  // ----- Flags ---------------------------------------------------------------------------------------------------------

  async flagAnnotation(auth: AuthContext, id: string, body: FlagBody): Promise<FlagDto> {
    const item = await this.repo.findAnnotation(id);
    const access = item && (await this.members.byDocument(item.documentId, auth.user.id));
    if (!item || !access || !this.canSee(item, access, auth) || item.deletedAt) throw notFound('That annotation');
    return this.flag(auth, { annotationId: id }, 'annotation', body);
  }

  async flagReply(auth: AuthContext, id: string, body: FlagBody): Promise<FlagDto> {
    const item = await this.repo.findReply(id);
    const access = item && (await this.members.byDocument(item.annotation.documentId, auth.user.id));
    if (
      !item ||
      !access ||
      !this.canSee(item.annotation, access, auth) ||
      !this.canSee(item, access, auth) ||
      item.deletedAt
    ) {
      throw notFound('That reply');
    }
    return this.flag(auth, { replyId: id }, 'reply', body);
  }

  private async flag(
    auth: AuthContext,
    target: { annotationId: string } | { replyId: string },
    type: 'annotation' | 'reply',
    body: FlagBody,
  ): Promise<FlagDto> {
    const flag = await this.repo.createFlag({ reporterId: auth.user.id, ...target, reason: body.reason });
    if (!flag)
      throw conflict(
        'already-flagged',
        `You have already flagged this ${type}; the moderators have it in their queue.`,
      );
    return {
      id: flag.id,
      targetType: type,
      targetId: 'annotationId' in target ? target.annotationId : target.replyId,
      reason: flag.reason,
      created: flag.createdAt.toISOString(),
    };
  }

  /** What a member may see and so flag: their own private items, group items unless removed or awaiting approval. */
  private canSee(
    item: { authorId: string; review: string; removedAt: Date | null; visibility?: string },
    access: GroupAccess,
    auth: AuthContext,
  ): boolean {
    if (item.visibility === 'private' && item.authorId !== auth.user.id) return false;
    return itemVisible(item, { userId: auth.user.id, moderator: canTeach(access.role) });
  }

  // ----- Queues --------------------------------------------------------------------------------------------------------

  async flagQueue(auth: AuthContext, slug: string): Promise<FlagQueue> {
    const access = await this.moderatorAccess(auth, slug);
    const flags = await this.repo.openFlags(access.groupId);
    const byItem = new Map<string, FlagQueueEntry>();
    for (const f of flags) {
      const type = f.reply ? 'reply' : 'annotation';
      const item = f.reply ?? f.annotation;
      if (!item) continue;
      const key = `${type}:${item.id}`;
      let entry = byItem.get(key);
      if (!entry) byItem.set(key, (entry = { item: itemRef(type, item), flagCount: 0, flags: [] }));
      entry.flagCount += 1;
      entry.flags.push({ id: f.id, reporter: f.reporter, reason: f.reason, created: f.createdAt.toISOString() });
    }
    // Most flagged first; among equals, the longest waiting.
    const items = [...byItem.values()].sort(
      (a, b) => b.flagCount - a.flagCount || a.flags[0]!.created.localeCompare(b.flags[0]!.created),
    );
    return { items, total: items.length };
  }

  async pending(auth: AuthContext, slug: string): Promise<PendingList> {
    const access = await this.moderatorAccess(auth, slug);
    const { annotations, replies } = await this.repo.pending(access.groupId);
    const items = [...annotations.map((a) => itemRef('annotation', a)), ...replies.map((r) => itemRef('reply', r))];
    items.sort((a, b) => a.created.localeCompare(b.created));
    return { items };
  }

  // ----- Actions -------------------------------------------------------------------------------------------------------

  async moderate(auth: AuthContext, slug: string, body: ModerationBody): Promise<AuditEntry> {
    const access = await this.moderatorAccess(auth, slug);
    const reason = body.reason ?? '';
    let row: AuditRow;
    switch (body.action) {
      case 'mute':
      case 'unmute':
        row = await this.moderateMember(auth, access, body.action, body.targetId, reason, body.until);
        break;
      case 'resolve-flag':
        row = await this.resolveFlags(
          auth,
          access,
          body.targetType as 'flag' | 'annotation' | 'reply',
          body.targetId,
          reason,
        );
        break;
      default:
        row = await this.moderateItem(
          auth,
          access,
          body.action,
          body.targetType as 'annotation' | 'reply',
          body.targetId,
          reason,
        );
    }
    const described = await this.audit.describe(access.groupId, [row]);
    return toAuditEntry(row, described.get(`${row.targetType}:${row.targetId}`));
  }

  private async moderateItem(
    auth: AuthContext,
    access: GroupAccess,
    action: ItemAction,
    type: 'annotation' | 'reply',
    id: string,
    reason: string,
  ): Promise<AuditRow> {
    const item = await this.locateItem(access, type, id);
    const annotationId = 'annotation' in item ? item.annotationId : item.id;
    const change = this.changeFor(action, reason);
    const viewer: Viewer = { userId: auth.user.id, moderator: true };
    const documentId = 'annotation' in item ? item.annotation.documentId : item.documentId;
    const { row, events, notified } = await this.repo.transaction(async (tx) => {
      const before = await this.annotations.findIn(tx, annotationId, auth.user.id);
      const changed =
        type === 'annotation'
          ? await this.repo.changeAnnotation(tx, id, change)
          : await this.repo.changeReply(tx, id, change);
      if (!changed || !before) throw this.stateConflict(action, type);
      if (action === 'hide' || action === 'remove' || action === 'reject') {
        await this.repo.resolveFlags(
          tx,
          type === 'annotation' ? { annotationId: id } : { replyId: id },
          this.clock.now(),
        );
      }
      const row = await recordAudit(tx, {
        groupId: access.groupId,
        actorId: auth.user.id,
        action,
        targetType: type,
        targetId: id,
        reason,
      });
      const after = (await this.annotations.findIn(tx, annotationId, auth.user.id))!;
      let events: StoredEvent[];
      if (type === 'annotation') {
        events = await appendAnnotationEvents(this.events, tx, before, after, viewer);
      } else {
        const was = before.replies.find((r) => r.id === id)!;
        const now = after.replies.find((r) => r.id === id)!;
        events = await appendReplyEvents(this.events, tx, after, was, now, viewer);
      }
      const notified = await this.notify(tx, auth, item.authorId, {
        action,
        reason,
        groupSlug: access.slug,
        documentId,
        annotationId,
        ...(type === 'reply' ? { replyId: id } : {}),
        excerpt: excerptOf(item.text || ('exact' in item ? item.exact : '')).slice(0, 120),
      });
      return { row, events, notified };
    });
    this.bus.publish(events);
    this.notifications?.publish([notified]);
    return row;
  }

  /** The state change each action makes, applied only from the state it expects. */
  private changeFor(action: ItemAction, reason: string): ItemChange {
    const now = this.clock.now();
    switch (action) {
      case 'hide':
        return { where: { hiddenAt: null, removedAt: null }, data: { hiddenAt: now, hiddenReason: reason } };
      case 'unhide':
        return {
          where: { hiddenAt: { not: null }, removedAt: null, review: { not: 'rejected' } },
          data: { hiddenAt: null, hiddenReason: null },
        };
      case 'remove':
        // Instructors still see a removed item, marked hidden with the reason; nobody else does.
        return { where: { removedAt: null }, data: { removedAt: now, hiddenAt: now, hiddenReason: reason } };
      case 'approve':
        return { where: { review: 'pending', removedAt: null }, data: { review: 'approved' } };
      case 'reject':
        // The author still sees a rejected item, marked hidden with the reason; nobody else but instructors does.
        return {
          where: { review: 'pending', removedAt: null },
          data: { review: 'rejected', hiddenAt: now, hiddenReason: reason },
        };
      case 'lock':
        return { where: { locked: false, removedAt: null }, data: { locked: true } };
      case 'unlock':
        return { where: { locked: true }, data: { locked: false } };
      case 'pin':
        return { where: { pinned: false, removedAt: null }, data: { pinned: true } };
      case 'unpin':
        return { where: { pinned: true }, data: { pinned: false } };
    }
  }

  private stateConflict(action: ItemAction, type: string): ProblemException {
    const why: Record<ItemAction, string> = {
      hide: `This ${type} is already hidden or was removed.`,
      unhide: `This ${type} is not hidden, or it was removed or rejected, which cannot be undone.`,
      remove: `This ${type} was already removed.`,
      approve: `This ${type} is not awaiting approval.`,
      reject: `This ${type} is not awaiting approval.`,
      lock: 'This thread is already locked, or the annotation was removed.',
      unlock: 'This thread is not locked.',
      pin: 'This annotation is already pinned, or it was removed.',
      unpin: 'This annotation is not pinned.',
    };
    return conflict('moderation-state', why[action]);
  }

  private async resolveFlags(
    auth: AuthContext,
    access: GroupAccess,
    type: 'flag' | 'annotation' | 'reply',
    id: string,
    reason: string,
  ): Promise<AuditRow> {
    let target: { id: string } | { annotationId: string } | { replyId: string };
    if (type === 'flag') {
      const flag = await this.repo.findFlag(id);
      const groupId = flag?.annotation?.document.groupId ?? flag?.reply?.annotation.document.groupId;
      if (!flag || groupId !== access.groupId) throw notFound('That flag');
      target = { id };
    } else {
      await this.locateItem(access, type, id);
      target = type === 'annotation' ? { annotationId: id } : { replyId: id };
    }
    return this.repo.transaction(async (tx) => {
      const resolved = await this.repo.resolveFlags(tx, target, this.clock.now());
      if (resolved === 0)
        throw conflict(
          'no-open-flags',
          type === 'flag' ? 'This flag was already resolved.' : `This ${type} has no open flags.`,
        );
      return recordAudit(tx, {
        groupId: access.groupId,
        actorId: auth.user.id,
        action: 'resolve-flag',
        targetType: type,
        targetId: id,
        reason,
      });
    });
  }

  private async moderateMember(
    auth: AuthContext,
    access: GroupAccess,
    action: 'mute' | 'unmute',
    userId: string,
    reason: string,
    until?: string,
  ): Promise<AuditRow> {
    const member = await this.repo.member(access.groupId, userId);
    if (!member) throw notFound('That member');
    if (member.role !== 'student') throw forbidden('Only students can be muted.');
    const now = this.clock.now();
    let end: Date | null = null;
    if (action === 'mute') {
      end = until ? new Date(until) : new Date(now.getTime() + DEFAULT_MUTE_HOURS * HOUR);
      if (end <= now || end.getTime() - now.getTime() > MAX_MUTE_DAYS * 24 * HOUR) {
        throw new ProblemException(
          422,
          'bad-mute-end',
          `A mute must end in the future and within ${MAX_MUTE_DAYS} days.`,
          {
            errors: [{ path: 'body.until', message: `Choose a time in the next ${MAX_MUTE_DAYS} days` }],
          },
        );
      }
    }
    const { row, notified } = await this.repo.transaction(async (tx) => {
      const ok = await this.repo.setMute(tx, access.groupId, userId, end, action === 'unmute' ? now : undefined);
      if (!ok) throw action === 'unmute' ? conflict('not-muted', 'This member is not muted.') : notFound('That member');
      const row = await recordAudit(tx, {
        groupId: access.groupId,
        actorId: auth.user.id,
        action,
        targetType: 'member',
        targetId: userId,
        reason,
        until: end,
      });
      const notified = await this.notify(tx, auth, userId, {
        action,
        reason,
        groupSlug: access.slug,
        until: end?.toISOString() ?? null,
      });
      return { row, notified };
    });
    this.notifications?.publish([notified]);
    return row;
  }

  /** The annotation or reply in this group, or 404: also for items nobody may act on (private, deleted by the author). */
  private async locateItem(
    access: GroupAccess,
    type: 'annotation' | 'reply',
    id: string,
  ): Promise<AnnotationItem | ReplyItem> {
    if (type === 'annotation') {
      const a = await this.repo.findAnnotation(id);
      if (!a || a.document.groupId !== access.groupId || a.visibility === 'private' || a.deletedAt)
        throw notFound('That annotation');
      return a;
    }
    const r = await this.repo.findReply(id);
    if (!r || r.annotation.document.groupId !== access.groupId || r.annotation.visibility === 'private' || r.deletedAt)
      throw notFound('That reply');
    return r;
  }

  // ----- Audit log -----------------------------------------------------------------------------------------------------

  async auditLog(auth: AuthContext, slug: string, q: AuditQuery): Promise<AuditList> {
    const access = await this.moderatorAccess(auth, slug);
    const page = q.page ?? 1;
    const perPage = q.perPage ?? 50;
    let actorId: string | undefined;
    if (q.actor) {
      actorId = /^[0-9a-f-]{36}$/i.test(q.actor)
        ? q.actor
        : ((await this.audit.userIdByHandle(q.actor.replace(/^@/, ''))) ?? undefined);
      if (!actorId) return { items: [], total: 0, page, perPage };
    }
    const from = q.from ? new Date(q.from.length === 10 ? `${q.from}T00:00:00Z` : q.from) : undefined;
    // A date alone means up to the end of that day; a moment means up to and including it.
    const before = q.to
      ? new Date(q.to.length === 10 ? Date.parse(`${q.to}T00:00:00Z`) + 24 * HOUR : Date.parse(q.to) + 1)
      : undefined;
    const { rows, total } = await this.audit.list(
      {
        groupId: access.groupId,
        ...(q.action ? { action: q.action } : {}),
        ...(actorId ? { actorId } : {}),
        ...(from ? { from } : {}),
        ...(before ? { before } : {}),
      },
      (page - 1) * perPage,
      perPage,
    );
    const described = await this.audit.describe(access.groupId, rows);
    return {
      items: rows.map((r) => toAuditEntry(r, described.get(`${r.targetType}:${r.targetId}`))),
      total,
      page,
      perPage,
    };
  }

  // ----- Helpers -------------------------------------------------------------------------------------------------------

  /** Instructors only: 404 for outsiders, 403 for students. */
  private async moderatorAccess(auth: AuthContext, slug: string): Promise<GroupAccess> {
    const access = await this.groups.access(slug, auth);
    if (!canTeach(access.role)) throw forbidden('Only instructors can moderate this group.');
    return access;
  }

  /**
   * A `moderation` notification for the author of the item (or the muted member), stored with the change; `data.action`
   * says what happened, `data.reason` why. Sent live by the caller once the transaction has committed.
   */
  private async notify(
    tx: Tx,
    auth: AuthContext,
    userId: string,
    data: Record<string, unknown>,
  ): Promise<Notified | null> {
    if (!this.notifications || userId === auth.user.id) return null;
    return this.notifications.notify(tx, { userId, actorId: auth.user.id, kind: 'moderation', data });
  }
}
