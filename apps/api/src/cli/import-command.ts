import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sliceByCodePoints } from '@scholia/anchoring';
import { DocumentParseError, parseDocument, type ParsedDocument } from '@scholia/documents';
import { ImportDocumentBody } from '@scholia/shared';

/** A failure to report on stderr with this exit code: 1 for bad input or state, 2 for wrong usage. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const IMPORT_USAGE = `Usage: scholia import FILE --group SLUG [--title TITLE] [--author AUTHOR] [--source SOURCE] [--format text|markdown]

Imports a plain text or Markdown file as a new document of the group, as the group's owner.
  --group, -g   the group's slug (as in /groups/SLUG)
  --title       default: the document's opening heading, else the file name
  --author      the text's author
  --source      where the text comes from (a citation or URL)
  --format      default: markdown for .md/.markdown files, text otherwise

The database is DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (as for \`pnpm start\`).`;

export interface ImportOptions {
  file: string;
  group: string;
  title?: string;
  author?: string;
  source?: string;
  format?: 'text' | 'markdown';
}

export function parseImportArgs(argv: string[]): ImportOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        group: { type: 'string', short: 'g' },
        title: { type: 'string' },
        author: { type: 'string' },
        source: { type: 'string' },
        format: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${IMPORT_USAGE}`, 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    throw new CliError(
      `${positionals.length === 0 ? 'Name the file to import.' : 'Import one file at a time.'}\n\n${IMPORT_USAGE}`,
      2,
    );
  }
  if (!values.group) throw new CliError(`Name the group with --group SLUG.\n\n${IMPORT_USAGE}`, 2);
  if (values.format !== undefined && values.format !== 'text' && values.format !== 'markdown') {
    throw new CliError(`--format must be "text" or "markdown", not "${values.format}".`, 2);
  }
  return {
    file: positionals[0] as string,
    group: values.group,
    ...(values.title !== undefined ? { title: values.title } : {}),
    ...(values.author !== undefined ? { author: values.author } : {}),
    ...(values.source !== undefined ? { source: values.source } : {}),
    ...(values.format !== undefined ? { format: values.format } : {}),
  };
}

export const formatFor = (file: string): 'text' | 'markdown' => (/\.(md|markdown)$/i.test(file) ? 'markdown' : 'text');

const TITLE_MAX = 300;

/** The document's opening heading (or, in Markdown, its first top-level one); else the file's name. */
export function titleFor(doc: ParsedDocument, file: string): string {
  const first = doc.blocks[0];
  const heading = first?.kind === 'heading' ? first : doc.blocks.find((b) => b.kind === 'heading' && b.level === 1);
  const fromHeading = heading
    ? sliceByCodePoints(doc.text, heading.start, heading.end).replace(/\s+/g, ' ').trim()
    : '';
  const title = fromHeading || path.basename(file).replace(/\.[^.]+$/, '') || path.basename(file);
  return [...title].slice(0, TITLE_MAX).join('').trim();
}

/** Reads and checks the file: the request body the API would get, or a CliError saying what is wrong. */
export async function readImport(options: ImportOptions): Promise<ImportDocumentBody> {
  const file = path.resolve(options.file);
  let content: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`${options.file} is not a file.`);
    content = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`File not found: ${options.file}`);
    if (code === 'EACCES') throw new CliError(`Cannot read ${options.file}: permission denied.`);
    throw new CliError(`Cannot read ${options.file}: ${(error as Error).message}`);
  }
  const format = options.format ?? formatFor(file);
  let doc: ParsedDocument;
  try {
    doc = parseDocument({ format, content });
  } catch (error) {
    if (error instanceof DocumentParseError) throw new CliError(`Cannot import ${options.file}: ${error.message}`);
    throw error;
  }
  const body = ImportDocumentBody.safeParse({
    title: options.title ?? titleFor(doc, file),
    ...(options.author !== undefined ? { author: options.author } : {}),
    ...(options.source !== undefined ? { source: options.source } : {}),
    format,
    content,
  });
  if (!body.success) {
    const lines = body.error.issues.map((i) => `  ${i.path.join('.') || 'input'}: ${i.message}`);
    throw new CliError(`Cannot import ${options.file}:\n${lines.join('\n')}`);
  }
  return body.data;
}
