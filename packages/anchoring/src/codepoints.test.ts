import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CodePointIndex,
  codePointLength,
  codePointToUtf16,
  sliceByCodePoints,
  utf16ToCodePoint,
} from './codepoints.js';
import { AnchoringRangeError } from './errors.js';

const SAMPLE = 'a😀b\u0301👩‍👩‍👧c🇧🇴مرحبا שָׁלוֹם\uD800x';

/** Any string, including astral characters, ZWJ sequences and lone surrogates. */
const anyText = fc
  .array(
    fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom('😀', '👩‍👩‍👧', '🇧🇴', 'e\u0301', 'مرحبا', 'שָׁלוֹם', '\uD800', '\uDC00', '𝔘𝔫𝔦'),
    ),
    { maxLength: 20 },
  )
  .map((parts) => parts.join(''));

/** Reference: UTF-16 offset of every code point boundary, by `Array.from`. */
function boundaries(text: string): number[] {
  const out = [0];
  for (const ch of Array.from(text)) out.push((out[out.length - 1] as number) + ch.length);
  return out;
}

describe('codePointLength', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('')).toBe(0);
    expect(codePointLength('abc')).toBe(3);
    expect(codePointLength('😀')).toBe(1);
    expect(codePointLength('👩‍👩‍👧')).toBe(5); // 3 emoji + 2 ZWJ
    expect(codePointLength('e\u0301')).toBe(2);
    expect(codePointLength('\uD800')).toBe(1);
    expect(codePointLength('\uDC00\uD800')).toBe(2); // reversed halves are not a pair
  });

  it('agrees with Array.from', () => {
    fc.assert(fc.property(anyText, (t) => codePointLength(t) === Array.from(t).length));
  });
});

describe('CodePointIndex', () => {
  it('converts offsets both ways', () => {
    const index = new CodePointIndex(SAMPLE);
    expect(index.length).toBe(Array.from(SAMPLE).length);
    expect(index.utf16Length).toBe(SAMPLE.length);
    expect(index.isIdentity).toBe(false);
    expect(index.toUtf16(1)).toBe(1);
    expect(index.toUtf16(2)).toBe(3); // after 😀
    expect(index.toCodePoint(3)).toBe(2);
    expect(index.toCodePoint(2)).toBe(1); // inside 😀: floor
    expect(index.toCodePoint(2, 'ceil')).toBe(2);
    expect(index.isBoundary(2)).toBe(false);
    expect(index.slice(0, 2)).toBe('a😀');
  });

  it('is the identity on surrogate-free text', () => {
    const index = new CodePointIndex('plain text');
    expect(index.isIdentity).toBe(true);
    expect(index.toUtf16(4)).toBe(4);
    expect(index.toCodePoint(4, 'ceil')).toBe(4);
  });

  it('rejects invalid and out-of-range offsets', () => {
    const index = new CodePointIndex('a😀');
    expect(() => index.toUtf16(3)).toThrow(AnchoringRangeError);
    expect(() => index.toUtf16(-1)).toThrow(expect.objectContaining({ code: 'INVALID_OFFSET' }));
    expect(() => index.toUtf16(0.5)).toThrow(expect.objectContaining({ code: 'INVALID_OFFSET' }));
    expect(() => index.toCodePoint(4)).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    expect(() => index.toUtf16(Number.NaN)).toThrow(RangeError);
  });

  it('matches Array.from for any text (property)', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const index = new CodePointIndex(text);
        const b = boundaries(text);
        const errors: string[] = [];
        const check = (what: string, actual: unknown, expected: unknown) => {
          if (actual !== expected) errors.push(`${what}: ${String(actual)} !== ${String(expected)}`);
        };
        check('length', index.length, b.length - 1);
        b.forEach((u16, cp) => {
          check(`toUtf16(${cp})`, index.toUtf16(cp), u16);
          check(`toCodePoint(${u16})`, index.toCodePoint(u16), cp);
          check(`isBoundary(${u16})`, index.isBoundary(u16), true);
          // One-off helpers agree with the index.
          check(`codePointToUtf16(${cp})`, codePointToUtf16(text, cp), u16);
          check(`utf16ToCodePoint(${u16})`, utf16ToCodePoint(text, u16), cp);
        });
        const boundary = new Set(b);
        for (let u = 0; u <= text.length; u++) {
          if (boundary.has(u)) continue; // inside a surrogate pair
          const floor = index.toCodePoint(u);
          check(`floor(${u})`, b[floor], u - 1);
          check(`ceil(${u})`, index.toCodePoint(u, 'ceil'), floor + 1);
          check(`utf16ToCodePoint ceil(${u})`, utf16ToCodePoint(text, u, 'ceil'), floor + 1);
          check(`utf16ToCodePoint floor(${u})`, utf16ToCodePoint(text, u), floor);
          check(`isBoundary(${u})`, index.isBoundary(u), false);
        }
        expect(errors).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('slices like Array.from(...).slice (property)', () => {
    fc.assert(
      fc.property(
        anyText.chain((t) => {
          const n = Array.from(t).length;
          return fc.tuple(fc.constant(t), fc.integer({ min: 0, max: n }), fc.integer({ min: 0, max: n }));
        }),
        ([text, a, b]) => {
          const [start, end] = a <= b ? [a, b] : [b, a];
          const expected = Array.from(text).slice(start, end).join('');
          expect(new CodePointIndex(text).slice(start, end)).toBe(expected);
          expect(sliceByCodePoints(text, start, end)).toBe(expected);
          expect(sliceByCodePoints(text, start)).toBe(Array.from(text).slice(start).join(''));
        },
      ),
      { numRuns: 200 },
    );
  });
});
