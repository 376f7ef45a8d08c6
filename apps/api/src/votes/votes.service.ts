import { Inject, Injectable } from '@nestjs/common';
import type { VoteResult } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound, tooManyRequests } from '../common/problem.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { isUniqueViolation } from '../database/prisma.service.js';
import { excerpt } from '../debates/board.js';
import { StancesService } from '../debates/stances.service.js';
import { EventBus } from '../events/event-bus.js';
import { EventRepository } from '../events/event.repository.js';
import { canTeach, refuseIfMuted } from '../groups/groups.service.js';
import { MembershipRepository } from '../groups/membership.repository.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { VoteRepository, type VoteKind } from './vote.repository.js';

/** One "persuasive" vote per member per annotation or reply, toggled. */
@Injectable()
export class VotesService {
  constructor(
    private readonly votes: VoteRepository,
    private readonly members: MembershipRepository,
    private readonly stances: StancesService,
    private readonly notifications: NotificationsService,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async toggle(auth: AuthContext, kind: VoteKind, id: string): Promise<VoteResult> {
    const what = kind === 'annotation' ? 'That annotation' : 'That reply';
    const target = await this.votes.target(kind, id);
    const access = target && (await this.members.byDocument(target.documentId, auth.user.id));
    if (!target || !access) throw notFound(what);
    const me = auth.user.id;
    const moderator = canTeach(access.role);
    const seen = (removed: boolean, review: string, authorId: string) =>
      moderator || (!removed && (review === 'approved' || authorId === me));
    if (
      target.deleted ||
      (target.visibility === 'private' && target.threadAuthorId !== me) ||
      !seen(target.removed, target.review, target.authorId) ||
      !seen(target.threadRemoved, target.threadReview, target.threadAuthorId)
    ) {
      throw notFound(what);
    }
    const gates =
      target.visibility === 'group'
        ? await this.stances.gatesOf(target.documentId, target.annotationId, kind === 'reply' ? id : null)
        : [];
    if (!moderator && target.authorId !== me && !this.stances.admitsAll(gates, me)) throw notFound(what);
    if (target.authorId === me) throw forbidden('You cannot vote for your own annotation or reply.');
    refuseIfMuted(access, this.clock.now());
    this.throttle(me);

    const attempt = () =>
      this.votes.transaction(async (tx) => {
        const result = await this.votes.toggle(tx, me, kind, id, this.clock.now());
        // As visible as the item: its author alone for a private thread; instructors and the author while it is pending or removed.
        const moderated =
          target.removed || target.review !== 'approved' || target.threadRemoved || target.threadReview !== 'approved';
        const audience =
          target.visibility === 'private'
            ? { userId: target.threadAuthorId }
            : moderated
              ? { moderators: true, userId: target.authorId }
              : {};
        const event = await this.events.append(
          tx,
          target.documentId,
          'vote.changed',
          { targetId: id, kind, votes: result.votes },
          audience,
        );
        const notified = result.voted
          ? await this.notifications.notifyOnce(
              tx,
              {
                userId: target.authorId,
                actorId: me,
                kind: 'vote',
                data: {
                  groupSlug: target.groupSlug,
                  documentId: target.documentId,
                  annotationId: target.annotationId,
                  ...(kind === 'reply' ? { replyId: id } : {}),
                  targetId: id,
                  targetKind: kind,
                  excerpt: excerpt(target.text, 140),
                },
              },
              'targetId',
            )
          : null;
        return { result, event, notified };
      });
    let done;
    try {
      done = await attempt();
    } catch (error) {
      // A double click: the other request added the vote in between; toggle again from there.
      if (!isUniqueViolation(error)) throw error;
      done = await attempt();
    }
    this.bus.publish([done.event]);
    this.notifications.publish([done.notified]);
    return done.result;
  }

  private throttle(userId: string): void {
    const key = `vote:${userId}`;
    const limit = Math.max(this.config.limits.postPerMinute, 60);
    const wait = this.limiter.retryAfter(key, limit, 60);
    if (wait > 0) throw tooManyRequests(wait, `You are voting very fast; wait ${wait} seconds.`);
    this.limiter.hit(key, 60);
  }
}
