import type { Handle, HandleFetch } from '@sveltejs/kit';
import type { UserDto } from '@scholia/shared';

/**
 * Server-side loads call the API over loopback inside the same process group rather than through the public origin,
 * which may sit behind a proxy; the visitor's cookie goes along so the API sees the same session.
 */
export const handleFetch: HandleFetch = async ({ event, request, fetch }) => {
  const url = new URL(request.url);
  const internal = process.env.SCHOLIA_INTERNAL_URL;
  if (internal && url.origin === event.url.origin && url.pathname.startsWith('/api/')) {
    const headers = new Headers(request.headers);
    const cookie = event.request.headers.get('cookie');
    if (cookie) headers.set('cookie', cookie);
    // The global fetch, not SvelteKit's: the latter would route a same-origin URL back into SvelteKit itself.
    return globalThis.fetch(internal + url.pathname + url.search, {
      method: request.method,
      headers,
      body: request.body,
      duplex: 'half',
    } as RequestInit);
  }
  return fetch(request);
};

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  if (event.request.headers.get('cookie')?.includes('scholia_session=')) {
    const res = await event.fetch('/api/me');
    if (res.ok) event.locals.user = (await res.json()) as UserDto;
  }
  return resolve(event);
};
