import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

const AUTHOR = { select: { id: true, displayName: true, handle: true } } as const;

export type AuditTargetType = 'annotation' | 'reply' | 'member' | 'flag' | 'invite' | 'group';

export interface AuditInput {
  groupId: string;
  actorId: string;
  action: string;
  targetType: AuditTargetType;
  targetId: string;
  reason?: string;
  until?: Date | null;
}

export interface AuditRow {
  id: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string;
  until: Date | null;
  createdAt: Date;
  actor: { id: string; displayName: string; handle: string };
}

export interface AuditFilter {
  groupId: string;
  action?: string;
  actorId?: string;
  /** Set when the actor was given as a handle nobody has: nothing matches. */
  actorHandle?: string;
  from?: Date;
  /** Exclusive. */
  before?: Date;
}

/** What an audit target was, for reading the log. */
export interface TargetDescription {
  label: string;
  documentId: string | null;
  annotationId: string | null;
}

const excerpt = (text: string, max = 80): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * Writes a row of a group's audit log, inside the transaction of the change it records. Rows are never updated or
 * deleted: the database refuses both (migration 20261128025102_moderation).
 */
export function recordAudit(tx: Tx, entry: AuditInput): Promise<AuditRow> {
  return tx.moderationAction.create({
    data: { ...entry, reason: entry.reason ?? '', until: entry.until ?? null },
    select: {
      id: true,
      action: true,
      targetType: true,
      targetId: true,
      reason: true,
      until: true,
      createdAt: true,
      actor: AUTHOR,
    },
  });
}

/** Reads the audit log. There is deliberately no way here to change or remove a row. */
@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  async userIdByHandle(handle: string): Promise<string | null> {
    const u = await this.prisma.user.findUnique({ where: { handle }, select: { id: true } });
    return u?.id ?? null;
  }

  async list(f: AuditFilter, skip: number, take: number): Promise<{ rows: AuditRow[]; total: number }> {
    const where: Prisma.ModerationActionWhereInput = {
      groupId: f.groupId,
      ...(f.action ? { action: f.action } : {}),
      ...(f.actorId ? { actorId: f.actorId } : {}),
      ...(f.from || f.before
        ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.before ? { lt: f.before } : {}) } }
        : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.moderationAction.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip,
        take,
        select: {
          id: true,
          action: true,
          targetType: true,
          targetId: true,
          reason: true,
          until: true,
          createdAt: true,
          actor: AUTHOR,
        },
      }),
      this.prisma.moderationAction.count({ where }),
    ]);
    return { rows, total };
  }

  /** Labels for the targets of some audit rows, keyed `type:id`; targets that no longer exist are left out. */
  async describe(
    groupId: string,
    targets: { targetType: string; targetId: string }[],
  ): Promise<Map<string, TargetDescription>> {
    const ids = (type: string): string[] => [
      ...new Set(targets.filter((t) => t.targetType === type).map((t) => t.targetId)),
    ];
    const isUuid = (s: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
    const [annotations, replies, flags, users, invites, group] = await Promise.all([
      this.prisma.annotation.findMany({
        where: { id: { in: ids('annotation').filter(isUuid) } },
        select: { id: true, documentId: true, text: true, exact: true, author: AUTHOR },
      }),
      this.prisma.reply.findMany({
        where: { id: { in: ids('reply').filter(isUuid) } },
        select: {
          id: true,
          annotationId: true,
          text: true,
          author: AUTHOR,
          annotation: { select: { documentId: true } },
        },
      }),
      this.prisma.flag.findMany({
        where: { id: { in: ids('flag').filter(isUuid) } },
        select: {
          id: true,
          reason: true,
          reporter: AUTHOR,
          annotation: { select: { id: true, documentId: true, author: AUTHOR } },
          reply: { select: { annotationId: true, author: AUTHOR, annotation: { select: { documentId: true } } } },
        },
      }),
      this.prisma.user.findMany({
        where: { id: { in: ids('member').filter(isUuid) } },
        select: { id: true, displayName: true, handle: true },
      }),
      this.prisma.invite.findMany({
        where: { id: { in: ids('invite').filter(isUuid) }, groupId },
        select: { id: true, role: true, code: true },
      }),
      ids('group').length
        ? this.prisma.group.findUnique({ where: { id: groupId }, select: { id: true, name: true } })
        : null,
    ]);
    const out = new Map<string, TargetDescription>();
    for (const a of annotations) {
      out.set(`annotation:${a.id}`, {
        label: `Annotation by ${a.author.displayName}: “${excerpt(a.text || a.exact)}”`,
        documentId: a.documentId,
        annotationId: a.id,
      });
    }
    for (const r of replies) {
      out.set(`reply:${r.id}`, {
        label: `Reply by ${r.author.displayName}: “${excerpt(r.text)}”`,
        documentId: r.annotation.documentId,
        annotationId: r.annotationId,
      });
    }
    for (const f of flags) {
      const on = f.annotation
        ? `annotation by ${f.annotation.author.displayName}`
        : f.reply
          ? `reply by ${f.reply.author.displayName}`
          : 'a deleted item';
      out.set(`flag:${f.id}`, {
        label: `Flag by ${f.reporter.displayName} on ${on}: “${excerpt(f.reason)}”`,
        documentId: f.annotation?.documentId ?? f.reply?.annotation.documentId ?? null,
        annotationId: f.annotation?.id ?? f.reply?.annotationId ?? null,
      });
    }
    for (const u of users)
      out.set(`member:${u.id}`, { label: `${u.displayName} (@${u.handle})`, documentId: null, annotationId: null });
    for (const i of invites)
      out.set(`invite:${i.id}`, {
        label: `${i.role} invite ${i.code.slice(0, 6)}…`,
        documentId: null,
        annotationId: null,
      });
    if (group) out.set(`group:${group.id}`, { label: group.name, documentId: null, annotationId: null });
    return out;
  }
}
