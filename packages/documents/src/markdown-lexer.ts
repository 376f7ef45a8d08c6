import { Lexer, Tokenizer, type Links, type MarkedOptions, type Token, type Tokens, type TokensList } from 'marked';

/**
 * marked's lexer, hardened against input that makes it slow or makes it overflow the stack.
 *
 * marked 18's inline tokenizers run a regular expression at the start of every token, and several of them scan
 * ahead to the end of a run of characters: the text rule's look-ahead for an e-mail address, the e-mail branch of
 * GFM autolinks, HTML comments / processing instructions / CDATA looking for their terminator, and emphasis looking
 * for its closing delimiter. Text that is dense in token boundaries and has no whitespace (`*a*a*a…`, `a_a_a…`,
 * `<!--<!--…`) then costs quadratic time: 5 000 characters of `*_a` took 2 s, 200 000 characters of `*a` over a
 * minute. The tokenizer below keeps the same tokens for ordinary text but bounds every such scan:
 *
 * - plain text is tokenized through a window of at most {@link TEXT_WINDOW} characters, cut at the start of a word,
 *   where marked would try every tokenizer anyway (a long text token becomes several, which marked merges back). Only
 *   inside a "word" of more than {@link TEXT_WINDOW} characters (no whitespace, no markup) is the cut arbitrary; no
 *   bare URL or e-mail address is autolinked in the rest of such a word (marked may link one there);
 * - a GFM e-mail autolink is only attempted when its `@` follows within 320 characters (valid local parts have at
 *   most 64). This is the one visible difference from marked: `<321+ characters>@example.org` is not linked at all.
 * - an HTML comment, processing instruction, declaration or CDATA section is only attempted when its terminator
 *   occurs later in the same inline run, and any tag only when a `>` does;
 * - emphasis and strikethrough scans are charged against {@link EMPHASIS_SCAN_BUDGET} characters per lexing; once it
 *   is spent the remaining delimiters stay literal characters (ordinary text uses a small fraction of it: a match
 *   costs its own length, only a delimiter that finds no partner costs the rest of its paragraph).
 *
 * Blockquotes and lists nest by recursion; thousands of levels (`> > > …`) overflow the stack and copy the text once
 * per level. {@link markdownNestingDepth} estimates the depth so that input nested deeper than
 * {@link MAX_MARKDOWN_NESTING} is refused up front, and a `RangeError` from recursion is reported the same way, as
 * {@link MarkdownTooComplexError}.
 */
export const EMPHASIS_SCAN_BUDGET = 1_000_000;

/** Longest piece of plain text handed to marked's text rule at once. */
export const TEXT_WINDOW = 256;

/** Deepest nesting of blockquotes and lists accepted (see {@link markdownNestingDepth}). */
export const MAX_MARKDOWN_NESTING = 64;

export class MarkdownTooComplexError extends Error {
  override readonly name = 'MarkdownTooComplexError';
}

interface InlineRun {
  src: string;
  /** A run of spaces in `src` (from, to exclusive) seen by `br`. */
  spacesFrom?: number;
  spacesTo?: number;
  lastGt?: number;
  lastCommentEnd?: number;
  lastPiEnd?: number;
  lastCdataEnd?: number;
}

/** Tracks which inline run (the text of one paragraph, heading, cell, or emphasis) is being tokenized. */
class GuardedLexer extends Lexer {
  readonly runs: InlineRun[] = [];

  override inlineTokens(src: string, tokens?: Token[]): Token[] {
    this.runs.push({ src });
    try {
      return super.inlineTokens(src, tokens);
    } finally {
      this.runs.pop();
    }
  }
}

const URL_START = /^(?:mailto:|xmpp:|[hH][tT][tT][pP][sS]?:\/\/|[fF][tT][pP]:\/\/|www\.)/;
const EMAIL_START = /^[A-Za-z0-9._+-]+@/;
/** How far `url` looks for the `@` of an e-mail address: local parts longer than this are not autolinked. */
const EMAIL_LOOKAHEAD = 320;
const WORD_START = /\s(?=\S)/g;

class GuardedTokenizer extends Tokenizer {
  private remaining = EMPHASIS_SCAN_BUDGET;

  /** Where a window cut fell inside a word (no whitespace in the window): nothing is autolinked in the rest of it. */
  private midWordCut: { run: InlineRun; offset: number } | undefined;

  override inlineText(src: string): Tokens.Text | undefined {
    if (src.length <= TEXT_WINDOW) return super.inlineText(src);
    const window = src.slice(0, TEXT_WINDOW);
    // Cut at the last start of a word in the window, if there is one. (A cut near the start only happens before an
    // overlong word, whose next window is then cut after TEXT_WINDOW characters: the work stays linear.)
    let cut = TEXT_WINDOW;
    WORD_START.lastIndex = 0;
    for (let m = WORD_START.exec(window); m !== null; m = WORD_START.exec(window)) cut = m.index + 1;
    const token = super.inlineText(src.slice(0, cut));
    const run = this.run(src);
    if (cut === TEXT_WINDOW && token?.raw.length === cut && run) {
      this.midWordCut = { run, offset: run.src.length - src.length + cut };
    }
    return token;
  }

  override url(src: string): Tokens.Link | undefined {
    const head = src.slice(0, EMAIL_LOOKAHEAD + 1);
    const scheme = URL_START.test(head);
    if (!scheme && !EMAIL_START.test(head)) return undefined;
    if (this.midWordCut) {
      // Still inside the overlong word that was cut? marked may have linked an address that starts before the cut
      // (and would then not link what follows it): autolink nothing in the rest of the word rather than a part.
      const run = this.run(src);
      const cut = this.midWordCut;
      const offset = run ? run.src.length - src.length : -1;
      if (run === cut.run && offset >= cut.offset && !/\s/.test(run.src.slice(cut.offset - 1, offset)))
        return undefined;
      this.midWordCut = undefined;
    }
    return super.url(src);
  }

