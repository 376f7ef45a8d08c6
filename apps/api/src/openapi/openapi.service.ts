import { Injectable } from '@nestjs/common';
import { type RouteContract, routes } from '@scholia/shared';
import { z } from 'zod';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });

const problemResponse = {
  description: 'Problem',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

/** The OpenAPI 3.1 document, generated from the shared route contracts the server validates with. */
@Injectable()
export class OpenApiService {
  private cached: object | undefined;

  document(): object {
    this.cached ??= this.build();
    return this.cached;
  }

  private build(): object {
    const paths: Record<string, Record<string, object>> = {};
    for (const [name, route] of Object.entries(routes) as [string, RouteContract][]) {
      const path = route.path.replace(/:(\w+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][route.method] = this.operation(name, route);
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Scholia API',
        version: '0.1.0',
        description:
          'Collaborative annotation and debate. Errors are application/problem+json (RFC 9457). The session travels in ' +
          'the `scholia_session` cookie; state-changing requests from another origin are refused. Text positions count ' +
          'Unicode code points.',
      },
      paths,
      components: {
        schemas: {
          Problem: toSchema(
            z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string().optional() }),
            'output',
          ),
        },
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'scholia_session' } },
      },
    };
  }

  private operation(name: string, route: RouteContract): object {
    const parameters = [...this.parameters(route.params, 'path'), ...this.parameters(route.query, 'query')];
    return {
      operationId: name,
      summary: route.summary,
      tags: [route.tag],
      ...(route.access === 'public' ? { security: [] } : { security: [{ session: [] }] }),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body
        ? {
            requestBody: { required: true, content: { 'application/json': { schema: toSchema(route.body, 'input') } } },
          }
        : {}),
      responses: {
        [route.status]: this.success(route),
        '4XX': problemResponse,
      },
    };
  }

  private success(route: RouteContract): object {
    const media = route.media ?? (route.response ? { 'application/json': route.response } : null);
    if (!media) return { description: 'Success, no content' };
    const content = Object.fromEntries(
      Object.entries(media).map(([type, schema]) => [type, { schema: toSchema(schema, 'output') }]),
    );
    return { description: 'Success', content };
  }

  private parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): object[] {
    if (!schema) return [];
    const json = toSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, s]) => ({
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      schema: s,
    }));
  }
}
