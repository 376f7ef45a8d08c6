import { Controller, type StreamableFile } from '@nestjs/common';
import { type AnalyticsQuery, type AnalyticsReport, routes } from '@scholia/shared';
import type { AuthContext } from '../auth/auth-context.js';
import { Auth, Endpoint, ValidParams, ValidQuery } from '../common/endpoint.js';
import { fileBody } from '../exports/file-response.js';
import { AnalyticsService } from './analytics.service.js';

@Controller()
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  /** JSON, or CSV with `format=csv`. */
  @Endpoint(routes.groupAnalytics)
  async report(
    @Auth() auth: AuthContext,
    @ValidParams(routes.groupAnalytics) p: { slug: string },
    @ValidQuery(routes.groupAnalytics) q: AnalyticsQuery,
  ): Promise<AnalyticsReport | StreamableFile> {
    return fileBody(await this.analytics.report(auth, p.slug, q));
  }
}
