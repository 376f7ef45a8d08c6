import sanitizeHtml from 'sanitize-html';

/**
 * Normalises raw input the same way for every format: lone surrogates become U+FFFD, a leading byte order mark is
 * dropped, CRLF / CR / U+2028 / VT / FF become LF, U+2029 (paragraph separator) becomes a blank line, C0 control
 * characters other than TAB and LF (and DEL) are removed, and the result is put in Unicode Normalization Form C.
 * Trailing whitespace is trimmed from every line unless `keepTrailingSpace` is set (Markdown needs it: two trailing
 * spaces are a hard line break; the Markdown parser trims the text of every block itself).
 */
export function normalizeSource(content: string, keepTrailingSpace = false): string {
  const normalized = content
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?|[\u2028\v\f]/g, '\n')
    .replace(/\u2029/g, '\n\n')
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, '')
    .normalize('NFC');
  return keepTrailingSpace ? normalized : normalized.replace(/[^\S\n]+$/gm, '');
}

/** Matches a footnote marker such as `[12]` (1–4 digits). */
export const FOOTNOTE_MARKER = /\[(\d{1,4})\]/g;

const ENTITY = /&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?/;

/**
 * Decodes HTML character references (`&amp;`, `&copy;`, `&#x1F600;` …) in plain text, exactly as a browser would show
 * them (htmlparser2's full HTML5 entity table, via sanitize-html). Text without `&` is returned unchanged.
 */
export function decodeEntities(text: string): string {
  if (!ENTITY.test(text)) return text;
  const asHtml = text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return unescapeSanitized(
    sanitizeHtml(asHtml, { allowedTags: [], allowedAttributes: {}, parser: { decodeEntities: true } }),
  );
}

/** The visible text of an HTML fragment: tags and comments removed, script/style content dropped, entities decoded. */
export function htmlToText(html: string): string {
  return unescapeSanitized(
    sanitizeHtml(html, {
      allowedTags: [],
      allowedAttributes: {},
      nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'noscript', 'template', 'title', 'head'],
      parser: { decodeEntities: true },
    }),
  );
}

/** sanitize-html re-escapes `&`, `<`, `>` (and `"`) in text it outputs; undo that to get plain text. */
function unescapeSanitized(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
