import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);
import fc from 'fast-check';
import { Lexer, Parser } from 'marked';
import { lexMarkdown } from '../src/markdown-lexer.js';
const piece = fc.constantFrom(
  'word', 'Word', ' ', ' ', ' ', '  ', '\n', '\n\n', '*', '**', '_', '__', '~', '~~', '`', '``', '[', ']', '(', ')', '!',
  '<', '>', '/', '-', '#', '@', '.', ':', '&amp;', '&#', '\\', 'http://x.org', 'www.y.org', 'a@b.co', 'mailto:',
  '<!--', '-->', '<?', '?>', '<b>', '</b>', '<a href="x">', 'é', '😀', 'x'.repeat(130), 'y '.repeat(70), 'z'.repeat(300),
  '> ', '- ', '1. ', '    ', '|', '---', '===', 'ftp://q.r', 'xmpp:', '$', '%', '+', '=', '{', '}', '"', "'", '\t',
  '[x]: http://x\n', '[x]', '![', '](', 'https://', '@b.co', 'foo_bar', '~~~', '```\n',
);
let n = 0; let dev = 0;
fc.assert(
  fc.property(fc.array(piece, { maxLength: 200 }), fc.boolean(), (pieces, breaks) => {
    const src = pieces.join('');
    const o = { gfm: true, breaks };
    let a = '', b = '';
    try { a = Parser.parse(new Lexer(o).lex(src), o); } catch (e) { a = 'ERR'; }
    try { b = Parser.parse(lexMarkdown(src, o), o); } catch (e) { b = 'ERR ' + (e as Error).name; }
    n++;
    if (a === b || b.startsWith('ERR MarkdownTooComplex')) return true;
    const longRunWithAt = /\S{257,}/.test(src) && /\S*@/.test(src);
    const hrefs = (h: string) => [...h.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    const strip = (h: string) => h.replace(/<a href="mailto:[^"]*">([^<]*)<\/a>/g, '$1');
    const ok = longRunWithAt && hrefs(b).every((x) => hrefs(a).includes(x)) && strip(a) === strip(b);
    if (!ok) require('fs').writeFileSync('/tmp/fz.json', JSON.stringify({src, a, b, breaks}));
    else dev++;
    return ok;
  }),
  { numRuns: 20000, seed: 42 },
);
console.log('ok', n, 'documented deviations', dev);
