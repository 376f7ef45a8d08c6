import { Controller } from '@nestjs/common';
import {
  type AnnotationDto,
  type AnnotationList,
  type AnnotationQuery,
  type CreateAnnotationBody,
  type CreateReplyBody,
  type PatchAnnotationBody,
  type PatchReplyBody,
  type ReplyDto,
  routes,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams, ValidQuery } from '../common/endpoint.js';
import { AnnotationsService } from './annotations.service.js';

type Id = { id: string };

@Controller()
export class AnnotationsController {
  constructor(private readonly annotations: AnnotationsService) {}

  @Endpoint(routes.listAnnotations)
  list(
    @Auth() auth: AuthContext,
    @ValidParams(routes.listAnnotations) p: Id,
    @ValidQuery(routes.listAnnotations) q: AnnotationQuery,
  ): Promise<AnnotationList> {
    return this.annotations.list(auth, p.id, q);
  }

  @Endpoint(routes.createAnnotation)
  create(
    @Auth() auth: AuthContext,
    @ValidParams(routes.createAnnotation) p: Id,
    @ValidBody(routes.createAnnotation) body: CreateAnnotationBody,
  ): Promise<AnnotationDto> {
    return this.annotations.create(auth, p.id, body);
  }

  @Endpoint(routes.patchAnnotation)
  patch(
    @Auth() auth: AuthContext,
    @ValidParams(routes.patchAnnotation) p: Id,
    @ValidBody(routes.patchAnnotation) body: PatchAnnotationBody,
  ): Promise<AnnotationDto> {
    return this.annotations.patch(auth, p.id, body);
  }

  @Endpoint(routes.deleteAnnotation)
  remove(@Auth() auth: AuthContext, @ValidParams(routes.deleteAnnotation) p: Id): Promise<void> {
    return this.annotations.remove(auth, p.id);
  }

  @Endpoint(routes.createReply)
  reply(
    @Auth() auth: AuthContext,
    @ValidParams(routes.createReply) p: Id,
    @ValidBody(routes.createReply) body: CreateReplyBody,
  ): Promise<ReplyDto> {
    return this.annotations.reply(auth, p.id, body);
  }

  @Endpoint(routes.patchReply)
  patchReply(
    @Auth() auth: AuthContext,
    @ValidParams(routes.patchReply) p: Id,
    @ValidBody(routes.patchReply) body: PatchReplyBody,
  ): Promise<ReplyDto> {
    return this.annotations.patchReply(auth, p.id, body);
  }

  @Endpoint(routes.deleteReply)
  removeReply(@Auth() auth: AuthContext, @ValidParams(routes.deleteReply) p: Id): Promise<void> {
    return this.annotations.removeReply(auth, p.id);
  }
}
