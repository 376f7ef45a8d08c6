import search from 'approx-string-match';
import { CodePointIndex, codePointLength } from './codepoints.js';
import { ContextMatcher, editDistance } from './context.js';
import { AnchoringRangeError } from './errors.js';
import type {
  Anchor,
  AnchorMethod,
  FoundAnchor,
  OrphanReason,
  Selector,
  TextPositionSelector,
  TextQuoteSelector,
} from './types.js';

/** Default number of code points of prefix/suffix stored by `describe` (PRODUCT.md §3). */
export const DEFAULT_CONTEXT_LENGTH = 32;

export interface DescribeOptions {
  /** Code points of prefix and suffix to store (default 32). */
  contextLength?: number;
}

export interface AnchorOptions {
  /**
   * Allow inexact matches (default true): approximate search, and finding the passage by its two
   * ends. With `false`, only the stored position and exact occurrences of the quote are accepted.
   */
  approximate?: boolean;
  /**
   * Maximum edit distance for approximate search, in UTF-16 units, either fixed or as a function
   * of the quote's UTF-16 length. Default: `defaultMaxErrors` = min(32, floor(length / 4)).
   * (Not applied to matches found by their ends, which are bounded by how much the passage grew.)
   */
  maxErrors?: number | ((quoteLength: number) => number);
}

/** Default approximate-search bound: a quarter of the quote, at most 32 edits (0 below 4 units). */
export function defaultMaxErrors(quoteLength: number): number {
  return Math.min(32, Math.floor(quoteLength / 4));
}

// Acceptance thresholds. Context similarity is 1 - (edit distance / length) over the stored prefix
// and suffix together; between unrelated places of English prose (the demo essay) it stays below
// ~0.4, and a few edits inside a 32 + 32 code point context keep it above ~0.8.
/** Context similarity above which an exact match is accepted without looking further. */
const STRONG_CONTEXT = 0.75;
/** Context similarity for which the stored position (holding `exact`) is accepted before looking elsewhere. */
const POSITION_MIN_CONTEXT = 0.4;
/**
 * Quotes shorter than this (code points) are "short": a deleted word must not jump to the same word
 * nearby, whose context is the stored one shifted by a few characters (similarity ~0.8). Short
 * quotes therefore also need the innermost INNER_CONTEXT units of context right next to the match
 * to be nearly intact (similarity >= INNER_MIN_SIMILARITY): on at least one side for exact matches,
 * on both sides for approximate ones.
 */
const SHORT_QUOTE = 16;
const INNER_CONTEXT = 8;
const INNER_MIN_SIMILARITY = 0.75;
/** Minimum context similarity for an exact match elsewhere: short quotes, medium ones. */
const EXACT_MIN_CONTEXT_SHORT = 0.6;
const EXACT_MIN_CONTEXT = 0.45;
/** Quotes of at least this many code points are accepted wherever found exactly, whatever the context. */
const DISTINCTIVE_LENGTH = 64;
/** Approximate matches need mean(quote similarity, context similarity) >= this. */
const APPROX_MIN_STRENGTH = 0.8;
/** Approximate matches of long quotes need only this quote similarity, whatever the context. */
const APPROX_LONG_LENGTH = 64;
const APPROX_LONG_MIN_QUOTE = 0.9;
/** Without stored context, approximate matches need this quote similarity and length. */
const APPROX_NO_CONTEXT_MIN_QUOTE = 0.85;
const APPROX_NO_CONTEXT_MIN_LENGTH = 16;
/** Ranking weights: quote similarity, then context (prefix + suffix) similarity, then nearness to the old position. */
const W_QUOTE = 50;
const W_CONTEXT = 40;
const W_POSITION = 2;
/** Approximate search runs on chunks of at least this many UTF-16 units (4 x (quote + errors)). */
const APPROX_CHUNK = 1024;
/** How many of the best raw approximate matches get their boundaries refined and compared. */
const APPROX_REFINE = 8;
/** Largest boundary adjustment tried when refining an approximate match. */
const APPROX_REFINE_SHIFT = 8;
/** Half-width (UTF-16 units) of the window around the old position searched approximately first. */
const APPROX_WINDOW = 2048;
/**
 * Ends strategy: minimum stored context on each side; each needle is the context plus enough of the
 * quote to make ENDS_NEEDLE units (at least ENDS_MIN_PART, at most half the quote); the passage may
 * grow to quote length * ENDS_MAX_GROWTH + ENDS_MAX_EXTRA, or shrink to its two ends.
 */
