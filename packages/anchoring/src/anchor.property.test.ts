/**
 * Property-based tests of describe/anchor on random texts mixing words, separators and arbitrary
 * Unicode (combining marks, emoji and other astral characters, ZWJ sequences, flags, Arabic and
 * Hebrew with bidi marks, CJK, a lone surrogate).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchor, createAnchorer, defaultMaxErrors, describe as describeRange } from './anchor.js';
import { CodePointIndex, codePointLength } from './codepoints.js';
import type { Selector } from './types.js';

const WORDS = ['the', 'rosca', 'revolution', 'MNR', 'tin', 'miners', 'and', 'of', 'a', 'Bolivia', 'Paz'];
const SEPARATORS = [' ', ' ', ' ', '\n', ', ', '. ', '\n\n'];
const UNICODE = [
  '😀',
  '👍🏽',
  '👩‍👩‍👧‍👦', // ZWJ sequence
  '🇧🇴', // flag: two regional indicators
  'e\u0301', // combining acute
  'n\u0303o',
  'a\u0308\u0323',
  'مرحبا',
  'الثورة',
  'שָׁלוֹם', // Hebrew with points
  'עברית',
  '\u200F', // right-to-left mark
  '\u200D',
  '革命',
  '𝔘𝔫𝔦',
  '\uD800', // lone high surrogate: one code point
];

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 4, arbitrary: fc.constantFrom(...SEPARATORS) },
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
);

const textOf = (minLength: number, maxLength: number) =>
  fc.array(fragment, { minLength, maxLength }).map((parts) => parts.join(''));

/** A non-empty text and a non-empty code point range in it. */
const textAndRange = textOf(1, 50)
  .filter((t) => t.length > 0)
  .chain((text) => {
    const n = codePointLength(text);
    return fc
      .tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n }))
      .map(([start, b]) => ({ text, start, end: Math.max(start + 1, b) }));
  });

const cps = (text: string) => Array.from(text);
const slice = (text: string, start?: number, end?: number) => cps(text).slice(start, end).join('');

// Kept small for a fast suite; raise with ANCHORING_PROPERTY_RUNS=5000 to hunt for counterexamples.
const RUNS = { numRuns: Number(process.env['ANCHORING_PROPERTY_RUNS'] ?? 250) };

