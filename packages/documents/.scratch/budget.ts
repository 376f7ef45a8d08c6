import { Lexer, Parser } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { lexMarkdown } from '../src/markdown-lexer.js';
import { renderMarkdown } from '../src/index.js';
const para = 'Some *emphasised* and **strong** words with _under_ and snake_case_words, 5 * 3 = 15, `code` [link](http://x.y) here. ';
const doc = (para.repeat(15) + '\n\n').repeat(1000);
// monkeypatch to read budget
const orig = (Object.getPrototypeOf as any);
let t = performance.now();
const toks: any = lexMarkdown(doc);
console.log('lex 2MB', (performance.now() - t).toFixed(0));
t = performance.now(); new Lexer({ gfm: true }).lex(doc); console.log('plain marked lex 2MB', (performance.now() - t).toFixed(0));
const note = 'A note with *emphasis*, **strong**, a [link](https://x.org) and @mention. '.repeat(130);
t = performance.now(); for (let i = 0; i < 100; i++) lexMarkdown(note, { breaks: true }); console.log('lex note x100', (performance.now() - t).toFixed(0));
t = performance.now(); for (let i = 0; i < 100; i++) new Lexer({ gfm: true, breaks: true }).lex(note); console.log('plain lex note x100', (performance.now() - t).toFixed(0));
const html = Parser.parse(lexMarkdown(note, { breaks: true }));
t = performance.now(); for (let i = 0; i < 100; i++) Parser.parse(lexMarkdown(note, { breaks: true })); console.log('lex+parse note x100', (performance.now() - t).toFixed(0));
t = performance.now(); for (let i = 0; i < 100; i++) sanitizeHtml(html, { allowedTags: ['p','a','strong','em'], allowedAttributes: { a: ['href'] } }); console.log('sanitize x100', (performance.now() - t).toFixed(0));
t = performance.now(); for (let i = 0; i < 100; i++) renderMarkdown(note); console.log('render x100', (performance.now() - t).toFixed(0));
