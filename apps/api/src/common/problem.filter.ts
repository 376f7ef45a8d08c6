import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Problem } from '@scholia/shared';
import type { Request, Response } from 'express';
import { ProblemException, problemType, titleFor } from './problem.js';

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

const BODY_PARSER_PROBLEMS: Record<string, { slug: string; detail: string }> = {
  'entity.parse.failed': { slug: 'malformed-json', detail: 'The request body is not valid JSON.' },
  'entity.too.large': { slug: 'body-too-large', detail: 'The request body is larger than this endpoint accepts.' },
  'encoding.unsupported': { slug: 'unsupported-encoding', detail: 'The request body encoding is not supported.' },
  'charset.unsupported': { slug: 'unsupported-charset', detail: 'The request body charset is not supported.' },
};

/** Turns every error into RFC 9457 problem+json; unexpected ones are logged and never leak their message. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.send(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** Also used for errors raised before Nest routes a request (the body parser). */
  send(exception: unknown, req: Request, res: Response): void {
    const { problem, headers } = this.toProblem(exception, req);
    if (res.headersSent) return;
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  }

  private toProblem(exception: unknown, req: Request): { problem: Problem; headers: Record<string, string> } {
    if (exception instanceof ProblemException) return { problem: exception.problem, headers: exception.headers };
    const bodyError = exception as BodyParserError;
    const known = bodyError?.type ? BODY_PARSER_PROBLEMS[bodyError.type] : undefined;
    if (known && typeof bodyError.status === 'number') {
      const status = bodyError.status;
      return {
        problem: { type: problemType(known.slug), title: titleFor(status), status, detail: known.detail },
        headers: {},
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const detail =
        status === 404 ? `No endpoint ${req.method} ${req.path}.` : status < 500 ? exception.message : undefined;
      return {
        problem: {
          type: status === 404 ? problemType('no-route') : 'about:blank',
          title: titleFor(status),
          status,
          ...(detail ? { detail } : {}),
        },
        headers: {},
      };
    }
    this.logger.error(
      { err: exception, method: req.method, url: req.originalUrl },
      exception instanceof Error ? exception.stack : String(exception),
    );
    return {
      problem: { type: 'about:blank', title: titleFor(500), status: 500, detail: 'Something went wrong on our side.' },
      headers: {},
    };
  }
}
