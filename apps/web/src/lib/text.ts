/**
 * Code point ↔ UTF-16 offsets for the web app.
 *
 * Document offsets count Unicode code points (W3C Web Annotation model); JavaScript strings index UTF-16 code units.
 * They differ only after astral characters (surrogate pairs, e.g. most emoji). Build one index per text and reuse it:
 * conversions are O(1) for texts without astral characters and O(log a) otherwise (a = number of astral characters).
 *
 * Kept deliberately small and self-contained, with the same shape as `CodePointIndex` in `@scholia/anchoring`, so it
 * can be swapped for that package without touching callers. A lone surrogate counts as one code point.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

function startsPair(text: string, i: number): boolean {
  const hi = text.charCodeAt(i);
  if (hi < 0xd800 || hi > 0xdbff) return false;
  const lo = text.charCodeAt(i + 1);
  return lo >= 0xdc00 && lo <= 0xdfff;
}

/** Number of entries of the ascending array `sorted` that are < `value`. */
function countBelow(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class CodePointIndex {
  readonly text: string;
  /** Length in code points. */
  readonly length: number;
  /** UTF-16 offset of the high half of every surrogate pair, ascending. */
  readonly #pairUtf16: Int32Array;
  /** Code point offset of every surrogate pair, ascending. */
  readonly #pairCp: Int32Array;

  constructor(text: string) {
    this.text = text;
    const pairs: number[] = [];
    if (SURROGATE.test(text)) {
      for (let i = 0; i < text.length - 1; i++) {
        if (startsPair(text, i)) {
          pairs.push(i);
          i++;
        }
      }
    }
    this.#pairUtf16 = Int32Array.from(pairs);
    this.#pairCp = Int32Array.from(pairs, (u, k) => u - k);
    this.length = text.length - pairs.length;
  }

  /** UTF-16 offset of code point offset `cp`; offsets outside the text are clamped to it. */
  toUtf16(cp: number): number {
    const c = Math.max(0, Math.min(Math.trunc(cp), this.length));
    return this.#pairCp.length === 0 ? c : c + countBelow(this.#pairCp, c);
  }

  /**
   * Code point offset of UTF-16 offset `utf16` (clamped to the text). An offset between the two halves of a surrogate
   * pair maps to the start of that character (`floor`) or its end (`ceil`).
   */
  toCodePoint(utf16: number, rounding: 'floor' | 'ceil' = 'floor'): number {
    const u = Math.max(0, Math.min(Math.trunc(utf16), this.text.length));
    if (this.#pairUtf16.length === 0) return u;
    const before = countBelow(this.#pairUtf16, u);
    const inside = before > 0 && this.#pairUtf16[before - 1] === u - 1;
    return u - before + (inside && rounding === 'ceil' ? 1 : 0);
  }

  /** Substring between two code point offsets (end exclusive). */
  slice(start: number, end: number = this.length): string {
    return this.text.slice(this.toUtf16(start), this.toUtf16(end));
  }
}
