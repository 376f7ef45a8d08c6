import { Lexer, marked, Marked } from 'marked';
const src = `# Head *em* 1
Setext
======

Para with **bold** and [link](http://x.com "t") and \`code <b>\` and AT&amp;T &copy; \\* esc
second line  
hard break [12] ![alt *x*](i.png) <span>inline</span> https://auto.com <http://a.b> x@y.com

> quote
> > nested

- item 1
- item **2**
  - sub

1. loose

2. loose b

- [ ] task

| a | b |
|---|---|
| 1 | 2 |

<div>
html <b>block</b>
</div>

[ref]: http://x.com

---
\`\`\`js
code

x
\`\`\`
`;
console.log(JSON.stringify(Lexer.lex(src, {gfm:true}), (k,v)=> k==='raw'?undefined:v, 1));
