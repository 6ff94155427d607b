/**
 * `nowboard cloud` — the Authentication Cloud of paper 000 (configurator/cloud/README.md):
 *
 *   nowboard cloud init   --key ac-key.json [--id ac-1]                 make the AC's signing key
 *   nowboard cloud serve  --key ac-key.json [--db DIR|postgres://…] [--port 47200]
 *   nowboard cloud add    [--db …] --sn SN --mac MAC --pub HEX --gpub HEX [--curve p256|secp160k1]
 *   nowboard cloud add    [--db …] --from nodes.json                   [{sn, mac, pub, curve, gpub}, …]
 *   nowboard cloud revoke [--db …] --sn SN
 *   nowboard cloud list   [--db …] [--json]
 *   nowboard cloud audit  [--db …] [--sn SN] [--limit N] [--json]
 *   nowboard cloud br add    [--db …] --id BR (--pub HEX | --key-out br.key.json)
 *   nowboard cloud br revoke [--db …] --id BR
 *   nowboard cloud br list   [--db …] [--json]
 *
 * --db defaults to $NOWBOARD_DB, else the PGlite directory ./ac-data. A PGlite
 * directory is opened by one process at a time (DIR/serve.lock): stop `serve`
 * before administering it, or use PostgreSQL, where any number of admin
 * commands and AC instances share the database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { FlagSpec, parseFlags, FlagValues, usageFor } from './args.ts';
import { CliError } from './cli-errors.ts';
import { renderTable } from './text-table.ts';
import { acquireBatchLock, BatchLock } from '../serve/batch-lock.ts';
import { openDb, pgliteDir, SqlDb, DbError } from '../cloud/sql.ts';
import { generateP256, keyFileOf, keyPairOfFile, P256KeyFile } from '../cloud/ac-crypto.ts';
import { openAuthCloud, acKeyOf } from '../cloud/auth-cloud.ts';
import { startAcServer } from '../cloud/ac-http.ts';
import {
  AcAdminError, addTrusted, revokeTrusted, listTrusted, addBorderRouter, revokeBorderRouter, listBorderRouters, readAudit, TrustEntry,
} from '../cloud/ac-store.ts';

const DB_FLAG: FlagSpec = { type: 'string', help: 'PGlite directory, memory:, or postgres://user@host:port/db', default: process.env.NOWBOARD_DB || 'ac-data' };

const SUB: Record<string, Record<string, FlagSpec>> = {
  init: {
    key: { type: 'string', help: 'AC key file to create (JSON, mode 0600)', required: true },
    id: { type: 'string', default: 'ac-1', help: 'AC id (the `ac` of every answer; BRs pin it with the key)' },
  },
  serve: {
    db: DB_FLAG,
    key: { type: 'string', help: 'AC key file (nowboard cloud init)', required: true },
    host: { type: 'string', default: '127.0.0.1', help: 'address to bind (0.0.0.0 to serve the network)' },
    port: { type: 'int', default: 47200, min: 0, max: 65535, help: 'TCP port (0 = any free port)' },
    window: { type: 'int', default: 120, min: 1, max: 86400, help: 'accepted clock skew of node and BR timestamps, seconds' },
    'trust-for': { type: 'int', default: 300, min: 0, max: 30 * 86400, help: 'seconds a BR may trust an accept before asking /v1/check again' },
    'pool-max': { type: 'int', default: 8, min: 1, max: 200, help: 'PostgreSQL: connections of this instance' },
    quiet: { type: 'bool', help: 'no log line per refused request' },
  },
  add: {
    db: DB_FLAG,
    sn: { type: 'string', help: 'serial number (1…32 printable ASCII)' },
    mac: { type: 'string', help: 'MAC address, 12 hex digits (separators allowed)' },
    pub: { type: 'string', help: "node's public key, uncompressed SEC 1 hex (04…)" },
    gpub: { type: 'string', help: "node's grant point F (P-256, 04…; keygen writes it in trust-list.json)" },
    curve: { type: 'string', default: 'p256', choices: ['p256', 'secp160k1'], help: "node's curve" },
    from: { type: 'string', help: 'JSON file: an array of {sn, mac, pub, curve, gpub} (all or none are added)' },
  },
  revoke: { db: DB_FLAG, sn: { type: 'string', help: 'serial number to revoke (permanent)', required: true } },
  list: { db: DB_FLAG, json: { type: 'bool', help: 'JSON instead of a table' } },
  audit: {
    db: DB_FLAG,
    sn: { type: 'string', help: 'only this serial number' },
    limit: { type: 'int', default: 50, min: 1, max: 100000, help: 'newest N rows' },
    json: { type: 'bool', help: 'JSON instead of a table' },
  },
  'br add': {
    db: DB_FLAG,
    id: { type: 'string', help: 'border router id', required: true },
    pub: { type: 'string', help: "the BR's P-256 public key, uncompressed hex (04…)" },
    'key-out': { type: 'string', help: 'make the BR key pair here (JSON, mode 0600) and register its public key' },
  },
  'br revoke': { db: DB_FLAG, id: { type: 'string', help: 'border router id', required: true } },
  'br list': { db: DB_FLAG, json: { type: 'bool', help: 'JSON instead of a table' } },
};

export const cloudFlags: Record<string, FlagSpec> = Object.assign({}, ...Object.values(SUB));

const SUMMARY: Record<string, string> = {
  init: "make the AC's signing key (prints the public key every BR pins)",
  serve: 'run the AC over HTTP (POST /v1/join, /v1/check; GET /v1/health)',
  add: 'add nodes to the trust list',
  revoke: 'revoke a node (every BR is refused it)',
  list: 'the trust list',
  audit: 'the audit trail (every decision and change)',
  'br add': 'register a border router (its key, or make one)',
  'br revoke': 'revoke a border router',
  'br list': 'the registered border routers',
};

/** `nowboard help cloud [SUB]`, `nowboard cloud [SUB] --help`: one subcommand's flags, or the list. */
export function cloudUsage(rest: string[]): string {
  const sub = rest[0] === 'br' ? `br ${rest[1] ?? ''}` : rest[0];
  if (sub && SUB[sub]) return usageFor(`cloud ${sub}`, SUMMARY[sub], SUB[sub]);
  return ['nowboard cloud — the Authentication Cloud (configurator/cloud/README.md)', '', ...Object.keys(SUB).map((k) => `  nowboard cloud ${k.padEnd(10)} ${SUMMARY[k]}`), '', 'nowboard cloud SUB --help for its flags.'].join('\n');
}

