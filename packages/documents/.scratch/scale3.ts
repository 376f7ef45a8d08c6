import { lexMarkdown } from '../src/markdown-lexer.js';
import { parseDocument, renderMarkdown } from '../src/index.js';
for (const unit of ['*_a', '**a*', '*a', 'a_', '~a']) {
  const row: string[] = [];
  for (const n of [5_000, 50_000, 200_000, 2_000_000]) {
    const src = unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
    let t = performance.now();
    lexMarkdown(src);
    row.push(`${n / 1000}k:${(performance.now() - t).toFixed(0)}`);
  }
  console.log(unit.padEnd(6), row.join('  '));
}
// legit emphasis-heavy 2 MB doc: does emphasis survive to the end?
const para = 'Some *emphasised* and **strong** words with _under_ and snake_case_words, 5 * 3 = 15, `code` [link](http://x.y) here. ';
const doc = (para.repeat(15) + '\n\n').repeat(1000);
let t = performance.now();
const d = parseDocument({ format: 'markdown', content: doc });
console.log('legit 2MB md', (performance.now() - t).toFixed(0), 'ms', 'last block has *:', d.text.slice(-3000).includes('*emphasised*'), d.text.length);
t = performance.now();
const note = 'A note with *emphasis*, **strong**, a [link](https://x.org) and @mention. '.repeat(130);
for (let i = 0; i < 100; i++) renderMarkdown(note);
console.log('render 10KB note x100', (performance.now() - t).toFixed(0), 'ms');
t = performance.now();
renderMarkdown('*_a'.repeat(66000));
console.log('render 200KB adversarial', (performance.now() - t).toFixed(0), 'ms');
