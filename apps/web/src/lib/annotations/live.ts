import type { ClientToServerEvents, DocumentEventEnvelope, PresenceEntry, ServerToClientEvents } from '@scholia/shared';
import { io, type Socket } from 'socket.io-client';

export type ScholiaSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface LiveHandlers {
  /** The last sequence number this page has (list or events); sent when (re)joining. Undefined: from now on. */
  lastSeq(): number | undefined;
  joined(seq: number): void;
  event(e: DocumentEventEnvelope): void;
  /** The server no longer has everything since lastSeq: fetch the list again. */
  reload(seq: number): void;
  presence?(readers: PresenceEntry[]): void;
  typing?(t: { userId: string; displayName: string; annotationId: string | null }): void;
  status(s: 'connecting' | 'live' | 'offline'): void;
}

const TYPING_EVERY_MS = 2000;

/**
 * The document's realtime channel: joins on every (re)connection with the last sequence number, so missed events are
 * replayed in order; everything else is passed to the handlers.
 */
export function connectDocument(
  documentId: string,
  on: LiveHandlers,
  options: { watch?: boolean } = {},
): { typing(annotationId: string | null): void; close(): void } {
  const socket: ScholiaSocket = io({ path: '/socket.io', withCredentials: true, transports: ['websocket', 'polling'] });
  on.status('connecting');

  socket.on('connect', () => {
    socket.emit('doc:join', { documentId, lastSeq: on.lastSeq(), ...options }, (result) => {
      if (result.ok) {
        on.joined(result.seq);
        on.status('live');
      } else {
        on.status('offline');
      }
    });
  });
  socket.on('disconnect', () => on.status('connecting'));
  socket.on('connect_error', () => on.status(socket.active ? 'connecting' : 'offline'));
  socket.on('doc:event', (e) => {
    if (e.documentId === documentId) on.event(e);
  });
  socket.on('doc:reload', (p) => {
    if (p.documentId === documentId) on.reload(p.seq);
  });
  socket.on('doc:presence', (p) => {
    if (p.documentId === documentId) on.presence?.(p.readers);
  });
  socket.on('doc:typing', (p) => {
    if (p.documentId === documentId) on.typing?.(p);
  });

  const lastTyping = new Map<string, number>();
  return {
    typing(annotationId) {
      const key = annotationId ?? '';
      const now = Date.now();
      if (now - (lastTyping.get(key) ?? 0) < TYPING_EVERY_MS || !socket.connected) return;
      lastTyping.set(key, now);
      socket.emit('doc:typing', { documentId, annotationId });
    },
    close() {
      if (socket.connected) socket.emit('doc:leave', { documentId });
      socket.disconnect();
    },
  };
}
