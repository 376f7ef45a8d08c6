// The driver adapter the wasm schema engine talks to: @prisma/adapter-pg with three repairs for migration work.
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { ColumnTypeEnum, DriverAdapterError } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { withMaintenanceClient } from './connection.mjs';

const CHAR_OID = 18;
const TEXT_OID = 25;

function relabelCharColumns(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const field of r?.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) {
        field.dataTypeID = TEXT_OID;
        field.wasChar = true;
      }
    }
  }
  return result;
}

/**
 * The engine's catalog queries return `"char"` columns (relkind, contype, ...), which adapter-pg refuses to map, and
 * which the engine reads as `Character`. Here they are labelled `text` so that adapter-pg accepts them (the text form
 * is the character itself), and `withCharColumns` below restores their column type.
 */
class CharAsTextClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === 'function') {
      callback = values;
      values = undefined;
    }
    if (typeof callback === 'function') {
      return super.query(config, values, (err, res) => callback(err, err ? res : relabelCharColumns(res)));
    }
    if (config && typeof config.submit === 'function') return super.query(config, values);
    return super.query(config, values).then(relabelCharColumns);
  }
}

function withCharColumns(queryable) {
  const { queryRaw, performIO } = queryable;
  queryable.queryRaw = async function (query) {
    let charColumns = [];
    // A per-call view, so that concurrent queries on one adapter do not share the captured columns.
    const view = Object.create(this);
    view.performIO = async (q) => {
      const result = await performIO.call(this, q);
      charColumns = result.fields.flatMap((field, i) => (field.wasChar ? [i] : []));
      return result;
    };
    const result = await queryRaw.call(view, query);
    for (const i of charColumns) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

/**
 * adapter-pg splits scripts on every `;`, which breaks on semicolons inside strings and bodies and runs each piece in
 * its own transaction. The native engine sends a migration as one simple-protocol query, which PostgreSQL runs as a
 * single implicit transaction, so that is what this does.
 */
function sendScriptsWhole(adapter, pool) {
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      // Adds where in the script it failed; the engine shows this message for the errors it has no category for.
      if (typeof error?.code === 'string' && typeof error?.severity === 'string') {
        throw new DriverAdapterError({
          kind: 'postgres',
          code: error.code,
          severity: error.severity,
          message: describeScriptError(error, script),
          detail: error.detail,
          column: error.column,
          hint: error.hint,
        });
      }
      adapter.onError(error);
    }
  };
  return adapter;
}

function describeScriptError(error, script) {
  const position = Number(error.position);
  if (!Number.isInteger(position) || position < 1) return error.message;
  const before = [...script].slice(0, position - 1).join('');
  const line = before.split('\n').length;
  const text = script.split('\n')[line - 1] ?? '';
  return `${error.message}\n\nPosition:\n[${line}] ${text}`;
}

async function connectPool(config, schema) {
  const pool = new pg.Pool({ ...config, Client: CharAsTextClient, max: 4 });
  pool.on('error', () => {});
  const adapter = await new PrismaPg(pool, { schema, disposeExternalPool: true }).connect();
  const startTransaction = adapter.startTransaction;
  adapter.startTransaction = async function (...args) {
    return withCharColumns(await startTransaction.apply(this, args));
  };
  return sendScriptsWhole(withCharColumns(adapter), pool);
}

/**
 * A SqlMigrationAwareDriverAdapterFactory. The shadow database is either the configured one or a scratch database on
 * the main server, opened by fields (a connection string would override its name) and dropped only after its pool is
 * closed (PostgreSQL refuses to drop a database with open connections).
 */
export class MigrationPgAdapterFactory {
  provider = 'postgres';
  adapterName = '@prisma/adapter-pg';

  /** Scratch shadow databases not yet dropped, by name, with the function that drops them. */
  #scratch = new Map();

  /**
   * @param {{ config: import('pg').ClientConfig, schema?: string }} main
   * @param {{ config: import('pg').ClientConfig, schema?: string } | undefined} shadow
   */
  constructor(main, shadow) {
    this.main = main;
    this.shadow = shadow;
  }

  connect() {
    return connectPool(this.main.config, this.main.schema);
  }

  async connectToShadowDb() {
    if (this.shadow) return connectPool(this.shadow.config, this.shadow.schema);
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await withMaintenanceClient(this.main.config, (client) =>
      client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`),
    );
    let disposePool;
    let dropping;
    const release = () =>
      (dropping ??= (async () => {
        try {
          await disposePool?.();
        } finally {
          await withMaintenanceClient(this.main.config, (client) =>
            client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(database)}`),
          );
          this.#scratch.delete(database);
        }
      })());
    this.#scratch.set(database, release);
    let adapter;
    try {
      adapter = await connectPool({ ...this.main.config, database }, this.main.schema);
    } catch (error) {
      await release().catch(() => {});
      throw error;
    }
    disposePool = adapter.dispose.bind(adapter);
    adapter.dispose = release;
    return adapter;
  }

  /**
   * Drops the scratch shadow databases still around: the engine does not always wait for (or ask for) their disposal
   * before it answers, and the CLI terminates this process right after the answer.
   */
  async releaseAll() {
    await Promise.allSettled([...this.#scratch.values()].map((release) => release()));
  }
}
