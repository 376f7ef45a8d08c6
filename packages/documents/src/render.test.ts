import fc from 'fast-check';
import sanitizeHtml from 'sanitize-html';
import { describe, expect, it } from 'vitest';
import { ALLOWED_TAGS, LINK_REL, isSafeHref, renderMarkdown } from './render.js';
import { xssPayloads } from './xss-corpus.js';

interface Element {
  name: string;
  attribs: Record<string, string>;
}

/**
 * Parses HTML into its elements, with attribute values entity-decoded, using htmlparser2 (through sanitize-html's
 * `onOpenTag` hook, which sees every element before any filtering).
 */
function elementsOf(html: string): Element[] {
  const elements: Element[] = [];
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true, // this is only a parser here; silences the warning about allowing everything
    onOpenTag: (name, attribs) => elements.push({ name: name.toLowerCase(), attribs: { ...attribs } }),
  });
  return elements;
}

const ATTRIBUTES_ALLOWED: Record<string, string[]> = {
  a: ['href', 'title', 'rel'],
  ol: ['start'],
  code: ['class'],
  th: ['align'],
  td: ['align'],
};

const BAD_SCHEME = /^(?:javascript|vbscript|data|file|blob|filesystem|about):/;

/** The scheme a browser would see: whitespace, controls and invisible characters removed, lowercased. */
function squeezedUrl(value: string): string {
  return (
    value
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0020\u007F-\u00A0\u00AD\u200B-\u200F\u2028-\u202F\u2060-\u206F\uFEFF]/g, '')
      .toLowerCase()
  );
}

