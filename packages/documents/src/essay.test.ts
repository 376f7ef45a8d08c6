import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from './document.js';
import { blockText, expectWellFormed } from './test-helpers.js';

// A byte-identical copy of the demo essay (shared/article-bolivian-revolution.txt) kept with the package's tests.
const essay = readFileSync(new URL('../../../prisma/demo/article-bolivian-revolution.txt', import.meta.url), 'utf8');

describe('the demo essay (plain text)', () => {
  const doc = parseDocument({ format: 'text', content: essay });
  const texts = doc.blocks.map((b) => blockText(doc, b));
  const of = (kind: string) => doc.blocks.filter((b) => b.kind === kind).map((b) => blockText(doc, b));

  it('is well formed', () => {
    expectWellFormed(doc);
    expect(doc.blocks).toHaveLength(99);
  });

  it('keeps the text exactly: one paragraph per line, blank-line runs collapsed', () => {
    // Every paragraph of the file is a single line, so the canonical text is the file minus its trailing newlines,
    // with the one place that has two blank lines in a row (before "Dual power is never a stable condition")
    // collapsed to one.
    expect(doc.text).toBe(essay.trimEnd().replace(/\n{3,}/g, '\n\n'));
    expect(doc.text.split(/\s+/)).toEqual(essay.trim().split(/\s+/));
  });

  it('finds the five section headings, in order, at level 2', () => {
    expect(of('heading')).toEqual([
      'The Tin Republic',
      'Military socialism and the MNR',
      'The POR and the miners',
      '1952: The Revolution',
      'Dual Power',
    ]);
    expect(doc.blocks.filter((b) => b.kind === 'heading').every((b) => b.level === 2)).toBe(true);
  });

  it('finds the separator that ends the introduction', () => {
    const separators = doc.blocks.filter((b) => b.kind === 'separator');
    expect(separators).toHaveLength(1);
    const index = doc.blocks.indexOf(separators[0]!);
    expect(index).toBe(6); // six introductory paragraphs
    expect(doc.blocks.slice(0, index).every((b) => b.kind === 'paragraph')).toBe(true);
    expect(texts[0]).toMatch(/^JOHN NEWSINGER’S ARTICLE comes/);
    expect(texts[index + 1]).toMatch(/^NOWHERE IN LATIN AMERICA/);
  });

  it('finds the quoted passages as blockquotes, and nothing else', () => {
    const quotes = of('blockquote');
    expect(quotes.map((q) => q.slice(0, 40))).toEqual([
      'Because of its need for support, the Vil', // after "Guillermo Lora makes the point admirably:"
      'The Chaco War brought to an end a histor', // after "… Guillermo Lora argued that:"
      'Even if, under the pressure of the masse', // after "… an independent policy’:"
      'the role it will have to play as leader ', // after "… a small minority of the population:"
      'the Bolivian revolution of 1952 led to d', // after "… gives an excellent overview:"
      'To appreciate the meaning of feudalism, ', // after "… destroyed a whole society:"
      'put in relief our organisational weaknes', // after "… (1946–52), this, he said,"
      'Although most of Bolivian history has be', // after "… the best account of this shift:"
      'The early steps of creating an economic ', // after "… He continues" (no colon)
      'By 1960, over sixty US assistance projec', // continuation: closes the Volk quote with its citation [25]
    ]);
    // The author's own paragraph right after the last quote is prose again.
    const last = doc.blocks.findIndex((b) => blockText(doc, b).startsWith('By 1960'));
    expect(blockText(doc, doc.blocks[last + 1]!)).toMatch(/^By the beginning of the 1970s/);
    expect(doc.blocks[last + 1]!.kind).toBe('paragraph');
    // "The POR did not make …", which quotes Lora inline after a block quote of his, is prose.
    const prose = doc.blocks.find((b) => blockText(doc, b).startsWith('The POR did not make'));
    expect(prose?.kind).toBe('paragraph');
  });

  it('recognises the 27 footnote markers [1]…[27], each once, in order', () => {
    const footnotes = doc.blocks.flatMap((b) => b.footnotes);
    expect(footnotes.map((f) => f.label)).toEqual(Array.from({ length: 27 }, (_, i) => String(i + 1)));
    expect(footnotes).toHaveLength((essay.match(/\[\d+\]/g) ?? []).length);
    const cps = Array.from(doc.text);
    for (const f of footnotes) expect(cps.slice(f.start, f.end).join('')).toBe(f.marker);
    // [19] sits in the middle of a paragraph, [25] ends the last quote.
    const quote = doc.blocks.find((b) => blockText(doc, b).startsWith('By 1960'))!;
    expect(quote.footnotes.map((f) => f.marker)).toEqual(['[25]']);
  });

  it('counts offsets in code points (the essay is all BMP, so they equal UTF-16 indexes here)', () => {
    const heading = doc.blocks.find((b) => blockText(doc, b) === 'Dual Power')!;
    expect(doc.text.indexOf('\n\nDual Power\n\n') + 2).toBe(heading.start);
  });
});