const ENDS_MIN_CONTEXT = 8;
const ENDS_NEEDLE = 40;
const ENDS_MIN_PART = 8;
const ENDS_MAX_GROWTH = 2;
const ENDS_MAX_EXTRA = 256;

interface Range {
  start: number;
  end: number;
}

interface Candidate {
  /** UTF-16 offsets. */
  start: number;
  end: number;
  errors: number;
  method: AnchorMethod;
  context: number | undefined;
  score: number;
}

interface Parsed {
  position: TextPositionSelector | undefined;
  quote: TextQuoteSelector | undefined;
}

function isOffset(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function parseSelectors(selectors: Selector | readonly Selector[]): Parsed {
  const list: readonly unknown[] = Array.isArray(selectors) ? selectors : [selectors];
  let position: TextPositionSelector | undefined;
  let quote: TextQuoteSelector | undefined;
  for (const s of list) {
    if (typeof s !== 'object' || s === null) continue;
    const sel = s as Record<string, unknown>;
    if (sel['type'] === 'TextPositionSelector' && position === undefined) {
      const { start, end } = sel;
      if (isOffset(start) && isOffset(end) && start < end) position = { type: 'TextPositionSelector', start, end };
    } else if (sel['type'] === 'TextQuoteSelector' && quote === undefined) {
      const { exact, prefix, suffix } = sel;
      if (typeof exact === 'string' && exact.length > 0) {
        quote = { type: 'TextQuoteSelector', exact };
        if (typeof prefix === 'string') quote.prefix = prefix;
        if (typeof suffix === 'string') quote.suffix = suffix;
      }
    }
  }
  return { position, quote };
}

function orphan(reason: OrphanReason): Anchor {
  return { status: 'orphaned', reason };
}

/**
 * A text prepared for anchoring: caches the code point index so that many annotations can be
 * described and re-anchored against the same text cheaply. Immutable; safe to share.
 */
export class Anchorer {
  readonly text: string;
  readonly index: CodePointIndex;

  constructor(text: string) {
    this.text = text;
    this.index = new CodePointIndex(text);
  }

  /** Length of the text in code points. */
  get length(): number {
    return this.index.length;
  }

  /**
   * Selectors for the code point range [start, end): a position selector and a quote selector with
   * up to `contextLength` (32) code points of prefix and suffix (empty strings at the text's edges).
   * Throws `AnchoringRangeError` for non-integer, out-of-range, empty or inverted ranges.
   */
  describe(start: number, end: number, options: DescribeOptions = {}): [TextPositionSelector, TextQuoteSelector] {
    const { index } = this;
    for (const offset of [start, end]) {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new AnchoringRangeError(
          'INVALID_OFFSET',
          `Offset ${String(offset)} is not a non-negative integer`,
          start,
          end,
        );
      }
      if (offset > index.length) {
        throw new AnchoringRangeError(
          'OUT_OF_RANGE',
          `Range [${start}, ${end}) exceeds the text length (${index.length} code points)`,
          start,
          end,
        );
      }
    }
    if (start > end)
      throw new AnchoringRangeError('INVERTED_RANGE', `Range [${start}, ${end}) is inverted`, start, end);
    if (start === end) throw new AnchoringRangeError('EMPTY_RANGE', `Range [${start}, ${end}) is empty`, start, end);
    const contextLength = options.contextLength ?? DEFAULT_CONTEXT_LENGTH;
    if (!Number.isSafeInteger(contextLength) || contextLength < 0) {
      throw new AnchoringRangeError('INVALID_OFFSET', `contextLength ${String(contextLength)} is invalid`, start, end);
    }
    const text = this.text;
    const u16Start = index.toUtf16(start);
    const u16End = index.toUtf16(end);
    return [
      { type: 'TextPositionSelector', start, end },
      {
        type: 'TextQuoteSelector',
        exact: text.slice(u16Start, u16End),
        prefix: text.slice(index.toUtf16(Math.max(0, start - contextLength)), u16Start),
        suffix: text.slice(u16End, index.toUtf16(Math.min(index.length, end + contextLength))),
      },
    ];
  }

  /**
   * Anchor an annotation's selectors in this text:
   * 1. the stored position, if the text there equals `exact` and the stored context is intact;
   * 2. the quote with its whole stored context, exactly (nearest to the old position);
   * 3. the stored position, if the text there equals `exact` and the stored context is still
   *    recognisable (similarity >= 0.4);
   * 4. exact occurrences of the quote (including the stored position), ranked by prefix/suffix
   *    similarity then nearness to the old position (short quotes need supporting context);
   * 5. the passage's two ends (stored prefix + its first characters, its last characters + stored
   *    suffix) found intact and in order, not too far apart: the passage was edited inside (text
   *    inserted, removed or corrected), so the anchor stretches or shrinks with it;
   * 6. approximate occurrences within a bounded edit distance (`maxErrors`), ranked by quote
   *    similarity, then context similarity, then nearness; weak matches are rejected.
   * Otherwise the annotation is orphaned.
   */
  anchor(selectors: Selector | readonly Selector[], options: AnchorOptions = {}): Anchor {
    const { position, quote } = parseSelectors(selectors);
    if (quote === undefined) {
      // Nothing to verify against: trust a position that still fits in the text.
      if (position === undefined || position.end > this.index.length) return orphan('no-selector');
      return {
        status: 'anchored',
        start: position.start,
        end: position.end,
        method: 'position',
        errors: 0,
        contextSimilarity: undefined,
      };
    }
    return new Search(this, position, quote, options).run();
  }
}

