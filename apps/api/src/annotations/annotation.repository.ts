import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma, type ReviewStatus, type Role, type Visibility } from '../generated/prisma/client.js';
import type { GroupAccess } from '../groups/membership.repository.js';

const AUTHOR = { select: { id: true, displayName: true, handle: true } } as const;
/** The stance an annotation or reply takes in a debate (at most one: see debates/stances.service.ts). */
const STANCES = { select: { debateId: true, positionId: true, side: true }, take: 1 } as const;

const replyInclude = (viewerId: string) =>
  ({
    author: AUTHOR,
    _count: { select: { votes: true } },
    votes: { where: { userId: viewerId }, select: { id: true } },
    stances: STANCES,
  }) satisfies Prisma.ReplyInclude;

export const annotationInclude = (viewerId: string) =>
  ({
    author: AUTHOR,
    _count: { select: { votes: true } },
    votes: { where: { userId: viewerId }, select: { id: true } },
    stances: STANCES,
    replies: { orderBy: { createdAt: 'asc' }, include: replyInclude(viewerId) },
  }) satisfies Prisma.AnnotationInclude;

export type AnnotationRow = Prisma.AnnotationGetPayload<{ include: ReturnType<typeof annotationInclude> }>;
export type ReplyRow = AnnotationRow['replies'][number];

/** What writing into a thread needs of its annotation: who may see it and whether it takes replies; no replies. */
export interface ThreadHead {
  id: string;
  documentId: string;
  authorId: string;
  visibility: Visibility;
  review: ReviewStatus;
  hiddenAt: Date | null;
  removedAt: Date | null;
  deletedAt: Date | null;
  locked: boolean;
}

/** The annotation a reply goes to, the caller's access to its group, and the reply it answers (when named). */
export interface ReplyTarget {
  head: ThreadHead;
  access: GroupAccess | null;
  /** Null when no parent was named or no such reply exists. */
  parent: { annotationId: string; authorId: string } | null;
}

export interface ListFilter {
  documentId: string;
  viewerId: string;
  authorId?: string;
  authorHandle?: string;
  tag?: string;
  visibility?: 'private' | 'group';
  status?: 'anchored' | 'moved' | 'orphaned';
  ids?: string[];
}

