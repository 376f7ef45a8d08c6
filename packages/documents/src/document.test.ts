import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codePointLength } from '@scholia/anchoring';
import { MAX_DOCUMENT_BYTES, parseDocument } from './document.js';
import { DocumentParseError } from './errors.js';
import type { Block, DocumentFormat, ParsedDocument } from './types.js';
import { blockText, expectWellFormed } from './test-helpers.js';

function parse(format: DocumentFormat, content: string): ParsedDocument {
  const doc = parseDocument({ format, content });
  expectWellFormed(doc);
  return doc;
}

function outline(doc: ParsedDocument): Array<[Block['kind'], number | undefined, string]> {
  return doc.blocks.map((b) => [b.kind, b.level, blockText(doc, b)]);
}

function parseError(run: () => unknown): DocumentParseError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentParseError);
    return error as DocumentParseError;
  }
  throw new Error('expected a DocumentParseError');
}

describe('parseDocument, Markdown', () => {
  it('maps headings, paragraphs, quotes, breaks and lists to blocks with plain text', () => {
    const md = [
      '# The *Tin* Republic',
      '',
      'Setext heading',
      '--------------',
      '',
      'Since **the turn** of the _century_, see [Klein](https://example.org "t") and `code`. [2]',
      'A soft break.',
      '',
      '> Quoted **text** [3]',
      '>',
      '> > nested quote',
      '',
      '***',
      '',
      '- first item',
      '- second *item*',
      '  - nested item',
      '- [x] task item',
      '',
      '3. ordered',
      '4. list',
      '',
      '###### Level six',
      '',
      'Last paragraph with ![an image](x.png) and AT&amp;T &copy; \\*escaped\\*.',
    ].join('\n');
    const doc = parse('markdown', md);
    expect(outline(doc)).toEqual([
      ['heading', 1, 'The Tin Republic'],
      ['heading', 2, 'Setext heading'],
      ['paragraph', undefined, 'Since the turn of the century, see Klein and code. [2] A soft break.'],
      ['blockquote', undefined, 'Quoted text [3]'],
      ['blockquote', undefined, 'nested quote'],
      ['separator', undefined, '* * *'],
      ['paragraph', undefined, 'first item'],
      ['paragraph', undefined, 'second item'],
      ['paragraph', undefined, 'nested item'],
      ['paragraph', undefined, 'task item'],
      ['paragraph', undefined, 'ordered'],
      ['paragraph', undefined, 'list'],
      ['heading', 6, 'Level six'],
      ['paragraph', undefined, 'Last paragraph with an image and AT&T © *escaped*.'],
    ]);
    expect(doc.blocks[2]!.footnotes.map((f) => f.marker)).toEqual(['[2]']);
    expect(doc.blocks[3]!.footnotes.map((f) => f.marker)).toEqual(['[3]']);
  });

  it('keeps hard line breaks as a single "\\n" inside the block', () => {
    const doc = parse('markdown', 'Roses are red,  \nviolets are blue\\\nsugar is sweet.');
    expect(outline(doc)).toEqual([['paragraph', undefined, 'Roses are red,\nviolets are blue\nsugar is sweet.']]);
  });

  it('keeps code, but finds no footnotes in it', () => {
    const doc = parse('markdown', 'Call `a[1]` here [2].\n\n```js\nconst x = a[3];   \n\n\nreturn x;\n```');
    expect(outline(doc)).toEqual([
      ['paragraph', undefined, 'Call a[1] here [2].'],
      ['paragraph', undefined, 'const x = a[3];\nreturn x;'],
    ]);
    expect(doc.blocks[0]!.footnotes.map((f) => f.marker)).toEqual(['[2]']);
    expect(doc.blocks[1]!.footnotes).toEqual([]);
  });

  it('reduces HTML to its text, drops definitions and renders tables row by row', () => {
    const md = [
      '<div class="x">Some <b>html</b> &amp; text<script>alert(1)</script></div>',
      '',
      '<!-- a comment -->',
      '',
      'Inline <span title="t">span</span> text.',
      '',
      '| Year | Event |',
      '| ---- | ----- |',
      '| 1952 | *Revolution* |',
      '',
      '[ref]: https://example.org',
    ].join('\n');
    expect(outline(parse('markdown', md))).toEqual([
      ['paragraph', undefined, 'Some html & text'],
      ['paragraph', undefined, 'Inline span text.'],
      ['paragraph', undefined, 'Year | Event'],
      ['paragraph', undefined, '1952 | Revolution'],
    ]);
  });

  it('turns headings and lists inside a quote into blockquote blocks', () => {
    const doc = parse('markdown', '> ## Quoted heading\n>\n> - quoted item\n> - another');
    expect(outline(doc)).toEqual([
      ['blockquote', undefined, 'Quoted heading'],
      ['blockquote', undefined, 'quoted item'],
      ['blockquote', undefined, 'another'],
    ]);
  });

  it('rejects Markdown with no readable text', () => {
    expect(parseError(() => parseDocument({ format: 'markdown', content: '<!-- nothing -->\n\n[x]: /y' })).code).toBe(
      'empty',
    );
  });
});

