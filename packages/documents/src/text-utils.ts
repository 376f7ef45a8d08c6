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
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, '')
    .normalize('NFC');
  return keepTrailingSpace ? normalized : trimLineEnds(normalized);
}

// The helpers below avoid regular expressions such as /[^\S\n]+$/gm, which take quadratic time on long runs of
// whitespace that do not end a line.

/** Removes trailing whitespace from every line. */
export function trimLineEnds(s: string): string {
  return s
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

/** Replaces every line break, with the whitespace around it, by one space (Markdown soft breaks). */
export function joinSoftBreaks(s: string): string {
  if (!s.includes('\n')) return s;
  const lines = s.split('\n');
  const last = lines.length - 1;
  return lines.map((line, i) => (i === 0 ? line.trimEnd() : i === last ? line.trimStart() : line.trim())).join(' ');
}

/**
 * Collapses every run of whitespace that contains a line break into a single "\n", and returns, for every UTF-16
 * index of `s` (and `s.length`), the index it maps to in the result.
 */
export function collapseLineBreaks(s: string): { text: string; map: number[] } {
  const parts: string[] = [];
  const map = new Array<number>(s.length + 1);
  let out = 0;
  let i = 0;
  while (i < s.length) {
    if (!/\s/.test(s.charAt(i))) {
      let j = i;
      while (j < s.length && !/\s/.test(s.charAt(j))) map[j++] = out++;
      parts.push(s.slice(i, j));
      i = j;
      continue;
    }
    let j = i;
    while (j < s.length && /\s/.test(s.charAt(j))) j++;
    const run = s.slice(i, j);
    if (run.includes('\n')) {
      for (let k = i; k < j; k++) map[k] = out;
      parts.push('\n');
      out += 1;
    } else {
      for (let k = i; k < j; k++) map[k] = out++;
      parts.push(run);
    }
    i = j;
  }
  map[s.length] = out;
  return { text: parts.join(''), map };
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
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}
