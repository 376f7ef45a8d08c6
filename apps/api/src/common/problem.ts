import { HttpException } from '@nestjs/common';
import type { Problem } from '@scholia/shared';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

export const problemType = (slug: string): string => `urn:scholia:problem:${slug}`;

export const titleFor = (status: number): string => TITLES[status] ?? 'Error';

/** An error answer with a stable `type`, rendered as application/problem+json by the global filter. */
export class ProblemException extends HttpException {
  readonly problem: Problem;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    slug: string,
    detail: string,
    extra: { errors?: Problem['errors']; headers?: Record<string, string>; title?: string } = {},
  ) {
    super(detail, status);
    this.problem = {
      type: problemType(slug),
      title: extra.title ?? titleFor(status),
      status,
      detail,
      ...(extra.errors ? { errors: extra.errors } : {}),
    };
    this.headers = extra.headers ?? {};
  }
}

export const notFound = (what = 'That resource'): ProblemException =>
  new ProblemException(404, 'not-found', `${what} does not exist or you do not have access to it.`);

export const forbidden = (detail: string): ProblemException => new ProblemException(403, 'forbidden', detail);

export const unauthorized = (detail = 'Sign in to continue.'): ProblemException =>
  new ProblemException(401, 'unauthenticated', detail);

export const conflict = (slug: string, detail: string): ProblemException => new ProblemException(409, slug, detail);

/** Optimistic concurrency lost: someone saved `what` after the version the caller edited. */
export const staleVersion = (what: string, version: number): ProblemException =>
  conflict(
    'stale-version',
    `Someone saved this ${what} after version ${version}; reload it and apply your change again.`,
  );

export const tooManyRequests = (retryAfterSeconds: number, detail: string): ProblemException =>
  new ProblemException(429, 'rate-limited', detail, { headers: { 'Retry-After': String(retryAfterSeconds) } });
