import { Inject, Injectable } from '@nestjs/common';
import type { Anchorer } from '@scholia/anchoring';
import { renderMarkdown } from '@scholia/documents';
import { arguesAbout } from '@scholia/shared';
import type {
  AnnotationDto,
  AnnotationList,
  AnnotationQuery,
  CreateAnnotationBody,
  CreateReplyBody,
  PatchAnnotationBody,
  PatchReplyBody,
  ReplyDto,
  Target,
} from '@scholia/shared';
import type { AuthContext, AuthUser } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { conflict, forbidden, notFound, ProblemException, staleVersion, tooManyRequests } from '../common/problem.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventBus } from '../events/event-bus.js';
import { EventRepository } from '../events/event.repository.js';
import { canTeach, refuseIfMuted } from '../groups/groups.service.js';
import { type GroupAccess, MembershipRepository } from '../groups/membership.repository.js';
import { appendAnnotationEvents, appendReplyEvents } from '../moderation/item-events.js';
import { StancesService } from '../debates/stances.service.js';
import { sortThreads } from '../debates/thread-sort.js';
import { RevisionRepository } from '../documents/revision.repository.js';
import type { Prisma } from '../generated/prisma/client.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { itemVisible, toAnnotationDto, toReplyDto, type Viewer } from './annotation.mapper.js';
import { AnnotationRepository, type AnnotationRow, type ReplyRow, type ThreadHead } from './annotation.repository.js';
import { AnchorerCache } from './anchorer-cache.js';

/** The author of something the caller writes now, as rows carry it. */
const authorOf = (user: AuthUser): AnnotationRow['author'] => ({
  id: user.id,
  displayName: user.displayName,
  handle: user.handle,
});

export interface Located {
  target: Target;
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
}

@Injectable()
export class AnnotationsService {
  constructor(
    private readonly annotations: AnnotationRepository,
    private readonly members: MembershipRepository,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly anchorers: AnchorerCache,
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stances: StancesService,
    private readonly notifications: NotificationsService,
    private readonly revisions: RevisionRepository,
  ) {}

