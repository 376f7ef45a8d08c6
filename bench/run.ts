import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface BenchRow {
  benchmark: string;
  metric: string;
  scholia: string;
  baseline: string;
  target: string;
  pass: boolean;
}

/** Runs every bench/*.bench.ts (or those named on the command line) and prints one Markdown table. */
async function main(): Promise<void> {
  const dir = path.dirname(new URL(import.meta.url).pathname);
  const only = process.argv.slice(2);
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.bench.ts') && (only.length === 0 || only.some((o) => f.includes(o))))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of files) {
    process.stderr.write(`running ${file}…\n`);
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {
      default: () => BenchRow[] | Promise<BenchRow[]>;
    };
    rows.push(...(await mod.default()));
  }
  const header = ['benchmark', 'metric', 'Scholia', 'baseline (same run)', 'target', 'met'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (r) => `| ${[r.benchmark, r.metric, r.scholia, r.baseline, r.target, r.pass ? 'yes' : 'NO'].join(' | ')} |`,
    ),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  process.exit(0);
}

await main();
