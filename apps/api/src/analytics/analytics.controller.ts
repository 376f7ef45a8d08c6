import { Controller, Res } from '@nestjs/common';
import { type AnalyticsQuery, type AnalyticsReport, routes } from '@scholia/shared';
import type { Response } from 'express';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidParams, ValidQuery } from '../common/endpoint.js';
import { AnalyticsService } from './analytics.service.js';

@Controller()
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Endpoint(routes.groupAnalytics)
  async report(
    @Auth() auth: AuthContext,
    @ValidParams(routes.groupAnalytics) p: { slug: string },
    @ValidQuery(routes.groupAnalytics) q: AnalyticsQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AnalyticsReport | string> {
    const out = await this.analytics.report(auth, p.slug, q);
    res.setHeader('Content-Type', out.contentType);
    if (out.disposition) res.setHeader('Content-Disposition', out.disposition);
    return out.body;
  }
}
