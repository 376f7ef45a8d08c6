import pg from 'pg';
import { inject } from 'vitest';

let pool: pg.Pool | undefined;

/** Direct SQL on the run's database, for checking what the API stored (or did not). */
export async function sql<T extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  pool ??= new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 });
  return (await pool.query<T>(text, params)).rows;
}

export async function count(table: string, where = 'true', params: unknown[] = []): Promise<number> {
  const rows = await sql<{ n: string }>(`SELECT count(*)::text AS n FROM ${table} WHERE ${where}`, params);
  return Number(rows[0]?.n ?? 0);
}

export async function closeDb(): Promise<void> {
  await pool?.end();
  pool = undefined;
}
