import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayDisconnect, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
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
import { MembershipEvents } from '../members/membership-events.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { RealtimeHub } from './realtime-hub.js';

/** Between instances (with Redis): committed document events, and users whose membership changed. */
interface ServerSideEvents {
  'scholia:event': (e: StoredEvent) => void;
  'scholia:membership': (userId: string) => void;
}

interface SocketData {
  auth: AuthContext;
}
export type ScholiaServer = Server<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type ScholiaSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;

/** How far back a reconnecting client is replayed; an older gap gets a reload instruction. */
export const REPLAY_LIMIT = 1000;

/**
 * Presence changes within this window go out as one broadcast of the reader list: a class of n opening a document
 * together costs a few broadcasts of n messages, not n broadcasts (n² messages).
 */
const PRESENCE_COALESCE_MS = 100;

const JoinPayload = z.strictObject({
  documentId: z.uuid(),
  lastSeq: z.number().int().min(0).optional(),
  watch: z.boolean().optional(),
});
const DocPayload = z.strictObject({ documentId: z.uuid() });
const TypingPayload = z.strictObject({ documentId: z.uuid(), annotationId: z.uuid().nullable() });

const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
const docRoom = (documentId: string): string => `doc:${documentId}`;
/** Those reading the document, who count in its presence (a page that only watches it, like a debate board, does not). */
const readerRoom = (documentId: string): string => `reader:${documentId}`;
/** Every socket of a user, for their notifications. */
const userRoom = (userId: string): string => `user:${userId}`;

/**
 * Socket.io on the app's own origin. The handshake needs our Origin and a live session; a reader joins a document
 * (membership checked) and receives its events each once and in order, filtered for what they may see.
 */
