import { Body, Controller, type PipeTransform } from '@nestjs/common';
import {
  type MarkReadBody,
  type NotificationList,
  type NotificationQuery,
  routes,
  type UnreadCount,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidQuery } from '../common/endpoint.js';
import { ZodPipe } from '../common/zod.pipe.js';
import { NotificationsService } from './notifications.service.js';

/** `POST /api/notifications/read` with no body at all means "all of them", like `{}`. */
class OptionalBody implements PipeTransform<unknown, MarkReadBody> {
  private readonly pipe = new ZodPipe(routes.markNotificationsRead.body, 'body');
  transform(value: unknown): MarkReadBody {
    return this.pipe.transform(value === undefined || value === null || value === '' ? {} : value);
  }
}

@Controller()
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Endpoint(routes.listNotifications)
  list(
    @Auth() auth: AuthContext,
    @ValidQuery(routes.listNotifications) q: NotificationQuery,
  ): Promise<NotificationList> {
    return this.notifications.list(auth, q);
  }

  @Endpoint(routes.markNotificationsRead)
  read(@Auth() auth: AuthContext, @Body(new OptionalBody()) body: MarkReadBody): Promise<UnreadCount> {
    return this.notifications.markRead(auth, body);
  }
}
