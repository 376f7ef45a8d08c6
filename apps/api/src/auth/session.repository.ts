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

  findWithUser(id: string): Promise<(SessionRow & { user: AuthUser }) | null> {
    return this.prisma.session.findUnique({
      where: { id },
      include: { user: { select: { id: true, email: true, displayName: true, handle: true, createdAt: true } } },
    });
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