describe('parseDocument, Unicode', () => {
  it('counts offsets in code points, not UTF-16 units (emoji, astral letters)', () => {
    const doc = parse('text', 'Emoji 😀👍🏽 first. [1]\n\n𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 🇧🇴 flag [2].');
    const [a, b] = doc.blocks;
    expect(a!.end).toBe(codePointLength('Emoji 😀👍🏽 first. [1]'));
    expect(a!.end).toBe(20); // 😀 = 1, 👍🏽 = 2 code points (emoji + skin tone modifier)
    expect('Emoji 😀👍🏽 first. [1]'.length).toBe(23); // UTF-16 units
    expect(a!.footnotes[0]).toEqual({ marker: '[1]', label: '1', start: 17, end: 20 });
    expect(b!.start).toBe(22);
    expect(b!.footnotes[0]!.start).toBe(22 + 20); // 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 = 7, " and " = 5, 🇧🇴 = 2, " flag " = 6
    expect(b!.footnotes[0]!.start).toBe(22 + Array.from('𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 🇧🇴 flag ').length);
    expect(blockText(doc, b!)).toBe('𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and 🇧🇴 flag [2].');
  });

  it('normalises to NFC (combining marks compose where Unicode has a precomposed letter)', () => {
    const decomposed = 'Pe\u0301rez and Ñ = N\u0303, q\u0303 stays two.';
    const doc = parse('text', decomposed);
    expect(doc.text).toBe('Pérez and Ñ = Ñ, q\u0303 stays two.');
    expect(doc.text).toBe(decomposed.normalize('NFC'));
    expect(doc.blocks[0]!.end).toBe(codePointLength(decomposed.normalize('NFC')));
    expect(parse('markdown', '*Pe*\u0301rez').text).toBe('Pérez'); // composed again once markup is gone
  });

  it('handles right-to-left text', () => {
    const doc = parse('text', 'العربية [1]\n\nעברית ‏ו-English [2]');
    expect(doc.blocks[0]!.footnotes[0]).toMatchObject({ start: 8, end: 11 });
    expect(blockText(doc, doc.blocks[1]!)).toBe('עברית ‏ו-English [2]');
    expect(doc.blocks[1]!.footnotes[0]!.start).toBe(13 + 17);
  });

  it('replaces lone surrogates and removes control characters', () => {
    const doc = parse('text', 'bad \uD800 half\u0000 and\u0007 bell');
    expect(doc.text).toBe('bad \uFFFD half and bell');
  });
});

