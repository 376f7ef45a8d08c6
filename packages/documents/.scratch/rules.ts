import { Lexer } from 'marked';
const r = Lexer.rules.inline;
console.log('gfm.text', r.gfm.text.source);
console.log('breaks.text', r.breaks.text.source);
console.log('gfm.url', r.gfm.url.source);
console.log('gfm.autolink', r.gfm.autolink.source);
console.log('gfm.tag', r.gfm.tag.source.slice(0,300));
