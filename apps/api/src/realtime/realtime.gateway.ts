import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { ClientToServerEvents, PresenceEntry, ServerToClientEvents } from '@scholia/shared';
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { AuthContext } from '../auth/auth-context.js';
import { AuthService } from '../auth/auth.service.js';
import { readCookie, SESSION_COOKIE } from '../auth/session-cookie.js';
import { SessionEvents } from '../auth/session-events.js';
import { Clock } from '../common/clock.js';
import { EventBus } from '../events/event-bus.js';
import { EventRepository, type StoredEvent } from '../events/event.repository.js';
import { canTeach } from '../groups/groups.service.js';
import { MembershipRepository } from '../groups/membership.repository.js';
import { RealtimeHub } from './realtime-hub.js';

interface SocketData {
  auth: AuthContext;
}
export type ScholiaServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  { 'scholia:event': (e: StoredEvent) => void },
  SocketData
>;
export type ScholiaSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  { 'scholia:event': (e: StoredEvent) => void },
  SocketData
>;

/** How far back a reconnecting client is replayed; an older gap gets a reload instruction. */
export const REPLAY_LIMIT = 1000;

const JoinPayload = z.strictObject({ documentId: z.uuid(), lastSeq: z.number().int().min(0).optional() });
const DocPayload = z.strictObject({ documentId: z.uuid() });
const TypingPayload = z.strictObject({ documentId: z.uuid(), annotationId: z.uuid().nullable() });

const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
const docRoom = (documentId: string): string => `doc:${documentId}`;

/**
 * Socket.io on the app's own origin. The handshake needs our Origin and a live session; a reader joins a document
 * (membership checked) and receives its events each once and in order, filtered for what they may see.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class RealtimeGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer() server!: ScholiaServer;
  private readonly logger = new Logger('Realtime');
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly auth: AuthService,
    private readonly sessionEvents: SessionEvents,
    private readonly members: MembershipRepository,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly hub: RealtimeHub,
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
      void socket.join(sessionRoom(socket.data.auth.sessionId));
    });
    const multiInstance = this.config.redisUrl !== undefined;
    if (multiInstance) server.on('scholia:event', (event: StoredEvent) => this.hub.publish(event));
    this.unsubscribe.push(
      this.bus.subscribe((event) => {
        this.hub.publish(event);
        if (multiInstance) server.serverSideEmit('scholia:event', event);
      }),
      this.sessionEvents.onRevoked((ids) => {
        for (const id of ids) server.in(sessionRoom(id)).disconnectSockets(true);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const u of this.unsubscribe) u();
  }

  handleDisconnect(socket: ScholiaSocket): void {
    for (const documentId of this.hub.removeEverywhere(socket.id)) void this.broadcastPresence(documentId);
  }

  @SubscribeMessage('ping')
  ping(): { at: string } {
    return { at: this.clock.now().toISOString() };
  }

  @SubscribeMessage('doc:join')
  async join(
    @ConnectedSocket() socket: ScholiaSocket,
    @MessageBody() body: unknown,
  ): Promise<{ ok: true; seq: number } | { ok: false; error: string }> {
    const parsed = JoinPayload.safeParse(body);
    if (!parsed.success) return { ok: false, error: 'bad-request' };
    const { documentId, lastSeq } = parsed.data;
    const access = await this.members.byDocument(documentId, socket.data.auth.user.id);
    if (!access) return { ok: false, error: 'not-found' };
    const current = await this.events.currentSeq(documentId);
    // The socket may have gone while we waited; registering it now would leave it in the hub and the room for good.
    if (socket.disconnected) return { ok: false, error: 'disconnected' };
    let from = lastSeq ?? current;
    if (from > current || current - from > REPLAY_LIMIT) {
      socket.emit('doc:reload', { documentId, seq: current });
      from = current;
    }
    // Instructors get the moderators' view of hidden and pending items (see Audience in events/event.repository.ts).
    const moderator = canTeach(access.role);
    this.hub.beginCatchUp(
      documentId,
      { id: socket.id, userId: socket.data.auth.user.id, moderator, emit: (e) => socket.emit('doc:event', e) },
      from,
      current,
    );
    try {
      // Read the outbox even when `from` is `current`: an event that committed and was fanned out while currentSeq
      // was in flight reached neither the hub's subscription (not registered yet) nor `current`. Room above the limit
      // for events that committed since `current` was read.
      const replay = await this.events.since(documentId, from, 2 * REPLAY_LIMIT);
      this.hub.finishCatchUp(documentId, socket.id, replay);
    } catch (error) {
      this.hub.remove(documentId, socket.id);
      throw error;
    }
    if (socket.disconnected) {
      this.hub.remove(documentId, socket.id);
      return { ok: false, error: 'disconnected' };
    }
    await socket.join(docRoom(documentId));
    void this.broadcastPresence(documentId);
    return { ok: true, seq: current };
  }

  @SubscribeMessage('doc:leave')
  async leave(@ConnectedSocket() socket: ScholiaSocket, @MessageBody() body: unknown): Promise<void> {
    const parsed = DocPayload.safeParse(body);
    if (!parsed.success) return;
    this.hub.remove(parsed.data.documentId, socket.id);
    await socket.leave(docRoom(parsed.data.documentId));
    void this.broadcastPresence(parsed.data.documentId);
  }

  @SubscribeMessage('doc:typing')
  typing(@ConnectedSocket() socket: ScholiaSocket, @MessageBody() body: unknown): void {
    const parsed = TypingPayload.safeParse(body);
    if (!parsed.success || !socket.rooms.has(docRoom(parsed.data.documentId))) return;
    const { user } = socket.data.auth;
    socket
      .to(docRoom(parsed.data.documentId))
      .emit('doc:typing', { ...parsed.data, userId: user.id, displayName: user.displayName });
  }

  private async broadcastPresence(documentId: string): Promise<void> {
    try {
      const sockets = await this.server.in(docRoom(documentId)).fetchSockets();
      const readers = new Map<string, PresenceEntry>();
      for (const s of sockets)
        readers.set(s.data.auth.user.id, { userId: s.data.auth.user.id, displayName: s.data.auth.user.displayName });
      this.server.to(docRoom(documentId)).emit('doc:presence', { documentId, readers: [...readers.values()] });
    } catch (error) {
      this.logger.warn({ err: error }, 'presence broadcast failed');
    }
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
