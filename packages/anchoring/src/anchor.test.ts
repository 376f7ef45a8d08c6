import { describe, expect, it } from 'vitest';
import { anchor, createAnchorer, defaultMaxErrors, describe as describeRange } from './anchor.js';
import { AnchoringRangeError } from './errors.js';
import type { Selector } from './types.js';

const TEXT =
  'In 1952 the miners of Bolivia rose against the army. The MNR took power, ' +
  'nationalised the tin mines and promised land reform to the peasants of the altiplano.';

function range(text: string, quote: string, from = 0): [number, number] {
  const at = text.indexOf(quote, from);
  if (at < 0) throw new Error(`${quote} not in text`);
  const start = Array.from(text.slice(0, at)).length;
  return [start, start + Array.from(quote).length];
}

function textAt(text: string, a: { start?: number; end?: number }): string {
  return Array.from(text).slice(a.start, a.end).join('');
}

describe('describe', () => {
  it('returns a position selector and a quote selector with 32 code points of context', () => {
    const [start, end] = range(TEXT, 'The MNR took power');
    const [position, quote] = describeRange(TEXT, start, end);
    expect(position).toEqual({ type: 'TextPositionSelector', start, end });
    expect(quote).toEqual({
      type: 'TextQuoteSelector',
      exact: 'The MNR took power',
      prefix: TEXT.slice(start - 32, start),
      suffix: TEXT.slice(end, end + 32),
    });
  });

  it('truncates the context at the edges of the text', () => {
    const [, quote] = describeRange('abc def ghi', 0, 3);
    expect(quote.prefix).toBe('');
    expect(quote.suffix).toBe(' def ghi');
    expect(describeRange('abc def ghi', 8, 11)[1]).toMatchObject({ prefix: 'abc def ', suffix: '' });
  });

  it('counts code points, not UTF-16 units', () => {
    const text = '😀😀 e\u0301 مرحبا 👩‍👩‍👧 end';
    const [start, end] = range(text, 'مرحبا');
    expect([start, end]).toEqual([6, 11]); // 2 emoji, space, e, combining acute, space
    const [position, quote] = describeRange(text, start, end, { contextLength: 3 });
    expect(position).toMatchObject({ start: 6, end: 11 });
    expect(quote).toMatchObject({ exact: 'مرحبا', prefix: 'e\u0301 ', suffix: ' 👩\u200D' });
  });

  it('rejects empty, inverted, out-of-range and non-integer ranges', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(AnchoringRangeError);
        expect(e).toBeInstanceOf(RangeError);
        return (e as AnchoringRangeError).code;
      }
      throw new Error('did not throw');
    };
    expect(codeOf(() => describeRange('abc', 1, 1))).toBe('EMPTY_RANGE');
    expect(codeOf(() => describeRange('abc', 2, 1))).toBe('INVERTED_RANGE');
    expect(codeOf(() => describeRange('abc', 1, 4))).toBe('OUT_OF_RANGE');
    expect(codeOf(() => describeRange('😀', 0, 2))).toBe('OUT_OF_RANGE'); // one code point, two units
    expect(codeOf(() => describeRange('abc', -1, 2))).toBe('INVALID_OFFSET');
    expect(codeOf(() => describeRange('abc', 0.5, 2))).toBe('INVALID_OFFSET');
    expect(codeOf(() => describeRange('abc', 0, Number.NaN))).toBe('INVALID_OFFSET');
    expect(codeOf(() => describeRange('', 0, 0))).toBe('EMPTY_RANGE');
  });
});

