import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CodePointCounter,
  codePointLength,
  codePointToUtf16,
  sliceCodePoints,
  utf16ToCodePoint,
} from './codepoints.js';

describe('code point helpers', () => {
  it('count and slice by code points', () => {
    const s = 'a😀b👍🏽c\u0301';
    expect(s.length).toBe(10);
    expect(codePointLength(s)).toBe(7);
    expect(sliceCodePoints(s, 1, 2)).toBe('😀');
    expect(sliceCodePoints(s, 3, 5)).toBe('👍🏽');
    expect(sliceCodePoints(s, 5)).toBe('c\u0301');
    expect(utf16ToCodePoint(s, 3)).toBe(2);
    expect(codePointToUtf16(s, 2)).toBe(3);
    expect(codePointLength('\uD800x')).toBe(2); // a lone surrogate counts as one
  });

  it('agree with Array.from on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), fc.nat(), (s, a, b) => {
        const cps = Array.from(s);
        const [start, end] = [Math.min(a, b) % (cps.length + 1), Math.max(a, b) % (cps.length + 1)];
        expect(codePointLength(s)).toBe(cps.length);
        if (start <= end) expect(sliceCodePoints(s, start, end)).toBe(cps.slice(start, end).join(''));
        const counter = new CodePointCounter(s);
        let unit = 0;
        cps.forEach((cp, i) => {
          expect(counter.at(unit)).toBe(i);
          unit += cp.length;
        });
      }),
    );
  });
});
