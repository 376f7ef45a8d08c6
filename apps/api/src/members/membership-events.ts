import { Injectable } from '@nestjs/common';

/** `userId` null: every member of the group (the group was deleted). */
type Listener = (groupId: string, userId: string | null) => void;

/**
 * Tells live connections that someone's membership changed (removed, left, new role) or that a group is gone, so that
 * their document subscriptions are checked again: a removed member stops receiving the group's events at once.
 */
@Injectable()
export class MembershipEvents {
  private readonly listeners = new Set<Listener>();

  onChanged(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(groupId: string, userId: string | null): void {
    for (const l of this.listeners) l(groupId, userId);
  }
}