describe('anchor', () => {
  const [start, end] = range(TEXT, 'nationalised the tin mines');
  const selectors = describeRange(TEXT, start, end);

  it('anchors at the stored position when the text is unchanged', () => {
    expect(anchor(TEXT, selectors)).toEqual({
      status: 'anchored',
      start,
      end,
      method: 'position',
      errors: 0,
      contextSimilarity: 1,
    });
  });

  it('moves with text inserted before the passage', () => {
    const revised = 'Preface. ' + TEXT;
    expect(anchor(revised, selectors)).toMatchObject({
      status: 'moved',
      start: start + 9,
      end: end + 9,
      method: 'exact',
    });
  });

  it('finds a quote-only selector (no position), and accepts a single selector object', () => {
    const result = anchor(TEXT, selectors[1]);
    expect(result).toMatchObject({ status: 'moved', start, end, method: 'exact' });
  });

  it('trusts a position-only selector that fits in the text, and orphans one that does not', () => {
    expect(anchor(TEXT, [{ type: 'TextPositionSelector', start: 3, end: 7 }])).toMatchObject({
      status: 'anchored',
      start: 3,
      end: 7,
    });
    expect(anchor('short', [{ type: 'TextPositionSelector', start: 3, end: 7 }])).toEqual({
      status: 'orphaned',
      reason: 'no-selector',
    });
    expect(anchor(TEXT, [])).toEqual({ status: 'orphaned', reason: 'no-selector' });
  });

  it('ignores malformed selectors and a stale out-of-range position', () => {
    const junk = [
      { type: 'TextPositionSelector', start: 'x', end: 4 },
      { type: 'TextQuoteSelector', exact: '' },
      { type: 'CssSelector', value: '#p1' },
      null,
      { type: 'TextPositionSelector', start: 9000, end: 9026 },
      selectors[1],
    ] as unknown as Selector[];
    expect(anchor(TEXT, junk)).toMatchObject({ status: 'moved', start, end });
  });

  it('re-anchors after a correction inside the passage', () => {
    const revised = TEXT.replace('nationalised', 'nationalized');
    // Both ends of the passage are intact, so it is found by its ends; errors is the edit distance.
    expect(anchor(revised, selectors)).toMatchObject({ status: 'moved', start, end, method: 'ends', errors: 1 });
    expect(anchor(revised, selectors, { approximate: false })).toMatchObject({ status: 'orphaned' });
    // A short quote (no distinct ends) is found by approximate search.
    const [s, e] = range(TEXT, 'the tin mines');
    const short = describeRange(TEXT, s, e);
    expect(anchor(TEXT.replace('the tin mines', 'the tin mine'), short)).toMatchObject({
      status: 'moved',
      method: 'approximate',
      errors: 1,
      start: s,
      end: e - 1,
    });
  });

  it('stretches over a sentence inserted inside the passage (found by its ends)', () => {
    const [s, e] = range(TEXT, 'The MNR took power, nationalised the tin mines and promised land reform');
    const sel = describeRange(TEXT, s, e);
    const revised = TEXT.replace('took power, ', 'took power on 9 April after three days of fighting in La Paz, ');
    const result = anchor(revised, sel);
    expect(result).toMatchObject({ status: 'moved', method: 'ends', start: s });
    expect(textAt(revised, result)).toBe(
      'The MNR took power on 9 April after three days of fighting in La Paz, nationalised the tin mines and promised land reform',
    );
  });

  it('orphans a deleted passage', () => {
    const revised = TEXT.replace('nationalised the tin mines and ', '');
    expect(anchor(revised, selectors)).toMatchObject({ status: 'orphaned' });
  });

  it('orphans a deleted short word rather than attaching it to another occurrence', () => {
    const text = 'We saw the cat near the river. Later, on Sunday, the rain came down hard on the town.';
    const [s, e] = range(text, 'the', text.indexOf('saw'));
    const sel = describeRange(text, s, e);
    expect(anchor(text.replace('saw the cat', 'saw a cat'), sel)).toMatchObject({
      status: 'orphaned',
      reason: 'weak-match',
    });
    // ... but follows it when its context survives.
    expect(anchor('Yesterday ' + text, sel)).toMatchObject({ status: 'moved', start: s + 10, end: e + 10 });
  });

  it('does not accept a short quote at its old offset when the context there is unrelated', () => {
    const text = 'Letters: a eta and rho.';
    const sel = describeRange(text, 11, 14);
    expect(sel[1].exact).toBe('eta');
    const revised = 'Notes on theta functions and zeta values.';
    expect(revised.slice(11, 14)).toBe('eta'); // the old offset now shows the "eta" of "theta"
    expect(anchor(revised, sel)).toMatchObject({ status: 'orphaned' });
  });

  it('uses the context to choose among repeated quotes, then the nearest', () => {
    const text = 'First, the tin barons ruled. Second, the army ruled. Third, the MNR ruled.';
    const [s, e] = range(text, 'ruled', text.indexOf('army'));
    const sel = describeRange(text, s, e);
    const revised = 'Summary: ' + text.replace('First', 'At first');
    expect(anchor(revised, sel)).toMatchObject({ status: 'moved', start: s + 12, end: e + 12 });

    const para = 'The same paragraph, repeated word for word.\n';
    const repeated = para + para + para;
    const [s2, e2] = range(repeated, 'repeated', para.length);
    const sel2 = describeRange(repeated, s2, e2);
    // Identical context everywhere: the occurrence nearest to the old position wins.
    expect(anchor('X ' + repeated, sel2)).toMatchObject({ start: s2 + 2, end: e2 + 2 });
  });

  it('counts offsets in code points for astral characters', () => {
    const text = 'Emoji 😀 and flags 🇧🇴 then the passage 👩‍👩‍👧 ends here.';
    const [s, e] = range(text, 'the passage 👩‍👩‍👧');
    const sel = describeRange(text, s, e);
    const revised = '🎉🎉 ' + text;
    const result = anchor(revised, sel);
    expect(result).toMatchObject({ status: 'moved', start: s + 3, end: e + 3 });
    expect(textAt(revised, result)).toBe('the passage 👩‍👩‍👧');
  });

  it('honours maxErrors', () => {
    const [s, e] = range(TEXT, 'the tin mines');
    const sel = describeRange(TEXT, s, e);
    const revised = TEXT.replace('the tin mines', 'the Tin mimes');
    expect(anchor(revised, sel, { maxErrors: 1 })).toMatchObject({ status: 'orphaned' });
    expect(anchor(revised, sel, { maxErrors: () => 2 })).toMatchObject({
      status: 'moved',
      start: s,
      end: e,
      errors: 2,
    });
  });

  it('bounds approximate search by default to a quarter of the quote, at most 32', () => {
    expect(defaultMaxErrors(3)).toBe(0);
    expect(defaultMaxErrors(9)).toBe(2);
    expect(defaultMaxErrors(1000)).toBe(32);
  });

  it('prepares a text once for many annotations', () => {
    const anchorer = createAnchorer(TEXT);
    expect(anchorer.length).toBe(Array.from(TEXT).length);
    const sel = anchorer.describe(start, end);
    expect(sel).toEqual(selectors);
    expect(anchorer.anchor(sel)).toMatchObject({ status: 'anchored' });
    expect(describeRange(anchorer, start, end)).toEqual(selectors);
    expect(anchor(anchorer, sel)).toMatchObject({ status: 'anchored' });
  });
});
