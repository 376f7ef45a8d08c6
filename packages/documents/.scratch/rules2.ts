import { Lexer } from 'marked';
const r = Lexer.rules.inline.gfm as any;
console.log(r.emStrongLDelim.source, r.emStrongLDelim.flags);
console.log(r.delLDelim.source, r.delLDelim.flags);
