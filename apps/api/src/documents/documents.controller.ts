import { Controller } from '@nestjs/common';
import { type DocumentDto, type DocumentList, type ImportDocumentBody, routes } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidBody, ValidParams } from '../common/endpoint.js';
import { DocumentsService } from './documents.service.js';

@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Endpoint(routes.listDocuments)
  list(@Auth() auth: AuthContext, @ValidParams(routes.listDocuments) p: { slug: string }): Promise<DocumentList> {
    return this.documents.list(auth, p.slug);
  }

  @Endpoint(routes.importDocument)
  import(
    @Auth() auth: AuthContext,
    @ValidParams(routes.importDocument) p: { slug: string },
    @ValidBody(routes.importDocument) body: ImportDocumentBody,
  ): Promise<DocumentDto> {
    return this.documents.import(auth, p.slug, body);
  }

  @Endpoint(routes.getDocument)
  get(@Auth() auth: AuthContext, @ValidParams(routes.getDocument) p: { id: string }): Promise<DocumentDto> {
    return this.documents.get(auth, p.id);
  }
}