function actor(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry (container): keep 'unknown' */
  }
  return `admin:${user}`;
}

const keyFileSchema = z.object({
  kind: z.literal('nowboard-p256'),
  id: z.string().min(1).max(128),
  jwk: z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), d: z.string() }),
  pub: z.string(),
});

export function readKeyFile(file: string): P256KeyFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError('E_FILE_MISSING', `cannot read key file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError('E_FILE_CORRUPT', `${file} is not JSON`);
  }
  const p = keyFileSchema.safeParse(raw);
  if (!p.success) throw new CliError('E_FILE_CORRUPT', `${file} is not a nowboard P-256 key file (${p.error.issues[0]?.message})`);
  try {
    keyPairOfFile(p.data as P256KeyFile);
  } catch (e) {
    throw new CliError('E_FILE_CORRUPT', `${file}: ${(e as Error).message}`);
  }
  return p.data as P256KeyFile;
}

function writeKeyFile(file: string, kf: P256KeyFile): void {
  try {
    fs.writeFileSync(file, JSON.stringify(kf, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError('E_FILE_EXISTS', `${file} exists; not overwriting a key`);
    throw new CliError('E_FILE_MISSING', `cannot write ${file}: ${code ?? (e as Error).message}`);
  }
}

/** Open the database of --db (locking a PGlite directory); typed errors for everything that can go wrong. */
async function withDb<T>(flags: FlagValues, what: string, fn: (db: SqlDb) => Promise<T>, opts: { poolMax?: number } = {}): Promise<T> {
  const spec = String(flags.db);
  const dir = pgliteDir(spec);
  let lock: BatchLock | null = null;
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    lock = acquireBatchLock(dir, `cloud ${what}`);
  }
  let db: SqlDb | null = null;
  try {
    try {
      db = await openDb(spec, { poolMax: opts.poolMax });
    } catch (e) {
      throw new CliError('E_CLOUD', `cannot open the AC database: ${(e as Error).message}`);
    }
    return await fn(db);
  } catch (e) {
    if (e instanceof AcAdminError) throw new CliError('E_CLOUD', `${e.code}: ${e.message}`);
    if (e instanceof DbError) throw new CliError('E_CLOUD', e.message);
    throw e;
  } finally {
    await db?.close();
    lock?.release();
  }
}

const fmtTime = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z'));

export async function cmdCloud(argv: string[], out: (s: string) => void): Promise<number> {
  let sub = argv[0];
  let rest = argv.slice(1);
  if (sub === 'br') {
    sub = `br ${argv[1] ?? ''}`;
    rest = argv.slice(2);
  }
  const spec = SUB[sub];
  if (!spec) throw new CliError('E_USAGE', `nowboard cloud: unknown subcommand "${sub ?? ''}" (init, serve, add, revoke, list, audit, br add|revoke|list)`);
  const { flags, rest: extra } = parseFlags(rest, spec, `cloud ${sub}`);
  if (extra.length) throw new CliError('E_USAGE', `nowboard cloud ${sub}: unexpected argument "${extra[0]}"`);
  const now = Date.now();

  switch (sub) {
    case 'init': {
      const kf = keyFileOf(String(flags.id), generateP256());
      writeKeyFile(String(flags.key), kf);
      out(`AC key "${kf.id}" written to ${flags.key} (keep it secret). Pin this public key in every border router:`);
      out(kf.pub);
      return 0;
    }
    case 'add': {
      let entries: TrustEntry[];
      if (flags.from) {
        if (flags.sn || flags.mac || flags.pub || flags.gpub) throw new CliError('E_USAGE', 'give --from or --sn/--mac/--pub, not both');
        let raw: unknown;
        try {
          raw = JSON.parse(fs.readFileSync(String(flags.from), 'utf8'));
        } catch (e) {
          throw new CliError('E_FILE_CORRUPT', `cannot read ${flags.from} as JSON: ${(e as Error).message}`);
        }
        if (!Array.isArray(raw)) throw new CliError('E_FILE_CORRUPT', `${flags.from}: expected an array of {sn, mac, pub, curve, gpub}`);
        entries = raw as TrustEntry[];
      } else {
        if (!flags.sn || !flags.mac || !flags.pub || !flags.gpub) throw new CliError('E_FLAG_MISSING', 'nowboard cloud add: --sn, --mac, --pub and --gpub (or --from FILE)');
        entries = [{ sn: String(flags.sn), mac: String(flags.mac), pub: String(flags.pub), curve: String(flags.curve) as 'p256', gpub: String(flags.gpub) }];
      }
      const n = await withDb(flags, 'add', (db) => addTrusted(db, entries, actor(), now));
      out(`added ${n} node${n === 1 ? '' : 's'} to the trust list`);
      return 0;
    }
    case 'revoke':
      await withDb(flags, 'revoke', (db) => revokeTrusted(db, String(flags.sn), actor(), now));
      out(`revoked ${flags.sn}: every border router is refused it from now on (BRs that trust it learn at their next /v1/check)`);
      return 0;
    case 'list': {
      const rows = await withDb(flags, 'list', listTrusted);
      if (flags.json) out(JSON.stringify(rows, null, 2));
      else out(renderTable(['sn', 'mac', 'curve', 'status', 'added', 'revoked'], rows.map((r) => [r.sn, r.mac, r.curve, r.status, fmtTime(r.addedAt), fmtTime(r.revokedAt)])));
      return 0;
    }
    case 'audit': {
      const rows = await withDb(flags, 'audit', (db) => readAudit(db, { sn: flags.sn as string | undefined, limit: Number(flags.limit) }));
      if (flags.json) out(JSON.stringify(rows, null, 2));
      else out(renderTable(['at', 'actor', 'action', 'sn', 'result', 'detail'], rows.map((r) => [fmtTime(r.at), r.actor, r.action, r.sn ?? '', r.result, r.detail ?? ''])));
      return 0;
    }
    case 'br add': {
      let pub: string;
      if (flags['key-out']) {
        if (flags.pub) throw new CliError('E_USAGE', 'give --pub or --key-out, not both');
        const kf = keyFileOf(String(flags.id), generateP256());
        writeKeyFile(String(flags['key-out']), kf);
        pub = kf.pub;
        out(`BR key pair written to ${flags['key-out']} (install it on the border router)`);
      } else if (flags.pub) pub = String(flags.pub);
      else throw new CliError('E_FLAG_MISSING', 'nowboard cloud br add: --pub HEX or --key-out FILE');
      await withDb(flags, 'br add', (db) => addBorderRouter(db, String(flags.id), pub, actor(), now));
      out(`registered border router ${flags.id}`);
      return 0;
    }
    case 'br revoke':
      await withDb(flags, 'br revoke', (db) => revokeBorderRouter(db, String(flags.id), actor(), now));
      out(`revoked border router ${flags.id}: its requests are refused from now on`);
      return 0;
    case 'br list': {
      const rows = await withDb(flags, 'br list', listBorderRouters);
      if (flags.json) out(JSON.stringify(rows, null, 2));
      else out(renderTable(['id', 'status', 'added', 'revoked', 'pub'], rows.map((r) => [r.id, r.status, fmtTime(r.addedAt), fmtTime(r.revokedAt), r.pub.slice(0, 18) + '…'])));
      return 0;
    }
    case 'serve':
      return serve(flags, out);
  }
  return 2;
}

/** Runs until SIGINT/SIGTERM: then stops accepting, lets requests in flight finish, closes the database. */
async function serve(flags: FlagValues, out: (s: string) => void): Promise<number> {
  const kf = readKeyFile(String(flags.key));
  const acKey = acKeyOf(kf.id, keyPairOfFile(kf));
  return withDb(
    flags,
    'serve',
    async (db) => {
      const ac = openAuthCloud({ db, acKey, windowSec: Number(flags.window), trustForSec: Number(flags['trust-for']) });
      const log = flags.quiet ? undefined : (l: string) => process.stderr.write(`${new Date().toISOString()} ${l}\n`);
      let srv;
      try {
        srv = await startAcServer(ac, { host: String(flags.host), port: Number(flags.port), log });
      } catch (e) {
        throw new CliError('E_CLOUD', `cannot listen on ${flags.host}:${flags.port}: ${(e as Error).message}`);
      }
      out(`Authentication Cloud "${ac.acId}" on ${srv.url} (database ${db.where}); AC public key ${ac.acPubHex}`);
      // Per-node keys (parsed key, grant key) computed while idle, not on each first join.
      const warmed = Date.now();
      void ac.warm().then((n) => log?.(`warm: ${n} trusted nodes' keys loaded in ${Date.now() - warmed} ms`), () => undefined);
      // Replay rows older than twice the window can never match an acceptable request again.
      const pruner = setInterval(() => void ac.prune().catch(() => undefined), Number(flags.window) * 1000);
      pruner.unref();
      const sig = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      clearInterval(pruner);
      out(`${sig}: stopping (requests in flight finish)`);
      await srv.close();
      return 0;
    },
    { poolMax: Number(flags['pool-max']) },
  );
}
