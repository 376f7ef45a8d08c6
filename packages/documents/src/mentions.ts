import type { Token, Tokens } from 'marked';
import { MarkdownTooComplexError, lexMarkdown } from './markdown-lexer.js';

/** Longest handle recognised after `@`. */
export const MAX_MENTION_LENGTH = 64;

/**
 * A mention is `@` followed by a handle of letters, digits, `_`, `-` and `.` that starts and ends with a letter,
 * digit or `_` (so "@alice." at the end of a sentence is "alice"). The `@` must not follow a letter, digit, mark, or
 * one of `_ . - @ / \ + : = & % ~ #` — this leaves out e-mail addresses (`bob@example.org`), URLs
 * (`https://example.org/@bob`) and things like `a@b`.
 */
const MENTION =
  /(?<![\p{L}\p{N}\p{M}_.\-@/\\+:=&%~#\uFFFF])@([\p{L}\p{N}\p{M}_](?:[\p{L}\p{N}\p{M}_.-]*[\p{L}\p{N}\p{M}_])?)(?![\p{L}\p{N}\p{M}_]|[.-][\p{L}\p{N}\p{M}_]|@)/gu;

/**
 * The `@name` handles mentioned in a note or reply's Markdown, in order of first appearance, each once (compared
 * case-insensitively; the first spelling is returned). Mentions inside code spans, code blocks, raw HTML, autolinked
 * URLs and e-mail addresses are ignored; `\@name` (escaped) is not a mention.
 */
export function extractMentions(md: string): string[] {
  const source = String(md ?? '').replace(/\r\n?/g, '\n');
  const texts: string[] = [];
  try {
    collectText(lexMarkdown(source), texts);
  } catch (error) {
    if (!(error instanceof MarkdownTooComplexError)) throw error;
    // Too deeply nested for Markdown: scan the raw text (backticks count as boundaries; code spans are not skipped).
    texts.push(source.replace(/`+/g, ' '));
  }
  const seen = new Set<string>();
  const handles: string[] = [];
  for (const text of texts) {
    for (const m of text.normalize('NFC').matchAll(MENTION)) {
      const handle = m[1];
      if (handle === undefined || [...handle].length > MAX_MENTION_LENGTH) continue;
      const key = handle.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      handles.push(handle);
    }
  }
  return handles;
}

const BLOCK_TYPES = new Set(['paragraph', 'heading', 'blockquote', 'space', 'hr', 'list_item']);

/** Collects the prose of a token tree, one string per block; code, HTML and autolinks become a neutral boundary. */
function collectText(tokens: Token[], out: string[]): void {
  let current = '';
  const flush = () => {
    if (current !== '') out.push(current);
    current = '';
  };
  const walk = (list: Token[]) => {
    for (const token of list) {
      switch (token.type) {
        case 'code':
        case 'codespan':
        case 'html':
          current += ' ';
          break;
        case 'escape':
          // An escaped "@" is literal text, never the start of a mention.
          current += (token as Tokens.Escape).text === '@' ? '\uFFFF' : (token as Tokens.Escape).text;
          break;
        case 'link':
          if ((token as Tokens.Link).autolink) current += ' ';
          else walk((token as Tokens.Link).tokens);
          break;
        case 'list':
          for (const item of (token as Tokens.List).items) {
            flush();
            walk(item.tokens);
          }
          flush();
          break;
        case 'table': {
          const table = token as Tokens.Table;
          for (const cell of [...table.header, ...table.rows.flat()]) {
            flush();
            walk(cell.tokens);
          }
          flush();
          break;
        }
        case 'br':
          current += ' ';
          break;
        default: {
          const generic = token as Tokens.Generic;
          if (Array.isArray(generic.tokens) && generic.tokens.length > 0) walk(generic.tokens);
          else if (token.type === 'text' && typeof generic.text === 'string') current += generic.text;
          if (BLOCK_TYPES.has(token.type)) flush();
        }
      }
    }
  };
  walk(tokens);
  flush();
}
