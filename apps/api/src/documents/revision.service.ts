import { Injectable } from '@nestjs/common';
import { createAnchorer } from '@scholia/anchoring';
import type {
  AnnotationDto,
  CreateRevisionBody,
  ReattachAnnotationBody,
  RevisionList,
  RevisionResult,
} from '@scholia/shared';
import { toAnnotationDto, type Viewer } from '../annotations/annotation.mapper.js';
import { AnnotationRepository } from '../annotations/annotation.repository.js';
import { AnnotationsService } from '../annotations/annotations.service.js';
import { AnchorerCache } from '../annotations/anchorer-cache.js';
import type { AuthContext } from '../auth/auth-context.js';
import { Clock } from '../common/clock.js';
import { forbidden, notFound, staleVersion } from '../common/problem.js';
import { EventBus } from '../events/event-bus.js';
import { type Audience, EventRepository } from '../events/event.repository.js';
import { StancesService } from '../debates/stances.service.js';
import { appendAnnotationEvents } from '../moderation/item-events.js';
import { canTeach, refuseIfMuted } from '../groups/groups.service.js';
import { type GroupAccess, MembershipRepository } from '../groups/membership.repository.js';
import { parseContent } from './documents.service.js';
import { emptyCounts, reanchor, reanchorCitations, sameAnchor } from './revision-anchoring.js';
import { type AnchorRow, type AnchorUpdate, RevisionRepository } from './revision.repository.js';

/** Who may hear where an annotation now is: whoever may see it (mapper and moderation rules). */
function audienceOf(row: AnchorRow): Audience {
  if (row.visibility === 'private') return { userId: row.authorId };
  if (row.removedAt !== null) return { moderators: true };
  if (row.review !== 'approved') return { moderators: true, userId: row.authorId };
  return {};
}

/** Document revisions (an instructor corrects the text, every annotation is re-anchored) and re-attaching annotations. */
@Injectable()
export class RevisionService {
  constructor(
    private readonly revisions: RevisionRepository,
    private readonly annotations: AnnotationRepository,
    private readonly annotationsService: AnnotationsService,
    private readonly members: MembershipRepository,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly anchorers: AnchorerCache,
    private readonly clock: Clock,
    private readonly stances: StancesService,
  ) {}

  async list(auth: AuthContext, documentId: string): Promise<RevisionList> {
    await this.documentAccess(documentId, auth);
    const rows = await this.revisions.list(documentId);
    return {
      items: rows.map((r) => ({
        number: r.number,
        format: r.format === 'markdown' ? 'markdown' : 'text',
        note: r.note,
        author: r.createdBy,
        created: r.createdAt.toISOString(),
      })),
    };
  }

