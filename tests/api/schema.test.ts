import { afterAll, expect, it } from 'vitest';
import { closeDb, sql } from '../support/db.js';

afterAll(closeDb);

// Without an index, deleting a user or an annotation scans every referencing table, and "votes on this reply"
// style lookups scan the whole table: a seminar's data grows without anyone noticing until a delete times out.
it('indexes every foreign key column (as the leading column of some index)', async () => {
  const unindexed = await sql<{ fk: string }>(`
    SELECT c.conrelid::regclass || '.' || a.attname AS fk
    FROM pg_constraint c
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND i.indkey[0] = c.conkey[1])
    ORDER BY 1`);
  expect(unindexed.map((r) => r.fk)).toEqual([]);
  // The check itself sees the schema's foreign keys.
  const [row] = await sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace`,
  );
  expect(row?.n).toBeGreaterThan(20);
});
