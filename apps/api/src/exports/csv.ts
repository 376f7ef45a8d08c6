/** A cell: text is quoted as needed and guarded against formula injection; numbers are written as they are. */
export type CsvCell = string | number | null | undefined;

/** The media type of our CSV answers (RFC 4180, with a header row). */
export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8; header=present';

// Spreadsheets run a cell that starts with one of these as a formula (CSV injection); tab and carriage return too.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as RFC 4180 writes it; text that a spreadsheet would take for a formula gets a leading `'`. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: a header row, then one line per row, CRLF-separated as RFC 4180 says. */
export function toCsv(header: readonly string[], rows: readonly CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A `Content-Disposition` for downloading `name` (ASCII fallback plus the RFC 5987 UTF-8 form). */
export function attachment(name: string): string {
  const ascii =
    name
      .normalize('NFKD')
      .replace(/[^\x20-\x7e]/g, '')
      .replace(/["\\]/g, '')
      .replace(/\s+/g, ' ')
      .trim() || 'export';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** A file-name-safe slug of a title. */
export function fileSlug(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'document'
  );
}
