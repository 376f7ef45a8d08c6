import { error, redirect } from '@sveltejs/kit';
import { ApiError } from '$lib/api';
import { loginUrl } from '$lib/nav';

/** For loads of pages that need a session: sends visitors to the login page, which comes back here afterwards. */
export function requireUser(locals: App.Locals, url: URL): NonNullable<App.Locals['user']> {
  if (!locals.user) redirect(303, loginUrl(url));
  return locals.user;
}

/** Turns an API failure during a load into the matching page error (404 stays 404; 401 goes to login). */
export function loadFailure(err: unknown, url: URL): never {
  if (err instanceof ApiError) {
    const status = err.problem.status;
    if (status === 401) redirect(303, loginUrl(url));
    if (status === 404 || status === 403) error(404, { message: 'Not found' });
    if (status >= 400 && status < 600) error(status, { message: err.problem.detail ?? err.problem.title });
  }
  throw err;
}
