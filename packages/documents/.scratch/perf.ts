import { parseDocument, renderMarkdown, extractMentions } from '../src/index.js';
const cases: Record<string, string> = {
  brackets: '['.repeat(200000),
  stars: '*a'.repeat(100000),
  lt: '<'.repeat(200000),
  nestedQuote: '> '.repeat(5000) + 'deep',
  nestedList: Array.from({ length: 3000 }, (_, i) => ' '.repeat(i * 2) + '- x').join('\n'),
  backticks: '`'.repeat(100000) + 'x',
  emphasisMix: '*_'.repeat(50000),
  links: '[a](b '.repeat(30000),
  ats: '@a'.repeat(100000),
  entities: '&amp;'.repeat(100000),
  htmlTags: '<span>'.repeat(50000),
  footnotes: '[1]'.repeat(300000),
  longLine: 'word '.repeat(400000),
  mixed2MB: '*_a'.repeat(650000),
  mixedNote: '*_a'.repeat(1700),
  quoteList: '> - '.repeat(100000) + 'x',
  deepList1000: Array.from({ length: 1000 }, (_, i) => ' '.repeat(i * 2) + '- x').join('\n'),
  emphasisEssay: ('Some *emphasised* and **strong** words with _under_ and `code` [link](http://x.y) here. '.repeat(20) + '\n\n').repeat(1000),
};
for (const [name, src] of Object.entries(cases)) {
  for (const fn of ['text', 'markdown', 'render', 'mentions'] as const) {
    const t = performance.now();
    let r = '';
    try {
      if (fn === 'text' || fn === 'markdown') r = String(parseDocument({ format: fn, content: src }).blocks.length);
      else if (fn === 'render') r = String(renderMarkdown(src).length);
      else r = String(extractMentions(src).length);
    } catch (e) { r = 'ERR ' + (e as Error).name + ': ' + (e as Error).message.slice(0, 80); }
    console.log(name.padEnd(12), fn.padEnd(9), (performance.now() - t).toFixed(0).padStart(6) + 'ms', r);
  }
}
