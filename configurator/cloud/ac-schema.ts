/**
 * The Authentication Cloud's schema, as numbered migrations applied at start
 * (sql.ts openDb). One definition for PGlite and PostgreSQL.
 *
 * Replay is the database's job, not the process's: `ac_br_requests.rid` and
 * `ac_node_requests (sn, nonce)` are keys, and the AC writes a decision with
 * INSERT … ON CONFLICT DO NOTHING, so two AC instances on one PostgreSQL can
 * never both accept one request (the second insert waits for the first
 * transaction and then finds the row). Times are milliseconds since the epoch
 * (bigint), node timestamps seconds as the node signed them (paper 000 §III-B msg 1).
 */
import type { SqlDb } from './sql.ts';

/** Serialises migrations of several AC instances starting on one database. */
export const MIGRATION_LOCK = 0x6e6f7762; // 'nowb'

export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'trust list, border routers, requests, audit',
    sql: `
CREATE TABLE ac_trust (
  sn text PRIMARY KEY CHECK (length(sn) BETWEEN 1 AND 32),
  mac text NOT NULL CHECK (mac ~ '^[0-9a-f]{12}$'),
  pub text NOT NULL CHECK (pub ~ '^[0-9a-f]+$'),
  curve text NOT NULL CHECK (curve IN ('p256', 'secp160k1')),
  status text NOT NULL CHECK (status IN ('active', 'revoked')),
  added_at bigint NOT NULL,
  revoked_at bigint
);
CREATE TABLE ac_border_routers (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  pub text NOT NULL CHECK (pub ~ '^04[0-9a-f]{128}$'),
  status text NOT NULL CHECK (status IN ('active', 'revoked')),
  added_at bigint NOT NULL,
  revoked_at bigint
);
CREATE TABLE ac_br_requests (
  rid text PRIMARY KEY,
  br_id text NOT NULL,
  br_ts bigint NOT NULL,
  path text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX ac_br_requests_ts ON ac_br_requests (br_ts);
CREATE TABLE ac_node_requests (
  sn text NOT NULL,
  nonce text NOT NULL,
  node_ts bigint NOT NULL,
  br_id text NOT NULL,
  rid text NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (sn, nonce)
);
CREATE INDEX ac_node_requests_ts ON ac_node_requests (node_ts);
CREATE TABLE ac_audit (
  id bigserial PRIMARY KEY,
  at bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  sn text,
  rid text,
  result text NOT NULL,
  detail text
);
CREATE INDEX ac_audit_sn ON ac_audit (sn);
`,
  },
  {
    // README §4.4: the node's grant point F (P-256); the AC derives the node's grant key from it
    // and its own key. NULL only for rows added before this migration: those nodes get E_AC_NO_GRANT_KEY.
    version: 2,
    name: 'grant point per node',
    sql: `ALTER TABLE ac_trust ADD COLUMN gpub text CHECK (gpub IS NULL OR gpub ~ '^04[0-9a-f]{128}$')`,
  },
];

export async function migrate(db: SqlDb): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('CREATE TABLE IF NOT EXISTS ac_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)');
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM ac_migrations')).rows.map((r) => Number(r.version)));
    const applied: number[] = [];
    for (const m of MIGRATIONS) {
      if (done.has(m.version)) continue;
      for (const stmt of m.sql.split(';').map((s) => s.trim()).filter(Boolean)) await tx.query(stmt);
      await tx.query('INSERT INTO ac_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      applied.push(m.version);
    }
    return applied;
  });
}
