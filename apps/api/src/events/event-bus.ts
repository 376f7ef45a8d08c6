import { Injectable } from '@nestjs/common';
import type { StoredEvent } from './event.repository.js';

type Listener = (event: StoredEvent) => void;

/** Hands committed events to the realtime layer; services publish only after their transaction commits. */
@Injectable()
export class EventBus {
  private readonly listeners = new Set<Listener>();

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: StoredEvent[]): void {
    for (const e of events) for (const l of this.listeners) l(e);
  }
}
