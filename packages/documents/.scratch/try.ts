import { readFileSync } from 'node:fs';
import { parseDocument, sliceCodePoints, renderMarkdown, xssPayloads, extractMentions } from '../src/index.js';
const essay = readFileSync('/work/shared/article-bolivian-revolution.txt', 'utf8');
const d = parseDocument({ format: 'text', content: essay });
for (const b of d.blocks) {
  const t = sliceCodePoints(d.text, b.start, b.end);
  if (b.kind !== 'paragraph') console.log(b.kind, b.level ?? '', JSON.stringify(t.slice(0, 70)));
}
console.log(d.blocks.length, d.blocks.reduce((n, b) => n + b.footnotes.length, 0));
for (const p of xssPayloads.slice(0, 200)) console.log(JSON.stringify(p).slice(0,60).padEnd(62), '=>', JSON.stringify(renderMarkdown(p)));