@WebSocketGateway({ path: '/socket.io', serveClient: false })
export class RealtimeGateway implements OnGatewayInit, OnGatewayDisconnect, OnModuleDestroy {
  @WebSocketServer() server!: ScholiaServer;
  private readonly logger = new Logger('Realtime');
  private readonly unsubscribe: (() => void)[] = [];
  private readonly presenceTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly auth: AuthService,
    private readonly sessionEvents: SessionEvents,
    private readonly members: MembershipRepository,
    private readonly events: EventRepository,
    private readonly bus: EventBus,
    private readonly hub: RealtimeHub,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly notifications: NotificationsService,
    private readonly membership: MembershipEvents,
  ) {}

  afterInit(server: ScholiaServer): void {
    server.use((socket, next) => {
      this.authenticate(socket).then(
        (error) => next(error),
        (error: unknown) => {
          this.logger.error(error);
          next(new Error('internal error'));
        },
      );
    });
    server.on('connection', (socket: ScholiaSocket) => {
      void socket.join(sessionRoom(socket.data.auth.sessionId));
      void socket.join(userRoom(socket.data.auth.user.id));
      this.bindMessages(socket, this.stillSignedIn(socket));
    });
    // Live events go to each document's recipients on this instance in one write each (the hub fans out on every
    // instance itself, hence `local`); a socket id is also the name of a room holding just that socket.
    this.hub.useBroadcast((socketIds, event) => server.local.to(socketIds).emit('doc:event', event));
    const multiInstance = this.config.redisUrl !== undefined;
    if (multiInstance) server.on('scholia:event', (event: StoredEvent) => this.hub.publish(event));
    if (multiInstance) server.on('scholia:membership', (userId: string) => void this.recheckMember(userId));
    this.unsubscribe.push(
      this.bus.subscribe((event) => {
        this.hub.publish(event);
        if (multiInstance) server.serverSideEmit('scholia:event', event);
      }),
      // Through the adapter, so with Redis the user's sockets on every instance get it.
      this.notifications.onNotified((userId, payload) => server.to(userRoom(userId)).emit('notify:new', payload)),
      this.membership.onChanged((groupId, userId) => {
        if (!userId) return;
        // Through the adapter, like notifications: their pages on every instance reload what their role allows.
        server.to(userRoom(userId)).emit('member:changed', { groupId });
        void this.recheckMember(userId);
        if (multiInstance) server.serverSideEmit('scholia:membership', userId);
      }),
      this.sessionEvents.onRevoked((ids) => {
        for (const id of ids) server.in(sessionRoom(id)).disconnectSockets(true);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const u of this.unsubscribe) u();
    for (const timer of this.presenceTimers.values()) clearTimeout(timer);
    this.presenceTimers.clear();
  }

  handleDisconnect(socket: ScholiaSocket): void {
    for (const documentId of this.hub.removeEverywhere(socket.id)) void this.broadcastPresence(documentId);
  }

  /**
   * A session revoked after the handshake read it but before the socket joined its session room above got a
   * disconnect that missed this socket. Now that the socket is in the room (where any later revocation reaches it, on
   * every instance), read the session once more; false, and the socket is closed, when it is gone.
   */
  private async stillSignedIn(socket: ScholiaSocket): Promise<boolean> {
    let live = false;
    try {
      const token = readCookie(socket.handshake.headers.cookie, SESSION_COOKIE);
      const session = token ? await this.auth.authenticate(token) : null;
      live = session?.sessionId === socket.data.auth.sessionId;
    } catch (error) {
      this.logger.error(error);
    }
    if (!live) socket.disconnect(true);
    return live;
  }

  /**
   * The client's messages, bound as one plain listener each. (Nest's @SubscribeMessage builds an rxjs pipeline per
   * message and socket, some 20 KB a connection: it tripled the memory of a bare Socket.io connection.) A listener
   * takes the message's first argument as its body and a trailing function as its acknowledgement. Messages wait for
   * `signedIn` (the session's second reading), in the order they came.
   */
  private bindMessages(socket: ScholiaSocket, signedIn: Promise<boolean>): void {
    const on = (message: string, handle: (body: unknown) => unknown): void => {
      (socket as Socket).on(message, (...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (result: unknown) => void) : undefined;
        const body = args.length > (ack ? 1 : 0) ? args[0] : undefined;
        const failed = (error: unknown): void => {
          this.logger.error({ err: error, message }, 'socket message failed');
          ack?.({ ok: false, error: 'internal' });
        };
        void signedIn.then((live) => {
          if (!live) return;
          try {
            void Promise.resolve(handle(body)).then((result) => result !== undefined && ack?.(result), failed);
          } catch (error) {
            failed(error);
          }
        });
      });
    };
    on('ping', () => this.ping());
    on('doc:join', (body) => this.join(socket, body));
    on('doc:leave', (body) => this.leave(socket, body));
    on('doc:typing', (body) => this.typing(socket, body));
  }

  ping(): { at: string } {
    return { at: this.clock.now().toISOString() };
  }

  async join(socket: ScholiaSocket, body: unknown): Promise<{ ok: true; seq: number } | { ok: false; error: string }> {
    const parsed = JoinPayload.safeParse(body);
    if (!parsed.success) return { ok: false, error: 'bad-request' };
    const { documentId, lastSeq, watch } = parsed.data;
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
    await socket.join(watch ? [docRoom(documentId)] : [docRoom(documentId), readerRoom(documentId)]);
    if (!watch) void this.broadcastPresence(documentId);
    return { ok: true, seq: current };
  }

  async leave(socket: ScholiaSocket, body: unknown): Promise<void> {
    const parsed = DocPayload.safeParse(body);
    if (!parsed.success) return;
    this.hub.remove(parsed.data.documentId, socket.id);
    await socket.leave(docRoom(parsed.data.documentId));
    await socket.leave(readerRoom(parsed.data.documentId));
    void this.broadcastPresence(parsed.data.documentId);
  }

  typing(socket: ScholiaSocket, body: unknown): void {
    const parsed = TypingPayload.safeParse(body);
    if (!parsed.success || !socket.rooms.has(readerRoom(parsed.data.documentId))) return;
    const { user } = socket.data.auth;
    socket
      .to(docRoom(parsed.data.documentId))
      .emit('doc:typing', { ...parsed.data, userId: user.id, displayName: user.displayName });
  }

  /**
   * After someone was removed from a group, left it or got a new role: their subscriptions to documents they may no
   * longer read end (with a reload instruction, which then meets a 404), and the others follow their new role.
   */
  private async recheckMember(userId: string): Promise<void> {
    for (const { documentId, subscriber } of this.hub.subscriptionsOf(userId)) {
      try {
        const access = await this.members.byDocument(documentId, userId);
        if (access) {
          subscriber.moderator = canTeach(access.role);
          continue;
        }
        this.hub.remove(documentId, subscriber.id);
        const socket = this.server.sockets.sockets.get(subscriber.id);
        if (socket) {
          await socket.leave(docRoom(documentId));
          await socket.leave(readerRoom(documentId));
          socket.emit('doc:reload', { documentId, seq: await this.events.currentSeq(documentId) });
        }
        void this.broadcastPresence(documentId);
      } catch (error) {
        this.logger.warn({ err: error }, 'membership re-check failed');
      }
    }
  }

  /** Schedules one presence broadcast for the document; further changes until it goes out ride along with it. */
  private broadcastPresence(documentId: string): Promise<void> {
    if (!this.presenceTimers.has(documentId)) {
      const timer = setTimeout(() => {
        this.presenceTimers.delete(documentId);
        void this.sendPresence(documentId);
      }, PRESENCE_COALESCE_MS);
      timer.unref();
      this.presenceTimers.set(documentId, timer);
    }
    return Promise.resolve();
  }

  private async sendPresence(documentId: string): Promise<void> {
    try {
      const sockets = await this.server.in(readerRoom(documentId)).fetchSockets();
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