function expectSafe(html: string, payload: string): void {
  const why = `payload ${JSON.stringify(payload)} rendered as ${JSON.stringify(html)}`;
  for (const element of elementsOf(html)) {
    expect(ALLOWED_TAGS, why).toContain(element.name);
    for (const [name, value] of Object.entries(element.attribs)) {
      expect(name, why).not.toMatch(/^on/i);
      expect(ATTRIBUTES_ALLOWED[element.name] ?? [], why).toContain(name.toLowerCase());
      expect(squeezedUrl(value), why).not.toMatch(BAD_SCHEME);
      expect(squeezedUrl(value), why).not.toMatch(/(?:javascript|vbscript):/);
    }
    if (element.name === 'a') {
      expect(element.attribs.rel, why).toBe(LINK_REL);
      expect(element.attribs.target, why).toBeUndefined();
      const href = element.attribs.href;
      if (href !== undefined) {
        expect(['http:', 'https:', 'mailto:'], why).toContain(new URL(href, 'https://scholia.test/base/').protocol);
        expect(squeezedUrl(href), why).not.toMatch(/^[\\/]{2}/);
      }
    }
  }
  // Belt and braces, on the serialised output itself: no dangerous element anywhere, and no handler or script URL
  // inside any tag. (Text such as `onerror=` shown as escaped text between tags is harmless and allowed.)
  expect(html, why).not.toMatch(
    /<\/?\s*(?:script|style|iframe|frame|object|embed|applet|svg|math|img|image|video|audio|source|form|input|button|select|textarea|meta|link|base|template|noscript|xmp|isindex|details|body|html)\b/i,
  );
  for (const tag of html.match(/<[^>]*>/g) ?? []) {
    expect(tag, why).not.toMatch(/[\s/"']on[a-z]+\s*=/i);
    expect(tag, why).not.toMatch(/style\s*=/i);
    expect(squeezedUrl(tag), why).not.toMatch(/(?:javascript|vbscript|data):/);
    expect(tag, why).not.toMatch(/&#|&[a-z]+;.*:/i); // no entity-obfuscated attribute left in a tag
  }
}

describe('renderMarkdown against the XSS corpus', () => {
  it('has a corpus of at least 40 distinct payloads', () => {
    expect(new Set(xssPayloads).size).toBe(xssPayloads.length);
    expect(xssPayloads.length).toBeGreaterThanOrEqual(40);
  });

  it.each(xssPayloads.map((p, i) => [i, p] as const))('neutralises payload %i: %s', (_i, payload) => {
    const html = renderMarkdown(payload);
    expectSafe(html, payload);
    // Rendering is stable: re-sanitising our own output through the renderer's rules changes nothing dangerous.
    expectSafe(renderMarkdown(html), html);
  });

  it('neutralises random combinations of dangerous fragments', () => {
    const fragment = fc.constantFrom(
      '<',
      '>',
      '</',
      '/>',
      ' ',
      '\t',
      '\n',
      '\n\n',
      '"',
      "'",
      '`',
      '=',
      '/',
      '[',
      ']',
      '(',
      ')',
      '!',
      '&',
      ';',
      ':',
      '#',
      'script',
      'img',
      'svg',
      'iframe',
      'a',
      'href',
      'src',
      'onerror',
      'onload',
      'style',
      'javascript',
      'JaVaScRiPt',
      'vbscript',
      'data',
      'alert(1)',
      '&#x09;',
      '&#106;',
      '&colon;',
      '&#58;',
      '\u0000',
      '\u200B',
      '<script>',
      '<a href="',
      '[x](',
      '![x](',
      '<svg onload=',
      '<img src=x onerror=',
      'javascript:alert(1)',
      'data:text/html,',
      '> ',
      '- ',
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (parts) => {
        const md = parts.join('');
        expectSafe(renderMarkdown(md), md);
      }),
      { numRuns: 600 },
    );
  });

  it('neutralises the payloads inside surrounding Markdown too', () => {
    for (const payload of xssPayloads) {
      const md = `Intro **bold** [ok](https://example.org)\n\n> ${payload}\n\n- item ${payload}\n\n${payload} tail`;
      expectSafe(renderMarkdown(md), md);
    }
  });
});

describe('renderMarkdown output', () => {
  const cases: Array<[string, string]> = [
    ['**bold** _em_ ~~del~~ `code`', '<p><strong>bold</strong> <em>em</em> <del>del</del> <code>code</code></p>'],
    [
      '[Scholia](https://example.org "The site")',
      `<p><a href="https://example.org" title="The site" rel="${LINK_REL}">Scholia</a></p>`,
    ],
    ['<mailto:a@b.org>', `<p><a href="mailto:a@b.org" rel="${LINK_REL}">mailto:a@b.org</a></p>`],
    [
      '[note](#annotation-1) [g](/groups/x)',
      `<p><a href="#annotation-1" rel="${LINK_REL}">note</a> <a href="/groups/x" rel="${LINK_REL}">g</a></p>`,
    ],
    [
      'see https://example.org/x?y=1&z=2.',
      `<p>see <a href="https://example.org/x?y=1&amp;z=2" rel="${LINK_REL}">https://example.org/x?y=1&amp;z=2</a>.</p>`,
    ],
    ['# Big\n## Mid\n#### Small', '<h3>Big</h3>\n<h3>Mid</h3>\n<h4>Small</h4>'],
    ['![alt text](https://example.org/y.png)', '<p>alt text</p>'],
    ['a\nb', '<p>a<br />b</p>'],
    ['- a\n- b\n\n3. c', '<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start="3">\n<li>c</li>\n</ol>'],
    ['- [x] done\n- [ ] todo', '<ul>\n<li>☑ done</li>\n<li>☐ todo</li>\n</ul>'],
    ['> quoted', '<blockquote>\n<p>quoted</p>\n</blockquote>'],
    ['```js\nx < 1\n```', '<pre><code class="language-js">x &lt; 1\n</code></pre>'],
    ['---', '<hr />'],
    ['a < b & c > d', '<p>a &lt; b &amp; c &gt; d</p>'],
    [
      '<b>x</b> <i>y</i> <s>z</s> <strong class="k" style="color:red" id="i">w</strong>',
      '<p><strong>x</strong> <em>y</em> <del>z</del> <strong>w</strong></p>',
    ],
    [
      '<a href="https://x.org" target="_blank" rel="opener">t</a>',
      `<p><a href="https://x.org" rel="${LINK_REL}">t</a></p>`,
    ],
    ['Hi @alice', '<p>Hi @alice</p>'],
    ['', ''],
  ];

  it.each(cases)('renders %j', (md, html) => {
    expect(renderMarkdown(md)).toBe(html);
  });

  it('renders GFM tables with alignment only', () => {
    const html = renderMarkdown('| a | b |\n|:-:|--:|\n| 1 | 2 |');
    expect(html).toContain('<th align="center">a</th>');
    expect(html).toContain('<td align="right">2</td>');
  });

  it('keeps the text of removed tags (except script-like content)', () => {
    expect(renderMarkdown('<div>kept <span>text</span></div>')).toBe('kept text');
    expect(renderMarkdown('before <script>gone()</script> after')).toBe('<p>before  after</p>');
  });
});

describe('renderMarkdown on pathological input', () => {
  it('never throws and stays fast', () => {
    const cases = [
      '*_a'.repeat(20_000),
      '> '.repeat(10_000) + 'deep <script>alert(1)</script>',
      Array.from({ length: 300 }, (_, i) => `${' '.repeat(i * 2)}- item`).join('\n'),
      `a${' '.repeat(500_000)}b`,
      '<!--'.repeat(50_000),
      'x'.repeat(300_000), // over MAX_RENDER_LENGTH: shown as plain text
    ];
    for (const md of cases) {
      const started = performance.now();
      const html = renderMarkdown(md);
      expect(performance.now() - started).toBeLessThan(10_000); // typically well under 1 s
      expectSafe(html, md.slice(0, 40));
    }
  });

  it('shows input too deeply nested for Markdown as escaped plain text', () => {
    expect(renderMarkdown(`${'>'.repeat(100)} <b>hi</b> & bye\n\nnext`)).toBe(
      `<p>${'&gt;'.repeat(100)} &lt;b&gt;hi&lt;/b&gt; &amp; bye</p>\n<p>next</p>`,
    );
  });
});

describe('isSafeHref', () => {
  it.each([
    'https://example.org',
    'http://example.org/a?b#c',
    'mailto:someone@example.org',
    '/groups/x',
    '#annotation-1',
    'relative/path',
    '?q=1',
  ])('allows %s', (href) => expect(isSafeHref(href)).toBe(true));

  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'java\u0000script:alert(1)',
    'java\u200Bscript:alert(1)',
    '\u0001javascript:alert(1)',
    'vbscript:x',
    'data:text/html,x',
    'file:///etc/passwd',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'ftp://example.org',
    '',
  ])('refuses %j', (href) => expect(isSafeHref(href)).toBe(false));
});
