import { Controller, Inject, Res } from '@nestjs/common';
import {
  type ChangePasswordBody,
  type LoginBody,
  type RegisterBody,
  routes,
  type SessionList,
  type UserDto,
} from '@scholia/shared';
import type { Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Auth, Client, type ClientInfo, Endpoint, ValidBody, ValidParams } from '../common/endpoint.js';
import type { AuthContext } from './auth-context.js';
import { AuthService, type SignedIn } from './auth.service.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';

@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Endpoint(routes.register)
  async register(
    @ValidBody(routes.register) body: RegisterBody,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserDto> {
    return this.withCookie(res, await this.auth.register(body, client));
  }

  @Endpoint(routes.login)
  async login(
    @ValidBody(routes.login) body: LoginBody,
    @Client() client: ClientInfo,
    @Res({ passthrough: true }) res: Response,
  ): Promise<UserDto> {
    return this.withCookie(res, await this.auth.login(body, client));
  }

  @Endpoint(routes.logout)
  async logout(@Auth() auth: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logout(auth);
    clearSessionCookie(res, this.config.secureCookies);
  }

  @Endpoint(routes.logoutAll)
  async logoutAll(@Auth() auth: AuthContext, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.auth.logoutAll(auth);
    clearSessionCookie(res, this.config.secureCookies);
  }

  @Endpoint(routes.me)
  me(@Auth() auth: AuthContext): UserDto {
    return this.auth.me(auth);
  }

  @Endpoint(routes.sessions)
  sessions(@Auth() auth: AuthContext): Promise<SessionList> {
    return this.auth.listSessions(auth);
  }

  @Endpoint(routes.revokeSession)
  revokeSession(@Auth() auth: AuthContext, @ValidParams(routes.revokeSession) params: { id: string }): Promise<void> {
    return this.auth.revokeSession(auth, params.id);
  }

  @Endpoint(routes.changePassword)
  changePassword(@Auth() auth: AuthContext, @ValidBody(routes.changePassword) body: ChangePasswordBody): Promise<void> {
    return this.auth.changePassword(auth, body);
  }

  private withCookie(res: Response, signedIn: SignedIn): UserDto {
    setSessionCookie(res, signedIn.token, signedIn.expiresAt, this.config.secureCookies);
    return signedIn.user;
  }
}
