import { Controller, type StreamableFile } from '@nestjs/common';
import { type ExportQuery, type ExportResponse, routes } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidParams, ValidQuery } from '../common/endpoint.js';
import { ExportsService } from './exports.service.js';
import { fileBody } from './file-response.js';

@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /** JSON-LD (`application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"`) or CSV, as `format` asks. */
  @Endpoint(routes.exportDocument)
  async export(
    @Auth() auth: AuthContext,
    @ValidParams(routes.exportDocument) p: { id: string },
    @ValidQuery(routes.exportDocument) q: ExportQuery,
  ): Promise<ExportResponse | StreamableFile> {
    return fileBody(await this.exports.export(auth, p.id, q));
  }
}