  async list(auth: AuthContext, documentId: string, query: AnnotationQuery): Promise<AnnotationList> {
    const access = await this.documentAccess(documentId, auth);
    // Commit-then-reveal: others' arguments in debates still sealed for this viewer are left out (and never match q).
    const viewer = await this.stances.viewerFor(documentId, this.viewer(auth, access));
    const matches = query.q ? await this.annotations.searchMatches(documentId, query.q) : undefined;
    const ids = matches ? [...new Set(matches.map((m) => m.annotationId))] : undefined;
    const [rows, seq] = await Promise.all([
      this.annotations.list({
        documentId,
        viewerId: auth.user.id,
        ...(query.mine === 'true' ? { authorId: auth.user.id } : {}),
        ...(query.author
          ? /^[0-9a-f-]{36}$/.test(query.author)
            ? { authorId: query.author }
            : { authorHandle: query.author.replace(/^@/, '') }
          : {}),
        ...(query.tag ? { tag: query.tag } : {}),
        ...(query.visibility ? { visibility: query.visibility } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(ids ? { ids } : {}),
      }),
      this.events.currentSeq(documentId),
    ]);
    const items = sortThreads(
      rows
        .map((r) => toAnnotationDto(r, viewer))
        .filter((a): a is AnnotationDto => a !== null)
        .filter((a) => !query.position || arguesAbout(a, { position: query.position, side: query.side }))
        .filter(
          (a) =>
            !matches ||
            matches.some(
              (m) =>
                m.annotationId === a.id &&
                (m.replyId === null || a.replies.some((r) => r.id === m.replyId && r.text !== '')),
            ),
        ),
      query.sort,
    );
    return { items, total: items.length, seq };
  }

  async create(auth: AuthContext, documentId: string, body: CreateAnnotationBody): Promise<AnnotationDto> {
    const access = await this.documentAccess(documentId, auth);
    this.checkCanPost(auth, access);
    const revision = await this.annotations.currentRevision(documentId);
    if (!revision) throw notFound('That document');
    const located = this.locate(this.anchorers.get(documentId, revision.number, revision.text), body.target, 'target');
    const text = body.text ?? '';
    const viewer = this.viewer(auth, access);
    const { row, events, notified } = await this.annotations.transaction(async (tx) => {
      await this.assertLocatedIn(tx, documentId, revision.number);
      const created = await this.annotations.create(
        tx,
        {
          documentId,
          authorId: auth.user.id,
          target: located.target,
          exact: located.exact,
          prefix: located.prefix,
          suffix: located.suffix,
          revision: revision.number,
          anchorStatus: 'anchored',
          start: located.start,
          end: located.end,
          text,
          html: renderMarkdown(text),
          tags: [...new Set(body.tags ?? [])],
          color: body.color ?? null,
          visibility: body.visibility ?? 'group',
          review: this.reviewFor(access),
        },
        authorOf(auth.user),
      );
      // A stance in a debate (409 when it is closed, 422 when not on this document: nothing is stored then).
      const stance = body.stance
        ? await this.stances.take(tx, {
            userId: auth.user.id,
            documentId,
            stance: body.stance,
            annotationId: created.id,
          })
        : null;
      const row = this.stances.withStance(created, stance);
      const notified = await this.notifications.forPost(tx, {
        actorId: auth.user.id,
        groupSlug: access.slug,
        documentId,
        annotationId: row.id,
        text,
        visibleToGroup: row.visibility === 'group' && row.review === 'approved',
      });
      return { row, notified, events: await appendAnnotationEvents(this.events, tx, null, row, viewer) };
    });
    this.bus.publish(events);
    this.notifications.publish(notified);
    return toAnnotationDto(row, viewer)!;
  }

  async patch(auth: AuthContext, id: string, body: PatchAnnotationBody): Promise<AnnotationDto> {
    const { row, access } = await this.visible(auth, id);
    if (row.authorId !== auth.user.id) throw forbidden('Only the author can edit an annotation.');
    if (row.deletedAt) throw notFound('That annotation');
    this.checkCanPost(auth, access);
    const viewer = this.viewer(auth, access);
    const { updated, events, notified } = await this.annotations.transaction(async (tx) => {
      const ok = await this.annotations.updateVersioned(tx, id, body.version, {
        ...(body.text !== undefined ? { text: body.text, html: renderMarkdown(body.text) } : {}),
        ...(body.tags !== undefined ? { tags: [...new Set(body.tags)] } : {}),
        ...(body.visibility !== undefined ? { visibility: body.visibility } : {}),
        ...(body.color !== undefined ? { color: body.color } : {}),
      });
      if (!ok) return { updated: null, events: null, notified: [] };
      const updated = (await this.annotations.findIn(tx, id, auth.user.id))!;
      const becamePrivate = updated.visibility === 'private' && row.visibility === 'group';
      const events = becamePrivate
        ? [await this.events.append(tx, row.documentId, 'annotation.deleted', { id })]
        : await appendAnnotationEvents(this.events, tx, row, updated, viewer);
      const notified = await this.notifications.forPost(tx, {
        actorId: auth.user.id,
        groupSlug: access.slug,
        documentId: row.documentId,
        annotationId: id,
        text: updated.text,
        previousText: row.visibility === 'group' ? row.text : '',
        visibleToGroup: updated.visibility === 'group' && updated.review === 'approved',
      });
      return { updated, events, notified };
    });
    if (!updated || !events) {
      throw staleVersion('annotation', body.version);
    }
    this.bus.publish(events);
    this.notifications.publish(notified);
    return toAnnotationDto(updated, await this.stances.viewerFor(row.documentId, viewer))!;
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const { row } = await this.visible(auth, id);
    if (row.authorId !== auth.user.id) throw forbidden('Only the author can delete an annotation.');
    if (row.deletedAt) return;
    const event = await this.annotations.transaction(async (tx) => {
      await this.annotations.softDelete(tx, id, this.clock.now());
      return this.events.append(tx, row.documentId, 'annotation.deleted', { id }, this.audienceOf(row));
    });
    this.bus.publish([event]);
  }

  /**
   * Replying checks the thread's annotation and the caller's membership with one narrow read (not the whole thread),
   * and writes the reply and its event in one short transaction: the hot path of a live discussion.
   */
  async reply(auth: AuthContext, annotationId: string, body: CreateReplyBody): Promise<ReplyDto> {
    const target = await this.annotations.replyTarget(annotationId, auth.user.id, body.parentId ?? null);
    const { head, access } = this.seen(auth, target?.head ?? null, target?.access ?? null);
    if (head.deletedAt) throw notFound('That annotation');
    this.checkCanPost(auth, access);
    this.checkUnlocked(head, access);
    if (body.parentId && target?.parent?.annotationId !== annotationId) {
      throw new ProblemException(422, 'bad-parent', 'parentId must be a reply in the same thread.', {
        errors: [{ path: 'body.parentId', message: 'Not a reply in this thread' }],
      });
    }
    const cited = body.citations?.length ? await this.locateCitations(head.documentId, body.citations) : null;
    const viewer = this.viewer(auth, access);
    // Commit-then-reveal: no answering an argument one may not see yet. Only then is the whole thread needed.
    if ((await this.stances.sealedFor(head.documentId, viewer)).size > 0) {
      await this.stances.assertUnsealed(
        (await this.annotations.find(annotationId, auth.user.id))!,
        viewer,
        body.parentId,
      );
    }
    const { reply, events, notified } = await this.annotations.transaction(async (tx) => {
      if (cited) await this.assertLocatedIn(tx, head.documentId, cited.revision);
      const created = await this.annotations.createReply(
        tx,
        {
          annotationId,
          parentId: body.parentId ?? null,
          authorId: auth.user.id,
          text: body.text,
          html: renderMarkdown(body.text),
          move: body.move === 'source-request' ? 'source_request' : (body.move ?? 'comment'),
          citations: cited?.citations ?? [],
          review: this.reviewFor(access),
        },
        authorOf(auth.user),
      );
      const stance = body.stance
        ? await this.stances.take(tx, {
            userId: auth.user.id,
            documentId: head.documentId,
            stance: body.stance,
            replyId: created.id,
          })
        : null;
      const reply = this.stances.withStance(created, stance);
      const notified = await this.notifications.forPost(tx, {
        actorId: auth.user.id,
        groupSlug: access.slug,
        documentId: head.documentId,
        annotationId,
        replyId: reply.id,
        text: body.text,
        visibleToGroup: head.visibility === 'group' && reply.review === 'approved',
        answers: [head.authorId, target?.parent?.authorId],
      });
      // Last, so that the document's row lock taken by the append is held only until the commit.
      return { reply, notified, events: await appendReplyEvents(this.events, tx, head, null, reply, viewer) };
    });
    this.bus.publish(events);
    this.notifications.publish(notified);
    return toReplyDto(reply, viewer);
  }

  /**
   * Edits the words of the caller's reply, with the optimistic concurrency of annotations (409 on a stale version).
   * A deleted reply answers 404, as a deleted annotation does: there is nothing left to edit.
   */
  async patchReply(auth: AuthContext, id: string, body: PatchReplyBody): Promise<ReplyDto> {
    const { head, reply, access } = await this.visibleReply(auth, id);
    if (reply.authorId !== auth.user.id) throw forbidden('Only the author can edit a reply.');
    if (reply.deletedAt) throw notFound('That reply');
    this.checkCanPost(auth, access);
    this.checkUnlocked(head, access);
    const viewer = this.viewer(auth, access);
    const { updated, events, notified } = await this.annotations.transaction(async (tx) => {
      const ok = await this.annotations.updateReplyVersioned(tx, id, body.version, {
        text: body.text,
        html: renderMarkdown(body.text),
      });
      if (!ok) return { updated: null, events: null, notified: [] };
      const updated = (await this.annotations.findReplyIn(tx, id, auth.user.id))!;
      const notified = await this.notifications.forPost(tx, {
        actorId: auth.user.id,
        groupSlug: access.slug,
        documentId: head.documentId,
        annotationId: head.id,
        replyId: id,
        text: updated.text,
        previousText: reply.text,
        visibleToGroup: head.visibility === 'group' && updated.review === 'approved',
      });
      // Last, so that the document's row lock taken by the append is held only until the commit.
      return { updated, notified, events: await appendReplyEvents(this.events, tx, head, reply, updated, viewer) };
    });
    if (!updated || !events) {
      throw staleVersion('reply', body.version);
    }
    this.bus.publish(events);
    this.notifications.publish(notified);
    return toReplyDto(updated, viewer);
  }

  /**
   * Soft-deletes the caller's reply: it stays in its thread as "deleted" (the answers below it keep their place) and
   * its stance stops counting. Allowed in a locked thread and while muted, as deleting an annotation is: taking one's
   * words back adds nothing to the discussion. Deleting again changes nothing.
   */
  async removeReply(auth: AuthContext, id: string): Promise<void> {
    const { head, reply } = await this.visibleReply(auth, id);
    if (reply.authorId !== auth.user.id) throw forbidden('Only the author can delete a reply.');
    if (reply.deletedAt) return;
    const event = await this.annotations.transaction(async (tx) => {
      if (!(await this.annotations.softDeleteReply(tx, id, this.clock.now()))) return null;
      // Those who never saw the reply (pending, rejected or removed) need not hear it went.
      const audience =
        head.visibility === 'private' || itemVisible(reply, { userId: '', moderator: false })
          ? this.audienceOf(head)
          : { userId: reply.authorId, moderators: true };
      return this.events.append(tx, head.documentId, 'reply.deleted', { id, annotationId: head.id }, audience);
    });
    if (event) this.bus.publish([event]);
  }

  /**
   * Inside a transaction that stores positions located in revision `revision` of the document: refuses them (409
   * problem+json) when a newer revision has committed since, whose re-anchoring they missed, and holds off revisions
   * until the transaction ends. Shared with re-attaching (documents/revision.service.ts).
   */
  async assertLocatedIn(tx: Prisma.TransactionClient, documentId: string, revision: number): Promise<void> {
    const latest = await this.revisions.lockLatest(tx, documentId, 'anchor');
    if (latest === null) throw notFound('That document');
    if (latest !== revision) {
      throw conflict(
        'document-revised',
        'The document was revised meanwhile; select the passage again in its new text.',
      );
    }
  }

  private async locateCitations(
    documentId: string,
    targets: Target[],
  ): Promise<{
    revision: number;
    citations: { target: Target; anchor: { status: 'anchored'; start: number; end: number } }[];
  }> {
    const revision = await this.annotations.currentRevision(documentId);
    if (!revision) throw notFound('That document');
    const anchorer = this.anchorers.get(documentId, revision.number, revision.text);
    return {
      revision: revision.number,
      citations: targets.map((t, i) => {
        const l = this.locate(anchorer, t, `citations.${i}`);
        return { target: l.target, anchor: { status: 'anchored', start: l.start, end: l.end } };
      }),
    };
  }

  /**
   * Where a new selection lies in the current text; its selectors are stored as the text itself describes them.
   * 422 problem+json when it is not there. Shared with re-attaching (documents/revision.service.ts).
   */
  locate(anchorer: Anchorer, target: Target, path: string): Located {
    const position = target.selector.find((s) => s.type === 'TextPositionSelector');
    if (position && position.end > anchorer.length) {
      throw this.unanchorable(
        path,
        `The selection ends at ${position.end}, beyond the text's ${anchorer.length} characters.`,
      );
    }
    // A new selection must quote the text exactly; fuzzy matching is for re-anchoring after revisions.
    const found = anchorer.anchor(target.selector, { approximate: false });
    if (found.status === 'orphaned') {
      throw this.unanchorable(path, 'The quoted passage does not occur in the current text of this document.');
    }
    const [pos, quote] = anchorer.describe(found.start, found.end);
    return {
      target: { selector: [pos, quote] },
      exact: quote.exact,
      prefix: quote.prefix ?? '',
      suffix: quote.suffix ?? '',
      start: found.start,
      end: found.end,
    };
  }

  private unanchorable(path: string, detail: string): ProblemException {
    return new ProblemException(422, 'selection-not-in-text', detail, {
      errors: [{ path: `body.${path}`, message: detail }],
    });
  }

  private checkCanPost(auth: AuthContext, access: GroupAccess): void {
    refuseIfMuted(access, this.clock.now());
    const { postBurst, postPerMinute } = this.config.limits;
    const burstKey = `post:burst:${auth.user.id}`;
    const minuteKey = `post:minute:${auth.user.id}`;
    const wait = Math.max(
      this.limiter.retryAfter(burstKey, postBurst, 10),
      this.limiter.retryAfter(minuteKey, postPerMinute, 60),
    );
    if (wait > 0) throw tooManyRequests(wait, `You are posting very fast; wait ${wait} seconds.`);
    this.limiter.hit(burstKey, 10);
    this.limiter.hit(minuteKey, 60);
  }

  /** A locked thread takes no new words from students: neither replies nor edits. */
  private checkUnlocked(head: ThreadHead, access: GroupAccess): void {
    if (head.locked && !canTeach(access.role))
      throw new ProblemException(409, 'thread-locked', 'This thread is locked by a moderator.');
  }

  private audienceOf(row: Pick<AnnotationRow, 'visibility' | 'authorId'>): { userId?: string } {
    return row.visibility === 'private' ? { userId: row.authorId } : {};
  }

  /** In a pre-moderated group, students' new annotations and replies wait for an instructor's approval. */
  private reviewFor(access: GroupAccess): 'pending' | 'approved' {
    return access.preModeration && !canTeach(access.role) ? 'pending' : 'approved';
  }

  private viewer(auth: AuthContext, access: GroupAccess): Viewer {
    return { userId: auth.user.id, moderator: canTeach(access.role) };
  }

  private async documentAccess(documentId: string, auth: AuthContext): Promise<GroupAccess> {
    const access = await this.members.byDocument(documentId, auth.user.id);
    if (!access) throw notFound('That document');
    return access;
  }

  /** The annotation with the caller's access, or 404 when it does not exist or is not theirs to see. */
  private async visible(auth: AuthContext, id: string): Promise<{ row: AnnotationRow; access: GroupAccess }> {
    const seen = await this.seenThread(auth, await this.annotations.find(id, auth.user.id));
    return { row: seen.head, access: seen.access };
  }

  /** A loaded thread with the caller's access to its group, or 404 as `seen` decides. */
  private async seenThread(
    auth: AuthContext,
    row: AnnotationRow | null,
    what?: string,
  ): Promise<{ head: AnnotationRow; access: GroupAccess }> {
    const access = row && (await this.members.byDocument(row.documentId, auth.user.id));
    return this.seen(auth, row, access, what);
  }

  /**
   * A reply with its thread and the caller's access, or 404 when the caller may not see the thread or the reply in it
   * (as listing the document would show them).
   */
  private async visibleReply(
    auth: AuthContext,
    id: string,
  ): Promise<{ head: AnnotationRow; reply: ReplyRow; access: GroupAccess }> {
    const seen = await this.seenThread(auth, await this.annotations.findByReply(id, auth.user.id), 'That reply');
    const reply = seen.head.replies.find((r) => r.id === id)!;
    const viewer = this.viewer(auth, seen.access);
    if (!itemVisible(reply, viewer)) throw notFound('That reply');
    // Commit-then-reveal: someone else's argument one may not see yet must not be told apart from a missing one by a
    // 403. (Its author always sees their own reply.)
    if (reply.authorId !== auth.user.id) {
      const sealed = await this.stances.viewerFor(seen.head.documentId, viewer);
      if (sealed.sealed && !toAnnotationDto(seen.head, sealed)?.replies.some((r) => r.id === id))
        throw notFound('That reply');
    }
    return { head: seen.head, reply, access: seen.access };
  }

  /** 404 unless the caller is a member who may see the annotation (a thread's head is enough to tell). */
  private seen<H extends ThreadHead>(
    auth: AuthContext,
    head: H | null,
    access: GroupAccess | null,
    what = 'That annotation',
  ): { head: H; access: GroupAccess } {
    if (!head || !access || (head.visibility === 'private' && head.authorId !== auth.user.id)) throw notFound(what);
    // Removed items are gone, and items awaiting approval unseen, for all but instructors (and, if pending, the author).
    if (!itemVisible(head, this.viewer(auth, access))) throw notFound(what);
    return { head, access };
  }
}
