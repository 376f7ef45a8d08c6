import { Controller } from '@nestjs/common';
import {
  type AuditEntry,
  type AuditList,
  type AuditQuery,
  type FlagBody,
  type FlagDto,
  type FlagQueue,
  type ModerationBody,
  type PendingList,
  routes,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams, ValidQuery } from '../common/endpoint.js';
import { ModerationService } from './moderation.service.js';

type Id = { id: string };
type Slug = { slug: string };

@Controller()
export class ModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Endpoint(routes.flagAnnotation)
  flagAnnotation(
    @Auth() auth: AuthContext,
    @ValidParams(routes.flagAnnotation) p: Id,
    @ValidBody(routes.flagAnnotation) body: FlagBody,
  ): Promise<FlagDto> {
    return this.moderation.flagAnnotation(auth, p.id, body);
  }

  @Endpoint(routes.flagReply)
  flagReply(
    @Auth() auth: AuthContext,
    @ValidParams(routes.flagReply) p: Id,
    @ValidBody(routes.flagReply) body: FlagBody,
  ): Promise<FlagDto> {
    return this.moderation.flagReply(auth, p.id, body);
  }

  @Endpoint(routes.listFlags)
  flags(@Auth() auth: AuthContext, @ValidParams(routes.listFlags) p: Slug): Promise<FlagQueue> {
    return this.moderation.flagQueue(auth, p.slug);
  }

  @Endpoint(routes.listPending)
  pending(@Auth() auth: AuthContext, @ValidParams(routes.listPending) p: Slug): Promise<PendingList> {
    return this.moderation.pending(auth, p.slug);
  }

  @Endpoint(routes.moderate)
  moderate(
    @Auth() auth: AuthContext,
    @ValidParams(routes.moderate) p: Slug,
    @ValidBody(routes.moderate) body: ModerationBody,
  ): Promise<AuditEntry> {
    return this.moderation.moderate(auth, p.slug, body);
  }

  @Endpoint(routes.auditLog)
  audit(
    @Auth() auth: AuthContext,
    @ValidParams(routes.auditLog) p: Slug,
    @ValidQuery(routes.auditLog) q: AuditQuery,
  ): Promise<AuditList> {
    return this.moderation.auditLog(auth, p.slug, q);
  }
}