/** The state of one `anchor` call. Offsets are UTF-16 units unless stated otherwise. */
class Search {
  readonly text: string;
  readonly index: CodePointIndex;
  readonly position: TextPositionSelector | undefined;
  readonly exact: string;
  readonly quoteLength: number;
  readonly quoteCodePoints: number;
  readonly prefixText: string;
  readonly suffixText: string;
  readonly prefix: ContextMatcher | undefined;
  readonly suffix: ContextMatcher | undefined;
  readonly options: AnchorOptions;
  /** Matchers for the innermost context (built on demand by `innerSupport`; null: no such context). */
  innerPrefix: ContextMatcher | null | undefined;
  innerSuffix: ContextMatcher | null | undefined;
  /** Matchers for the quote's first and last characters (built on demand by `refine`). */
  head: ContextMatcher | undefined;
  tail: ContextMatcher | undefined;
  /** The stored range; -1 when absent or beyond the end of the text. */
  storedStart = -1;
  storedEnd = -1;
  /** The old start clamped to the text (-1 if none): nearer candidates are preferred. */
  hint = -1;

  constructor(
    anchorer: Anchorer,
    position: TextPositionSelector | undefined,
    quote: TextQuoteSelector,
    options: AnchorOptions,
  ) {
    this.text = anchorer.text;
    this.index = anchorer.index;
    this.position = position;
    this.exact = quote.exact;
    this.quoteLength = quote.exact.length;
    this.quoteCodePoints = codePointLength(quote.exact);
    this.prefixText = quote.prefix ?? '';
    this.suffixText = quote.suffix ?? '';
    this.prefix = this.prefixText ? new ContextMatcher(this.prefixText, -1) : undefined;
    this.suffix = this.suffixText ? new ContextMatcher(this.suffixText, 1) : undefined;
    this.options = options;
    if (position !== undefined) {
      this.hint = this.index.toUtf16(Math.min(position.start, this.index.length));
      if (position.end <= this.index.length) {
        this.storedStart = this.hint;
        this.storedEnd = this.index.toUtf16(position.end);
      }
    }
  }

