import { Injectable, Logger } from '@nestjs/common';
import { extractMentions } from '@scholia/documents';
import type { MarkReadBody, NotificationDto, NotificationList, NotificationQuery, UnreadCount } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { excerpt } from '../debates/board.js';
import { StancesService } from '../debates/stances.service.js';
import type { Prisma } from '../generated/prisma/client.js';
import { NotificationRepository, type NotificationRow } from './notification.repository.js';

type Tx = Prisma.TransactionClient;

export interface NotifyInput {
  /** Who is notified. */
  userId: string;
  /** Who did it; nobody is notified of their own doing. */
  actorId: string | null;
  /** `reply`, `mention`, `vote`, or a moderation kind. */
  kind: string;
  /** Where it happened, for the link and the text: groupSlug, documentId, annotationId, replyId, excerpt, … */
  data: Record<string, unknown>;
}

/** A stored notification, to be sent live to its recipient once the transaction that stored it has committed. */
export interface Notified {
  userId: string;
  notification: NotificationDto;
}

/** A new (or edited) note or reply, for `forPost`. */
export interface Post {
  actorId: string;
  groupSlug: string;
  documentId: string;
  annotationId: string;
  replyId?: string;
  text: string;
  /** False for a private note or one awaiting approval: nobody else can see it, so nobody is told. */
  visibleToGroup: boolean;
  /** Authors of what this answers (the thread's annotation, the parent reply): told of a reply. */
  answers?: (string | null | undefined)[];
  /** For an edit: the text before, whose mentions were already notified. */
  previousText?: string;
}

export type NotifiedListener = (userId: string, payload: { notification: NotificationDto; unread: number }) => void;

const toDto = (r: NotificationRow): NotificationDto => ({
  id: r.id,
  kind: r.kind,
  actor: r.actor,
  data: (r.data ?? {}) as Record<string, unknown>,
  read: r.readAt !== null,
  created: r.createdAt.toISOString(),
});

/** The handles mentioned in a note or reply, lower-cased as handles are stored. */
export const mentionedHandles = (markdown: string): string[] => [
  ...new Set(extractMentions(markdown).map((h) => h.toLowerCase())),
];

/**
 * Notifications: someone replied to me, mentioned me, found my item persuasive, or moderated it. Other modules call
 * `notify` (inside their transaction, then `publish` after it commits; or without one, which sends at once).
 */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');
  private readonly listeners = new Set<NotifiedListener>();

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly stances: StancesService,
    private readonly clock: Clock,
  ) {}

  /**
   * The notifications a post causes, stored in `tx`: `reply` to the authors it answers, `mention` to members whose
   * @handle it writes (newly, for an edit). One per person, and only to those who may see the post (commit-then-reveal
   * included). Publish the result after the transaction commits.
   */
  async forPost(tx: Tx, post: Post): Promise<Notified[]> {
    if (!post.visibleToGroup) return [];
    const kinds = new Map<string, 'reply' | 'mention'>();
    for (const id of post.answers ?? []) if (id) kinds.set(id, 'reply');
    const before = new Set(post.previousText !== undefined ? mentionedHandles(post.previousText) : []);
    const handles = mentionedHandles(post.text).filter((h) => !before.has(h));
    for (const u of await this.notifications.membersByHandle(post.documentId, handles))
      if (!kinds.has(u.id)) kinds.set(u.id, 'mention');
    kinds.delete(post.actorId);
    if (kinds.size === 0) return [];
    const gates = await this.stances.gatesOf(post.documentId, post.annotationId, post.replyId ?? null, tx);
    const data = {
      groupSlug: post.groupSlug,
      documentId: post.documentId,
      annotationId: post.annotationId,
      ...(post.replyId ? { replyId: post.replyId } : {}),
      excerpt: excerpt(post.text, 140),
    };
    const out: Notified[] = [];
    for (const [userId, kind] of kinds) {
      if (!this.stances.admitsAll(gates, userId)) continue;
      const n = await this.notify(tx, { userId, actorId: post.actorId, kind, data });
      if (n) out.push(n);
    }
    return out;
  }

  /**
   * Stores a notification for `userId`, in `tx` when given; null when the actor is the recipient. Without `tx` it is
   * sent live at once; with `tx`, pass the result to `publish` after the transaction commits.
   */
  async notify(tx: Tx | undefined, input: NotifyInput): Promise<Notified | null> {
    if (input.actorId !== null && input.actorId === input.userId) return null;
    const row = await this.notifications.create(tx, {
      userId: input.userId,
      actorId: input.actorId,
      kind: input.kind,
      data: input.data as Prisma.InputJsonValue,
      createdAt: this.clock.now(),
    });
    const notified = { userId: input.userId, notification: toDto(row) };
    if (!tx) this.publish([notified]);
    return notified;
  }

  /** Like `notify`, unless `userId` already has an unread one of this kind from this actor about `data[key]`. */
  async notifyOnce(tx: Tx | undefined, input: NotifyInput, key: string): Promise<Notified | null> {
    const value = input.data[key];
    if (
      input.actorId &&
      typeof value === 'string' &&
      (await this.notifications.hasUnread(tx, input.userId, input.actorId, input.kind, key, value))
    )
      return null;
    return this.notify(tx, input);
  }

  /** Sends stored notifications live to their recipients (each with their unread count). */
  publish(items: (Notified | null)[]): void {
    for (const item of items) {
      if (!item) continue;
      this.notifications.unreadCount(item.userId).then(
        (unread) => {
          for (const l of this.listeners) l(item.userId, { notification: item.notification, unread });
        },
        (error: unknown) => this.logger.warn({ err: error }, 'could not send a notification live'),
      );
    }
  }

  /** The realtime gateway listens here. */
  onNotified(listener: NotifiedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(auth: AuthContext, query: NotificationQuery): Promise<NotificationList> {
    const [rows, unread] = await Promise.all([
      this.notifications.list(auth.user.id, query.limit ?? 50, query.unread === 'true'),
      this.notifications.unreadCount(auth.user.id),
    ]);
    return { items: rows.map(toDto), unread };
  }

  async markRead(auth: AuthContext, body: MarkReadBody): Promise<UnreadCount> {
    await this.notifications.markRead(auth.user.id, body.ids, this.clock.now());
    return { unread: await this.notifications.unreadCount(auth.user.id) };
  }
}
