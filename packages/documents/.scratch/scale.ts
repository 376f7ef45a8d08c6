import { Lexer } from 'marked';
const pats: Record<string, (n: number) => string> = {
  stars: (n) => '*a'.repeat(n / 2),
  under: (n) => '_a'.repeat(n / 2),
  mixed: (n) => '*_a'.repeat(n / 3),
  tilde: (n) => '~a'.repeat(n / 2),
  links: (n) => '[a](b '.repeat(n / 6),
  brackets: (n) => '[a'.repeat(n / 2),
  backticks: (n) => '`a'.repeat(n / 2),
  lt: (n) => '<a'.repeat(n / 2),
  bang: (n) => '![a'.repeat(n / 3),
  emstrong: (n) => '**a*'.repeat(n / 4),
};
for (const [name, f] of Object.entries(pats)) {
  const row: string[] = [];
  for (const n of [5000, 10000, 20000, 40000]) {
    const t = performance.now();
    new Lexer({ gfm: true }).lex(f(n));
    row.push(`${n}:${(performance.now() - t).toFixed(0)}ms`);
  }
  console.log(name.padEnd(10), row.join('  '));
}
