// Turns a Prisma-style PostgreSQL URL into node-postgres fields, and the few server-level operations the stand-in
// engine performs itself (the wasm engine has no create-database or can-connect entry points).
import pg from 'pg';

/**
 * Separate fields rather than a connection string: pg lets `connectionString` override `database`, which would point
 * every "other database" connection (shadow, maintenance) back at the main one.
 * @param {string} url
 */
export function parsePostgresUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('The datasource URL is not a valid URL.');
  }
  if (parsed.protocol !== 'postgresql:' && parsed.protocol !== 'postgres:') {
    throw new Error(`Only PostgreSQL URLs are supported by this schema engine (got "${parsed.protocol}").`);
  }
  const params = parsed.searchParams;
  /** @type {import('pg').ClientConfig} */
  const config = {
    host: params.get('host') ?? (decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')) || 'localhost'),
    port: parsed.port ? Number(parsed.port) : Number(params.get('port') ?? 5432),
    user: decodeURIComponent(parsed.username) || params.get('user') || process.env.PGUSER || 'postgres',
    password: parsed.password ? decodeURIComponent(parsed.password) : (params.get('password') ?? undefined),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
    application_name: params.get('application_name') ?? 'prisma-schema-engine-wasm',
    // Prisma's `connect_timeout` (seconds, default 5, 0 for none); pg would otherwise wait as long as TCP does.
    connectionTimeoutMillis: Number(params.get('connect_timeout') ?? 5) * 1000,
  };
  const sslmode = params.get('sslmode');
  if (sslmode === 'require' || sslmode === 'no-verify' || params.get('sslaccept') === 'accept_invalid_certs') {
    config.ssl = { rejectUnauthorized: false };
  } else if (sslmode === 'verify-ca' || sslmode === 'verify-full') {
    config.ssl = true;
  }
  const schema = params.get('schema') ?? undefined;
  if (schema !== undefined && /^[A-Za-z_][A-Za-z0-9_$]*$/.test(schema)) {
    config.options = `-c search_path=${schema}`;
  }
  return { config, schema };
}

/** @param {import('pg').ClientConfig} config */
export async function withClient(config, fn) {
  const client = new pg.Client(config);
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The server-level database to connect to when the target database is to be created or dropped.
 * @param {import('pg').ClientConfig} config
 */
export async function withMaintenanceClient(config, fn) {
  let lastError;
  for (const database of ['postgres', 'template1']) {
    if (database === config.database) continue;
    let connected = false;
    try {
      return await withClient({ ...config, database }, (client) => {
        connected = true;
        return fn(client);
      });
    } catch (error) {
      if (connected) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

/**
 * Errors in the shape the Prisma CLI looks for in the engine's stderr log (P1xxx are the connection errors).
 * @param {any} error
 * @param {import('pg').ClientConfig} config
 */
export function connectionErrorToPrisma(error, config) {
  const where = `${config.host}:${config.port}`;
  switch (error?.code) {
    case '3D000':
      return {
        error_code: 'P1003',
        message: `Database \`${config.database}\` does not exist on the database server at \`${where}\`.`,
      };
    case '28P01':
    case '28000':
      return {
        error_code: 'P1000',
        message: `Authentication failed against database server at \`${where}\`, the provided database credentials for \`${config.user}\` are not valid.`,
      };
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return { error_code: 'P1001', message: `Can't reach database server at \`${where}\`` };
    default:
      return { error_code: undefined, message: String(error?.message ?? error) };
  }
}

/** @param {import('pg').ClientConfig} config */
export async function createDatabase(config) {
  await withMaintenanceClient(config, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(String(config.database))}`);
    } catch (error) {
      if (/** @type {any} */ (error).code !== '42P04') throw error;
    }
  });
  return String(config.database);
}