  override tag(src: string): Tokens.Tag | undefined {
    if (src.charCodeAt(0) !== 60 /* < */) return undefined;
    const run = this.run(src);
    if (run) {
      const offset = run.src.length - src.length;
      const after = (last: number | undefined, length: number) => last !== undefined && last >= offset + length;
      run.lastGt ??= run.src.lastIndexOf('>');
      if (!after(run.lastGt, 1)) return undefined;
      if (src.startsWith('<!--') && !/^<!---?>/.test(src)) {
        run.lastCommentEnd ??= run.src.lastIndexOf('-->');
        if (!after(run.lastCommentEnd, 4)) return undefined;
      } else if (src.startsWith('<?')) {
        run.lastPiEnd ??= run.src.lastIndexOf('?>');
        if (!after(run.lastPiEnd, 2)) return undefined;
      } else if (src.startsWith('<![CDATA[')) {
        run.lastCdataEnd ??= run.src.lastIndexOf(']]>');
        if (!after(run.lastCdataEnd, 9)) return undefined;
      }
    }
    return this.endsWord(super.tag(src));
  }

  // Any token other than text ends the overlong word a cut may have fallen into (see `url`).
  override escape(src: string): Tokens.Escape | undefined {
    return this.endsWord(super.escape(src));
  }

  override link(src: string): Tokens.Link | Tokens.Image | undefined {
    return this.endsWord(super.link(src));
  }

  override reflink(src: string, links: Links): Tokens.Link | Tokens.Image | Tokens.Text | undefined {
    const token = super.reflink(src, links);
    return token?.type === 'text' ? token : this.endsWord(token);
  }

  override codespan(src: string): Tokens.Codespan | undefined {
    return this.endsWord(super.codespan(src));
  }

  override br(src: string): Tokens.Br | undefined {
    // A hard break is spaces followed by a line break; marked's rule re-scans a long run of spaces from every
    // position in it, so first check (once per run of spaces) that a line break follows the spaces at all.
    const run = src.charCodeAt(0) === 32 ? this.run(src) : undefined;
    if (run) {
      const offset = run.src.length - src.length;
      if (run.spacesFrom === undefined || offset < run.spacesFrom || offset > (run.spacesTo ?? -1)) {
        let end = offset;
        while (run.src.charCodeAt(end) === 32) end++;
        run.spacesFrom = offset;
        run.spacesTo = end;
      }
      if (run.src.charCodeAt(run.spacesTo ?? offset) !== 10) return undefined;
    }
    return this.endsWord(super.br(src));
  }

  override autolink(src: string): Tokens.Link | undefined {
    return this.endsWord(super.autolink(src));
  }

  private endsWord<T>(token: T | undefined): T | undefined {
    if (token !== undefined) this.midWordCut = undefined;
    return token;
  }

  override emStrong(src: string, maskedSrc: string, prevChar = ''): Tokens.Em | Tokens.Strong | undefined {
    if (this.remaining <= 0) return undefined;
    // The cheap early exits of marked's own emStrong (a delimiter that cannot open), so that they cost nothing.
    const left = this.rules.inline.emStrongLDelim.exec(src);
    if (!left || !(left[1] || left[2] || left[3] || left[4])) return undefined;
    if (left[4] && prevChar.match(this.rules.other.unicodeAlphaNumeric)) return undefined;
    return this.endsWord(this.charge(src, super.emStrong(src, maskedSrc, prevChar)));
  }

  override del(src: string, maskedSrc: string, prevChar = ''): Tokens.Del | undefined {
    if (this.remaining <= 0) return undefined;
    if (src.charCodeAt(0) !== 126 /* ~ */ || !this.rules.inline.delLDelim.exec(src)) return undefined;
    return this.endsWord(this.charge(src, super.del(src, maskedSrc, prevChar)));
  }

  /**
   * The inline run that `src` is the rest of. marked tokenizes a run by repeatedly cutting tokens off its front, so
   * `src` is a suffix of the innermost run; the O(1) check below only guards against surprises.
   */
  private run(src: string): InlineRun | undefined {
    const runs = (this.lexer as unknown as GuardedLexer).runs;
    const run = runs?.[runs.length - 1];
    if (!run || run.src.length < src.length) return undefined;
    return run.src.charCodeAt(run.src.length - src.length) === src.charCodeAt(0) ? run : undefined;
  }

  /**
   * Charges a delimiter scan: a match scanned about as far as it reaches, a failure at most to the end of the run.
   * The content of a match is tokenized again, and those scans are charged in turn.
   */
  private charge<T extends { raw: string }>(src: string, token: T | undefined): T | undefined {
    this.remaining -= token ? token.raw.length : src.length;
    return token;
  }
}

/** Lexes Markdown (GFM unless `options` say otherwise) with the safeguards described above. */
export function lexMarkdown(src: string, options: MarkedOptions = {}): TokensList {
  if (markdownNestingDepth(src) > MAX_MARKDOWN_NESTING) {
    throw new MarkdownTooComplexError(`Markdown nested more than ${MAX_MARKDOWN_NESTING} levels deep`);
  }
  try {
    return new GuardedLexer({ gfm: true, ...options, tokenizer: new GuardedTokenizer() }).lex(src);
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
