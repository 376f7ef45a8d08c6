import { lexMarkdown } from '../src/markdown-lexer.js';
const t = lexMarkdown(`${'x'.repeat(300)}@example.org`) as any;
console.log(JSON.stringify(t[0].tokens.map((x: any) => [x.type, x.raw.length])));
