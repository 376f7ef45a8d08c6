/**
 * Example tests on the demo essay (PRODUCT.md §3), which has two real typos: "Carcia Meza" (once;
 * elsewhere "Garcia Meza") and "the rosea" (seven times; the Bolivian oligarchy was "la rosca").
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createAnchorer } from './anchor.js';
import type { FoundAnchor } from './types.js';

const essay = readFileSync(new URL('../../../prisma/demo/article-bolivian-revolution.txt', import.meta.url), 'utf8');
const before = createAnchorer(essay);

/** All UTF-16 offsets of `needle` (the essay has no astral characters: they equal code point offsets). */
function occurrences(text: string, needle: string): number[] {
  const out: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) out.push(at);
  return out;
}

function textOf(text: string, a: { start?: number; end?: number }): string {
  return text.slice(a.start, a.end);
}

describe('the Bolivian revolution essay', () => {
  it('is BMP-only, so code point offsets equal UTF-16 offsets here', () => {
    expect(before.index.isIdentity).toBe(true);
    expect(occurrences(essay, 'Carcia Meza')).toHaveLength(1);
    expect(occurrences(essay, 'the rosea')).toHaveLength(7);
  });

  it('re-anchors "Carcia Meza" approximately at the corrected "Garcia Meza"', () => {
    const at = essay.indexOf('Carcia Meza');
    const selectors = before.describe(at, at + 11);
    const revised = essay.replace('Carcia Meza', 'Garcia Meza');
    const result = createAnchorer(revised).anchor(selectors);
    expect(result).toEqual({
      status: 'moved',
      start: at,
      end: at + 11,
      method: 'approximate',
      errors: 1,
      contextSimilarity: 1,
    });
    expect(textOf(revised, result)).toBe('Garcia Meza');
  });

  it('re-anchors each "the rosea" to its own corrected occurrence, also after a paragraph is inserted', () => {
    const insert = 'A new opening paragraph, added in the second edition.\n\n';
    const revised = insert + essay.replaceAll('the rosea', 'the rosca');
    const after = createAnchorer(revised);
    for (const at of occurrences(essay, 'the rosea')) {
      const result = after.anchor(before.describe(at, at + 9));
      expect(result).toMatchObject({
        status: 'moved',
        start: at + insert.length,
        end: at + insert.length + 9,
        method: 'approximate',
        errors: 1,
      });
      expect(textOf(revised, result)).toBe('the rosca');
    }
  });

  it('follows the one corrected "the rosea" rather than the six unchanged copies', () => {
    const third = occurrences(essay, 'the rosea')[2] as number;
    const selectors = before.describe(third, third + 9);
    const revised = essay.slice(0, third) + 'the rosca' + essay.slice(third + 9);
    expect(createAnchorer(revised).anchor(selectors)).toMatchObject({
      status: 'moved',
      start: third,
      end: third + 9,
      method: 'approximate',
    });
  });

  it('keeps an unchanged "the rosea" on its own occurrence when the others are corrected', () => {
    const [first, second] = occurrences(essay, 'the rosea') as [number, number];
    const selectors = before.describe(second, second + 9);
    // Everything else corrected, and a paragraph removed before it: the annotation must not jump.
    const revised = (
      essay.slice(0, second) +
      'the rosea' +
      essay.slice(second + 9).replaceAll('the rosea', 'the rosca')
    ).replace('the rosea', 'the rosca');
    expect(revised.indexOf('the rosea')).toBe(second);
    expect(first).toBeLessThan(second);
    const cut = essay.indexOf('\n\n') + 2;
    const shorter = revised.slice(cut);
    expect(createAnchorer(shorter).anchor(selectors)).toMatchObject({
      status: 'moved',
      start: second - cut,
      end: second - cut + 9,
      method: 'exact',
    });
  });

  it('orphans a deleted sentence, and a deleted "the rosea" passage, instead of attaching them elsewhere', () => {
    const sentenceStart = essay.indexOf('Carcia Meza was replaced');
    const sentenceEnd = essay.indexOf('.', sentenceStart) + 1;
    const selectors = before.describe(sentenceStart, sentenceEnd);
    const revised = essay.slice(0, sentenceStart) + essay.slice(sentenceEnd + 1);
    expect(createAnchorer(revised).anchor(selectors)).toMatchObject({ status: 'orphaned' });

    // "the rosea" occurs six more times, but with other context: deleting this one orphans it.
    const third = occurrences(essay, 'the rosea')[2] as number;
    const clauseStart = essay.lastIndexOf(' ', third - 20);
    const rosea = before.describe(third, third + 9);
    const withoutClause = essay.slice(0, clauseStart) + essay.slice(third + 11);
    expect(createAnchorer(withoutClause).anchor(rosea)).toMatchObject({ status: 'orphaned' });
  });

  it('orphans a deleted short word instead of moving it into a neighbouring word or a nearby occurrence', () => {
    // "a" in "in the face of a combative working class": deleted, the nearest "a" (in "combative")
    // has almost the same 32-character context, shifted by a few characters.
    const at = essay.indexOf('face of a combative') + 'face of '.length;
    const selectors = before.describe(at, at + 1);
    const revised = essay.slice(0, at) + essay.slice(at + 2);
    expect(createAnchorer(revised).anchor(selectors)).toMatchObject({ status: 'orphaned' });
    // ... but the same word is followed when only its surroundings change.
    const edited = essay.slice(0, at - 8) + 'in front of ' + essay.slice(at);
    expect(createAnchorer(edited).anchor(selectors)).toMatchObject({ status: 'moved', start: at + 4, end: at + 5 });
  });

  it('re-anchors 300 random passages after the typo fixes and an inserted paragraph', () => {
    const meza = essay.indexOf('Carcia Meza');
    const insertAt = essay.indexOf('\n\n') + 2;
    const paragraph = 'Editor’s note: names are spelt as in the original edition.\n\n';
    const fixed = essay.slice(0, meza) + 'G' + essay.slice(meza + 1);
    const revised = fixed.slice(0, insertAt) + paragraph + fixed.slice(insertAt).replaceAll('the rosea', 'the rosca');
    const after = createAnchorer(revised);
    const words = [...essay.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let k = 0; k < 300; k++) {
      const count = 1 + Math.floor(random() * 40);
      const first = Math.floor(random() * (words.length - count));
      const start = (words[first] as { start: number }).start;
      const end = (words[first + count - 1] as { end: number }).end;
      const shift = (offset: number, isEnd: boolean) =>
        offset + (offset > insertAt || (offset === insertAt && !isEnd) ? paragraph.length : 0);
      const result = after.anchor(before.describe(start, end)) as FoundAnchor;
      const expected = { start: shift(start, false), end: shift(end, true) };
      const unmoved =
        expected.start === start && expected.end === end && revised.slice(start, end) === essay.slice(start, end);
      expect({ k, status: result.status, start: result.start, end: result.end }).toEqual({
        k,
        status: unmoved ? 'anchored' : 'moved',
        ...expected,
      });
    }
  });
});
