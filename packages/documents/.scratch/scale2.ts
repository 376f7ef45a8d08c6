import { lexMarkdown } from '../src/markdown-lexer.js';
const pats: Record<string, string> = {
  stars: '*a', under: 'a_', mixed: '*_a', emstrong: '**a*', tilde: '~a', tilde2: '~~a', bang: 'a!', links: '[a](b ',
  brackets: '[a', imgs: '![a', backticks: '`a``', bt2: '``a`', lt: '<a', comment: '<!--', pi: '<?', cdata: '<![CDATA[',
  decl: '<!A ', attr: '<a x="', entity: '&#', backslash: '\\a', http: 'http://', www: 'www.', at: 'a@', ltat: '<a@',
  mailto: 'mailto:', ltcolon: '<a:', dollar: '$a', pipe: '|a', amp: '&a', ast_sp: '* a', underscore_word: 'foo_bar ',
  words: 'lorem ipsum ', brlines: 'a  \n', lines: 'a\n', list: '- a\n', quote: '> a\n', def: '[a]: b\n', table: '| a |\n',
  div: '<div>\n', setext: 'a\n=\n', code: '    code\n', ol: '1. a\n', blank: '\n', fence: '```\n', hr: '***\n',
  nestedEm: '*a _b ', refdef: '[x][y] ',
};
const results: string[] = [];
for (const [name, unit] of Object.entries(pats)) {
  const row: string[] = [];
  for (const n of [50_000, 200_000, 800_000]) {
    const src = unit.repeat(Math.ceil(n / unit.length));
    const t = performance.now();
    try { lexMarkdown(src); } catch (e) { row.push('ERR ' + (e as Error).name); }
    row.push(`${n / 1000}k:${(performance.now() - t).toFixed(0)}`);
    if (performance.now() - t > 10000) break;
  }
  console.log(name.padEnd(16), row.join('  '));
}
