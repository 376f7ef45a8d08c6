import type { AnnotationDto, ReplyDto } from '@scholia/shared';
import type { Prisma } from '../generated/prisma/client.js';
import { itemVisible, toAnnotationDto, toReplyDto, type Viewer } from '../annotations/annotation.mapper.js';
import type { AnnotationRow, ReplyRow } from '../annotations/annotation.repository.js';
import type { Audience, EventRepository, StoredEvent } from '../events/event.repository.js';

type Tx = Prisma.TransactionClient;

/** A member who is neither an instructor nor the author: sees hidden items masked and nothing pending or removed. */
const OTHERS: Viewer = { userId: '', moderator: false };
const MODERATORS: Viewer = { userId: '', moderator: true };

interface Moderable {
  hiddenAt: Date | null;
  removedAt: Date | null;
  review: string;
}

const moderated = (r: Moderable): boolean => r.hiddenAt !== null || r.removedAt !== null || r.review !== 'approved';
const threadModerated = (a: AnnotationRow): boolean => moderated(a) || a.replies.some(moderated);

/** The three ways a moderated item is seen, each with its own audience, author first so instructors end on their view. */
const views = (authorId: string): { viewer: Viewer; audience: Audience }[] => [
  { viewer: { userId: authorId, moderator: false }, audience: { userId: authorId } },
  { viewer: MODERATORS, audience: { moderators: true } },
  { viewer: OTHERS, audience: { except: { moderators: true, userId: authorId } } },
];

/**
 * Appends the live events reporting that an annotation was created (`before` null) or changed, so that each reader
 * gets what they may see of it. An item nobody moderated goes out once to its whole audience, rendered for `actor`
 * as before. Once it (or a reply in its thread) is hidden, removed, pending or rejected, it goes out as one event per
 * view (the author's, the instructors', everyone else's): `annotation.created` to those who could not see it before,
 * `annotation.updated` to those who could, `annotation.deleted` to those who no longer may.
 */
export async function appendAnnotationEvents(
  events: EventRepository,
  tx: Tx,
  before: AnnotationRow | null,
  after: AnnotationRow,
  actor: Viewer,
): Promise<StoredEvent[]> {
  const documentId = after.documentId;
  if (after.visibility === 'private') {
    const dto = toAnnotationDto(after, { userId: after.authorId, moderator: false });
    if (!dto) return [];
    const audience = { userId: after.authorId };
    return [await events.append(tx, documentId, before ? 'annotation.updated' : 'annotation.created', dto, audience)];
  }
  if (!threadModerated(after) && (!before || !threadModerated(before))) {
    const dto = toAnnotationDto(after, actor);
    if (!dto) return [];
    return [await events.append(tx, documentId, before ? 'annotation.updated' : 'annotation.created', dto)];
  }
  const out: StoredEvent[] = [];
  for (const { viewer, audience } of views(after.authorId)) {
    const had = before !== null && toAnnotationDto(before, viewer) !== null;
    const dto: AnnotationDto | null = toAnnotationDto(after, viewer);
    if (dto)
      out.push(await events.append(tx, documentId, had ? 'annotation.updated' : 'annotation.created', dto, audience));
    else if (had) out.push(await events.append(tx, documentId, 'annotation.deleted', { id: after.id }, audience));
  }
  return out;
}

/**
 * The same for a reply created (`before` null) or changed in the thread of `annotation`: one event for everyone while
 * nobody moderated it, else one per view (`reply.created`, `reply.updated` or `reply.deleted`).
 */
export async function appendReplyEvents(
  events: EventRepository,
  tx: Tx,
  annotation: Pick<AnnotationRow, 'documentId' | 'visibility' | 'authorId'>,
  before: ReplyRow | null,
  after: ReplyRow,
  actor: Viewer,
): Promise<StoredEvent[]> {
  const documentId = annotation.documentId;
  if (annotation.visibility === 'private' || (!moderated(after) && (!before || !moderated(before)))) {
    const audience = annotation.visibility === 'private' ? { userId: annotation.authorId } : {};
    return [
      await events.append(
        tx,
        documentId,
        before ? 'reply.updated' : 'reply.created',
        toReplyDto(after, actor),
        audience,
      ),
    ];
  }
  const out: StoredEvent[] = [];
  for (const { viewer, audience } of views(after.authorId)) {
    const had = before !== null && itemVisible(before, viewer);
    if (itemVisible(after, viewer)) {
      const dto: ReplyDto = toReplyDto(after, viewer);
      out.push(await events.append(tx, documentId, had ? 'reply.updated' : 'reply.created', dto, audience));
    } else if (had) {
      out.push(
        await events.append(
          tx,
          documentId,
          'reply.deleted',
          { id: after.id, annotationId: after.annotationId },
          audience,
        ),
      );
    }
  }
  return out;
}
