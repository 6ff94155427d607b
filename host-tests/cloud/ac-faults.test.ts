// Faults of the Authentication Cloud's database and of scale-out:
//   - the database stops mid-run: requests fail with a typed, signed E_AC_DB
//     (503), nothing is half-written, the service recovers when it returns.
//     PGlite: the data directory is closed and opened again. PostgreSQL: the
//     server is stopped and started (NOWBOARD_PG_CTL from .ci/pg-throwaway.sh),
//     or, on a server we may not stop, the connection is cut by a local proxy.
//   - two AC instances on one database hammered by the same replayed request
//     concurrently: exactly one accept. PostgreSQL: two processes' worth of
//     pools (separate connections, separate AC objects). PGlite has one handle per
//     database, so there the two AC cores share it.
import { describe, it, expect, afterAll } from 'vitest';
import net from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PG_URL, DB_KIND, uniqueSchema, dropOnClose, acWorld, makeNode, makeBr, signJoin, rowsFor, TestNode } from './cloud-fixtures.ts';
import { openDb, openPglite, SqlDb, SqlTx, DbError } from '../../configurator/cloud/sql.ts';
import { migrate } from '../../configurator/cloud/ac-schema.ts';
import { openAuthCloud, acKeyOf } from '../../configurator/cloud/auth-cloud.ts';
import { addBorderRouter, addTrusted, tableCounts } from '../../configurator/cloud/ac-store.ts';
import { AcHttpClient, inProcessTransport } from '../../configurator/cloud/ac-client.ts';
import { NodeJoin } from '../../firmware/protocols/cloud/ac-api.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A SqlDb whose underlying database can be taken away and given back (PGlite: close / reopen its directory). */
function switchable(first: SqlDb) {
  let cur: SqlDb | null = first;
  const gone = () => new DbError('database (test): stopped');
  const db: SqlDb = {
    kind: first.kind,
    where: first.where,
    query: (sql, params) => (cur ? cur.query(sql, params) : Promise.reject(gone())),
    transaction: <T>(fn: (tx: SqlTx) => Promise<T>) => (cur ? cur.transaction(fn) : Promise.reject(gone())),
    close: async () => { await cur?.close(); },
  };
  return {
    db,
    async stop() {
      const c = cur;
      cur = null;
      await c?.close();
    },
    set(next: SqlDb) {
      cur = next;
    },
  };
}

/** A TCP proxy in front of PostgreSQL whose "stop" cuts every connection and refuses new ones. */
async function pgProxy(target: URL) {
  const socks = new Set<net.Socket>();
  let server: net.Server | null = null;
  const port = await new Promise<number>((res) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
  const listen = () =>
    new Promise<void>((res) => {
      server = net.createServer((c) => {
        const u = net.connect(Number(target.port || 5432), target.hostname);
        socks.add(c).add(u);
        c.pipe(u).pipe(c);
        const end = () => { c.destroy(); u.destroy(); socks.delete(c); socks.delete(u); };
        c.on('error', end).on('close', end);
        u.on('error', end).on('close', end);
      }).listen(port, '127.0.0.1', () => res());
    });
  await listen();
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.href,
    async stop() {
      await new Promise<void>((res) => server!.close(() => res()));
      for (const s of socks) s.destroy();
    },
    start: listen,
  };
}

interface Outcome {
  sn: string;
  join: NodeJoin;
  ok: boolean;
  code?: string;
  status: number;
}

