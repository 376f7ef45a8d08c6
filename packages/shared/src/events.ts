import type { AnnotationDto, ReplyDto } from './schemas/annotations.js';
import type { DebateDto } from './schemas/debates.js';
import type { NotificationDto } from './schemas/notifications.js';

/** Every document event carries the document's sequence number, so a client can ask for what it missed. */
export interface DocumentEventEnvelope<T extends keyof DocumentEventPayloads = keyof DocumentEventPayloads> {
  documentId: string;
  seq: number;
  type: T;
  payload: DocumentEventPayloads[T];
}

export interface DocumentEventPayloads {
  'annotation.created': AnnotationDto;
  'annotation.updated': AnnotationDto;
  'annotation.deleted': { id: string };
  'annotation.reanchored': { id: string; anchor: AnnotationDto['anchor'] };
  'reply.created': ReplyDto;
  'reply.updated': ReplyDto;
  'reply.deleted': { id: string; annotationId: string };
  'vote.changed': { targetId: string; kind: 'annotation' | 'reply'; votes: number };
  /**
   * An instructor stored a corrected text. It comes before the revision's `annotation.reanchored` events, whose
   * offsets are in the new text: a reader showing an older revision loads the new one rather than applying them.
   */
  'document.revised': { revision: number; note: string | null; created: string };
  /** A debate was posed on the document, or its status, reveal time or question changed (`viewer` is left out). */
  'debate.created': Omit<DebateDto, 'viewer'>;
  'debate.updated': Omit<DebateDto, 'viewer'>;
}

export interface PresenceEntry {
  userId: string;
  displayName: string;
}

export interface ServerToClientEvents {
  pong: (payload: { at: string }) => void;
  'doc:event': (event: DocumentEventEnvelope) => void;
  /** The gap since the client's last sequence number is older than what the server keeps. */
  'doc:reload': (payload: { documentId: string; seq: number }) => void;
  'doc:presence': (payload: { documentId: string; readers: PresenceEntry[] }) => void;
  'doc:typing': (payload: {
    documentId: string;
    userId: string;
    displayName: string;
    annotationId: string | null;
  }) => void;
  /**
   * The signed-in user's membership of a group changed (a new role, removed, left): pages that depend on it load again.
   * Sent to every socket of theirs.
   */
  'member:changed': (payload: { groupId: string }) => void;
  /** A new notification for the signed-in user (sent to every socket of theirs), with their unread count. */
  'notify:new': (payload: { notification: NotificationDto; unread: number }) => void;
}

export interface ClientToServerEvents {
  ping: (ack: (payload: { at: string }) => void) => void;
  'doc:join': (
    /** `watch`: receive the document's events without counting as one of its readers (presence, typing). */
    payload: { documentId: string; lastSeq?: number; watch?: boolean },
    ack: (result: { ok: true; seq: number } | { ok: false; error: string }) => void,
  ) => void;
  'doc:leave': (payload: { documentId: string }) => void;
  'doc:typing': (payload: { documentId: string; annotationId: string | null }) => void;
}
