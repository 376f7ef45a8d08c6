import { Controller, Get, Header, SetMetadata } from '@nestjs/common';
import { ROUTE_CONTRACT } from '../common/endpoint.js';
import { OpenApiService } from './openapi.service.js';
import { renderDocsPage } from './docs-page.js';

const PUBLIC = SetMetadata(ROUTE_CONTRACT, { access: 'public' });

@Controller()
export class OpenApiController {
  constructor(private readonly openapi: OpenApiService) {}

  @Get('/api/openapi.json')
  @PUBLIC
  json(): object {
    return this.openapi.document();
  }

  @Get('/api/docs')
  @PUBLIC
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return renderDocsPage(this.openapi.document());
  }
}