  /**
   * Stores the corrected text as a new revision and re-anchors every annotation of the document (private, deleted
   * and pending ones too) and every cited passage of their replies, in one transaction. Each annotation whose anchor
   * changed gets one `annotation.reanchored` event (a private one only for its author), after one `document.revised`
   * for everyone, all published after commit.
   */
  async create(auth: AuthContext, documentId: string, body: CreateRevisionBody): Promise<RevisionResult> {
    const access = await this.documentAccess(documentId, auth);
    if (!canTeach(access.role)) throw forbidden('Only instructors can revise a document.');
    const current = await this.revisions.current(documentId);
    if (!current) throw notFound('That document');
    const format = body.format ?? (current.format === 'markdown' ? 'markdown' : 'text');
    const parsed = parseContent(format, body.content);
    const anchorer = createAnchorer(parsed.text);
    const note = body.note ? body.note : null;

    const { revision, events, counts } = await this.revisions.transaction(async (tx) => {
      const latest = await this.revisions.lockLatest(tx, documentId);
      if (latest === null) throw notFound('That document');
      const revision = await this.revisions.insert(tx, {
        documentId,
        number: latest + 1,
        format,
        content: body.content,
        text: parsed.text,
        blocks: parsed.blocks,
        note,
        createdById: auth.user.id,
      });

      const counts = emptyCounts();
      const changed: (AnchorUpdate & { audience: Audience })[] = [];
      for (const row of await this.revisions.anchorsOf(tx, documentId)) {
        const before = { status: row.anchorStatus, start: row.start, end: row.end };
        const after = reanchor(anchorer, row.target, before);
        counts[after.status]++;
        if (!sameAnchor(before, after)) {
          changed.push({
            id: row.id,
            ...after,
            audience: audienceOf(row),
          });
        }
      }
      const citations: { id: string; citations: unknown }[] = [];
      for (const reply of await this.revisions.citationsOf(tx, documentId)) {
        const next = reanchorCitations(anchorer, reply.citations);
        if (next) citations.push({ id: reply.id, citations: next });
      }
      await this.revisions.updateAnchors(
        tx,
        changed.map(({ id, status, start, end }) => ({ id, status, start, end })),
      );
      await this.revisions.updateCitations(tx, citations);

      const revised = await this.events.append(tx, documentId, 'document.revised', {
        revision: revision.number,
        note,
        created: revision.createdAt.toISOString(),
      });
      const reanchored = await this.events.appendMany(
        tx,
        documentId,
        'annotation.reanchored',
        changed.map(({ id, status, start, end, audience }) => ({
          payload: { id, anchor: { status, start, end } },
          audience,
        })),
      );
      return { revision, events: [revised, ...reanchored], counts };
    });
    this.bus.publish(events);
    // Annotations made from now on are located in the new text: prepare it once.
    this.anchorers.get(documentId, revision.number, parsed.text);
    return {
      documentId,
      revision: revision.number,
      note,
      created: revision.createdAt.toISOString(),
      text: parsed.text,
      blocks: parsed.blocks,
      reanchored: counts,
    };
  }

  /**
   * Attaches an annotation (typically an orphan) to a new selection in the current text: validated exactly as a new
   * annotation's (422 when the quote is not in the text), anchored there, version bumped, `annotation.updated` sent.
   */
  async reattach(auth: AuthContext, id: string, body: ReattachAnnotationBody): Promise<AnnotationDto> {
    const row = await this.annotations.find(id, auth.user.id);
    const access = row && (await this.members.byDocument(row.documentId, auth.user.id));
    if (!row || !access || (row.visibility === 'private' && row.authorId !== auth.user.id))
      throw notFound('That annotation');
    const viewer: Viewer = { userId: auth.user.id, moderator: canTeach(access.role) };
    if (!toAnnotationDto(row, viewer)) throw notFound('That annotation');
    const author = row.authorId === auth.user.id;
    if (!viewer.moderator) {
      if (!author) throw forbidden('Only instructors or the author can re-attach an annotation.');
      if (row.deletedAt) throw notFound('That annotation');
      refuseIfMuted(access, this.clock.now());
    }
    const revision = await this.annotations.currentRevision(row.documentId);
    if (!revision) throw notFound('That annotation');
    const located = this.annotationsService.locate(
      this.anchorers.get(row.documentId, revision.number, revision.text),
      body.target,
      'target',
    );

    const result = await this.annotations.transaction(async (tx) => {
      // The selection was located in `revision`: a revision committed meanwhile would leave it pointing at old text.
      await this.annotationsService.assertLocatedIn(tx, row.documentId, revision.number);
      const ok = await this.annotations.reattach(tx, id, body.version, {
        target: located.target,
        exact: located.exact,
        prefix: located.prefix,
        suffix: located.suffix,
        start: located.start,
        end: located.end,
        revision: revision.number,
      });
      if (!ok) return null;
      const updated = (await this.annotations.findIn(tx, id, auth.user.id))!;
      return { updated, events: await appendAnnotationEvents(this.events, tx, row, updated, viewer) };
    });
    if (!result) {
      throw staleVersion('annotation', body.version ?? row.version);
    }
    this.bus.publish(result.events);
    return toAnnotationDto(result.updated, await this.stances.viewerFor(row.documentId, viewer))!;
  }

  private async documentAccess(documentId: string, auth: AuthContext): Promise<GroupAccess> {
    const access = await this.members.byDocument(documentId, auth.user.id);
    if (!access) throw notFound('That document');
    return access;
  }
}