@Injectable()
export class AnnotationRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn);
  }

  async currentRevision(documentId: string): Promise<{ number: number; text: string } | null> {
    return this.prisma.documentRevision.findFirst({
      where: { documentId },
      orderBy: { number: 'desc' },
      select: { number: true, text: true },
    });
  }

  find(id: string, viewerId: string): Promise<AnnotationRow | null> {
    return this.prisma.annotation.findUnique({ where: { id }, include: annotationInclude(viewerId) });
  }

  findIn(tx: Prisma.TransactionClient, id: string, viewerId: string): Promise<AnnotationRow | null> {
    return tx.annotation.findUnique({ where: { id }, include: annotationInclude(viewerId) });
  }

  /** The annotation whose thread holds reply `replyId`, loaded as `find` loads it; null when there is no such reply. */
  findByReply(replyId: string, viewerId: string): Promise<AnnotationRow | null> {
    return this.prisma.annotation.findFirst({
      where: { replies: { some: { id: replyId } } },
      include: annotationInclude(viewerId),
    });
  }

  findReplyIn(tx: Prisma.TransactionClient, id: string, viewerId: string): Promise<ReplyRow | null> {
    return tx.reply.findUnique({ where: { id }, include: replyInclude(viewerId) });
  }

  /**
   * The annotations of a document the viewer may list (the group's and their own private ones) with their threads,
   * in one statement that has PostgreSQL build the rows as JSON: the same rows `find` loads (every column, author,
   * vote count, the viewer's vote, stance; replies oldest first), several times faster than loading them relation by
   * relation. Pinned first, then in text order (orphans last).
   */
  async list(f: ListFilter): Promise<AnnotationRow[]> {
    if (f.ids && f.ids.length === 0) return [];
    const where = [
      Prisma.sql`a.document_id = ${f.documentId}::uuid`,
      Prisma.sql`(a.visibility = 'group' OR a.author_id = ${f.viewerId}::uuid)`,
      ...(f.authorId ? [Prisma.sql`a.author_id = ${f.authorId}::uuid`] : []),
      ...(f.authorHandle
        ? [Prisma.sql`a.author_id IN (SELECT u.id FROM users u WHERE u.handle = ${f.authorHandle})`]
        : []),
      ...(f.tag ? [Prisma.sql`${f.tag} = ANY (a.tags)`] : []),
      ...(f.visibility ? [Prisma.sql`a.visibility = ${f.visibility}::"Visibility"`] : []),
      ...(f.status ? [Prisma.sql`a.anchor_status = ${f.status}::"AnchorStatus"`] : []),
      ...(f.ids ? [Prisma.sql`a.id IN (${Prisma.join(f.ids.map((id) => Prisma.sql`${id}::uuid`))})`] : []),
    ];
    const viewer = Prisma.sql`${f.viewerId}::uuid`;
    const rows = await this.prisma.$queryRaw<{ json: string }[]>`
      WITH a AS (SELECT a.* FROM annotations a WHERE ${Prisma.join(where, ' AND ')}),
      r AS (SELECT r.* FROM replies r WHERE r.annotation_id IN (SELECT id FROM a)),
      av AS (
        SELECT v.annotation_id AS id, count(*)::int AS n, (array_agg(v.id) FILTER (WHERE v.user_id = ${viewer}))[1] AS mine
        FROM votes v WHERE v.annotation_id IN (SELECT id FROM a) GROUP BY v.annotation_id),
      rv AS (
        SELECT v.reply_id AS id, count(*)::int AS n, (array_agg(v.id) FILTER (WHERE v.user_id = ${viewer}))[1] AS mine
        FROM votes v WHERE v.reply_id IN (SELECT id FROM r) GROUP BY v.reply_id),
      ast AS (
        SELECT DISTINCT ON (s.annotation_id) s.annotation_id AS id, s.debate_id, s.position_id, s.side
        FROM stances s WHERE s.annotation_id IN (SELECT id FROM a) ORDER BY s.annotation_id, s.id),
      rst AS (
        SELECT DISTINCT ON (s.reply_id) s.reply_id AS id, s.debate_id, s.position_id, s.side
        FROM stances s WHERE s.reply_id IN (SELECT id FROM r) ORDER BY s.reply_id, s.id),
      threads AS (
        SELECT r.annotation_id, json_agg(json_build_object(
          'id', r.id, 'annotationId', r.annotation_id, 'parentId', r.parent_id, 'authorId', r.author_id,
          'text', r.text, 'html', r.html, 'move', r.move, 'citations', r.citations, 'version', r.version,
          'review', r.review, 'hiddenAt', r.hidden_at, 'hiddenReason', r.hidden_reason, 'removedAt', r.removed_at,
          'deletedAt', r.deleted_at, 'createdAt', r.created_at, 'updatedAt', r.updated_at,
          'author', json_build_object('id', u.id, 'displayName', u.display_name, 'handle', u.handle),
          '_count', json_build_object('votes', coalesce(rv.n, 0)),
          'votes', CASE WHEN rv.mine IS NULL THEN '[]'::json ELSE json_build_array(json_build_object('id', rv.mine)) END,
          'stances', CASE WHEN rst.id IS NULL THEN '[]'::json
            ELSE json_build_array(json_build_object('debateId', rst.debate_id, 'positionId', rst.position_id, 'side', rst.side)) END
        ) ORDER BY r.created_at) AS replies
        FROM r JOIN users u ON u.id = r.author_id LEFT JOIN rv ON rv.id = r.id LEFT JOIN rst ON rst.id = r.id
        GROUP BY r.annotation_id)
      SELECT coalesce(json_agg(json_build_object(
        'id', a.id, 'documentId', a.document_id, 'authorId', a.author_id, 'target', a.target, 'exact', a.exact,
        'prefix', a.prefix, 'suffix', a.suffix, 'revision', a.revision, 'anchorStatus', a.anchor_status,
        'start', a.start, 'end', a."end", 'text', a.text, 'html', a.html, 'tags', a.tags, 'color', a.color,
        'visibility', a.visibility, 'version', a.version, 'review', a.review, 'hiddenAt', a.hidden_at,
        'hiddenReason', a.hidden_reason, 'removedAt', a.removed_at, 'locked', a.locked, 'pinned', a.pinned,
        'deletedAt', a.deleted_at, 'createdAt', a.created_at, 'updatedAt', a.updated_at,
        'author', json_build_object('id', u.id, 'displayName', u.display_name, 'handle', u.handle),
        '_count', json_build_object('votes', coalesce(av.n, 0)),
        'votes', CASE WHEN av.mine IS NULL THEN '[]'::json ELSE json_build_array(json_build_object('id', av.mine)) END,
        'stances', CASE WHEN ast.id IS NULL THEN '[]'::json
          ELSE json_build_array(json_build_object('debateId', ast.debate_id, 'positionId', ast.position_id, 'side', ast.side)) END,
        'replies', coalesce(t.replies, '[]'::json)
      ) ORDER BY a.pinned DESC, a.start, a.created_at), '[]'::json)::text AS json
      FROM a JOIN users u ON u.id = a.author_id
      LEFT JOIN av ON av.id = a.id LEFT JOIN ast ON ast.id = a.id LEFT JOIN threads t ON t.annotation_id = a.id`;
    return hydrate(JSON.parse(rows[0]?.json ?? '[]') as Json[]);
  }

  /** Annotations whose note, quote or replies match a web-search style query (PostgreSQL full-text search). */
  async search(documentId: string, q: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT a.id::text AS id FROM annotations a
      WHERE a.document_id = ${documentId}::uuid AND a.deleted_at IS NULL AND (
        to_tsvector('english', a.text || ' ' || a.exact || ' ' || array_to_string(a.tags, ' ')) @@ websearch_to_tsquery('english', ${q})
        OR EXISTS (SELECT 1 FROM replies r WHERE r.annotation_id = a.id AND r.deleted_at IS NULL
                   AND to_tsvector('english', r.text) @@ websearch_to_tsquery('english', ${q})))`;
    return rows.map((r) => r.id);
  }

  /**
   * Like `search`, saying what matched: the annotation itself (`replyId` null: its note, quote or tags) or one of its
   * replies, so that a match only counts when the caller may see the item that matched.
   */
  async searchMatches(documentId: string, q: string): Promise<{ annotationId: string; replyId: string | null }[]> {
    return this.prisma.$queryRaw<{ annotationId: string; replyId: string | null }[]>`
      SELECT a.id::text AS "annotationId", NULL::text AS "replyId" FROM annotations a
      WHERE a.document_id = ${documentId}::uuid AND a.deleted_at IS NULL
        AND to_tsvector('english', a.text || ' ' || a.exact || ' ' || array_to_string(a.tags, ' ')) @@ websearch_to_tsquery('english', ${q})
      UNION ALL
      SELECT r.annotation_id::text, r.id::text FROM replies r JOIN annotations a ON a.id = r.annotation_id
      WHERE a.document_id = ${documentId}::uuid AND r.deleted_at IS NULL
        AND to_tsvector('english', r.text) @@ websearch_to_tsquery('english', ${q})`;
  }

  /** A new annotation, returned as `find` would load it; like `createReply`, one INSERT. */
  async create(
    tx: Prisma.TransactionClient,
    data: Prisma.AnnotationUncheckedCreateInput,
    author: AnnotationRow['author'],
  ): Promise<AnnotationRow> {
    const created = await tx.annotation.create({ data });
    return { ...created, author, _count: { votes: 0 }, votes: [], stances: [], replies: [] };
  }

  /** False when `version` is no longer current: someone saved in between. */
  async updateVersioned(
    tx: Prisma.TransactionClient,
    id: string,
    version: number,
    data: Prisma.AnnotationUpdateManyMutationInput,
  ): Promise<boolean> {
    const res = await tx.annotation.updateMany({
      where: { id, version, deletedAt: null },
      data: { ...data, version: { increment: 1 } },
    });
    return res.count === 1;
  }

  /** Moves an annotation to a new selection; false when `version` (if given) is no longer current. */
  async reattach(
    tx: Prisma.TransactionClient,
    id: string,
    version: number | undefined,
    data: {
      target: Prisma.InputJsonValue;
      exact: string;
      prefix: string;
      suffix: string;
      start: number;
      end: number;
      revision: number;
    },
  ): Promise<boolean> {
    const res = await tx.annotation.updateMany({
      where: { id, ...(version !== undefined ? { version } : {}) },
      data: { ...data, anchorStatus: 'anchored', version: { increment: 1 } },
    });
    return res.count === 1;
  }

  async softDelete(tx: Prisma.TransactionClient, id: string, at: Date): Promise<void> {
    await tx.annotation.update({
      where: { id },
      data: { deletedAt: at, text: '', html: '', version: { increment: 1 } },
    });
  }

  /** Like `updateVersioned`, for a reply: false when `version` is no longer current or the reply was deleted. */
  async updateReplyVersioned(
    tx: Prisma.TransactionClient,
    id: string,
    version: number,
    data: Prisma.ReplyUpdateManyMutationInput,
  ): Promise<boolean> {
    const res = await tx.reply.updateMany({
      where: { id, version, deletedAt: null },
      data: { ...data, version: { increment: 1 } },
    });
    return res.count === 1;
  }

  /**
   * Blanks what the reply said and cited; the row stays so that the answers below it keep their place in the thread.
   * False when it was already deleted (a concurrent delete won).
   */
  async softDeleteReply(tx: Prisma.TransactionClient, id: string, at: Date): Promise<boolean> {
    const res = await tx.reply.updateMany({
      where: { id, deletedAt: null },
      data: { deletedAt: at, text: '', html: '', citations: [], version: { increment: 1 } },
    });
    return res.count === 1;
  }

  /**
   * A new reply, returned as `find` would load it. It has no votes or stance yet and its author is the caller, so
   * nothing needs reading back: one INSERT.
   */
  async createReply(
    tx: Prisma.TransactionClient,
    data: Prisma.ReplyUncheckedCreateInput,
    author: ReplyRow['author'],
  ): Promise<ReplyRow> {
    const created = await tx.reply.create({ data });
    return { ...created, author, _count: { votes: 0 }, votes: [], stances: [] };
  }

  /**
   * Everything replying checks, in one statement rather than loading the whole thread: the annotation's own state,
   * the caller's membership of its document's group, and the parent reply. (It reads memberships as
   * MembershipRepository does, joined in, because this sits on the hot path of every reply.)
   */
  async replyTarget(annotationId: string, userId: string, parentId: string | null): Promise<ReplyTarget | null> {
    const rows = await this.prisma.$queryRaw<
      (ThreadHead & {
        groupId: string;
        slug: string;
        preModeration: boolean;
        role: Role | null;
        mutedUntil: Date | null;
        parentAnnotationId: string | null;
        parentAuthorId: string | null;
      })[]
    >`
      SELECT a.id::text AS id, a.document_id::text AS "documentId", a.author_id::text AS "authorId",
        a.visibility::text AS visibility, a.review::text AS review, a.hidden_at AS "hiddenAt",
        a.removed_at AS "removedAt", a.deleted_at AS "deletedAt", a.locked,
        g.id::text AS "groupId", g.slug, g.pre_moderation AS "preModeration",
        m.role::text AS role, m.muted_until AS "mutedUntil",
        p.annotation_id::text AS "parentAnnotationId", p.author_id::text AS "parentAuthorId"
      FROM annotations a
      JOIN documents d ON d.id = a.document_id
      JOIN groups g ON g.id = d.group_id
      LEFT JOIN memberships m ON m.group_id = g.id AND m.user_id = ${userId}::uuid
      LEFT JOIN replies p ON p.id = ${parentId}::uuid
      WHERE a.id = ${annotationId}::uuid`;
    const r = rows[0];
    if (!r) return null;
    return {
      head: {
        id: r.id,
        documentId: r.documentId,
        authorId: r.authorId,
        visibility: r.visibility,
        review: r.review,
        hiddenAt: r.hiddenAt,
        removedAt: r.removedAt,
        deletedAt: r.deletedAt,
        locked: r.locked,
      },
      access: r.role
        ? {
            groupId: r.groupId,
            slug: r.slug,
            role: r.role,
            mutedUntil: r.mutedUntil,
            preModeration: r.preModeration,
          }
        : null,
      parent:
        r.parentAnnotationId && r.parentAuthorId
          ? { annotationId: r.parentAnnotationId, authorId: r.parentAuthorId }
          : null,
    };
  }
}

type Json = Record<string, unknown>;

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/** JSON rows as Prisma returns them: timestamps as Dates, enum values by their Prisma names. */
function hydrate(rows: Json[]): AnnotationRow[] {
  for (const a of rows) {
    hydrateDates(a);
    for (const r of a.replies as Json[]) {
      hydrateDates(r);
      if (r.move === 'source-request') r.move = 'source_request';
    }
  }
  return rows as unknown as AnnotationRow[];
}

function hydrateDates(row: Json): void {
  row.createdAt = date(row.createdAt);
  row.updatedAt = date(row.updatedAt);
  row.hiddenAt = date(row.hiddenAt);
  row.removedAt = date(row.removedAt);
  row.deletedAt = date(row.deletedAt);
}
