import { parseDocument, sliceCodePoints } from '../src/index.js';
const md = `Title
=====

## Sub *em* [12]

Para with **bold**, [link](http://x.com), \`code [3]\`, AT&amp;T &copy; \\* and ![alt *x*](i.png).
Soft line.  
Hard line <span>inline</span> https://auto.com

> quote [4]
>
> > nested

- item 1
- item **2**
  - sub
- [ ] task

1. one
2. two

| a | b |
|---|---|
| 1 | 2 |

<div>
html <b>block</b> &amp;
</div>

[ref]: http://x.com

---

\`\`\`js
code   

x
\`\`\`
`;
const d = parseDocument({ format: 'markdown', content: md });
console.log(JSON.stringify(d.text));
for (const b of d.blocks) console.log(b.kind, b.level ?? '', JSON.stringify(sliceCodePoints(d.text, b.start, b.end)), JSON.stringify(b.footnotes));
