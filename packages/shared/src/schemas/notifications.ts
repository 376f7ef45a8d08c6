import { z } from 'zod';
import { AuthorRef, IsoDate, Uuid } from './common.js';

/** `reply`: someone replied to my annotation or reply; `mention`: someone wrote my @handle; `vote`: someone found my item persuasive; moderation kinds come from the moderators. */
export const NotificationKind = z.string().min(1).max(40);

export const NotificationDto = z
  .object({
    id: Uuid,
    kind: NotificationKind,
    actor: AuthorRef.nullable(),
    /** Where it happened: `groupSlug`, `documentId`, `annotationId`, `replyId`, `excerpt`, … depending on the kind. */
    data: z.record(z.string(), z.unknown()),
    read: z.boolean(),
    created: IsoDate,
  })
  .meta({ id: 'Notification' });
export type NotificationDto = z.infer<typeof NotificationDto>;

export const NotificationQuery = z
  .strictObject({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    unread: z.enum(['true', 'false']).optional(),
  })
  .meta({ id: 'NotificationQuery' });
export type NotificationQuery = z.infer<typeof NotificationQuery>;

export const NotificationList = z
  .object({ items: z.array(NotificationDto), unread: z.number().int() })
  .meta({ id: 'NotificationList' });
export type NotificationList = z.infer<typeof NotificationList>;

export const MarkReadBody = z.strictObject({ ids: z.array(Uuid).max(500).optional() }).meta({ id: 'MarkReadBody' });
export type MarkReadBody = z.infer<typeof MarkReadBody>;

export const UnreadCount = z.object({ unread: z.number().int() }).meta({ id: 'UnreadCount' });
export type UnreadCount = z.infer<typeof UnreadCount>;
