import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PrismaService } from '../database/prisma.service.js';
import type { AuthUser } from './auth-context.js';

const PUBLIC = { id: true, email: true, displayName: true, handle: true, createdAt: true } as const;

@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  findCredentials(email: string): Promise<(AuthUser & { passwordHash: string }) | null> {
    return this.prisma.user.findUnique({ where: { email }, select: { ...PUBLIC, passwordHash: true } });
  }

  findPasswordHash(userId: string): Promise<string | null> {
    return this.prisma.user
      .findUnique({ where: { id: userId }, select: { passwordHash: true } })
      .then((u) => u?.passwordHash ?? null);
  }

  handleTaken(handle: string): Promise<boolean> {
    return this.prisma.user.count({ where: { handle } }).then((n) => n > 0);
  }

  /** Null when the email is already registered. */
  async create(data: {
    email: string;
    displayName: string;
    handle: string;
    passwordHash: string;
  }): Promise<AuthUser | null> {
    try {
      return await this.prisma.user.create({ data, select: PUBLIC });
    } catch (error) {
      if (isUniqueViolation(error) && (await this.prisma.user.count({ where: { email: data.email } })) > 0) return null;
      throw error;
    }
  }

  async setPassword(userId: string, passwordHash: string): Promise<void> {
    await this.prisma.user.update({ where: { id: userId }, data: { passwordHash } });
  }
}
