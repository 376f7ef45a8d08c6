/**
 * A `?next=` value is followed only when it is a path on this site (`/groups/x?y#z`), never another origin
 * (`//evil.example`, `https://…`, `/\evil.example`).
 */
export function safeNext(raw: string | null | undefined, fallback = '/'): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  if (hasControlCharacter(raw)) return fallback;
  try {
    const base = 'http://scholia.invalid';
    const url = new URL(raw, base);
    if (url.origin !== base) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

/** C0 controls and DEL: browsers drop or reinterpret them in URLs, so `/\t/evil.example` could leave the site. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The login page address that comes back to `url` afterwards. */
export function loginUrl(url: URL): string {
  const here = url.pathname + url.search;
  return here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
}

/** Extracts an invite code from a code or a pasted invite link (`https://host/join/CODE`). */
export function inviteCode(input: string): string {
  const trimmed = input
    .trim()
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
  return trimmed.split('/').pop() ?? trimmed;
}
