import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { ClientToServerEvents, ServerToClientEvents } from '@scholia/shared';
import type { Server, Socket } from 'socket.io';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { AuthContext } from '../auth/auth-context.js';
import { AuthService } from '../auth/auth.service.js';
import { readCookie, SESSION_COOKIE } from '../auth/session-cookie.js';
import { SessionEvents } from '../auth/session-events.js';
import { Clock } from '../common/clock.js';

export type ScholiaServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { auth: AuthContext }>;
export type ScholiaSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { auth: AuthContext }>;

const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/** Socket.io on the app's own origin: the handshake needs our Origin and a live session cookie. */
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class RealtimeGateway implements OnGatewayInit, OnModuleDestroy {
  @WebSocketServer() server!: ScholiaServer;
  private readonly logger = new Logger('Realtime');
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly sessionEvents: SessionEvents,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  afterInit(server: ScholiaServer): void {
    server.use((socket, next) => {
      this.authenticate(socket as ScholiaSocket).then(
        (error) => next(error),
        (error: unknown) => {
          this.logger.error(error);
          next(new Error('internal error'));
        },
      );
    });
    server.on('connection', (socket: ScholiaSocket) => {
      void socket.join([sessionRoom(socket.data.auth.sessionId), `user:${socket.data.auth.user.id}`]);
    });
    this.unsubscribe = this.sessionEvents.onRevoked((ids) => {
      for (const id of ids) server.in(sessionRoom(id)).disconnectSockets(true);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  @SubscribeMessage('ping')
  ping(): { at: string } {
    return { at: this.clock.now().toISOString() };
  }

  private async authenticate(socket: ScholiaSocket): Promise<Error | undefined> {
    const origin = socket.handshake.headers.origin;
    if (origin !== undefined && origin !== this.config.origin) return new Error('forbidden origin');
    const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
    const session = token ? await this.auth.authenticate(token) : null;
    if (!session) return new Error('unauthenticated');
    socket.data.auth = { user: session.user, sessionId: session.sessionId };
    return undefined;
  }
}
