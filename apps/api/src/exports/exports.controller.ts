import { Controller, Res } from '@nestjs/common';
import { type ExportQuery, type ExportResponse, routes } from '@scholia/shared';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidParams, ValidQuery } from '../common/endpoint.js';
import { ExportsService } from './exports.service.js';

@Controller()
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Endpoint(routes.exportDocument)
  async export(
    @Auth() auth: AuthContext,
    @ValidParams(routes.exportDocument) p: { id: string },
    @ValidQuery(routes.exportDocument) q: ExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ExportResponse | string> {
    const out = await this.exports.export(auth, p.id, q);
    res.setHeader('Content-Type', out.contentType);
    if (out.disposition) res.setHeader('Content-Disposition', out.disposition);
    return out.body;
  }
}
