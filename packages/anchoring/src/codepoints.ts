/**
 * Code point <-> UTF-16 offset conversion.
 *
 * Public offsets in Scholia count Unicode code points (W3C Web Annotation model); JavaScript strings
 * are indexed in UTF-16 code units. The two differ only by the astral code points (surrogate pairs,
 * e.g. most emoji). A lone surrogate counts as one code point, as in `Array.from(text)`.
 */
import { AnchoringRangeError } from './errors.js';

const SURROGATE = /[\uD800-\uDFFF]/;

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** True if the UTF-16 unit at `index` starts a valid surrogate pair. */
function startsPair(text: string, index: number): boolean {
  return isHighSurrogate(text.charCodeAt(index)) && isLowSurrogate(text.charCodeAt(index + 1));
}

/** Number of Unicode code points in `text`. O(n), O(1) extra space; fast path for surrogate-free text. */
export function codePointLength(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let length = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if (startsPair(text, i)) {
      length--;
      i++;
    }
  }
  return length;
}

function checkOffset(offset: number, max: number, what: string): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new AnchoringRangeError('INVALID_OFFSET', `${what} ${String(offset)} is not a non-negative integer`, offset);
  }
  if (offset > max) {
    throw new AnchoringRangeError('OUT_OF_RANGE', `${what} ${offset} is beyond the end of the text (${max})`, offset);
  }
}

/** Smallest k such that sorted[k] >= value (= number of elements < value). */
function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How to map a UTF-16 offset that falls between the two halves of a surrogate pair. */
export type SurrogateRounding = 'floor' | 'ceil';

/**
 * A precomputed offset index for one text: O(1) conversions for texts without astral characters,
 * O(log a) otherwise (a = number of astral code points). Build it once per text and reuse it.
 */
export class CodePointIndex {
  readonly text: string;
  /** Length in code points. */
  readonly length: number;
  /** Length in UTF-16 code units (`text.length`). */
  readonly utf16Length: number;
  /** UTF-16 offset of the high surrogate of every surrogate pair, ascending. */
  readonly #pairUtf16: Int32Array;
  /** Code point offset of every surrogate pair, ascending (pairUtf16[k] - k). */
  readonly #pairCp: Int32Array;

  constructor(text: string) {
    this.text = text;
    this.utf16Length = text.length;
    if (!SURROGATE.test(text)) {
      this.#pairUtf16 = new Int32Array(0);
      this.#pairCp = this.#pairUtf16;
      this.length = text.length;
      return;
    }
    const pairs: number[] = [];
    for (let i = 0; i < text.length - 1; i++) {
      if (startsPair(text, i)) {
        pairs.push(i);
        i++;
      }
    }
    this.#pairUtf16 = Int32Array.from(pairs);
    this.#pairCp = Int32Array.from(pairs, (u, k) => u - k);
    this.length = text.length - pairs.length;
  }

  /** True if the text contains no surrogate pairs (code point offsets equal UTF-16 offsets). */
  get isIdentity(): boolean {
    return this.#pairUtf16.length === 0;
  }

  /** UTF-16 offset of code point offset `cp` (0 <= cp <= length). Throws `AnchoringRangeError`. */
  toUtf16(cp: number): number {
    checkOffset(cp, this.length, 'Code point offset');
    if (this.#pairCp.length === 0) return cp;
    return cp + lowerBound(this.#pairCp, cp);
  }

  /**
   * Code point offset of UTF-16 offset `utf16` (0 <= utf16 <= utf16Length). An offset inside a
   * surrogate pair maps to the start ('floor', default) or end ('ceil') of that code point.
   */
  toCodePoint(utf16: number, rounding: SurrogateRounding = 'floor'): number {
    checkOffset(utf16, this.utf16Length, 'UTF-16 offset');
    if (this.#pairUtf16.length === 0) return utf16;
    const before = lowerBound(this.#pairUtf16, utf16);
    const insidePair = before > 0 && this.#pairUtf16[before - 1] === utf16 - 1;
    return utf16 - before + (insidePair && rounding === 'ceil' ? 1 : 0);
  }

  /** True if `utf16` is a code point boundary (not between the halves of a surrogate pair). */
  isBoundary(utf16: number): boolean {
    if (utf16 <= 0 || utf16 >= this.utf16Length || this.#pairUtf16.length === 0) return true;
    return !startsPair(this.text, utf16 - 1);
  }

  /** Substring by code point offsets, like `String.prototype.slice` but without negative offsets. */
  slice(start: number, end: number = this.length): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}

/** Build a reusable code point index for `text`. */
export function createCodePointIndex(text: string): CodePointIndex {
  return new CodePointIndex(text);
}

/** One-off conversion of a code point offset to a UTF-16 offset (O(n); prefer `CodePointIndex`). */
export function codePointToUtf16(text: string, cp: number): number {
  checkOffset(cp, Number.MAX_SAFE_INTEGER, 'Code point offset');
  let utf16 = 0;
  for (let i = 0; i < cp; i++) {
    if (utf16 >= text.length) {
      throw new AnchoringRangeError('OUT_OF_RANGE', `Code point offset ${cp} is beyond the end of the text`, cp);
    }
    utf16 += startsPair(text, utf16) ? 2 : 1;
  }
  return utf16;
}

/** One-off conversion of a UTF-16 offset to a code point offset (O(n); prefer `CodePointIndex`). */
export function utf16ToCodePoint(text: string, utf16: number, rounding: SurrogateRounding = 'floor'): number {
  checkOffset(utf16, text.length, 'UTF-16 offset');
  const cp = codePointLength(text.slice(0, utf16));
  // slice() cut a pair in half: the lone high surrogate was counted as one code point.
  const insidePair = utf16 > 0 && utf16 < text.length && startsPair(text, utf16 - 1);
  return insidePair && rounding === 'floor' ? cp - 1 : cp;
}

/** Substring by code point offsets (O(n); prefer `CodePointIndex#slice` for repeated use). */
export function sliceByCodePoints(text: string, start: number, end?: number): string {
  const from = codePointToUtf16(text, start);
  if (end === undefined) return text.slice(from);
  if (end < start) return '';
  // Continue from `from` rather than rescanning from 0.
  return text.slice(from, from + codePointToUtf16(text.slice(from), end - start));
}
