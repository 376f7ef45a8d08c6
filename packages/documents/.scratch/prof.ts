import { lexMarkdown } from '../src/markdown-lexer.js';
const src = '*_a'.repeat(1700);
lexMarkdown(src);
const t = performance.now();
for (let i = 0; i < 5; i++) lexMarkdown(src);
console.log('ms per', (performance.now() - t) / 5);
