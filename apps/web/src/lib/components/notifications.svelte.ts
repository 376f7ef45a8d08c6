import type { NotificationDto } from '@scholia/shared';

/** The signed-in user's unread notification count, shared by the header bell and the notifications page. */
export const notificationState = $state({ unread: 0, loaded: false, latest: null as NotificationDto | null });

/** What a notification says, in words. */
export function describeNotification(n: NotificationDto): string {
  const who = n.actor?.displayName ?? 'Someone';
  const item = n.data.replyId ? 'your reply' : 'your annotation';
  switch (n.kind) {
    case 'reply':
      return `${who} replied to you`;
    case 'mention':
      return `${who} mentioned you`;
    case 'vote':
      return `${who} found ${n.data.targetKind === 'reply' ? 'your reply' : 'your annotation'} persuasive`;
    default:
      return n.kind.startsWith('moderation')
        ? `A moderator acted on ${item}${typeof n.data.action === 'string' ? ` (${n.data.action})` : ''}`
        : `${who}: ${n.kind.replace(/[._-]+/g, ' ')}`;
  }
}

/** Where a notification leads: the annotation in the reader, when it has one. */
export function notificationHref(n: NotificationDto): string | null {
  const { groupSlug, documentId, annotationId } = n.data;
  if (typeof groupSlug !== 'string') return null;
  if (typeof documentId === 'string' && typeof annotationId === 'string')
    return `/groups/${groupSlug}/documents/${documentId}#annotation-${annotationId}`;
  return `/groups/${groupSlug}`;
}
