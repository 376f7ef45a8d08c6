import { expect } from 'vitest';
import { sliceByCodePoints } from '@scholia/anchoring';
import type { Block, ParsedDocument } from './types.js';

/** Test helper: the text of a block, sliced by code points as a W3C client would. */
export function blockText(doc: ParsedDocument, block: Block): string {
  return sliceByCodePoints(doc.text, block.start, block.end);
}

/** Test helper: asserts the layout promised by `ParsedDocument` (contiguous blocks joined by "\n\n", etc.). */
export function expectWellFormed(doc: ParsedDocument): void {
  const cps = Array.from(doc.text);
  expect(doc.blocks.length).toBeGreaterThan(0);
  expect(doc.blocks[0]!.start).toBe(0);
  expect(doc.blocks[doc.blocks.length - 1]!.end).toBe(cps.length);
  doc.blocks.forEach((block, i) => {
    const text = cps.slice(block.start, block.end).join('');
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(text.trim());
    expect(text).not.toContain('\n\n');
    expect(text.normalize('NFC')).toBe(text);
    if (block.kind === 'heading') expect(block.level).toBeGreaterThanOrEqual(1);
    else expect(block.level).toBeUndefined();
    if (block.kind === 'separator') expect(text).toBe('* * *');
    const next = doc.blocks[i + 1];
    if (next) {
      expect(next.start).toBe(block.end + 2);
      expect(cps.slice(block.end, next.start).join('')).toBe('\n\n');
    }
    for (const f of block.footnotes) {
      expect(f.start).toBeGreaterThanOrEqual(block.start);
      expect(f.end).toBeLessThanOrEqual(block.end);
      expect(cps.slice(f.start, f.end).join('')).toBe(f.marker);
      expect(f.marker).toBe(`[${f.label}]`);
    }
  });
  expect(doc.text.split('\n\n')).toEqual(doc.blocks.map((b) => blockText(doc, b)));
}