  run(): Anchor {
    const { text, exact, quoteLength, storedStart, storedEnd } = this;

    // 1. The stored position, with its context intact.
    // `positionContext` is null when the text at the stored position is not `exact`.
    let positionContext: number | undefined | null = null;
    if (storedStart >= 0 && storedEnd - storedStart === quoteLength && text.startsWith(exact, storedStart)) {
      positionContext = this.contextAt(storedStart, storedEnd);
      if (positionContext === undefined || positionContext === 1) return this.atStoredPosition(positionContext);
    }

    // 2. The quote with its whole context (the common case after edits elsewhere).
    if (this.prefix !== undefined || this.suffix !== undefined) {
      const needle = this.prefixText + exact + this.suffixText;
      let best = -1;
      for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
        const start = at + this.prefixText.length;
        if (!this.index.isBoundary(start) || !this.index.isBoundary(start + quoteLength)) continue;
        if (best < 0 || Math.abs(start - this.hint) < Math.abs(best - this.hint)) best = start;
      }
      if (best >= 0) return this.found(this.candidate(best, best + quoteLength, 0, 'exact', 1));
    }

    // 3. The stored position, if the context there is still recognisable.
    if (
      positionContext !== null &&
      positionContext !== undefined &&
      positionContext >= POSITION_MIN_CONTEXT &&
      (this.quoteCodePoints >= SHORT_QUOTE || this.innerSupport(storedStart, storedEnd, false))
    ) {
      return this.atStoredPosition(positionContext);
    }

    // 4. Exact occurrences.
    const exactCandidates: Candidate[] = [];
    for (let at = text.indexOf(exact); at >= 0; at = text.indexOf(exact, at + 1)) {
      const end = at + quoteLength;
      if (this.index.isBoundary(at) && this.index.isBoundary(end))
        exactCandidates.push(this.candidate(at, end, 0, 'exact'));
    }
    let best: Candidate | undefined;
    for (const c of exactCandidates) {
      if ((best === undefined || c.score > best.score) && this.acceptExact(c)) best = c;
    }
    if (best !== undefined && isStrong(best)) return this.found(best);

    // 5. The two ends of the passage, intact with their context (cheap: two exact searches).
    if (this.options.approximate !== false) {
      const ends = this.ends();
      if (ends !== undefined) return this.found(ends);
    }