describe(`database stopped mid-run (${DB_KIND})`, () => {
  it('E_AC_DB (503, signed) while down, nothing half-written, recovers when it returns', async () => {
    let db: SqlDb;
    let stop: () => Promise<void>;
    let start: () => Promise<void>;
    let how: string;
    if (!PG_URL) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-ac-pglite-'));
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      const sw = switchable(await openDb(dir));
      db = sw.db;
      stop = () => sw.stop();
      start = async () => sw.set(await openPglite(path.join(dir, 'pgdata'))); // the same files, reopened
      how = 'PGlite data directory closed and reopened';
    } else if (process.env.NOWBOARD_PG_CTL) {
      const schema = uniqueSchema('stop');
      db = dropOnClose(await openDb(PG_URL, { schema }), schema);
      stop = async () => void execFileSync(process.env.NOWBOARD_PG_CTL!, ['stop']);
      start = async () => void execFileSync(process.env.NOWBOARD_PG_CTL!, ['start']);
      how = 'PostgreSQL server stopped and started';
    } else {
      const proxy = await pgProxy(new URL(PG_URL));
      const schema = uniqueSchema('cut');
      db = dropOnClose(await openDb(proxy.url, { schema }), schema);
      cleanups.push(() => proxy.stop());
      stop = proxy.stop;
      start = proxy.start;
      how = 'PostgreSQL connections cut by a proxy';
    }
    cleanups.push(() => db.close());
    const w = await acWorld(db);
    const sec = () => Math.floor(w.clock.now / 1000);
    const nodes = Array.from({ length: 40 }, () => makeNode());
    await w.trust(...nodes);
    const { client } = await w.br();
    const auditBefore = (await tableCounts(db)).audit;

    // A steady stream of joins, 4 at a time; the database goes away after the 12th answer.
    const outcomes: Outcome[] = [];
    let stopped: Promise<void> | null = null;
    let next = 0;
    async function worker() {
      while (next < nodes.length) {
        const n = nodes[next++];
        const join = signJoin(n, sec());
        const a = await client.join(join);
        outcomes.push({ sn: n.sn, join, ok: a.ok, code: a.code, status: a.httpStatus });
        if (outcomes.length === 12 && !stopped) stopped = stop();
        if (stopped) await stopped;
      }
    }
    await Promise.all([worker(), worker(), worker(), worker()]);
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed.length, how).toBeGreaterThan(10);
    for (const o of failed) {
      expect(o.code, how).toBe('E_AC_DB'); // a signed answer the client verified: typed, not a crash
      expect(o.status).toBe(503);
    }
    const okOnes = outcomes.filter((o) => o.ok);
    expect(okOnes.length).toBeGreaterThanOrEqual(12 - 4);

    await start();
    // Recovered: the pool reconnects (PostgreSQL) or the directory is open again (PGlite).
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      recovered = await db.query('SELECT 1').then(() => true, () => false);
      if (!recovered) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);

    // Nothing half-written: every accept has its replay row and audit row; every E_AC_DB has neither.
    for (const o of outcomes) {
      const rows = await rowsFor(db, o.sn);
      const joins = rows.audit.filter((x) => x.action === 'join');
      if (o.ok) {
        expect(rows.nodeRequests).toBe(1);
        expect(joins.map((x) => x.result)).toEqual(['OK']);
      } else {
        expect(rows.nodeRequests, o.sn).toBe(0);
        expect(joins, o.sn).toEqual([]);
      }
    }
    expect((await tableCounts(db)).audit).toBe(auditBefore + okOnes.length);
    // …so the very same signed node requests (same nonce), retried by the BR, are accepted now.
    for (const o of failed) {
      const a = await client.join(o.join);
      expect(a.ok, o.sn).toBe(true);
    }
    // …and an accepted one is still refused as a replay: the database kept it.
    expect((await client.join(okOnes[0].join)).code).toBe('E_AC_REPLAY');
  });
});

describe(`two AC instances on one database (${DB_KIND})`, () => {
  it('the same replayed request hammered at both concurrently: exactly one accept each', async () => {
    const schema = uniqueSchema('two');
    // Two instances start at once on a fresh database: migrations serialise (advisory lock).
    const [db1, db2] = PG_URL
      ? await Promise.all([openDb(PG_URL, { schema, poolMax: 6 }).then((d) => dropOnClose(d, schema)), openDb(PG_URL, { schema, poolMax: 6 })])
      : await openDb('memory:').then((d) => [d, d]);
    cleanups.push(() => db1.close(), () => db2.close()); // (cleanups run in reverse: db2 first, then db1 drops the schema)
    expect(await migrate(db2)).toEqual([]); // already at the latest version
    const w1 = await acWorld(db1);
    // Instance 2: its own AuthCloud (and, on PostgreSQL, its own connections), the same AC key.
    const ac2 = openAuthCloud({ db: db2, acKey: acKeyOf('ac-test', w1.acKp), windowSec: 60, clock: w1.clock.fn });
    const nodes: TestNode[] = Array.from({ length: 30 }, () => makeNode());
    await w1.trust(...nodes);
    const brs = [makeBr(), makeBr()];
    for (const b of brs) await addBorderRouter(db1, b.id, b.kp.pubHex, 'admin:test', w1.clock.now);
    const clients = [
      w1.clientFor(brs[0]),
      w1.clientFor(brs[1]),
      new AcHttpClient({ transport: inProcessTransport(ac2), brId: brs[0].id, brKey: brs[0].kp.privateKey, acPubHex: w1.acKp.pubHex, windowSec: 60, clock: w1.clock.fn }),
      new AcHttpClient({ transport: inProcessTransport(ac2), brId: brs[1].id, brKey: brs[1].kp.privateKey, acPubHex: w1.acKp.pubHex, windowSec: 60, clock: w1.clock.fn }),
    ];
    const sec = Math.floor(w1.clock.now / 1000);
    const jobs: Promise<{ sn: string; ok: boolean; code?: string }>[] = [];
    for (const n of nodes) {
      const j = signJoin(n, sec); // one node request, replayed 8 times across both instances
      for (let k = 0; k < 8; k++) jobs.push(clients[k % 4].join(j).then((a) => ({ sn: n.sn, ok: a.ok, code: a.code })));
    }
    const res = await Promise.all(jobs);
    for (const n of nodes) {
      const mine = res.filter((r) => r.sn === n.sn);
      expect(mine.filter((r) => r.ok).length, n.sn).toBe(1);
      expect(mine.filter((r) => !r.ok).map((r) => r.code)).toEqual(Array(7).fill('E_AC_REPLAY'));
    }
    const c = await tableCounts(db1);
    expect(c.nodeRequests).toBe(nodes.length);
    expect(c.auditOk).toBe(nodes.length);
    expect(c.brRequests).toBe(nodes.length * 8);
  });
});
