import { CodePointIndex, codePointLength } from '@scholia/anchoring';
import { DocumentParseError } from './errors.js';
import { parseMarkdown } from './markdown-document.js';
import { MAX_MARKDOWN_NESTING, MarkdownTooComplexError } from './markdown-lexer.js';
import { parsePlainText } from './plain-text.js';
import type { RawBlock } from './raw-block.js';
import { FOOTNOTE_MARKER, normalizeSource } from './text-utils.js';
import type { Block, DocumentInput, FootnoteMarker, ParsedDocument } from './types.js';

/** Largest accepted source, in bytes of UTF-8 (2 MiB). */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;

/** The string that separates consecutive blocks in the canonical text. */
export const BLOCK_SEPARATOR = '\n\n';

/**
 * Imports a plain text or Markdown document: normalises it (line endings → LF, Unicode NFC, trailing whitespace
 * trimmed), splits it into blocks and builds the canonical plain text that annotations index into.
 *
 * Offsets in the result are Unicode code points, end exclusive. See {@link ParsedDocument} for the layout of `text`
 * and {@link parsePlainText} / {@link parseMarkdown} for how blocks are recognised.
 *
 * @throws DocumentParseError for empty or oversized content or an unknown format.
 */
export function parseDocument(input: DocumentInput): ParsedDocument {
  const { format, content } = (input ?? {}) as Partial<DocumentInput>;
  if (format !== 'text' && format !== 'markdown') {
    throw new DocumentParseError('invalid_format', 'The document format must be "text" or "markdown".');
  }
  if (typeof content !== 'string') {
    throw new DocumentParseError('invalid_content', 'The document content must be text.');
  }
  const bytes = utf8ByteLength(content);
  if (bytes > MAX_DOCUMENT_BYTES) {
    throw new DocumentParseError(
      'too_large',
      `The document is too large (${formatMegabytes(bytes)}); the limit is ${formatMegabytes(MAX_DOCUMENT_BYTES)}. ` +
        'Split it into several documents.',
    );
  }
  if (content.trim() === '') {
    throw new DocumentParseError('empty', 'The document is empty. Paste or upload some text.');
  }

  const source = normalizeSource(content, format === 'markdown');
  let raw: RawBlock[];
  try {
    raw = format === 'markdown' ? parseMarkdown(source) : parsePlainText(source);
  } catch (error) {
    if (!(error instanceof MarkdownTooComplexError)) throw error;
    throw new DocumentParseError(
      'too_complex',
      `The Markdown nests quotes or lists more than ${MAX_MARKDOWN_NESTING} levels deep. ` +
        'Flatten it, or import it as plain text.',
    );
  }
  const document = assemble(raw);
  if (document.blocks.length === 0) {
    throw new DocumentParseError('empty', 'The document has no readable text.');
  }
  return document;
}

function assemble(raw: RawBlock[]): ParsedDocument {
  const texts: string[] = [];
  const blocks: Block[] = [];
  let offset = 0;
  for (const rawBlock of raw) {
    // NFC again: removing markup can bring a base letter and a combining mark together.
    const text = rawBlock.text.normalize('NFC');
    if (text === '') continue;
    if (texts.length > 0) offset += BLOCK_SEPARATOR.length;
    const start = offset;
    const end = start + codePointLength(text);
    const block: Block = { kind: rawBlock.kind, start, end, footnotes: [] };
    if (rawBlock.kind === 'heading' && rawBlock.level !== undefined) block.level = rawBlock.level;
    if (rawBlock.kind !== 'separator') {
      // If NFC changed the text, code ranges no longer line up; be conservative and keep them only when unchanged.
      const codeRanges = text === rawBlock.text ? (rawBlock.codeRanges ?? []) : [];
      block.footnotes = findFootnotes(text, start, codeRanges);
    }
    texts.push(text);
    blocks.push(block);
    offset = end;
  }
  return { text: texts.join(BLOCK_SEPARATOR), blocks };
}

function findFootnotes(text: string, blockStart: number, codeRanges: Array<[number, number]>): FootnoteMarker[] {
  const footnotes: FootnoteMarker[] = [];
  const index = new CodePointIndex(text);
  for (const m of text.matchAll(FOOTNOTE_MARKER)) {
    const from = m.index;
    const to = from + m[0].length;
    if (codeRanges.some(([s, e]) => from < e && to > s)) continue;
    footnotes.push({
      marker: m[0],
      label: m[1] ?? '',
      start: blockStart + index.toCodePoint(from),
      end: blockStart + index.toCodePoint(to),
    });
  }
  return footnotes;
}

function utf8ByteLength(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function formatMegabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  if (Number.isInteger(mb)) return `${mb} MB`;
  // Round up, so that 2 MB plus one byte never reads as "2.00 MB".
  return `${(Math.ceil(mb * 100) / 100).toFixed(2)} MB`;
}
