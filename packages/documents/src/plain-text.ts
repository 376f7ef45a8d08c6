import { codePointLength } from '@scholia/anchoring';
import { SEPARATOR_TEXT, type RawBlock } from './raw-block.js';

/**
 * Plain text → blocks.
 *
 * Input has already been normalised (LF line endings, NFC, no trailing whitespace on any line).
 *
 * - Paragraphs are separated by blank lines. Lines within a paragraph (hard wrapping) are trimmed and joined with one
 *   space; nothing else inside a line is changed.
 * - A line consisting of three or more `*`, `-` or `_` (optionally spaced: `* * *`, `***`, `---`), `⁂`, or three or
 *   more `·`/`•`, is a separator, even without blank lines around it. Its canonical text is `* * *`.
 * - Headings: a paragraph that is a single line of at most {@link MAX_HEADING_LENGTH} code points, contains a letter
 *   or digit, does not start with a lowercase letter, a footnote marker or a list bullet, does not end (ignoring
 *   trailing footnote markers and closing quotation marks) with `.`, `,`, `;`, `:` or `…`, is followed by another
 *   non-separator block, and is not introduced by a lead-in (see below), is a heading of level 2.
 * - Blockquotes (the source marks quoted passages only by layout, so several signals are used):
 *   1. every line of the paragraph starts with `>` (e-mail style; the `>` markers are removed);
 *   2. every line is indented (a tab or at least two spaces) while most paragraphs of the document are not;
 *   3. the paragraph follows a *lead-in*: a paragraph that ends (ignoring trailing footnote markers and closing
 *      quotation marks) with `:`, `,` or a dash, or with a letter or digit, i.e. an unfinished sentence such as
 *      "Guillermo Lora argued that:", "this, he said," or "He continues";
 *   4. continuation: the paragraph directly follows a blockquote that did not end with a footnote marker, is short
 *      (at most {@link MAX_QUOTE_CONTINUATION_LENGTH} code points), contains no opening quotation mark (the author's
 *      own prose that cites a source inline quotes it with ‘…’ or “…”), and ends with a footnote marker: the
 *      citation closes the quoted passage, so it belongs to the quote.
 */
export function parsePlainText(source: string): RawBlock[] {
  const items = splitItems(source);
  const paragraphs = items.filter((item): item is ParagraphItem => item.type === 'paragraph');
  const indentedCount = paragraphs.filter((p) => p.indented).length;
  // Indentation marks quotes only when it is the exception; if most paragraphs are indented it is just layout.
  const indentationMeansQuote = indentedCount > 0 && indentedCount * 2 < paragraphs.length;

  const blocks: RawBlock[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    if (item.type === 'separator') {
      blocks.push({ kind: 'separator', text: SEPARATOR_TEXT });
      continue;
    }
    const prev = blocks[blocks.length - 1];
    const next = items[i + 1];
    let kind: RawBlock['kind'];
    if (item.angleQuoted) kind = 'blockquote';
    else if (item.indented && indentationMeansQuote) kind = 'blockquote';
    else if (prev?.kind === 'paragraph' && isLeadIn(prev.text)) kind = 'blockquote';
    else if (next !== undefined && next.type === 'paragraph' && isHeadingLine(item)) kind = 'heading';
    else if (prev?.kind === 'blockquote' && continuesQuote(prev.text, item.text)) kind = 'blockquote';
    else kind = 'paragraph';
    blocks.push(kind === 'heading' ? { kind, level: 2, text: item.text } : { kind, text: item.text });
  }
  return blocks;
}

/** Longest single line (in code points) taken for a heading. */
export const MAX_HEADING_LENGTH = 80;
/** Longest paragraph (in code points) that can continue a preceding quote (rule 4). */
export const MAX_QUOTE_CONTINUATION_LENGTH = 300;

interface ParagraphItem {
  type: 'paragraph';
  lineCount: number;
  text: string;
  indented: boolean;
  angleQuoted: boolean;
}
type Item = ParagraphItem | { type: 'separator' };

const SEPARATOR_LINE =
  /^\s*(?:(?:\*[^\S\n]*){3,}|(?:-[^\S\n]*){3,}|(?:_[^\S\n]*){3,}|⁂|(?:·[^\S\n]*){3,}|(?:•[^\S\n]*){3,})$/;
const INDENTED_LINE = /^(?:\t| {2,})/;
const ANGLE_QUOTED_LINE = /^\s*>/;

function splitItems(source: string): Item[] {
  const items: Item[] = [];
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const angleQuoted = lines.every((l) => ANGLE_QUOTED_LINE.test(l));
    const indented = !angleQuoted && lines.every((l) => INDENTED_LINE.test(l));
    const content = angleQuoted ? lines.map((l) => l.replace(/^(?:\s*>)+/, '')) : lines;
    const text = content
      .map((l) => l.trim())
      .filter((l) => l !== '')
      .join(' ');
    if (text !== '') items.push({ type: 'paragraph', lineCount: lines.length, text, indented, angleQuoted });
    lines = [];
  };
  for (const line of source.split('\n')) {
    if (line.trim() === '') flush();
    else if (SEPARATOR_LINE.test(line)) {
      flush();
      items.push({ type: 'separator' });
    } else lines.push(line);
  }
  flush();
  return items;
}

const OPENING_QUOTE = /[‘“„«‹"]/;
const CLOSING_QUOTES = '’”"\'»›';

/** Whether `text` ends with a footnote marker such as `[12]`. */
function endsWithFootnote(text: string): boolean {
  return /\[\d{1,4}\]$/.test(text.slice(-6));
}

/**
 * The text with trailing footnote markers (and the whitespace before them) and then closing quotation marks removed.
 * (Written as loops: the equivalent regular expressions anchored with `$` take quadratic time on long runs.)
 */
function core(text: string): string {
  let end = text.length;
  for (;;) {
    const e = text.slice(0, end).trimEnd().length;
    const m = /\[\d{1,4}\]$/.exec(text.slice(Math.max(0, e - 6), e));
    if (!m) break;
    end = e - m[0].length;
  }
  end = text.slice(0, end).trimEnd().length;
  while (end > 0 && CLOSING_QUOTES.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

function isLeadIn(text: string): boolean {
  const last = core(text).slice(-1);
  return /[:,—–-]/.test(last) || /[\p{L}\p{N}]/u.test(last);
}

function isHeadingLine(item: ParagraphItem): boolean {
  if (item.lineCount !== 1 || item.angleQuoted) return false;
  const text = item.text;
  if (codePointLength(text) > MAX_HEADING_LENGTH) return false;
  if (!/[\p{L}\p{N}]/u.test(text)) return false;
  if (/^\p{Ll}/u.test(text)) return false;
  if (/^\[\d{1,4}\]/.test(text)) return false; // a note ("[3] Ibid") or a bare marker, not a heading
  if (/^[-*•·–—]\s/.test(text)) return false; // a list item
  const stripped = core(text);
  if (stripped === '') return false;
  return !/[.,;:…]$/.test(stripped);
}

function continuesQuote(quote: string, text: string): boolean {
  return (
    !endsWithFootnote(quote) &&
    endsWithFootnote(text) &&
    !OPENING_QUOTE.test(text) &&
    codePointLength(text) <= MAX_QUOTE_CONTINUATION_LENGTH
  );
}
