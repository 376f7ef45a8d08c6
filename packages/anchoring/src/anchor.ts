import search from 'approx-string-match';
import { CodePointIndex, codePointLength } from './codepoints.js';
import { ContextMatcher } from './context.js';
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
  /** Allow approximate (fuzzy) search when the quote is not found exactly (default true). */
  approximate?: boolean;
  /**
   * Maximum edit distance for approximate search, in UTF-16 units, either fixed or as a function
   * of the quote's UTF-16 length. Default: `defaultMaxErrors` = min(32, floor(length / 4)).
   */
  maxErrors?: number | ((quoteLength: number) => number);
}

/** Default approximate-search bound: a quarter of the quote, at most 32 edits (0 below 4 units). */
export function defaultMaxErrors(quoteLength: number): number {
  return Math.min(32, Math.floor(quoteLength / 4));
}

// Acceptance thresholds (tuned on the Bolivian revolution essay: the mean prefix/suffix similarity
// of unrelated places in English prose stays below ~0.4).
/** Context similarity above which an exact match is accepted without looking further. */
const STRONG_CONTEXT = 0.75;
/** Minimum context similarity for an exact match elsewhere, unless the quote is distinctive. */
const EXACT_MIN_CONTEXT = 0.5;
/** Minimum context similarity for the text at the stored position, unless the quote is distinctive. */
const POSITION_MIN_CONTEXT = 0.4;
/** Quotes of at least this many code points are accepted wherever found exactly. */
const DISTINCTIVE_LENGTH = 32;
/** ... or, if they occur exactly once, at least this many. */
const UNIQUE_DISTINCTIVE_LENGTH = 16;
/** At the stored position, exact text of at least this many code points is accepted. */
const POSITION_DISTINCTIVE_LENGTH = 8;
/** Approximate matches need mean(quote similarity, context similarity) >= this. */
const APPROX_MIN_STRENGTH = 0.8;
/** Approximate matches of long quotes need only this quote similarity, whatever the context. */
const APPROX_LONG_LENGTH = 64;
const APPROX_LONG_MIN_QUOTE = 0.9;
/** Without stored context, approximate matches need this quote similarity and length. */
const APPROX_NO_CONTEXT_MIN_QUOTE = 0.85;
const APPROX_NO_CONTEXT_MIN_LENGTH = 16;
/** Masked re-searches after the best approximate matches were rejected. */
const APPROX_ROUNDS = 3;
/** Ranking weights (quote similarity, prefix, suffix, nearness to the old position). */
const W_QUOTE = 50;
const W_PREFIX = 20;
const W_SUFFIX = 20;
const W_POSITION = 2;
const MASK = '\uFFFF';

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
        throw new AnchoringRangeError('INVALID_OFFSET', `Offset ${String(offset)} is not a non-negative integer`, start, end);
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
    if (start > end) throw new AnchoringRangeError('INVERTED_RANGE', `Range [${start}, ${end}) is inverted`, start, end);
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
   * Anchor an annotation's selectors in this text. Order: (1) the stored position, if the text there
   * equals `exact` (and the stored context does not contradict it); (2) exact occurrences of the
   * quote, ranked by prefix/suffix similarity then nearness to the old position; (3) approximate
   * occurrences within a bounded edit distance, ranked by quote similarity, context similarity and
   * nearness; weak matches are rejected. Otherwise the annotation is orphaned.
   */
  anchor(selectors: Selector | readonly Selector[], options: AnchorOptions = {}): Anchor {
    const { position, quote } = parseSelectors(selectors);
    const { text, index } = this;

    if (quote === undefined) {
      // Nothing to verify against: trust a position that still fits in the text.
      if (position === undefined || position.end > index.length) return orphan('no-selector');
      return { status: 'anchored', start: position.start, end: position.end, method: 'position', errors: 0, contextSimilarity: undefined };
    }

    const exact = quote.exact;
    const quoteLength = exact.length;
    const quoteCodePoints = codePointLength(exact);
    const prefix = quote.prefix ? new ContextMatcher(quote.prefix, -1) : undefined;
    const suffix = quote.suffix ? new ContextMatcher(quote.suffix, 1) : undefined;
    const hasContext = prefix !== undefined || suffix !== undefined;

    // Stored position in UTF-16 units; -1 when absent or beyond the end of the text. `hint` is the
    // old start (clamped to the text), used to prefer nearer candidates.
    let storedStart = -1;
    let storedEnd = -1;
    let hint = -1;
    if (position !== undefined) {
      hint = index.toUtf16(Math.min(position.start, index.length));
      if (position.end <= index.length) {
        storedStart = hint;
        storedEnd = index.toUtf16(position.end);
      }
    }

    const contextOf = (start: number, end: number): number | undefined => {
      if (!hasContext) return undefined;
      let sum = 0;
      let n = 0;
      if (prefix !== undefined) {
        sum += prefix.similarity(text, start);
        n++;
      }
      if (suffix !== undefined) {
        sum += suffix.similarity(text, end);
        n++;
      }
      return sum / n;
    };
    const nearness = (start: number): number =>
      hint < 0 ? 0 : 1 - Math.min(1, Math.abs(start - hint) / Math.max(1, text.length));
    const rank = (c: Candidate): number =>
      W_QUOTE * (1 - c.errors / quoteLength) +
      (W_PREFIX + W_SUFFIX) * (c.context ?? 0.5) +
      W_POSITION * nearness(c.start);
    const found = (c: Candidate): FoundAnchor => {
      const atStored = c.start === storedStart && c.end === storedEnd && c.errors === 0;
      return {
        status: atStored ? 'anchored' : 'moved',
        start: index.toCodePoint(c.start),
        end: index.toCodePoint(c.end),
        method: atStored ? 'position' : c.method,
        errors: c.errors,
        contextSimilarity: c.context,
      };
    };

    // 1. The stored position.
    if (position !== undefined && storedStart >= 0 && storedEnd - storedStart === quoteLength && text.startsWith(exact, storedStart)) {
      const context = contextOf(storedStart, storedEnd);
      if (context === undefined || context >= POSITION_MIN_CONTEXT || quoteCodePoints >= POSITION_DISTINCTIVE_LENGTH) {
        return { status: 'anchored', start: position.start, end: position.end, method: 'position', errors: 0, contextSimilarity: context };
      }
    }

    // 2. Exact occurrences.
    const exactCandidates: Candidate[] = [];
    for (let at = text.indexOf(exact); at >= 0; at = text.indexOf(exact, at + 1)) {
      const end = at + quoteLength;
      if (!index.isBoundary(at) || !index.isBoundary(end)) continue;
      const c: Candidate = { start: at, end, errors: 0, method: 'exact', context: contextOf(at, end), score: 0 };
      c.score = rank(c);
      exactCandidates.push(c);
    }
    const unique = exactCandidates.length === 1;
    const acceptExact = (c: Candidate): boolean =>
      c.context === undefined ||
      c.context >= EXACT_MIN_CONTEXT ||
      quoteCodePoints >= DISTINCTIVE_LENGTH ||
      (unique && quoteCodePoints >= UNIQUE_DISTINCTIVE_LENGTH) ||
      (c.start === storedStart && c.end === storedEnd && c.context >= POSITION_MIN_CONTEXT);
    let best: Candidate | undefined;
    for (const c of exactCandidates) {
      if (acceptExact(c) && (best === undefined || c.score > best.score)) best = c;
    }
    if (best !== undefined && (best.context === undefined || best.context >= STRONG_CONTEXT)) return found(best);

    // 3. Approximate occurrences (the exact ones are masked out: they were weak or accepted above).
    const maxErrorsOption = options.maxErrors ?? defaultMaxErrors;
    const maxErrors = Math.max(
      0,
      Math.min(quoteLength - 1, Math.floor(typeof maxErrorsOption === 'number' ? maxErrorsOption : maxErrorsOption(quoteLength))),
    );
    let sawCandidates = exactCandidates.length > 0;
    if (options.approximate !== false && maxErrors > 0) {
      const acceptApprox = (c: Candidate): boolean => {
        const quoteSimilarity = 1 - c.errors / quoteLength;
        if (c.context === undefined) {
          return quoteSimilarity >= APPROX_NO_CONTEXT_MIN_QUOTE && quoteCodePoints >= APPROX_NO_CONTEXT_MIN_LENGTH;
        }
        return (
          (quoteSimilarity + c.context) / 2 >= APPROX_MIN_STRENGTH ||
          (quoteCodePoints >= APPROX_LONG_LENGTH && quoteSimilarity >= APPROX_LONG_MIN_QUOTE)
        );
      };
      let masked: { start: number; end: number }[] = exactCandidates;
      for (let round = 0; round < APPROX_ROUNDS; round++) {
        const haystack = masked.length === 0 ? text : mask(text, masked);
        const matches = search(haystack, exact, maxErrors);
        if (matches.length === 0) break;
        sawCandidates = true;
        const seen = new Set<number>();
        const approxCandidates: Candidate[] = [];
        let bestApprox: Candidate | undefined;
        for (const m of matches) {
          const start = index.isBoundary(m.start) ? m.start : m.start - 1;
          const end = index.isBoundary(m.end) ? m.end : m.end + 1;
          if (end <= start) continue;
          const key = start * (text.length + 1) + end;
          if (seen.has(key)) continue;
          seen.add(key);
          const c: Candidate = { start, end, errors: m.errors, method: 'approximate', context: contextOf(start, end), score: 0 };
          c.score = rank(c);
          approxCandidates.push(c);
          if (acceptApprox(c) && (bestApprox === undefined || c.score > bestApprox.score)) bestApprox = c;
        }
        if (bestApprox !== undefined) {
          if (best === undefined || bestApprox.score > best.score) best = bestApprox;
          break;
        }
        masked = mergeRanges([...masked, ...approxCandidates]);
      }
    }

    if (best !== undefined) return found(best);
    return orphan(sawCandidates ? 'weak-match' : 'not-found');
  }
}

/** Sorted union of ranges. */
function mergeRanges(ranges: readonly { start: number; end: number }[]): { start: number; end: number }[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** `text` with the given ranges overwritten by a character that matches nothing (same length). */
function mask(text: string, ranges: readonly { start: number; end: number }[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const r of mergeRanges(ranges)) {
    parts.push(text.slice(at, r.start), MASK.repeat(r.end - r.start));
    at = r.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
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
export function anchor(text: string | Anchorer, selectors: Selector | readonly Selector[], options?: AnchorOptions): Anchor {
  return (typeof text === 'string' ? new Anchorer(text) : text).anchor(selectors, options);
}
