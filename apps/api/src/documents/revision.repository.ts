import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { type AnchorStatus, Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** Re-anchoring a long document writes thousands of rows in one transaction; Prisma's default 5 s is too tight. */
const REVISION_TX = { maxWait: 10_000, timeout: 120_000 } as const;

export interface RevisionRow {
  number: number;
  format: string;
  note: string | null;
  createdAt: Date;
  createdBy: { id: string; displayName: string; handle: string } | null;
}

/** What re-anchoring needs of an annotation: its selectors, where it is now, and who may hear about it. */
export interface AnchorRow {
  id: string;
  authorId: string;
  visibility: 'private' | 'group';
  review: 'approved' | 'pending' | 'rejected';
  removedAt: Date | null;
  target: unknown;
  anchorStatus: AnchorStatus;
  start: number | null;
  end: number | null;
}

export interface CitationRow {
  id: string;
  citations: unknown;
}

export interface AnchorUpdate {
  id: string;
  status: AnchorStatus;
  start: number | null;
  end: number | null;
}

export interface NewRevision {
  documentId: string;
  number: number;
  format: string;
  content: string;
  text: string;
  blocks: Prisma.InputJsonValue;
  note: string | null;
  createdById: string;
}

@Injectable()
export class RevisionRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(fn, REVISION_TX);
  }

  list(documentId: string): Promise<RevisionRow[]> {
    return this.prisma.documentRevision.findMany({
      where: { documentId },
      orderBy: { number: 'desc' },
      select: {
        number: true,
        format: true,
        note: true,
        createdAt: true,
        createdBy: { select: { id: true, displayName: true, handle: true } },
      },
    });
  }

  current(documentId: string): Promise<{ number: number; format: string } | null> {
    return this.prisma.documentRevision.findFirst({
      where: { documentId },
      orderBy: { number: 'desc' },
      select: { number: true, format: true },
    });
  }

  /**
   * Locks the document row for the rest of the transaction and returns its latest revision number; null when the
   * document does not exist. `revise` (FOR UPDATE) is for writing a revision: it waits for, and holds off, everyone
   * else who locks the row. `anchor` (FOR KEY SHARE) is for storing positions in the current text: it holds off
   * revisions only, so annotations written in parallel and event appends (FOR NO KEY UPDATE of the counter) go on.
   */
  async lockLatest(tx: Tx, documentId: string, mode: 'revise' | 'anchor' = 'revise'): Promise<number | null> {
    const lock = mode === 'revise' ? Prisma.sql`FOR UPDATE` : Prisma.sql`FOR KEY SHARE`;
    const locked = await tx.$queryRaw<unknown[]>`SELECT 1 FROM documents WHERE id = ${documentId}::uuid ${lock}`;
    if (locked.length === 0) return null;
    // A second statement: one that waited for the lock still reads other tables as of its own start (READ
    // COMMITTED), so it would miss the revision whose commit it waited for.
    const rows = await tx.$queryRaw<{ number: number | null }[]>`
      SELECT max(number) AS number FROM document_revisions WHERE document_id = ${documentId}::uuid`;
    return rows[0]?.number ?? 0;
  }

  insert(tx: Tx, rev: NewRevision): Promise<{ number: number; createdAt: Date }> {
    return tx.documentRevision.create({ data: rev, select: { number: true, createdAt: true } });
  }

  /** Every annotation of the document: private, deleted and pending ones too. */
  anchorsOf(tx: Tx, documentId: string): Promise<AnchorRow[]> {
    return tx.annotation.findMany({
      where: { documentId },
      select: {
        id: true,
        authorId: true,
        visibility: true,
        review: true,
        removedAt: true,
        target: true,
        anchorStatus: true,
        start: true,
        end: true,
      },
    });
  }

  /** Replies of the document's annotations that cite passages. */
  citationsOf(tx: Tx, documentId: string): Promise<CitationRow[]> {
    return tx.$queryRaw<CitationRow[]>`
      SELECT r.id::text AS id, r.citations
      FROM replies r JOIN annotations a ON a.id = r.annotation_id
      WHERE a.document_id = ${documentId}::uuid AND jsonb_typeof(r.citations) = 'array' AND jsonb_array_length(r.citations) > 0`;
  }

  /** One statement for any number of annotations. Neither `version` nor `updated_at` change: nobody edited them. */
  async updateAnchors(tx: Tx, updates: AnchorUpdate[]): Promise<void> {
    if (updates.length === 0) return;
    await tx.$executeRaw`
      UPDATE annotations a SET anchor_status = u.status::"AnchorStatus", start = u.start, "end" = u."end"
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS u(id uuid, status text, start int, "end" int)
      WHERE a.id = u.id`;
  }

  async updateCitations(tx: Tx, updates: { id: string; citations: unknown }[]): Promise<void> {
    if (updates.length === 0) return;
    await tx.$executeRaw`
      UPDATE replies r SET citations = u.citations
      FROM jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) AS u(id uuid, citations jsonb)
      WHERE r.id = u.id`;
  }
}
