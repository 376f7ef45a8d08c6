import { Injectable } from '@nestjs/common';

type Listener = (sessionIds: string[]) => void;

/** Tells live connections that their session is gone, so sockets close on logout and revocation. */
@Injectable()
export class SessionEvents {
  private readonly listeners = new Set<Listener>();

  onRevoked(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  revoked(sessionIds: string[]): void {
    if (sessionIds.length === 0) return;
    for (const l of this.listeners) l(sessionIds);
  }
}
