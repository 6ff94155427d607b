/**
 * The Authentication Cloud's one SQL layer over two real databases:
 *
 *   - PGlite (`@electric-sql/pglite`): PostgreSQL compiled to WASM, embedded, no
 *     setup. A data directory (`--db ./ac-data`, or `pglite:./ac-data`) or memory
 *     (`memory:`, for tests and the simulator).
 *   - PostgreSQL through `pg` (`--db postgres://user@host:port/db`): production,
 *     and several AC instances sharing one database.
 *
 * Both speak the same dialect ($1 parameters, ON CONFLICT, data-modifying CTEs),
 * so the schema (ac-schema.ts) and every query are written once. Every method
 * either resolves or rejects with a `DbError`: the AC turns that into E_AC_DB
 * (503), never a crash.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import path from 'node:path';
import { migrate, MIGRATION_LOCK } from './ac-schema.ts';

export interface SqlResult<T> {
  rows: T[];
}

/** What a transaction body gets: queries on one connection inside BEGIN … COMMIT. */
export interface SqlTx {
  /**
   * `name`: a hot statement run per request — PostgreSQL prepares it once per
   * connection (skips parse and plan after the first run); PGlite ignores it.
   */
  query<T = any>(sql: string, params?: unknown[], name?: string): Promise<SqlResult<T>>;
}

export interface SqlDb extends SqlTx {
  /** 'pglite' or 'postgres' */
  readonly kind: string;
  /** Human description without secrets (data dir, or host/db without password). */
  readonly where: string;
  /** Runs `fn` in a transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Any failure of the database itself (down, closed, constraint we did not expect). */
export class DbError extends Error {
  readonly cause: unknown;
  constructor(message: string, cause?: unknown) {
    super(message);
    this.name = 'DbError';
    this.cause = cause;
  }
}

function wrapErr(where: string, e: unknown): DbError {
  if (e instanceof DbError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new DbError(`database (${where}): ${msg}`, e);
}

export interface OpenDbOptions {
  /**
   * PostgreSQL: tables live in this schema (created if missing; search_path set
   * on every connection), so test runs and benches on one server do not meet.
   */
  schema?: string;
  /** PostgreSQL: pool size per AC instance (default 8). */
  poolMax?: number;
  /** Apply migrations (default true). */
  migrate?: boolean;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Is this spec PostgreSQL (else PGlite)? */
export function isPostgresSpec(spec: string): boolean {
  return /^postgres(ql)?:\/\//.test(spec);
}

/**
 * The directory a PGlite spec names (`pglite:DIR` or `DIR`), or null for memory
 * and PostgreSQL. The database files live in DIR/pgdata, so DIR can also hold
 * the lock of the one process that may open them (command-cloud.ts).
 */
export function pgliteDir(spec: string): string | null {
  if (isPostgresSpec(spec) || spec === 'memory:' || spec === '') return null;
  return spec.startsWith('pglite:') ? spec.slice('pglite:'.length) : spec;
}

/**
 * Open a database by spec: `memory:` | `pglite:DIR` | a directory path |
 * `postgres://…` / `postgresql://…`. Migrations are applied before it returns.
 */
export async function openDb(spec: string, opts: OpenDbOptions = {}): Promise<SqlDb> {
  if (opts.schema !== undefined && !SCHEMA_RE.test(opts.schema)) throw new DbError(`bad schema name "${opts.schema}"`);
  let db: SqlDb;
  const dir = pgliteDir(spec);
  if (isPostgresSpec(spec)) db = await openPostgres(spec, opts);
  else if (dir === null) db = await openPglite(undefined);
  else db = await openPglite(path.join(dir, 'pgdata'));
  if (opts.migrate !== false) {
    try {
      await migrate(db);
    } catch (e) {
      await db.close().catch(() => undefined);
      throw wrapErr(db.where, e);
    }
  }
  return db;
}

export async function openPglite(dataDir: string | undefined): Promise<SqlDb> {
  const where = dataDir ? `pglite:${dataDir}` : 'pglite:memory';
  let pgl: PGlite;
  try {
    pgl = await PGlite.create(dataDir);
  } catch (e) {
    throw wrapErr(where, e);
  }
  const run = async <T>(q: { query: PGlite['query'] }, sql: string, params?: unknown[]) => {
    try {
      const r = await q.query<T>(sql, params as any[]);
      return { rows: r.rows };
    } catch (e) {
      throw wrapErr(where, e);
    }
  };
  return {
    kind: 'pglite',
    where,
    query: (sql, params) => run(pgl, sql, params),
    async transaction(fn) {
      // An error of the body (a refusal, or a DbError of one of its queries) is rolled
      // back and passed on as it is; anything else is the database's.
      let bodyErr: unknown = undefined;
      try {
        return await pgl.transaction(async (tx) => {
          try {
            return await fn({ query: (sql, params) => run(tx as any, sql, params) });
          } catch (e) {
            bodyErr = e;
            throw e;
          }
        });
      } catch (e) {
        if (e === bodyErr) throw e;
        throw wrapErr(where, e);
      }
    },
    async close() {
      if (!pgl.closed) await pgl.close();
    },
  };
}

function describePg(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'local socket';
    return `postgres://${u.username ? u.username + '@' : ''}${host}${u.port ? ':' + u.port : ''}${u.pathname}`;
  } catch {
    return 'postgres (unparsable url)';
  }
}

export async function openPostgres(url: string, opts: OpenDbOptions = {}): Promise<SqlDb> {
  const where = describePg(url);
  const schema = opts.schema;
  if (schema) {
    // Create the schema once on a plain connection; then every pool connection has it first in search_path.
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      // IF NOT EXISTS alone races between two instances starting at once (a unique
      // violation in pg_namespace): serialise on the migration lock.
      await c.query('BEGIN');
      await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query('COMMIT');
    } catch (e) {
      throw wrapErr(where, e);
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolMax ?? 8,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10000,
    // A hung server (not down: no refusal to connect) must become E_AC_DB, not a request that never ends.
    statement_timeout: 10000,
    query_timeout: 15000,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  // A server restart makes idle clients emit 'error' on the pool; without a
  // listener Node would crash the service. The next query gets a fresh client.
  pool.on('error', () => undefined);
  // Likewise a checked-out client whose server goes away between two queries.
  pool.on('connect', (client) => void client.on('error', () => undefined));
  return {
    kind: 'postgres',
    where,
    async query(sql, params, name) {
      try {
        const r = await pool.query(name ? { name, text: sql, values: params as any[] } : { text: sql, values: params as any[] });
        return { rows: r.rows };
      } catch (e) {
        throw wrapErr(where, e);
      }
    },
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw wrapErr(where, e);
      }
      let broken = false;
      try {
        await client.query('BEGIN').catch((e) => Promise.reject(wrapErr(where, e)));
        const out = await fn({
          async query(sql, params) {
            try {
              const r = await client.query(sql, params as any[]);
              return { rows: r.rows };
            } catch (e) {
              throw wrapErr(where, e);
            }
          },
        });
        await client.query('COMMIT').catch((e) => Promise.reject(wrapErr(where, e)));
        return out;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // connection is gone: the server rolls back on its own
        }
        throw e; // DbError of BEGIN / COMMIT / a query, or the body's own error, unchanged
      } finally {
        client.release(broken ? true : undefined);
      }
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}
