import { Lexer, Tokenizer, type MarkedOptions, type Tokens, type TokensList } from 'marked';

/**
 * marked's lexer, hardened against inputs that make it slow or make it overflow the stack.
 *
 * 1. Emphasis (`*`, `_`) and strikethrough (`~`) are matched by scanning ahead for a closing delimiter, once per
 *    opening delimiter, and the content of each match is lexed again; text dense in delimiters (`*_a*_a*_a…`) costs
 *    quadratic time or worse: 5 000 characters of it take about 2 s in marked 18. Every such scan is charged against
 *    a budget of {@link EMPHASIS_SCAN_BUDGET} characters per lexing; once it is spent, the remaining delimiters are
 *    kept as literal characters. Ordinary documents use a tiny fraction of the budget (a 2 MB essay full of emphasis
 *    uses about a tenth of it).
 * 2. Blockquotes and lists nest by recursion; thousands of levels (`> > > > …`) overflow the stack and copy the text
 *    once per level. {@link markdownNestingDepth} estimates the depth so callers can refuse such input up front, and
 *    a `RangeError` from deeper recursion is reported as {@link MarkdownTooComplexError}.
 */
export const EMPHASIS_SCAN_BUDGET = 50_000_000;

/** Deepest nesting of blockquotes and lists accepted (see {@link markdownNestingDepth}). */
export const MAX_MARKDOWN_NESTING = 64;

export class MarkdownTooComplexError extends Error {
  override readonly name = 'MarkdownTooComplexError';
}

class BudgetedTokenizer extends Tokenizer {
  private remaining = EMPHASIS_SCAN_BUDGET;

  override emStrong(src: string, maskedSrc: string, prevChar?: string): Tokens.Em | Tokens.Strong | undefined {
    if (!this.charge(src)) return undefined;
    return super.emStrong(src, maskedSrc, prevChar);
  }

  override del(src: string, maskedSrc: string, prevChar?: string): Tokens.Del | undefined {
    if (!this.charge(src)) return undefined;
    return super.del(src, maskedSrc, prevChar);
  }

  private charge(src: string): boolean {
    if (this.remaining <= 0) return false;
    this.remaining -= src.length;
    return true;
  }
}

/** Lexes Markdown (GFM unless `options` say otherwise) with the safeguards described above. */
export function lexMarkdown(src: string, options: MarkedOptions = {}): TokensList {
  if (markdownNestingDepth(src) > MAX_MARKDOWN_NESTING) {
    throw new MarkdownTooComplexError(`Markdown nested more than ${MAX_MARKDOWN_NESTING} levels deep`);
  }
  try {
    return new Lexer({ gfm: true, ...options, tokenizer: new BudgetedTokenizer() }).lex(src);
  } catch (error) {
    if (error instanceof RangeError) throw new MarkdownTooComplexError('Markdown too deeply nested to parse');
    throw error;
  }
}

const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const CONTAINER_MARKERS = /^(?:[ \t]*(?:>|[-+*](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+/;

/**
 * An upper estimate of how deeply a line of `src` nests blockquotes and lists: the number of container markers
 * (`>`, `-`, `+`, `*`, `1.`, `1)`) it starts with, plus, if it has any, half its indentation in columns (each nested
 * list level needs at least two more columns). Lines without markers and thematic breaks (`* * *`) don't count.
 */
export function markdownNestingDepth(src: string): number {
  let max = 0;
  for (const line of src.split('\n')) {
    if (THEMATIC_BREAK.test(line)) continue;
    const markers = CONTAINER_MARKERS.exec(line)?.[0] ?? '';
    const count = (markers.match(/>|[-+*]|\d{1,9}[.)]/g) ?? []).length;
    const indent = /^[ \t]*/.exec(line)?.[0] ?? '';
    let columns = 0;
    for (const c of indent) columns = c === '\t' ? columns + 4 - (columns % 4) : columns + 1;
    // Indentation alone (code, poetry) nests nothing; it only deepens a line that opens a container.
    if (count > 0) max = Math.max(max, count + Math.floor(columns / 2));
  }
  return max;
}
