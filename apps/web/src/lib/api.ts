import type { Problem } from '@scholia/shared';

/** An API error answer, carrying its problem+json body. */
export class ApiError extends Error {
  /** Seconds to wait before retrying, from a `Retry-After` header (429 and 503 answers). */
  readonly retryAfter: number | undefined;

  constructor(
    readonly problem: Problem,
    headers?: Headers,
  ) {
    super(problem.detail ?? problem.title);
    const retry = headers?.get('retry-after');
    const seconds = retry ? Number(retry) : NaN;
    this.retryAfter = Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
  }

  get status(): number {
    return this.problem.status;
  }
}

type Fetch = typeof fetch;

/** Calls the JSON API; errors come back as ApiError with the server's problem details. */
export async function api<T>(fetchFn: Fetch, method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetchFn(path, {
      method,
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError({
      type: 'about:blank',
      title: 'No connection',
      status: 0,
      detail: 'Scholia could not be reached. Check your connection and try again.',
    });
  }
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const problem =
      data && typeof data === 'object' && 'status' in data
        ? (data as Problem)
        : { type: 'about:blank', title: res.statusText || 'Error', status: res.status };
    throw new ApiError(problem, res.headers);
  }
  return data as T;
}

/** The problem of any thrown value, for showing it in a form. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return error.problem;
  return {
    type: 'about:blank',
    title: 'Something went wrong',
    status: 0,
    detail: error instanceof Error ? error.message : 'Something went wrong. Please try again.',
  };
}
