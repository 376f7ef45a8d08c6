import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ContextMatcher, adjacentDistanceDp, editDistance } from './context.js';

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

const smallAlphabet = fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'é', '😀'), maxLength: 60 });

describe('ContextMatcher', () => {
  it('is 0 when the context is intact and grows with edits', () => {
    const text = 'the quick brown fox jumps over the lazy dog';
    const at = text.indexOf('jumps');
    expect(new ContextMatcher('quick brown fox ', -1).distance(text, at)).toBe(0);
    expect(new ContextMatcher('quick brawn fox ', -1).distance(text, at)).toBe(1);
    expect(new ContextMatcher('quick brown foxx ', -1).distance(text, at)).toBe(1); // one insertion costs 1
    expect(new ContextMatcher('jumps over', 1).similarity(text, at)).toBe(1);
    expect(new ContextMatcher('xxxxx', 1).similarity(text, at)).toBe(0);
    expect(new ContextMatcher('abc', -1).distance(text, 0)).toBe(3); // nothing before
  });

  it('bit-parallel distance equals the dynamic program (property)', () => {
    fc.assert(
      fc.property(
        smallAlphabet,
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', ' ', 'é'), maxLength: 40 }),
        fc.nat(),
        fc.boolean(),
        (text, pattern, p, left) => {
          const pos = p % (text.length + 1);
          const dir = left ? -1 : 1;
          expect(new ContextMatcher(pattern, dir).distance(text, pos)).toBe(
            adjacentDistanceDp(text, pos, dir, pattern),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('editDistance', () => {
  it('equals Levenshtein (property)', () => {
    fc.assert(
      fc.property(smallAlphabet, smallAlphabet, fc.nat(), fc.nat(), (a, text, x, y) => {
        const from = Math.min(x, y) % (text.length + 1);
        const to = from + (Math.max(x, y) % (text.length - from + 1));
        expect(editDistance(a, text, from, to)).toBe(levenshtein(a, text.slice(from, to)));
      }),
      { numRuns: 500 },
    );
  });

  it('gives up (-1) on huge tables, after stripping common affixes', () => {
    expect(editDistance('abc', 'xxxxxxxxxx', 0, 10, 4)).toBe(-1);
    expect(editDistance('abcdef', 'abXdef', 0, 6, 1)).toBe(1);
  });
});
