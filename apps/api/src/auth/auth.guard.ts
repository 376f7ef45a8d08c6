import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { RouteContract } from '@scholia/shared';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ROUTE_CONTRACT } from '../common/endpoint.js';
import { forbidden, unauthorized } from '../common/problem.js';
import type { AuthContext } from './auth-context.js';
import { AuthService } from './auth.service.js';
import { clearSessionCookie, readSessionToken, setSessionCookie } from './session-cookie.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every endpoint passes here: state-changing requests must come from our own origin (browsers always send Origin on
 * them; clients that send none are not browsers and cannot be tricked into riding a cookie), then the session cookie
 * is resolved unless the contract says the endpoint is public.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request & { auth?: AuthContext }>();
    const res = context.switchToHttp().getResponse<Response>();
    const origin = req.get('origin');
    if (!SAFE_METHODS.has(req.method) && origin !== undefined && origin !== this.config.origin) {
      throw forbidden('Requests that change data must come from this site.');
    }
    const route = this.reflector.get<RouteContract | undefined>(ROUTE_CONTRACT, context.getHandler());
    if (route?.access === 'public') return true;
    const token = readSessionToken(req);
    const session = token ? await this.auth.authenticate(token) : null;
    if (!session) {
      if (token) clearSessionCookie(res, this.config.secureCookies);
      throw unauthorized(token ? 'Your session has ended. Sign in again.' : 'Sign in to continue.');
    }
    if (session.renewedUntil && token) setSessionCookie(res, token, session.renewedUntil, this.config.secureCookies);
    req.auth = { user: session.user, sessionId: session.sessionId };
    return true;
  }
}
