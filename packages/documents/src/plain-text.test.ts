import { describe, expect, it } from 'vitest';
import { parseDocument } from './document.js';
import type { Block, ParsedDocument } from './types.js';
import { blockText, expectWellFormed } from './test-helpers.js';

function parse(content: string): ParsedDocument {
  const doc = parseDocument({ format: 'text', content });
  expectWellFormed(doc);
  return doc;
}

function outline(doc: ParsedDocument): Array<[Block['kind'], string]> {
  return doc.blocks.map((b) => [b.kind, blockText(doc, b)]);
}

const filler = 'This is an ordinary paragraph of prose that ends the way sentences do.';

describe('parseDocument, plain text', () => {
  it('splits paragraphs on blank lines and joins hard-wrapped lines with a space', () => {
    const doc = parse('First line\n  wrapped here\nand here.\n\n\n\nSecond paragraph.\n');
    expect(outline(doc)).toEqual([
      ['paragraph', 'First line wrapped here and here.'],
      ['paragraph', 'Second paragraph.'],
    ]);
    expect(doc.text).toBe('First line wrapped here and here.\n\nSecond paragraph.');
  });

  it('recognises * * *, ***, ---, ___ and ⁂ as separators, even without blank lines around them', () => {
    const doc = parse(`${filler}\n\n* * *\n\n${filler}\n***\n${filler}\n\n---\n\n${filler}\n\n___\n\n⁂\n\n${filler}`);
    expect(doc.blocks.map((b) => b.kind)).toEqual([
      'paragraph',
      'separator',
      'paragraph',
      'separator',
      'paragraph',
      'separator',
      'paragraph',
      'separator',
      'separator',
      'paragraph',
    ]);
    expect(doc.blocks.filter((b) => b.kind === 'separator').every((b) => blockText(doc, b) === '* * *')).toBe(true);
  });

  it('takes a short stand-alone line without a terminal period, followed by a paragraph, for a heading', () => {
    const doc = parse(`Chapter One\n\n${filler}\n\nWhat Is To Be Done?\n\n${filler}\n\nClosing line`);
    expect(outline(doc)).toEqual([
      ['heading', 'Chapter One'],
      ['paragraph', filler],
      ['heading', 'What Is To Be Done?'],
      ['paragraph', filler],
      ['paragraph', 'Closing line'], // nothing follows it
    ]);
    expect(doc.blocks[0]!.level).toBe(2);
  });

  it('does not take other short lines for headings', () => {
    const cases = [
      'A short sentence.', // terminal period
      'Ends with a colon:', // lead-in
      'lowercase start', // continues something
      '[12]', // footnote-only line
      '[3] Ibid', // a note
      '- a list item', // a bullet
      'A line that is certainly much too long to be a heading even though it has no period at all',
      'Two lines\nwrapped', // not a single line
    ];
    for (const line of cases) {
      const doc = parse(`${filler}\n\n${line}\n\n${filler}`);
      expect(
        doc.blocks.some((b) => b.kind === 'heading'),
        line,
      ).toBe(false);
    }
    // A heading needs a paragraph after it, not a separator.
    expect(parse(`${filler}\n\nThe End\n\n* * *\n\n${filler}`).blocks.some((b) => b.kind === 'heading')).toBe(false);
  });

  it('makes the paragraph after a lead-in (":" / "," / unfinished sentence) a blockquote', () => {
    for (const leadIn of [
      'As Lora put it:',
      'As Lora put it, in a famous passage,',
      'He continues',
      'He wrote ‘that’:',
    ]) {
      const doc = parse(`${filler} ${leadIn}\n\nThe quoted words of someone else.\n\n${filler}`);
      expect(
        outline(doc).map(([kind]) => kind),
        leadIn,
      ).toEqual(['paragraph', 'blockquote', 'paragraph']);
    }
    // A short quoted line after a lead-in is a quote, not a heading.
    const doc = parse(`${filler} He said:\n\nWorkers of the world unite\n\n${filler}`);
    expect(doc.blocks[1]!.kind).toBe('blockquote');
  });

  it('continues a quote with a short uncited-by-the-author paragraph that ends with the citation', () => {
    const doc = parse(
      `${filler} He continues\n\nThe first part of the quotation.\n\nThe end of the quotation. [4]\n\n${filler} [5]`,
    );
    expect(doc.blocks.map((b) => b.kind)).toEqual(['paragraph', 'blockquote', 'blockquote', 'paragraph']);
    // …but not when the paragraph quotes inline with ‘…’ (the author's own prose).
    const prose = parse(`${filler} He continues\n\nThe first part.\n\nSo ‘much’ for that. [4]`);
    expect(prose.blocks.map((b) => b.kind)).toEqual(['paragraph', 'blockquote', 'paragraph']);
    // …nor when the quote already ended with its citation.
    const cited = parse(`${filler} He continues\n\nThe quotation. [3]\n\nThe author again. [4]`);
    expect(cited.blocks.map((b) => b.kind)).toEqual(['paragraph', 'blockquote', 'paragraph']);
  });

  it('treats e-mail style "> " paragraphs as blockquotes and strips the markers', () => {
    const doc = parse(`${filler}\n\n> Quoted line one\n> and two.\n\n${filler}`);
    expect(outline(doc)[1]).toEqual(['blockquote', 'Quoted line one and two.']);
  });

  it('treats indented paragraphs as blockquotes when indentation is the exception', () => {
    const doc = parse(`${filler}\n\n    An indented\n    passage.\n\n${filler}\n\n${filler}`);
    expect(outline(doc)[1]).toEqual(['blockquote', 'An indented passage.']);
    // When every paragraph is indented, indentation is just layout.
    const book = parse(`  ${filler}\n\n  ${filler}\n\n  ${filler}`);
    expect(book.blocks.every((b) => b.kind === 'paragraph')).toBe(true);
  });

  it('finds footnote markers anywhere in a block', () => {
    const doc = parse('One [1] two[22] three [333].\n\nNo [marker] here, nor [12a].');
    expect(doc.blocks[0]!.footnotes).toEqual([
      { marker: '[1]', label: '1', start: 4, end: 7 },
      { marker: '[22]', label: '22', start: 11, end: 15 },
      { marker: '[333]', label: '333', start: 22, end: 27 },
    ]);
    expect(doc.blocks[1]!.footnotes).toEqual([]);
  });

  it('never loses a word', () => {
    const source = 'Title Here\n\nSome  text\twith odd   spacing,\n  and wrapping.\n\n***\n\n> quoted [1]\n\nEnd';
    const doc = parse(source);
    const words = (s: string) => s.replace(/[>*]/g, ' ').split(/\s+/).filter(Boolean);
    expect(words(doc.text)).toEqual(words(source));
  });
});
