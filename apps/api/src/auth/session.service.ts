import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { Secrets } from '../common/secrets.js';
import type { ClientInfo } from '../common/endpoint.js';
import type { AuthContext } from './auth-context.js';
import { SessionRepository, type SessionRow } from './session.repository.js';
import { SessionEvents } from './session-events.js';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;
// Halfway through its life a session used again is extended: the Lucia guide's sliding expiry.
const RENEW_WITHIN_MS = 15 * DAY;
const LAST_SEEN_GRANULARITY_MS = 60_000;

/** Sessions as the Lucia guide builds them: the cookie holds a random token, the database only its SHA-256. */
@Injectable()
export class SessionService {
  constructor(
    private readonly sessions: SessionRepository,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    private readonly events: SessionEvents,
  ) {}

  async create(userId: string, client: ClientInfo): Promise<{ token: string; expiresAt: Date }> {
    const token = this.secrets.token();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
    await this.sessions.create({ id: this.idOf(token), userId, createdAt: now, expiresAt, ...client });
    return { token, expiresAt };
  }

  /** The caller behind a token, with the session's new expiry when it was extended. */
  async validate(token: string): Promise<(AuthContext & { renewedUntil: Date | null }) | null> {
    if (!/^[a-z2-7]{32}$/.test(token)) return null;
    const row = await this.sessions.findWithUser(this.idOf(token));
    if (!row) return null;
    const now = this.clock.now();
    if (now.getTime() >= row.expiresAt.getTime()) {
      await this.sessions.delete({ id: row.id });
      return null;
    }
    const renew = row.expiresAt.getTime() - now.getTime() < RENEW_WITHIN_MS;
    const renewedUntil = renew ? new Date(now.getTime() + SESSION_LIFETIME_MS) : null;
    if (renewedUntil || now.getTime() - row.lastSeenAt.getTime() > LAST_SEEN_GRANULARITY_MS) {
      await this.sessions.touch(row.id, { lastSeenAt: now, ...(renewedUntil ? { expiresAt: renewedUntil } : {}) });
    }
    return { user: row.user, sessionId: row.id, renewedUntil };
  }

  list(userId: string): Promise<SessionRow[]> {
    return this.sessions.listForUser(userId, this.clock.now());
  }

  async revoke(where: { id?: string; userId?: string; exceptId?: string }): Promise<number> {
    const ids = await this.sessions.delete(where);
    this.events.revoked(ids);
    return ids.length;
  }

  private idOf(token: string): string {
    return this.secrets.sha256Hex(token);
  }
}
