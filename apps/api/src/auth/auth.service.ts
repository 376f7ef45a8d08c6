import { Inject, Injectable } from '@nestjs/common';
import type { ChangePasswordBody, LoginBody, RegisterBody, SessionDto, UserDto } from '@scholia/shared';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClientInfo } from '../common/endpoint.js';
import { conflict, notFound, ProblemException, tooManyRequests, unauthorized } from '../common/problem.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { Secrets } from '../common/secrets.js';
import type { AuthContext, AuthUser } from './auth-context.js';
import { passwordProblem } from './password-policy.js';
import { SessionService } from './session.service.js';
import { UserRepository } from './user.repository.js';

export interface SignedIn {
  user: UserDto;
  token: string;
  expiresAt: Date;
}

export const toUserDto = (u: AuthUser): UserDto => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  handle: u.handle,
  created: u.createdAt.toISOString(),
});

const normaliseEmail = (email: string): string => email.trim().toLowerCase();

@Injectable()
export class AuthService {
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionService,
    private readonly secrets: Secrets,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(body: RegisterBody, client: ClientInfo): Promise<SignedIn> {
    const email = normaliseEmail(body.email);
    const weak = passwordProblem(body.password, { email, displayName: body.displayName });
    if (weak) throw this.weakPassword('password', weak);
    const user = await this.users.create({
      email,
      displayName: body.displayName,
      handle: await this.freeHandle(body.displayName, email),
      passwordHash: await this.secrets.hashPassword(body.password),
    });
    if (!user) throw conflict('email-taken', 'An account with that email address already exists. Log in instead.');
    return this.signIn(user, client);
  }

  async login(body: LoginBody, client: ClientInfo): Promise<SignedIn> {
    const email = normaliseEmail(body.email);
    const { loginAttemptsPerIp, loginFailuresPerAccount, loginWindowSeconds: window } = this.config.limits;
    const ipKey = `login:ip:${client.ip ?? 'unknown'}`;
    const accountKey = `login:account:${email}`;
    const wait = Math.max(
      this.limiter.retryAfter(ipKey, loginAttemptsPerIp, window),
      this.limiter.retryAfter(accountKey, loginFailuresPerAccount, window),
    );
    if (wait > 0) throw tooManyRequests(wait, `Too many sign-in attempts. Try again in ${wait} seconds.`);
    this.limiter.hit(ipKey, window);

    const found = await this.users.findCredentials(email);
    // Verify against a throwaway hash when there is no such user, so timing does not reveal which emails exist.
    const ok = await this.secrets.verifyPassword(found?.passwordHash ?? (await this.dummy()), body.password);
    if (!found || !ok) {
      this.limiter.hit(accountKey, window);
      throw new ProblemException(401, 'invalid-credentials', 'That email and password do not match an account.');
    }
    this.limiter.reset(accountKey);
    const { passwordHash: _, ...user } = found;
    return this.signIn(user, client);
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.sessions.revoke({ id: auth.sessionId });
  }

  async logoutAll(auth: AuthContext): Promise<void> {
    await this.sessions.revoke({ userId: auth.user.id });
  }

  me(auth: AuthContext): UserDto {
    return toUserDto(auth.user);
  }

  async listSessions(auth: AuthContext): Promise<{ items: SessionDto[] }> {
    const rows = await this.sessions.list(auth.user.id);
    return {
      items: rows.map((s) => ({
        id: s.id.slice(0, 16),
        current: s.id === auth.sessionId,
        created: s.createdAt.toISOString(),
        lastSeen: s.lastSeenAt.toISOString(),
        expires: s.expiresAt.toISOString(),
        userAgent: s.userAgent,
        ip: s.ip,
      })),
    };
  }

  /** Sessions are listed by a prefix of their id: enough to name one, never enough to use it. */
  async revokeSession(auth: AuthContext, idPrefix: string): Promise<void> {
    const rows = await this.sessions.list(auth.user.id);
    const match = rows.find((s) => s.id.slice(0, 16) === idPrefix);
    if (!match) throw notFound('That session');
    await this.sessions.revoke({ id: match.id });
  }

  async changePassword(auth: AuthContext, body: ChangePasswordBody): Promise<void> {
    const current = await this.users.findPasswordHash(auth.user.id);
    if (!current || !(await this.secrets.verifyPassword(current, body.currentPassword))) {
      throw new ProblemException(400, 'wrong-password', 'Your current password is not correct.', {
        errors: [{ path: 'body.currentPassword', message: 'Not your current password' }],
      });
    }
    const weak = passwordProblem(body.newPassword, { email: auth.user.email, displayName: auth.user.displayName });
    if (weak) throw this.weakPassword('newPassword', weak);
    await this.users.setPassword(auth.user.id, await this.secrets.hashPassword(body.newPassword));
    await this.sessions.revoke({ userId: auth.user.id, exceptId: auth.sessionId });
  }

  authenticate(token: string): ReturnType<SessionService['validate']> {
    return this.sessions.validate(token);
  }

  requireUser(auth: AuthContext | undefined): AuthContext {
    if (!auth) throw unauthorized();
    return auth;
  }

  private async signIn(user: AuthUser, client: ClientInfo): Promise<SignedIn> {
    const { token, expiresAt } = await this.sessions.create(user.id, client);
    return { user: toUserDto(user), token, expiresAt };
  }

  private weakPassword(field: string, message: string): ProblemException {
    return new ProblemException(400, 'weak-password', message, { errors: [{ path: `body.${field}`, message }] });
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.secrets.hashPassword(this.secrets.token());
    return this.dummyHash;
  }

  private async freeHandle(displayName: string, email: string): Promise<string> {
    const base =
      displayName
        .normalize('NFKD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '')
        .slice(0, 24) ||
      email
        .split('@')[0]
        ?.replace(/[^a-z0-9]+/g, '')
        .slice(0, 24) ||
      'reader';
    for (let n = 1; ; n++) {
      const handle = n === 1 ? base : `${base}${n}`;
      if (!(await this.users.handleTaken(handle))) return handle;
    }
  }
}
