import { Injectable } from '@nestjs/common';

/** What a moderator did to a member's item (or to the member), after it committed. */
export interface ModerationNotice {
  /** `moderation.hide`, `moderation.remove`, `moderation.mute`, … */
  kind: string;
  /** Who is told: the author of the item, or the muted member. */
  userId: string;
  actorId: string;
  groupId: string;
  groupSlug: string;
  documentId: string | null;
  annotationId: string | null;
  replyId: string | null;
  action: string;
  reason: string;
  excerpt?: string;
  until?: string | null;
}

type Listener = (notice: ModerationNotice) => void | Promise<void>;

/**
 * Tells whoever listens (notifications) that a member's item was moderated, once the change has committed. A listener
 * that fails does not undo the moderation.
 */
@Injectable()
export class ModerationNotices {
  private readonly listeners = new Set<Listener>();

  onModerated(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  moderated(notice: ModerationNotice): void {
    for (const l of this.listeners) {
      try {
        void Promise.resolve(l(notice)).catch(() => {});
      } catch {
        // A listener's failure is its own; the moderation stands.
      }
    }
  }
}
