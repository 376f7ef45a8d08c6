import { Parser, Renderer, type Tokens } from 'marked';
import { MarkdownTooComplexError, lexMarkdown } from './markdown-lexer.js';
import sanitizeHtml from 'sanitize-html';

/** URL schemes a rendered link may use. Relative links (`/groups/x`, `#annotation-1`) are allowed too. */
export const ALLOWED_LINK_SCHEMES: readonly string[] = ['http', 'https', 'mailto'];

/** The `rel` every rendered link carries. */
export const LINK_REL = 'nofollow noopener noreferrer';

/** Elements the renderer may output; anything else is removed (its text kept, except for the elements below). */
export const ALLOWED_TAGS: readonly string[] = [
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
];

/** Disallowed elements whose content is dropped too, not just their tags (scripts, styles, embedded documents …). */
const DROP_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'select',
  'xmp',
  'noscript',
  'noembed',
  'noframes',
  'plaintext',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'template',
  'title',
  'head',
  'svg',
  'math',
];

/** marked's HTML renderer with images and task-list checkboxes replaced by text. */
class NoteRenderer extends Renderer {
  // Images are off: show the alt text instead of loading anything.
  override image({ text }: Tokens.Image): string {
    return escapeHtml(text);
  }

  // Task list checkboxes would be <input> elements, which are not allowed: show a ballot box character instead.
  override checkbox({ checked }: Tokens.Checkbox): string {
    return checked ? '☑ ' : '☐ ';
  }
}

/** Longer input is not parsed as Markdown but shown as plain text (the API should refuse such notes anyway). */
export const MAX_RENDER_LENGTH = 200_000;

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_TAGS],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    ol: ['start'],
    th: [{ name: 'align', values: ['left', 'center', 'right'] }],
    td: [{ name: 'align', values: ['left', 'center', 'right'] }],
  },
  allowedClasses: { code: [/^language-[\w+-]{1,40}$/] },
  allowedSchemes: [...ALLOWED_LINK_SCHEMES],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite', 'action', 'formaction', 'xlink:href', 'background'],
  allowProtocolRelative: false,
  allowVulnerableTags: false,
  disallowedTagsMode: 'discard',
  nonTextTags: DROP_WITH_CONTENT,
  nestingLimit: 64,
  transformTags: {
    h1: 'h3',
    h2: 'h3',
    b: 'strong',
    i: 'em',
    s: 'del',
    strike: 'del',
    a: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = {};
      const href = attribs.href;
      if (href !== undefined && isSafeHref(href)) out.href = href.trim();
      if (attribs.title !== undefined) out.title = attribs.title;
      out.rel = LINK_REL; // and no `target`: links open in the same tab
      return { tagName: 'a', attribs: out };
    },
  },
};

/**
 * Renders the Markdown of a note or reply to HTML that is safe to insert into a page.
 *
 * marked (GFM, newlines as line breaks; see `lexMarkdown` for its guards against pathological input) turns Markdown
 * into HTML, then sanitize-html keeps only
 * {@link ALLOWED_TAGS} and a few attributes: `href`/`title` on links (http, https, mailto or relative URLs only; every
 * link gets `rel="nofollow noopener noreferrer"` and no `target`), `start` on ordered lists, `align` on table cells,
 * `language-*` classes on code. `h1`/`h2` become `h3`, `b`/`i`/`s` become `strong`/`em`/`del`. Images are rendered
 * as their alt text. Raw HTML outside the allowlist is removed (the text inside it is kept, except inside `script`,
 * `style`, `iframe`, `svg`, `math` and similar, which are dropped whole). No event handler, style, id or class (other
 * than `language-*`) attribute survives. Input longer than {@link MAX_RENDER_LENGTH} characters or nested more than
 * `MAX_MARKDOWN_NESTING` levels is rendered as plain text paragraphs instead. Never throws for any string.
 */
export function renderMarkdown(md: string): string {
  const source = String(md ?? '').replace(/\r\n?/g, '\n');
  let html: string;
  try {
    if (source.length > MAX_RENDER_LENGTH) throw new MarkdownTooComplexError('too long');
    const options = { gfm: true, breaks: true }; // a newline in a note is a line break, as in comment boxes elsewhere
    html = Parser.parse(lexMarkdown(source, options), { ...options, renderer: new NoteRenderer() });
  } catch (error) {
    if (!(error instanceof MarkdownTooComplexError)) throw error;
    return plainTextHtml(source); // safe by construction: every character of the input is escaped
  }
  return sanitizeHtml(html, sanitizeOptions).trim();
}

/** Fallback for input too large or too deeply nested for Markdown: escaped text in paragraphs and line breaks. */
function plainTextHtml(source: string): string {
  return source
    .split(/\n[^\S\n]*\n\s*/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, '<br />')}</p>`)
    .join('\n');
}

/**
 * Whether a link target is allowed: a relative URL, or an absolute one with an allowed scheme. The check is done
 * twice: on the value with every whitespace, control and invisible formatting character removed (browsers ignore
 * some of these inside a scheme, e.g. `jav&#x09;ascript:`), and with the WHATWG URL parser that browsers use.
 * Protocol-relative (`//host`) and backslash-led (`/\host`, `\\host`) targets are refused.
 */
export function isSafeHref(href: string): boolean {
  const squeezed = href.replace(INVISIBLE, '').toLowerCase();
  if (squeezed === '') return false;
  if (/^[\\/][\\/]/.test(squeezed)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(squeezed);
  if (scheme && !ALLOWED_LINK_SCHEMES.includes(scheme[1] ?? '')) return false;
  if (!scheme && /^[^/?#]*:/.test(squeezed)) return false; // a colon before any path: not a plain relative URL
  try {
    const parsed = new URL(href, 'https://relative.invalid/');
    if (!ALLOWED_LINK_SCHEMES.includes(parsed.protocol.slice(0, -1))) return false;
  } catch {
    return false;
  }
  return true;
}

// C0/C1 controls, whitespace, soft hyphen, zero-width and bidi formatting characters, variation selectors, BOM.
const INVISIBLE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class -- matching these characters is the point
  /[\u0000-\u0020\u007F-\u00A0\u00AD\u034F\u061C\u115F\u1160\u1680\u17B4\u17B5\u180B-\u180F\u2000-\u200F\u2028-\u202F\u205F-\u206F\u3000\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8]/g;

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
