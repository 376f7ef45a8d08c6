import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import type { AuthUser } from './auth-context.js';

export interface SessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  ip: string | null;
}

@Injectable()
export class SessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(row: Omit<SessionRow, 'lastSeenAt'>): Promise<void> {
    await this.prisma.session.create({ data: { ...row, lastSeenAt: row.createdAt } });
  }

  /** One statement (a relation `include` would be two): every authenticated request and socket starts here. */
  async findWithUser(id: string): Promise<(SessionRow & { user: AuthUser }) | null> {
    const rows = await this.prisma.$queryRaw<
      (SessionRow & { user: Omit<AuthUser, 'createdAt'> & { createdAt: string } })[]
    >`
      SELECT s.id, s.user_id::text AS "userId", s.expires_at AS "expiresAt", s.created_at AS "createdAt",
        s.last_seen_at AS "lastSeenAt", s.user_agent AS "userAgent", s.ip,
        json_build_object('id', u.id, 'email', u.email, 'displayName', u.display_name, 'handle', u.handle,
          'createdAt', u.created_at) AS "user"
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${id}`;
    const row = rows[0];
    return row ? { ...row, user: { ...row.user, createdAt: new Date(row.user.createdAt) } } : null;
  }

  async touch(id: string, data: { expiresAt?: Date; lastSeenAt: Date }): Promise<void> {
    await this.prisma.session.updateMany({ where: { id }, data });
  }

  /** The ids removed, so that their live connections can be closed too. */
  async delete(where: { id?: string; userId?: string; exceptId?: string }): Promise<string[]> {
    const filter = {
      ...(where.id ? { id: where.id } : {}),
      ...(where.userId ? { userId: where.userId } : {}),
      ...(where.exceptId ? { NOT: { id: where.exceptId } } : {}),
    };
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.session.findMany({ where: filter, select: { id: true } });
      await tx.session.deleteMany({ where: { id: { in: rows.map((r) => r.id) } } });
      return rows.map((r) => r.id);
    });
  }

  listForUser(userId: string, now: Date): Promise<SessionRow[]> {
    return this.prisma.session.findMany({
      where: { userId, expiresAt: { gt: now } },
      orderBy: { lastSeenAt: 'desc' },
    });
  }
}
