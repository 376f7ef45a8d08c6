import type { Problem } from '@scholia/shared';

/** An API error answer, carrying its problem+json body. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

type Fetch = typeof fetch;

/** Calls the JSON API; errors come back as ApiError with the server's problem details. */
export async function api<T>(fetchFn: Fetch, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetchFn(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    throw new ApiError(
      (data as Problem | null) ?? { type: 'about:blank', title: res.statusText, status: res.status },
    );
  }
  return data as T;
}
