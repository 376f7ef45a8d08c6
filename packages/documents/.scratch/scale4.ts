import { parseDocument, renderMarkdown } from '../src/index.js';
import { lexMarkdown } from '../src/markdown-lexer.js';
for (const unit of ['*_a', '**a*', '*a', 'a_', '~a', '_a_ ']) {
  const row: string[] = [];
  for (const n of [5_000, 50_000, 2_000_000]) {
    const src = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
    const t = performance.now();
    lexMarkdown(src);
    row.push(`${n / 1000}k:${(performance.now() - t).toFixed(0)}`);
  }
  console.log(unit.padEnd(6), row.join('  '));
}
const para = 'Some *emphasised* and **strong** words with _under_ and snake_case_words, 5 * 3 = 15, ~~gone~~ `code` [link](http://x.y) here. ';
const doc = (para.repeat(15) + '\n\n').repeat(1000);
const t = performance.now();
const d = parseDocument({ format: 'markdown', content: doc });
console.log('legit 2MB md', (performance.now() - t).toFixed(0), 'ms; literal * left at end:', d.text.slice(-3000).includes('*emphasised*'));
