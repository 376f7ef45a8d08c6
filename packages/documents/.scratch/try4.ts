import { renderMarkdown } from '../src/index.js';
console.log(JSON.stringify(renderMarkdown('- [x] done\n- [ ] todo\n\n1. [x] loose\n\n2. [ ] b')));
