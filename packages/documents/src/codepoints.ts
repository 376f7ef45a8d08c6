/**
 * Helpers for Unicode code point offsets.
 *
 * Scholia's offsets count Unicode code points (as the W3C Web Annotation model requires), while JavaScript strings are
 * indexed in UTF-16 code units. Characters outside the Basic Multilingual Plane (most emoji, some CJK, historic
 * scripts) take two UTF-16 units but count as ONE code point.
 */

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Number of Unicode code points in `s` (a lone surrogate counts as one). */
export function codePointLength(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    if (isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) i++;
    count++;
  }
  return count;
}

/** Converts a UTF-16 index into `s` to a code point offset. */
export function utf16ToCodePoint(s: string, utf16Index: number): number {
  return codePointLength(s.slice(0, utf16Index));
}

/** Converts a code point offset into `s` to a UTF-16 index (clamped to the string). */
export function codePointToUtf16(s: string, codePointOffset: number): number {
  let i = 0;
  let cp = 0;
  while (i < s.length && cp < codePointOffset) {
    if (isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) i += 2;
    else i++;
    cp++;
  }
  return i;
}

/** `s[start:end]` with `start`/`end` in code points (end exclusive), like the W3C TextPositionSelector. */
export function sliceCodePoints(s: string, start: number, end?: number): string {
  const from = codePointToUtf16(s, start);
  if (end === undefined) return s.slice(from);
  const to = from + codePointToUtf16(s.slice(from), Math.max(0, end - start));
  return s.slice(from, to);
}

/**
 * Maps many increasing UTF-16 indexes of one string to code point offsets in a single pass
 * (avoids quadratic work when a block holds many footnote markers).
 */
export class CodePointCounter {
  private unit = 0;
  private cp = 0;
  private readonly s: string;

  constructor(s: string) {
    this.s = s;
  }

  /** Code point offset of UTF-16 index `index`; indexes must be requested in non-decreasing order. */
  at(index: number): number {
    if (index < this.unit) {
      this.unit = 0;
      this.cp = 0;
    }
    while (this.unit < index && this.unit < this.s.length) {
      const c = this.s.charCodeAt(this.unit);
      if (isHighSurrogate(c) && this.unit + 1 < this.s.length && isLowSurrogate(this.s.charCodeAt(this.unit + 1))) {
        this.unit += 2;
      } else {
        this.unit++;
      }
      this.cp++;
    }
    return this.cp;
  }
}