    // 6. Approximate occurrences: in a window around the old position first, then (unless an exact
    //    occurrence was acceptable) everywhere.
    let sawCandidates = exactCandidates.length > 0;
    const maxErrors = this.maxErrors();
    if (this.options.approximate !== false && maxErrors > 0) {
      let approx: Candidate | undefined;
      let done = false;
      if (this.hint >= 0) {
        const from = Math.max(0, this.hint - APPROX_WINDOW);
        const to = Math.min(text.length, this.hint + quoteLength + APPROX_WINDOW);
        const round = this.approximate(exactCandidates, from, to, maxErrors);
        sawCandidates ||= round.candidates > 0;
        approx = round.best;
        // Done if the window was the whole text or gave a match with strong context.
        done = (from === 0 && to === text.length) || (approx !== undefined && isStrong(approx));
      }
      // With an acceptable exact occurrence in hand, an approximate match far from the old position
      // is not worth a full search (it could only win if the passage was edited in place and an
      // unedited copy exists elsewhere, which the window already covers near the old position).
      if (!done && best === undefined) {
        const round = this.approximate(exactCandidates, 0, text.length, maxErrors);
        sawCandidates ||= round.candidates > 0;
        if (round.best !== undefined && (approx === undefined || round.best.score > approx.score)) approx = round.best;
      }
      if (approx !== undefined && (best === undefined || approx.score > best.score)) best = approx;
    }
    if (best !== undefined) return this.found(best);
    return orphan(sawCandidates ? 'weak-match' : 'not-found');
  }

  maxErrors(): number {
    const option = this.options.maxErrors ?? defaultMaxErrors;
    const value = typeof option === 'number' ? option : option(this.quoteLength);
    return Math.max(0, Math.min(this.quoteLength - 1, Math.floor(value)));
  }

  /**
   * Similarity of the stored prefix and suffix with the text around [start, end): 1 - (total edit
   * distance / total context length), so a short context on one side weighs little. Undefined if
   * no context is stored.
   */
  contextAt(start: number, end: number): number | undefined {
    const { prefix, suffix, text } = this;
    const total = this.prefixText.length + this.suffixText.length;
    if (total === 0) return undefined;
    const distance =
      (prefix === undefined ? 0 : prefix.distance(text, start)) +
      (suffix === undefined ? 0 : suffix.distance(text, end));
    return 1 - distance / total;
  }

  candidate(
    start: number,
    end: number,
    errors: number,
    method: AnchorMethod,
    context = this.contextAt(start, end),
  ): Candidate {
    const nearness = this.hint < 0 ? 0 : 1 - Math.min(1, Math.abs(start - this.hint) / Math.max(1, this.text.length));
    const score =
      W_QUOTE * Math.max(0, 1 - errors / this.quoteLength) + W_CONTEXT * (context ?? 0.5) + W_POSITION * nearness;
    return { start, end, errors, method, context, score };
  }

  acceptExact(c: Candidate): boolean {
    if (c.context === undefined || this.quoteCodePoints >= DISTINCTIVE_LENGTH) return true;
    const atStored = c.start === this.storedStart && c.end === this.storedEnd;
    if (this.quoteCodePoints >= SHORT_QUOTE) return atStored || c.context >= EXACT_MIN_CONTEXT;
    return (atStored || c.context >= EXACT_MIN_CONTEXT_SHORT) && this.innerSupport(c.start, c.end, false);
  }

  acceptApproximate(c: Candidate): boolean {
    const quoteSimilarity = 1 - c.errors / this.quoteLength;
    if (c.context === undefined) {
      return quoteSimilarity >= APPROX_NO_CONTEXT_MIN_QUOTE && this.quoteCodePoints >= APPROX_NO_CONTEXT_MIN_LENGTH;
    }
    if (this.quoteCodePoints < SHORT_QUOTE && !this.innerSupport(c.start, c.end, true)) return false;
    return (
      (quoteSimilarity + c.context) / 2 >= APPROX_MIN_STRENGTH ||
      (this.quoteCodePoints >= APPROX_LONG_LENGTH && quoteSimilarity >= APPROX_LONG_MIN_QUOTE)
    );
  }

  /**
   * Whether the innermost INNER_CONTEXT units of the stored prefix/suffix are nearly intact right
   * next to [start, end): on both sides (`both`) or at least one. Sides without stored context do
   * not count; with none at all, true.
   */
  innerSupport(start: number, end: number, both: boolean): boolean {
    const { text, prefixText, suffixText } = this;
    this.innerPrefix ??= prefixText ? new ContextMatcher(prefixText.slice(-INNER_CONTEXT), -1) : null;
    this.innerSuffix ??= suffixText ? new ContextMatcher(suffixText.slice(0, INNER_CONTEXT), 1) : null;
    const sides: number[] = [];
    if (this.innerPrefix !== null) sides.push(this.innerPrefix.similarity(text, start));
    if (this.innerSuffix !== null) sides.push(this.innerSuffix.similarity(text, end));
    if (sides.length === 0) return true;
    return both ? Math.min(...sides) >= INNER_MIN_SIMILARITY : Math.max(...sides) >= INNER_MIN_SIMILARITY;
  }

  /**
   * Approximate search of text[from, to).
   *
   * approx-string-match reports only the lowest-cost matches of the text it is given, so an exact
   * occurrence (already ranked in step 4) would hide every approximate match. The range is therefore
   * searched in segments that contain no complete exact occurrence (from just after the start of
   * one occurrence to just before the end of the next, so matches overlapping an occurrence are
   * still found), each in overlapping chunks (any match lies wholly inside one), which yields the
   * best matches of every neighbourhood. The best-scoring raw matches then get their boundaries
   * refined against the quote's ends and the stored context, and the best acceptable one wins.
   */
  approximate(
    exactOccurrences: readonly Range[],
    from: number,
    to: number,
    maxErrors: number,
  ): { candidates: number; best: Candidate | undefined } {
    const { index, exact, quoteLength, text } = this;
    const overlap = quoteLength + maxErrors;
    const size = Math.max(APPROX_CHUNK, 4 * overlap);
    const seen = new Set<number>();
    const raw: Candidate[] = [];
    const searchSegment = (segStart: number, segEnd: number) => {
      if (segEnd - segStart < quoteLength - maxErrors) return;
      for (let chunk = segStart; ; chunk += size - overlap) {
        const chunkEnd = Math.min(segEnd, chunk + size);
        const haystack = chunk === 0 && chunkEnd === text.length ? text : text.slice(chunk, chunkEnd);
        for (const m of search(haystack, exact, maxErrors)) {
          const start = index.isBoundary(chunk + m.start) ? chunk + m.start : chunk + m.start - 1;
          const end = index.isBoundary(chunk + m.end) ? chunk + m.end : chunk + m.end + 1;
          if (end <= start) continue;
          const key = start * (text.length + 1) + end;
          if (seen.has(key)) continue;
          seen.add(key);
          raw.push(this.candidate(start, end, m.errors, 'approximate'));
        }
        if (chunkEnd >= segEnd) break;
      }
    };
    let segStart = from;
    for (const occurrence of exactOccurrences) {
      if (occurrence.end <= from || occurrence.start >= to) continue;
      searchSegment(segStart, Math.min(to, occurrence.end - 1));
      segStart = Math.max(from, occurrence.start + 1);
    }
    searchSegment(segStart, to);

    raw.sort((x, y) => y.score - x.score);
    let best: Candidate | undefined;
    for (const c of raw.slice(0, APPROX_REFINE)) {
      const refined = this.refine(c, maxErrors);
      if (this.acceptApproximate(refined) && (best === undefined || refined.score > best.score)) best = refined;
    }
    return { candidates: raw.length, best };
  }

  /**
   * Adjust an approximate match's boundaries (by up to its error count, at most 8 units) to where
   * the quote's first/last characters and the stored prefix/suffix fit best: the matcher reports
   * one of several equally cheap alignments, not necessarily the one the context supports.
   */
  refine(c: Candidate, maxErrors: number): Candidate {
    const { text, exact, quoteLength, index, prefix, suffix } = this;
    const d = Math.min(c.errors, APPROX_REFINE_SHIFT);
    if (d === 0) return c;
    const width = Math.min(ENDS_NEEDLE, quoteLength);
    this.head ??= new ContextMatcher(exact.slice(0, Math.min(32, width)), 1);
    this.tail ??= new ContextMatcher(exact.slice(quoteLength - Math.min(32, width)), -1);
    const fit = (pos: number, quoteEnd: ContextMatcher, context: ContextMatcher | undefined) =>
      quoteEnd.distance(text, pos) + (context === undefined ? 0 : context.distance(text, pos));
    let start = c.start;
    let startCost = fit(start, this.head, prefix);
    for (let s = Math.max(0, c.start - d); s <= Math.min(c.end - 1, c.start + d); s++) {
      if (s === c.start || !index.isBoundary(s)) continue;
      const cost = fit(s, this.head, prefix);
      if (cost < startCost || (cost === startCost && Math.abs(s - c.start) < Math.abs(start - c.start))) {
        start = s;
        startCost = cost;
      }
    }
    let end = c.end;
    let endCost = fit(end, this.tail, suffix);
    for (let e = Math.max(start + 1, c.end - d); e <= Math.min(text.length, c.end + d); e++) {
      if (e === c.end || !index.isBoundary(e)) continue;
      const cost = fit(e, this.tail, suffix);
      if (cost < endCost || (cost === endCost && Math.abs(e - c.end) < Math.abs(end - c.end))) {
        end = e;
        endCost = cost;
      }
    }
    if (start === c.start && end === c.end) return c;
    const errors = editDistance(exact, text, start, end);
    if (errors < 0 || errors > maxErrors) return c; // keep the matcher's alignment
    return this.candidate(start, end, errors, 'approximate');
  }

  /**
   * Find the passage by its ends: the stored prefix followed by the quote's first characters, and
   * the quote's last characters followed by the stored suffix, both intact, in order, and not too far
   * apart. Requires both contexts and a quote long enough to have two distinct ends.
   */
  ends(): Candidate | undefined {
    const { quoteLength, prefixText, suffixText } = this;
    if (prefixText.length < ENDS_MIN_CONTEXT || suffixText.length < ENDS_MIN_CONTEXT || quoteLength < 2 * ENDS_MIN_PART)
      return undefined;
    // The first/last units of the quote, enough to make each needle ENDS_NEEDLE units long (at least
    // ENDS_MIN_PART, at most half the quote); if that fails (the edit is close to an end), just
    // ENDS_MIN_PART units.
    const half = Math.floor(quoteLength / 2);
    const headParts = [Math.min(half, Math.max(ENDS_MIN_PART, ENDS_NEEDLE - prefixText.length)), ENDS_MIN_PART];
    const tailParts = [Math.min(half, Math.max(ENDS_MIN_PART, ENDS_NEEDLE - suffixText.length)), ENDS_MIN_PART];
    for (const [h, t] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ] as const) {
      const headPart = headParts[h] as number;
      const tailPart = tailParts[t] as number;
      if ((h === 1 && headPart === headParts[0]) || (t === 1 && tailPart === tailParts[0])) continue;
      const found = this.findEnds(headPart, tailPart);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  findEnds(headPart: number, tailPart: number): Candidate | undefined {
    const { text, exact, quoteLength, prefixText, suffixText, index } = this;
    // Do not split surrogate pairs.
    if (isHighSurrogateAt(exact, headPart - 1)) headPart--;
    if (isHighSurrogateAt(exact, quoteLength - tailPart - 1)) tailPart--;
    const head = prefixText + exact.slice(0, headPart);
    const tail = exact.slice(quoteLength - tailPart) + suffixText;
    const maxLength = ENDS_MAX_GROWTH * quoteLength + ENDS_MAX_EXTRA;
    const minLength = headPart + tailPart;
    let best: Range | undefined;
    for (let h = text.indexOf(head); h >= 0; h = text.indexOf(head, h + 1)) {
      const start = h + prefixText.length;
      if (!index.isBoundary(start)) continue;
      for (let t = text.indexOf(tail, start + minLength - tailPart); t >= 0; t = text.indexOf(tail, t + 1)) {
        const end = t + tailPart;
        if (end - start > maxLength) break;
        if (!index.isBoundary(end)) continue;
        // Of several pairs, the one whose length is closest to the quote's.
        if (best === undefined || Math.abs(end - start - quoteLength) < Math.abs(best.end - best.start - quoteLength))
          best = { start, end };
        break; // the nearest tail after this head
      }
    }
    if (best === undefined) return undefined;
    const errors = editDistance(exact, text, best.start, best.end);
    return this.candidate(
      best.start,
      best.end,
      errors < 0 ? Math.abs(best.end - best.start - quoteLength) : errors,
      'ends',
      1,
    );
  }

  atStoredPosition(context: number | undefined): FoundAnchor {
    const { start, end } = this.position as TextPositionSelector;
    return { status: 'anchored', start, end, method: 'position', errors: 0, contextSimilarity: context };
  }

  found(c: Candidate): FoundAnchor {
    const atStored = c.start === this.storedStart && c.end === this.storedEnd && c.errors === 0;
    return {
      status: atStored ? 'anchored' : 'moved',
      start: this.index.toCodePoint(c.start),
      end: this.index.toCodePoint(c.end),
      method: atStored ? 'position' : c.method,
      errors: c.errors,
      contextSimilarity: c.context,
    };
  }
}

function isStrong(c: Candidate): boolean {
  return c.context === undefined || c.context >= STRONG_CONTEXT;
}

function isHighSurrogateAt(s: string, i: number): boolean {
  const u = s.charCodeAt(i);
  return u >= 0xd800 && u <= 0xdbff;
}

/** Prepare `text` for describing/anchoring many annotations (caches the code point index). */
export function createAnchorer(text: string): Anchorer {
  return new Anchorer(text);
}

/** Selectors for the code point range [start, end) of `text`; see `Anchorer#describe`. */
export function describe(
  text: string | Anchorer,
  start: number,
  end: number,
  options?: DescribeOptions,
): [TextPositionSelector, TextQuoteSelector] {
  return (typeof text === 'string' ? new Anchorer(text) : text).describe(start, end, options);
}

/** Anchor selectors in `text`; see `Anchorer#anchor`. Pass an `Anchorer` when anchoring many. */
export function anchor(
  text: string | Anchorer,
  selectors: Selector | readonly Selector[],
  options?: AnchorOptions,
): Anchor {
  return (typeof text === 'string' ? new Anchorer(text) : text).anchor(selectors, options);
}