describe('describe then anchor (properties)', () => {
  it('returns the same range, anchored, with code point selectors', () => {
    fc.assert(
      fc.property(textAndRange, ({ text, start, end }) => {
        const selectors = describeRange(text, start, end);
        const [position, quote] = selectors;
        expect(position).toEqual({ type: 'TextPositionSelector', start, end });
        expect(quote.exact).toBe(slice(text, start, end));
        expect(quote.prefix).toBe(slice(text, Math.max(0, start - 32), start));
        expect(quote.suffix).toBe(slice(text, end, end + 32));
        expect(anchor(text, selectors)).toMatchObject({ status: 'anchored', start, end, method: 'position' });
      }),
      RUNS,
    );
  });

  it('still finds the quote after small edits outside the passage and its context', () => {
    const edit = fc.record({
      before: fc.boolean(),
      at: fc.nat(),
      remove: fc.nat({ max: 6 }),
      insert: textOf(0, 3),
    });
    fc.assert(
      fc.property(textAndRange, edit, ({ text, start, end }, { before, at, remove, insert }) => {
        const chars = cps(text);
        const n = chars.length;
        const selectors = describeRange(text, start, end);
        const exact = selectors[1].exact;
        // Edit inside [lo, hi], which does not touch the passage or its 32-code-point context.
        const [lo, hi] = before ? [0, Math.max(0, start - 32)] : [Math.min(n, end + 32), n];
        const from = lo + (at % (hi - lo + 1));
        const count = Math.min(remove, hi - from);
        fc.pre(count > 0 || insert.length > 0);
        const removed = chars.slice(from, from + count).join('');
        const revised = chars.slice(0, from).join('') + insert + chars.slice(from + count).join('');

        const result = anchor(revised, selectors);
        expect(result.status).not.toBe('orphaned');
        expect(slice(revised, result.start, result.end)).toBe(exact);
        // Where the passage went (computed in UTF-16 units, then converted).
        const oldStart = chars.slice(0, start).join('').length;
        const newStart = before ? oldStart + insert.length - removed.length : oldStart;
        const needle = (selectors[1].prefix ?? '') + exact + (selectors[1].suffix ?? '');
        if (revised.indexOf(needle) === revised.lastIndexOf(needle)) {
          // The passage with its context is unique: it must be found exactly there.
          expect(result.start).toBe(new CodePointIndex(revised).toCodePoint(newStart));
        }
      }),
      RUNS,
    );
  });

  it('orphans a deleted passage that does not occur elsewhere', () => {
    fc.assert(
      fc.property(textOf(0, 30), textOf(4, 14), textOf(0, 30), (before, passage, after) => {
        const text = before + passage + after;
        const start = codePointLength(before);
        const end = start + codePointLength(passage);
        const revised = before + after;
        // Distinctive: at least 12 code points, not in the revised text, and more of its UTF-16
        // units absent from the revised text than approximate search may fix, so no approximate
        // occurrence can exist either.
        fc.pre(end - start >= 12 && !revised.includes(passage));
        const absent = [...passage].filter((_, i) => !revised.includes(passage[i] as string)).length;
        const units = passage.split('').filter((u) => !revised.includes(u)).length;
        fc.pre(absent >= 0 && units > defaultMaxErrors(passage.length));
        const result = anchor(revised, describeRange(text, start, end));
        expect(result.status).toBe('orphaned');
      }),
      RUNS,
    );
  });

  it('orphans a deleted passage whose words occur elsewhere, or attaches only to near-copies', () => {
    // Texts made only of a few words and separators: the passage's words occur all over the text.
    // The anchorer must not attach the annotation unless nearly the whole quote is found.
    const prose = (min: number, max: number) =>
      fc
        .array(fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...SEPARATORS)), { minLength: min, maxLength: max })
        .map((p) => p.join(''));
    // Sometimes the text also holds a near-copy of the passage (one word changed) elsewhere.
    const nearCopy = fc.option(fc.tuple(fc.nat(), fc.constantFrom(...WORDS), fc.boolean()), { nil: undefined });
    fc.assert(
      fc.property(prose(0, 40), prose(8, 20), prose(0, 40), nearCopy, (before, passage, after, copy) => {
        if (copy !== undefined) {
          const [k, word, first] = copy;
          const words = passage.split(' ');
          words[k % words.length] = word;
          if (first) before = words.join(' ') + ' ' + before;
          else after = after + ' ' + words.join(' ');
        }
        const text = before + passage + after;
        const start = codePointLength(before);
        const end = start + codePointLength(passage);
        const revised = before + after;
        fc.pre(end - start >= 24 && !revised.includes(passage));
        const result = anchor(revised, describeRange(text, start, end));
        if (result.status !== 'orphaned') {
          const found = slice(revised, result.start, result.end);
          expect(levenshtein(found, passage)).toBeLessThanOrEqual(defaultMaxErrors(passage.length) + 2);
        }
      }),
      RUNS,
    );
  });

  it('re-anchors at the same range after a one-character correction inside the passage', () => {
    fc.assert(
      fc.property(
        textAndRange,
        fc.nat(),
        fc.constantFrom('x', 'é', 'ß', '-'),
        ({ text, start, end }, k, replacement) => {
          const chars = cps(text);
          // Long enough, and with some context (without any, approximate matches need 16 code points).
          fc.pre(end - start >= 8 && (start > 0 || end < chars.length || end - start >= 16));
          const at = start + 1 + (k % (end - start - 2)); // not the first or last code point
          fc.pre(chars[at] !== replacement && (chars[at] as string).length === 1);
          const selectors = describeRange(text, start, end);
          chars[at] = replacement;
          const revised = chars.join('');
          const result = anchor(revised, selectors);
          expect(result).toMatchObject({ status: 'moved', start, end, errors: 1 });
        },
      ),
      RUNS,
    );
  });

  it('stretches over text inserted inside the passage (found by its ends)', () => {
    const part = textOf(2, 12).filter((t) => t.length >= 8);
    fc.assert(
      fc.property(fc.tuple(part, part, part, part), textOf(1, 6), ([before, head, tail, after], insert) => {
        const text = before + head + tail + after;
        const start = codePointLength(before);
        const end = start + codePointLength(head + tail);
        const selectors = describeRange(text, start, end);
        const { exact, prefix = '', suffix = '' } = selectors[1];
        const revised = before + head + insert + tail + after;
        const grown = codePointLength(insert);
        // Not equivalent to an insertion just before or after the passage.
        fc.pre(slice(revised, start, end) !== exact && slice(revised, start + grown, end + grown) !== exact);
        // The passage's ends with their context occur only there.
        const headNeedle = prefix + exact.slice(0, 8);
        const tailNeedle = exact.slice(-8) + suffix;
        fc.pre(
          revised.indexOf(headNeedle) === revised.lastIndexOf(headNeedle) &&
            revised.indexOf(tailNeedle) === revised.lastIndexOf(tailNeedle),
        );
        expect(anchor(revised, selectors)).toMatchObject({ status: 'moved', start, end: end + grown });
      }),
      RUNS,
    );
  });

  it('returns consistent results after random edits anywhere, including inside the passage', () => {
    const edits = fc.array(fc.record({ at: fc.nat(), remove: fc.nat({ max: 8 }), insert: textOf(0, 3) }), {
      minLength: 1,
      maxLength: 4,
    });
    fc.assert(
      fc.property(textAndRange, edits, ({ text, start, end }, changes) => {
        const selectors = describeRange(text, start, end);
        const exact = selectors[1].exact;
        let chars = cps(text);
        for (const { at, remove, insert } of changes) {
          const from = at % (chars.length + 1);
          chars = [...chars.slice(0, from), ...cps(insert), ...chars.slice(from + remove)];
        }
        const revised = chars.join('');
        const result = anchor(revised, selectors);
        if (result.status === 'orphaned') return;
        expect(0 <= result.start && result.start < result.end && result.end <= chars.length).toBe(true);
        const found = slice(revised, result.start, result.end);
        if (result.method === 'position' || result.method === 'exact') expect(found).toBe(exact);
        if (result.status === 'anchored') expect([result.start, result.end]).toEqual([start, end]);
        if (result.method === 'approximate') {
          expect(result.errors).toBeLessThanOrEqual(defaultMaxErrors(exact.length));
          expect(levenshtein(found, exact)).toBeLessThanOrEqual(result.errors + 2); // boundaries snapped to code points
        }
        if (result.method === 'ends') expect(levenshtein(found, exact)).toBe(result.errors);
      }),
      RUNS,
    );
  });

  it('uses the context to pick the right occurrence of a repeated quote', () => {
    const latin = fc.string({ unit: fc.constantFrom(...'abcdefghij .'), minLength: 32, maxLength: 48 });
    const greek = fc.string({ unit: fc.constantFrom(...'αβγδεζηθικ-'), minLength: 32, maxLength: 48 });
    const quote = fc
      .array(fc.constantFrom(...UNICODE.filter((u) => !/[a-z]/.test(u)), '😀', '革命'), { minLength: 1, maxLength: 4 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(
        fc.tuple(latin, latin, greek, greek),
        quote,
        fc.boolean(),
        fc.boolean(),
        textOf(0, 3),
        fc.boolean(),
        ([l1, r1, l2, r2], x, second, swap, z, quoteOnly) => {
          // Two blocks with the same quote in different contexts; annotate one of them.
          const blocks = [cps(l1 + x + r1), cps(l2 + x + r2)];
          const annotated = second ? 1 : 0;
          const offset = second ? (blocks[0] as string[]).length : 0;
          const start = offset + codePointLength(second ? l2 : l1);
          const end = start + codePointLength(x);
          const text = blocks.map((b) => b.join('')).join('');
          const selectors: Selector[] = describeRange(text, start, end);
          // Revision: one character changed on each side of the annotated quote, 20 code points away
          // (so its full context no longer matches anywhere), the blocks possibly swapped (so the
          // other occurrence may be nearer the old position), and something inserted at the start.
          const block = blocks[annotated] as string[];
          const local = start - offset;
          block[local - 20] = '#';
          block[local + codePointLength(x) + 19] = '#';
          const order = swap ? [blocks[1], blocks[0]] : blocks;
          const revised = z + order.map((b) => (b as string[]).join('')).join('');
          const before = order.slice(0, order.indexOf(block));
          const newStart = codePointLength(z) + before.reduce((n, b) => n + (b as string[]).length, 0) + local;
          const result = anchor(revised, quoteOnly ? [selectors[1] as Selector] : selectors);
          const status = newStart === start && !quoteOnly ? 'anchored' : 'moved';
          expect(result).toMatchObject({ status, start: newStart, end: newStart + codePointLength(x) });
        },
      ),
      RUNS,
    );
  });

  it('never throws and returns valid ranges for arbitrary selectors', () => {
    const selector = fc.record({
      exact: textOf(0, 4),
      prefix: fc.option(textOf(0, 4), { nil: undefined }),
      suffix: fc.option(textOf(0, 4), { nil: undefined }),
      start: fc.integer({ min: -2, max: 120 }),
      end: fc.integer({ min: -2, max: 120 }),
    });
    fc.assert(
      fc.property(textOf(0, 40), selector, (text, s) => {
        const quote = { type: 'TextQuoteSelector' as const, exact: s.exact, prefix: s.prefix, suffix: s.suffix };
        const anchorer = createAnchorer(text);
        const result = anchorer.anchor([{ type: 'TextPositionSelector', start: s.start, end: s.end }, quote]);
        if (result.status === 'orphaned') return;
        expect(Number.isInteger(result.start) && Number.isInteger(result.end)).toBe(true);
        expect(0 <= result.start && result.start < result.end && result.end <= anchorer.length).toBe(true);
        if (s.exact !== '' && result.status === 'anchored') {
          expect([result.start, result.end]).toEqual([s.start, s.end]);
          expect(slice(text, result.start, result.end)).toBe(s.exact);
        }
        if (s.exact !== '' && result.method === 'exact') expect(slice(text, result.start, result.end)).toBe(s.exact);
      }),
      RUNS,
    );
  });
});

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] as number) + 1,
        (cur[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] as number;
}
