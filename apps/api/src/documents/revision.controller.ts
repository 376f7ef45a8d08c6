import { Controller } from '@nestjs/common';
import {
  type AnnotationDto,
  type CreateRevisionBody,
  type ReattachAnnotationBody,
  type RevisionList,
  type RevisionResult,
  routes,
} from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams } from '../common/endpoint.js';
import { RevisionService } from './revision.service.js';

type Id = { id: string };

@Controller()
export class RevisionController {
  constructor(private readonly revisions: RevisionService) {}

  @Endpoint(routes.listRevisions)
  list(@Auth() auth: AuthContext, @ValidParams(routes.listRevisions) p: Id): Promise<RevisionList> {
    return this.revisions.list(auth, p.id);
  }

  @Endpoint(routes.createRevision)
  create(
    @Auth() auth: AuthContext,
    @ValidParams(routes.createRevision) p: Id,
    @ValidBody(routes.createRevision) body: CreateRevisionBody,
  ): Promise<RevisionResult> {
    return this.revisions.create(auth, p.id, body);
  }

  @Endpoint(routes.reattachAnnotation)
  reattach(
    @Auth() auth: AuthContext,
    @ValidParams(routes.reattachAnnotation) p: Id,
    @ValidBody(routes.reattachAnnotation) body: ReattachAnnotationBody,
  ): Promise<AnnotationDto> {
    return this.revisions.reattach(auth, p.id, body);
  }
}
