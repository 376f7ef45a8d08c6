import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentBlocks, segmentRanges, type HighlightRange, type Segment } from './segments.js';

/** Reference: the ids covering each offset, in range order, without duplicates. */
function coverage(textLength: number, ranges: readonly HighlightRange[]): string[][] {
  const out: string[][] = Array.from({ length: textLength }, () => []);
  for (const r of ranges) {
    for (let i = Math.max(0, r.start); i < Math.min(textLength, r.end); i++) {
      const ids = out[i] as string[];
      if (!ids.includes(r.id)) ids.push(r.id);
    }
  }
  // Order by first appearance in `ranges`.
  const order = new Map<string, number>();
  ranges.forEach((r, k) => {
    if (!order.has(r.id)) order.set(r.id, k);
  });
  return out.map((ids) => ids.sort((a, b) => (order.get(a) as number) - (order.get(b) as number)));
}

function expandSegments(textLength: number, segments: readonly Segment[]): string[][] {
  const out: string[][] = Array.from({ length: textLength }, () => []);
  for (const s of segments) for (let i = s.start; i < s.end; i++) out[i] = s.ids;
  return out;
}

const rangesArb = fc.array(
  fc.record({
    id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
    start: fc.integer({ min: -3, max: 45 }),
    end: fc.integer({ min: -3, max: 45 }),
  }),
  { maxLength: 8 },
);

describe('segmentRanges', () => {
  it('splits overlapping highlights into ordered, non-overlapping segments', () => {
    const segments = segmentRanges(20, [
      { id: 'a', start: 0, end: 10 },
      { id: 'b', start: 5, end: 15 },
      { id: 'c', start: 7, end: 8 },
    ]);
    expect(segments).toEqual([
      { start: 0, end: 5, ids: ['a'] },
      { start: 5, end: 7, ids: ['a', 'b'] },
      { start: 7, end: 8, ids: ['a', 'b', 'c'] },
      { start: 8, end: 10, ids: ['a', 'b'] },
      { start: 10, end: 15, ids: ['b'] },
    ]);
  });

  it('leaves gaps unhighlighted, clamps to the text and ignores empty or inverted ranges', () => {
    expect(
      segmentRanges(10, [
        { id: 'a', start: -5, end: 2 },
        { id: 'b', start: 6, end: 99 },
        { id: 'c', start: 4, end: 4 },
        { id: 'd', start: 5, end: 3 },
        { id: 'e', start: Number.NaN, end: 3 },
      ]),
    ).toEqual([
      { start: 0, end: 2, ids: ['a'] },
      { start: 6, end: 10, ids: ['b'] },
    ]);
    expect(segmentRanges(0, [{ id: 'a', start: 0, end: 3 }])).toEqual([]);
  });

  it('merges touching pieces of the same highlight and lists ids once', () => {
    expect(
      segmentRanges(10, [
        { id: 'a', start: 0, end: 3 },
        { id: 'a', start: 3, end: 6 },
        { id: 'a', start: 2, end: 4 },
      ]),
    ).toEqual([{ start: 0, end: 6, ids: ['a'] }]);
  });

  it('matches a per-offset reference (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), rangesArb, (textLength, ranges) => {
        const segments = segmentRanges(textLength, ranges);
        for (let k = 0; k < segments.length; k++) {
          const s = segments[k] as Segment;
          const next = segments[k + 1];
          const ordered =
            next === undefined || s.end < next.start || (s.end === next.start && next.ids.join() !== s.ids.join()); // maximal
          if (!(s.start < s.end && s.ids.length > 0 && ordered))
            expect.fail(`bad segment ${JSON.stringify(s)} before ${JSON.stringify(next)}`);
        }
        expect(JSON.stringify(expandSegments(textLength, segments))).toBe(JSON.stringify(coverage(textLength, ranges)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('segmentBlocks', () => {
  it('clips segments to blocks, with block-relative offsets', () => {
    // "Para one.\n\nPara two." -> blocks [0, 9) and [11, 20)
    const blocks = [
      { start: 0, end: 9 },
      { start: 11, end: 20 },
    ];
    const ranges = [
      { id: 'x', start: 5, end: 15 },
      { id: 'y', start: 12, end: 14 },
    ];
    expect(segmentBlocks(blocks, ranges)).toEqual([
      [{ start: 5, end: 9, ids: ['x'] }],
      [
        { start: 0, end: 1, ids: ['x'] },
        { start: 1, end: 3, ids: ['x', 'y'] },
        { start: 3, end: 4, ids: ['x'] },
      ],
    ]);
    expect(segmentBlocks(blocks, ranges, { relative: false })[1]?.[0]).toEqual({ start: 11, end: 12, ids: ['x'] });
    expect(segmentBlocks([], ranges)).toEqual([]);
  });

  it('agrees with segmentRanges restricted to each block (property)', () => {
    const blocksArb = fc.array(
      fc.tuple(fc.nat({ max: 40 }), fc.nat({ max: 10 })).map(([start, length]) => ({ start, end: start + length })),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(blocksArb, rangesArb, (blocks, ranges) => {
        const textLength = Math.max(0, ...blocks.map((b) => b.end));
        const reference = coverage(textLength, ranges);
        segmentBlocks(blocks, ranges).forEach((segments, k) => {
          const block = blocks[k] as { start: number; end: number };
          const local = expandSegments(block.end - block.start, segments);
          expect(JSON.stringify(local)).toBe(JSON.stringify(reference.slice(block.start, block.end)));
        });
      }),
      { numRuns: 300 },
    );
  });
});