describe('parseDocument, line endings and limits', () => {
  it('treats CRLF, CR and LF alike and trims trailing whitespace', () => {
    const lf = parse('text', 'Heading\n\nA line   \nwrapped.\n\n* * *\n\nEnd.');
    expect(parse('text', 'Heading\r\n\r\nA line   \r\nwrapped.\r\n\r\n* * *\r\n\r\nEnd.\r\n')).toEqual(lf);
    expect(parse('text', 'Heading\r\rA line   \rwrapped.\r\r* * *\r\rEnd.')).toEqual(lf);
    expect(parse('markdown', '# Heading\r\n\r\nText\r\nmore\r\n')).toEqual(
      parse('markdown', '# Heading\n\nText\nmore'),
    );
    expect(lf.text).toBe('Heading\n\nA line wrapped.\n\n* * *\n\nEnd.');
  });

  it('drops a byte order mark', () => {
    expect(parse('text', '\uFEFFHello.').text).toBe('Hello.');
  });

  it('rejects empty content with a readable message', () => {
    for (const content of ['', '   ', '\n\n\t \r\n', '\uFEFF']) {
      for (const format of ['text', 'markdown'] as const) {
        const error = parseError(() => parseDocument({ format, content }));
        expect(error.code).toBe('empty');
        expect(error.message).toMatch(/empty/i);
      }
    }
  });

  it('rejects content over 2 MB (UTF-8 bytes) and accepts content at the limit', () => {
    expect(MAX_DOCUMENT_BYTES).toBe(2 * 1024 * 1024);
    const error = parseError(() => parseDocument({ format: 'text', content: 'a'.repeat(MAX_DOCUMENT_BYTES + 1) }));
    expect(error.code).toBe('too_large');
    expect(error.message).toBe(
      'The document is too large (2.01 MB); the limit is 2 MB. Split it into several documents.',
    );
    // 'é' is two bytes in UTF-8: a million of them is exactly 2 MB, one more is over.
    const e = 'é'.repeat(MAX_DOCUMENT_BYTES / 2);
    expect(parseError(() => parseDocument({ format: 'markdown', content: e + 'é' })).code).toBe('too_large');
    expect(parseDocument({ format: 'text', content: e }).blocks).toHaveLength(1);
  });

  it('parses a 2 MB document quickly', () => {
    const paragraph = 'Lorem ipsum dolor sit amet, *consectetur* adipiscing elit [12]. 😀 ';
    const para = `${paragraph.repeat(10).trim()}\n\n## A heading\n\n> quoted\n\n`;
    const content = para.repeat(Math.floor(MAX_DOCUMENT_BYTES / new TextEncoder().encode(para).length));
    expect(new TextEncoder().encode(content).length).toBeGreaterThan(MAX_DOCUMENT_BYTES * 0.99);
    for (const format of ['text', 'markdown'] as const) {
      const started = performance.now();
      const doc = parseDocument({ format, content });
      const elapsed = performance.now() - started;
      expect(doc.blocks.length).toBeGreaterThan(1000);
      expect(elapsed).toBeLessThan(20_000); // typically 1–3 s; quadratic behaviour would take minutes
    }
  });

  it('stays fast on pathological input (long runs of spaces, markers, quotes; deep indentation)', () => {
    const cases = [
      `a${' '.repeat(1_000_000)}b`,
      `${'[1]'.repeat(200_000)} x`,
      `x${'"'.repeat(1_000_000)}x`,
      Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i * 2)}- x`).join('\n'),
      `\`\`\`\n${`a${' '.repeat(10_000)}b\n`.repeat(100)}\`\`\``,
    ];
    for (const content of cases) {
      for (const format of ['text', 'markdown'] as const) {
        const started = performance.now();
        try {
          parseDocument({ format, content });
        } catch (error) {
          expect((error as DocumentParseError).code).toBe('too_complex'); // the deeply indented list, as Markdown
        }
        expect(performance.now() - started, `${format}: ${JSON.stringify(content.slice(0, 20))}`).toBeLessThan(10_000);
      }
    }
  });

  it('refuses Markdown nested more than 64 levels deep with a readable message', () => {
    const error = parseError(() => parseDocument({ format: 'markdown', content: `${'> '.repeat(5000)}deep` }));
    expect(error.code).toBe('too_complex');
    expect(error.message).toMatch(/nests quotes or lists more than 64 levels deep/);
    // As plain text the same content imports fine.
    expect(parseDocument({ format: 'text', content: `${'> '.repeat(5000)}deep` }).text).toBe('deep');
  });

  it('rejects an unknown format or non-text content', () => {
    expect(parseError(() => parseDocument({ format: 'pdf' as DocumentFormat, content: 'x' })).code).toBe(
      'invalid_format',
    );
    expect(parseError(() => parseDocument({ format: 'text', content: 42 as unknown as string })).code).toBe(
      'invalid_content',
    );
  });
});

describe('parseDocument, properties', () => {
  const alphabet = fc.constantFrom(
    'a',
    'B',
    'ü',
    'e\u0301',
    '😀',
    '👍🏽',
    'ع',
    'ש',
    ' ',
    ' ',
    '\t',
    '\n',
    '\n\n',
    '\r\n',
    '.',
    ':',
    ',',
    '*',
    '-',
    '>',
    '[1]',
    '[23]',
    '#',
    '`',
    '_',
    '‘',
    '’',
    '\u00A0',
  );
  const contentArb = fc.array(alphabet, { maxLength: 200 }).map((parts) => parts.join(''));

  it('always yields a well-formed document or an "empty" error, in both formats', () => {
    fc.assert(
      fc.property(contentArb, fc.constantFrom<DocumentFormat>('text', 'markdown'), (content, format) => {
        let doc: ParsedDocument;
        try {
          doc = parseDocument({ format, content });
        } catch (error) {
          expect(error).toBeInstanceOf(DocumentParseError);
          expect((error as DocumentParseError).code).toBe('empty');
          return;
        }
        expectWellFormed(doc);
      }),
      { numRuns: 500 },
    );
  });

  it('never loses a word of plain text', () => {
    const words = (s: string) =>
      s
        .normalize('NFC')
        .replace(/[>*\-_⁂]/g, ' ')
        .replace(/\p{Cc}/gu, (c) => (/\s/.test(c) ? ' ' : ''))
        .split(/\s+/)
        .filter(Boolean);
    fc.assert(
      fc.property(contentArb, (content) => {
        let text = '';
        try {
          text = parseDocument({ format: 'text', content }).text;
        } catch (error) {
          expect((error as DocumentParseError).code).toBe('empty');
        }
        expect(words(text)).toEqual(words(content));
      }),
      { numRuns: 500 },
    );
  });
});
