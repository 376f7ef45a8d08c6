import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Lexer, Parser } from 'marked';
import { describe, expect, it } from 'vitest';
import { MarkdownTooComplexError, lexMarkdown, markdownNestingDepth } from './markdown-lexer.js';
import { xssPayloads } from './xss-corpus.js';

const essay = readFileSync(new URL('../../../prisma/demo/article-bolivian-revolution.txt', import.meta.url), 'utf8');

/** HTML from marked as shipped, and from the guarded lexer: they must agree on ordinary input. */
function both(src: string, breaks = false): [string, string] {
  const options = { gfm: true, breaks };
  return [Parser.parse(new Lexer(options).lex(src), options), Parser.parse(lexMarkdown(src, options), options)];
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1] ?? '');
}

/** HTML with links reduced to their text (and `&amp;` decoded, as link text and plain text escape differently). */
function withoutLinks(html: string): string {
  let out = html.replace(/<\/?a\b[^>]*>/g, '');
  for (let previous = ''; previous !== out;) [previous, out] = [out, out.replace(/&amp;/g, '&')];
  return out;
}

function elapsed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('lexMarkdown produces the same tokens as marked on ordinary input', () => {
  const samples = [
    essay,
    essay.replace(/\n\n/g, '\n'),
    '# Title\n\nSome *emphasis*, **strong**, ***both***, _under_, __dunder__, ~~del~~, ~single~, `code`, snake_case_word.\n',
    'A [link](https://example.org "t"), an ![image](x.png), <https://auto.link>, https://bare.example/path?q=1, ' +
      'www.example.org, mail@example.org, mailto:x@example.org, <span class="x">html</span> <!-- c --> <?pi?> ' +
      '<![CDATA[x]]> <!DOCTYPE html> &amp; &copy; \\* escaped.\n',
    `${'word '.repeat(200)}https://example.org/after-a-long-run ${'more '.repeat(100)}www.example.com end@example.org`,
    `${'x'.repeat(100)}@example.org and ${'y'.repeat(600)} ${'*z* '.repeat(100)}`,
    'Hard  \nbreak\\\nand soft\nbreak',
    '> quote *em*\n>\n> - list _item_\n\n1. one\n2. two\n\n| a | *b* |\n|---|---|\n| `1` | ~~2~~ |\n',
    ...xssPayloads,
  ];

  it.each(samples.map((s, i) => [i, s] as const))('sample %i', (_i, src) => {
    const [expected, actual] = both(src);
    expect(actual).toBe(expected);
    const [expectedBreaks, actualBreaks] = both(src, true);
    expect(actualBreaks).toBe(expectedBreaks);
  });

  it('on random Markdown-like text', () => {
    const piece = fc.constantFrom(
      'word',
      'Word',
      ' ',
      ' ',
      ' ',
      '  ',
      '\n',
      '\n\n',
      '*',
      '**',
      '_',
      '__',
      '~',
      '~~',
      '`',
      '[',
      ']',
      '(',
      ')',
      '!',
      '<',
      '>',
      '/',
      '-',
      '#',
      '@',
      '.',
      ':',
      '&amp;',
      '&#',
      '\\',
      'http://x.org',
      'www.y.org',
      'a@b.co',
      'mailto:',
      '<!--',
      '-->',
      '<?',
      '?>',
      '<b>',
      '</b>',
      '<a href="x">',
      'é',
      '😀',
      'x'.repeat(130),
      'y '.repeat(70),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 120 }), fc.boolean(), (pieces, breaks) => {
        const src = pieces.join('');
        const [expected, actual] = both(src, breaks);
        if (actual === expected) return;
        // The documented deviation: inside a run of more than TEXT_WINDOW non-space characters some bare URL or
        // e-mail address that marked links may stay unlinked. Never a link marked would not make, never other text.
        expect(/\S{257,}/.test(src), `${JSON.stringify(src)}\n${expected}\n${actual}`).toBe(true);
        expect(hrefs(expected)).toEqual(expect.arrayContaining(hrefs(actual)));
        expect(withoutLinks(actual)).toBe(withoutLinks(expected));
      }),
      { numRuns: 600 },
    );
  });
});

describe('lexMarkdown, documented deviation', () => {
  it('does not autolink an "e-mail address" whose local part is longer than 320 characters, nor part of it', () => {
    for (const length of [321, 1000, 5000]) {
      const html = Parser.parse(lexMarkdown(`see ${'x'.repeat(length)}@example.org`));
      expect(html).toBe(`<p>see ${'x'.repeat(length)}@example.org</p>\n`);
    }
    // Up to 320 it is linked, as marked does.
    expect(both(`see ${'x'.repeat(320)}@example.org`)[1]).toContain('<a href="mailto:');
  });
});

describe('lexMarkdown on pathological input', () => {
  // Each of these takes marked as shipped from seconds to minutes (quadratic or worse in the input length).
  const cases: Array<[string, string]> = [
    ['dense emphasis', '*_a'.repeat(20_000)],
    ['emphasis runs', '*a'.repeat(100_000)],
    ['intraword underscores', 'a_'.repeat(100_000)],
    ['bangs', 'a!'.repeat(100_000)],
    ['unclosed comments', '<!--'.repeat(50_000)],
    ['unclosed processing instructions', '<?'.repeat(100_000)],
    ['e-mail-like runs', 'a@'.repeat(100_000)],
  ];

  it.each(cases)('%s (200 kB) in linear time', (_name, src) => {
    expect(elapsed(() => lexMarkdown(src))).toBeLessThan(10_000); // typically well under 1 s
  });

  it('refuses nesting deeper than 64 levels instead of overflowing the stack', () => {
    expect(() => lexMarkdown('> '.repeat(5_000) + 'deep')).toThrow(MarkdownTooComplexError);
    expect(() => lexMarkdown('> - '.repeat(50_000) + 'deep')).toThrow(MarkdownTooComplexError);
    expect(() => lexMarkdown(Array.from({ length: 200 }, (_, i) => `${' '.repeat(i * 2)}- item`).join('\n'))).toThrow(
      MarkdownTooComplexError,
    );
    expect(() => lexMarkdown('> '.repeat(60) + 'fine')).not.toThrow();
  });

  it('estimates nesting depth from container markers and their indentation', () => {
    expect(markdownNestingDepth('plain\n\n> quote\n> > nested')).toBe(2);
    expect(markdownNestingDepth('- a\n  - b\n    - c')).toBe(3);
    expect(markdownNestingDepth(`${' '.repeat(200)}indented code or poetry`)).toBe(0);
    expect(
      markdownNestingDepth('* * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * * *'),
    ).toBe(0);
  });
});
