/**
 * `npm run bench:cloud` — verified join requests per second of the
 * Authentication Cloud (issue 11) on PostgreSQL on this machine, for one and for
 * two AC instances (separate processes, each with its own connection pool, one
 * database), with zero lost and zero double-accepted joins counted in the
 * database at the end. Target: ≥ 1,000 joins/s with two instances.
 *
 * A "verified join" is the whole core path per request: envelope and body
 * validation, the BR's P-256 signature, the node's P-256 signature with its
 * trust-list key, the database read, the atomic write (BR rid, node (sn, nonce),
 * audit row), the AC's signed answer. Requests are signed before the clock
 * starts; the AC core is called in each instance's process (no HTTP: the load
 * generator would otherwise share these 2 cores with the AC it measures).
 * In the two-instance run, 10 % of the joins are also sent, under a new BR rid,
 * to the other instance at the same time: each must be accepted exactly once.
 *
 * PostgreSQL: NOWBOARD_DB=postgres://… if set, else a throwaway cluster
 * (.ci/pg-throwaway.sh) started here and removed at the end.
 *
 * Each configuration runs twice: "cold", every node's key parsed and its grant
 * key derived on its join, and "warm", the instance having loaded them from the
 * trust list before the clock (AuthCloud.warm, what `cloud serve` does at start;
 * its time is printed apart). Per-join work is otherwise the same.
 *
 * `--http`: each instance serves HTTP (ac-http.ts) and this process plays the BRs
 * with fetch (keep-alive), so the figure includes fastify and the sockets — and
 * the load generator's CPU on the same two cores (reported as "driver").
 *
 *   npm run bench:cloud [-- --count 3000 --concurrency 32 --pool 12 --http]
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { fork, execFileSync } from 'node:child_process';
import { randomBytes, sign as nodeSign } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openDb, SqlDb } from '../../configurator/cloud/sql.ts';
import { generateP256, keyFileOf } from '../../configurator/cloud/ac-crypto.ts';
import { signBrRequest } from '../../configurator/cloud/ac-client.ts';
import { addBorderRouter } from '../../configurator/cloud/ac-store.ts';
import { AC_JOIN_PATH, CURVE_P256, joinStatementBytes } from '../../firmware/protocols/cloud/ac-api.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

function arg(name: string, def: string): string {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}
const COUNT = Number(arg('count', '3000'));
const CONCURRENCY = Number(arg('concurrency', '32'));
const POOL = Number(arg('pool', '12'));
const HTTP = process.argv.includes('--http');
const TARGET = 1000;

let throwawayDir = '';
function startThrowaway(): string {
  const outText = execFileSync(path.join(ROOT, '.ci/pg-throwaway.sh'), ['start'], { encoding: 'utf8' });
  const env: Record<string, string> = {};
  for (const m of outText.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2];
  throwawayDir = env.NOWBOARD_PG_DIR;
  return env.NOWBOARD_DB;
}
function stopThrowaway() {
  if (throwawayDir) {
    try {
      execFileSync(path.join(ROOT, '.ci/pg-throwaway.sh'), ['stop', throwawayDir]);
    } catch {
      /* best effort at exit */
    }
    throwawayDir = '';
  }
}

interface Node {
  sn: string;
  mac: string;
  pub: string;
  gpub: string;
  join: string;
}

/** Nodes with P-256 keys, registered in bulk, each with one signed join. */
async function makeNodes(db: SqlDb, tag: string, n: number, nowSec: number): Promise<Node[]> {
  const nodes: Node[] = [];
  for (let i = 0; i < n; i++) {
    const kp = generateP256();
    const sn = `${tag}-${i}`;
    const mac = randomBytes(6).toString('hex');
    const nonce = randomBytes(8);
    const stmt = joinStatementBytes(sn, Buffer.from(mac, 'hex'), nowSec, nonce, CURVE_P256);
    const sig = nodeSign('sha256', stmt, { key: kp.privateKey, dsaEncoding: 'ieee-p1363' }).toString('hex');
    // eph: the BR's ephemeral key R the AC's grant binds (README §4.4); gpub: the node's grant point F.
    const eph = generateP256().pubHex;
    nodes.push({ sn, mac, pub: kp.pubHex, gpub: generateP256().pubHex, join: JSON.stringify({ sn, mac, ts: nowSec, nonce: nonce.toString('hex'), curve: 'p256', sig, eph }) });
  }
  // One statement for the whole trust list (the admin path, addTrusted, is per row with audit: not what is measured).
  await db.query(
    `INSERT INTO ac_trust (sn, mac, pub, curve, gpub, status, added_at)
     SELECT sn, mac, pub, 'p256', gpub, 'active', $4 FROM unnest($1::text[], $2::text[], $3::text[], $5::text[]) AS t(sn, mac, pub, gpub)`,
    [nodes.map((x) => x.sn), nodes.map((x) => x.mac), nodes.map((x) => x.pub), Date.now(), nodes.map((x) => x.gpub)],
  );
  return nodes;
}

interface Result {
  counts: Record<string, number>;
  seconds: number;
  cpuSeconds: number;
  handled: number;
}

/**
 * CPU seconds the PostgreSQL cluster has used (Linux /proc): the postmaster with
 * its reaped children, plus its live children (backends, WAL writer, …). Only
 * for the throwaway cluster, whose postmaster pid this bench knows.
 */
function pgCpuSeconds(): number | null {
  if (!throwawayDir) return null;
  try {
    const pm = Number(fs.readFileSync(path.join(throwawayDir, 'data/postmaster.pid'), 'utf8').split('\n')[0]);
    const tick = 100; // USER_HZ on Linux
    const fields = (pid: number | string) => {
      const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return st.slice(st.lastIndexOf(')') + 2).split(' ');
    };
    // after ')' : state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    const cpu = (f: string[]) => (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / tick;
    let total = cpu(fields(pm));
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const f = fields(d);
        if (Number(f[1]) === pm) total += cpu(f);
      } catch {
        /* exited meanwhile */
      }
    }
    return total;
  } catch {
    return null;
  }
}

interface Run {
  wall: number;
  results: Result[];
  pgCpu: number | null;
  driverCpu: number;
  /** per instance: rows warmed and ms it took (before the clock) */
  warm: { rows: number; ms: number }[];
}

async function runInstances(url: string, schema: string, acKey: ReturnType<typeof keyFileOf>, shares: string[][], tmp: string, warm: boolean): Promise<Run> {
  const children = shares.map((share, i) => {
    const file = path.join(tmp, `share-${schema}-${i}.json`);
    fs.writeFileSync(file, JSON.stringify(share));
    const child = fork(path.join(HERE, 'cloud-bench-worker.ts'), [], { execArgv: ['--import', 'tsx'].concat(process.env.NOWBOARD_BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.NOWBOARD_BENCH_PROF] : []), stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.send({ url, schema, acKey, file, concurrency: CONCURRENCY, poolMax: POOL, http: HTTP, warm });
    return child;
  });
  const ready = await Promise.all(children.map((c) => new Promise<{ serverUrl: string; warmed: number; warmMs: number }>((res) => c.once('message', (m: any) => res(m)))));
  const serverUrls = ready.map((r) => r.serverUrl);
  // Let the previous run's backends exit and be reaped first: a backend's CPU moves
  // from "live child" to the postmaster's reaped-children time only then.
  await new Promise((res) => setTimeout(res, 500));
  const t0 = process.hrtime.bigint();
  const pg0 = pgCpuSeconds();
  const driver0 = process.cpuUsage();
  const done = children.map((c) => new Promise<Result>((res, rej) => {
    c.once('message', (m: any) => res(m));
    c.once('exit', (code) => code !== 0 && rej(new Error(`AC instance exited ${code}`)));
  }));
  for (const c of children) c.send({ go: true });
  let httpCounts: Record<string, number>[] = [];
  if (HTTP) {
    // This process is the BRs: each share posted to its instance, CONCURRENCY in flight per instance.
    httpCounts = await Promise.all(shares.map(async (share, i) => {
      const counts: Record<string, number> = {};
      let next = 0;
      const lane = async () => {
        while (next < share.length) {
          const r = await fetch(serverUrls[i] + AC_JOIN_PATH, { method: 'POST', headers: { 'content-type': 'application/json' }, body: share[next++] });
          const resp = JSON.parse(await r.text());
          const code = r.status === 200 ? 'OK' : JSON.parse(resp.body).code;
          counts[code] = (counts[code] ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
      return counts;
    }));
    for (const c of children) c.send({ stop: true });
  }
  const results = await Promise.all(done);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const pg1 = pgCpuSeconds();
  const d = process.cpuUsage(driver0);
  if (HTTP) results.forEach((r, i) => { r.counts = httpCounts[i]; r.handled = shares[i].length; });
  return { wall, results, pgCpu: pg0 !== null && pg1 !== null ? pg1 - pg0 : null, driverCpu: HTTP ? (d.user + d.system) / 1e6 : 0, warm: ready.map((r) => ({ rows: r.warmed, ms: r.warmMs })) };
}

async function counts(db: SqlDb, tag: string) {
  const r = await db.query(
    `SELECT (SELECT count(*) FROM ac_node_requests WHERE sn LIKE $1)::int AS accepted_rows,
            (SELECT count(*) FROM (SELECT sn FROM ac_node_requests WHERE sn LIKE $1 GROUP BY sn HAVING count(*) > 1) d)::int AS doubled,
            (SELECT count(*) FROM ac_audit WHERE sn LIKE $1 AND action = 'join' AND result = 'OK')::int AS audit_ok`,
    [tag + '-%'],
  );
  return r.rows[0] as { accepted_rows: number; doubled: number; audit_ok: number };
}

async function main() {
  let url = process.env.NOWBOARD_DB && /^postgres/.test(process.env.NOWBOARD_DB) ? process.env.NOWBOARD_DB : '';
  let where = url ? 'NOWBOARD_DB' : '';
  if (!url) {
    url = startThrowaway();
    where = 'throwaway cluster (.ci/pg-throwaway.sh)';
  }
  const schema = `ac_bench_${process.pid}`;
  const db = await openDb(url, { schema, poolMax: 4 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-cloud-bench-'));
  try {
    const acKey = keyFileOf('ac-bench', generateP256());
    const brs = [generateP256(), generateP256()];
    for (let i = 0; i < brs.length; i++) await addBorderRouter(db, `bench-br-${i}`, brs[i].pubHex, 'admin:bench', Date.now());
    const nowSec = Math.floor(Date.now() / 1000);
    const envelope = (brIdx: number, body: string) => JSON.stringify(signBrRequest(`bench-br-${brIdx}`, brs[brIdx].privateKey, AC_JOIN_PATH, body, Date.now()));

    process.stdout.write(`Authentication Cloud bench (${HTTP ? 'over HTTP, this process as the BRs' : 'AC core in each instance process'}): PostgreSQL from ${where}; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    process.stdout.write(`signing ${COUNT} joins for each run (outside the timed part)…\n`);
    const shareSets = async (tag: string) => {
      const one = await makeNodes(db, `${tag}1x${process.pid}`, COUNT, nowSec);
      const two = await makeNodes(db, `${tag}2x${process.pid}`, COUNT, nowSec);
      const half = Math.floor(COUNT / 2);
      const dups = Math.floor(COUNT / 10);
      // Instance A gets the first half + replays of the first `dups` of B's half; B the second half + replays of A's first `dups`.
      const twoShares = [
        two.slice(0, half).map((n) => envelope(0, n.join)).concat(two.slice(half, half + dups).map((n) => envelope(0, n.join))),
        two.slice(half).map((n) => envelope(1, n.join)).concat(two.slice(0, dups).map((n) => envelope(1, n.join))),
      ];
      // Interleave each share's replays among its own requests so they race the originals.
      for (const sh of twoShares) sh.sort(() => Math.random() - 0.5);
      return { oneTag: `${tag}1x${process.pid}`, twoTag: `${tag}2x${process.pid}`, oneShares: [one.map((n) => envelope(0, n.join))], twoShares, dups };
    };
    const coldSet = await shareSets('c');
    const warmSet = await shareSets('w');

    const sum = (rs: Result[], k: string) => rs.reduce((a, r) => a + (r.counts[k] ?? 0), 0);
    const rows: string[][] = [];
    const report = (label: string, r: Run, c: { accepted_rows: number; doubled: number; audit_ok: number }, distinct: number) => {
      const handled = r.results.reduce((a, x) => a + x.handled, 0);
      const ok = sum(r.results, 'OK');
      const replays = sum(r.results, 'E_AC_REPLAY');
      const other = handled - ok - replays;
      const acCpu = r.results.reduce((a, x) => a + x.cpuSeconds, 0);
      const cpuMs = r.pgCpu === null ? 'n/a' : (((acCpu + r.pgCpu) * 1000) / handled).toFixed(2);
      rows.push([label, String(handled), r.wall.toFixed(2), (handled / r.wall).toFixed(0), (ok / r.wall).toFixed(0), String(ok), String(replays), String(other), String(distinct - c.accepted_rows), String(c.doubled), String(c.audit_ok), ((acCpu * 1000) / handled).toFixed(2), r.pgCpu === null ? 'n/a' : ((r.pgCpu * 1000) / handled).toFixed(2), cpuMs]);
      return { handled, ok, replays, other, rps: handled / r.wall, cpuPerReq: r.pgCpu === null ? null : (acCpu + r.pgCpu) / handled, driverMs: (r.driverCpu * 1000) / handled };
    };
    const stats: Record<string, ReturnType<typeof report>> = {};
    let correct = true;
    const warmNotes: string[] = [];
    for (const [mode, set] of [['cold', coldSet], ['warm', warmSet]] as const) {
      const r1 = await runInstances(url, schema, acKey, set.oneShares, tmp, mode === 'warm');
      const r2 = await runInstances(url, schema, acKey, set.twoShares, tmp, mode === 'warm');
      const c1 = await counts(db, set.oneTag);
      const c2 = await counts(db, set.twoTag);
      const s1 = (stats[`1 ${mode}`] = report(`1 instance, ${mode}`, r1, c1, COUNT));
      const s2 = (stats[`2 ${mode}`] = report(`2 instances, ${mode}`, r2, c2, COUNT));
      if (mode === 'warm') for (const w of r1.warm.concat(r2.warm)) warmNotes.push(`${w.rows} rows in ${w.ms.toFixed(0)} ms`);
      correct = correct &&
        s1.ok === COUNT && s2.ok === COUNT && s1.other === 0 && s2.other === 0 && s2.replays === 2 * set.dups &&
        c1.accepted_rows === COUNT && c2.accepted_rows === COUNT && c1.doubled === 0 && c2.doubled === 0 && c1.audit_ok === COUNT && c2.audit_ok === COUNT;
    }
    const head = ['run', 'requests', 'seconds', 'requests/s', 'accepts/s', 'accepted', 'replays refused', 'other refusals', 'lost', 'double-accepted', 'audit OK rows', 'AC cpu ms/req', 'PG cpu ms/req', 'cpu ms/req'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    process.stdout.write('\n' + line(head) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n' + rows.map(line).join('\n') + '\n\n');
    process.stdout.write(`warm-up before the clock, per instance (the newest rows of a trust list holding every run's nodes): ${warmNotes.join('; ')}\n`);
    if (HTTP) process.stdout.write(`driver (this process as the BRs) CPU ms/request, not in the table: ${Object.entries(stats).map(([k, v]) => `${k} ${v.driverMs.toFixed(2)}`).join(', ')}\n`);
    for (const mode of ['cold', 'warm']) {
      const s1 = stats[`1 ${mode}`];
      const s2 = stats[`2 ${mode}`];
      process.stdout.write(`${mode}: two instances / one: ${(s2.rps / s1.rps).toFixed(2)}×; two instances / target ${TARGET}/s: ${(s2.rps / TARGET).toFixed(2)}× (measured wall clock, machine shared)\n`);
      if (s2.cpuPerReq !== null) {
        // What the same work would do with this machine's cores to itself: CPU time per request, AC and PostgreSQL together.
        const cores = os.cpus().length;
        const ideal = cores / s2.cpuPerReq;
        process.stdout.write(`${mode}: CPU-bound capacity, two instances, all ${cores} cores to the AC + PostgreSQL: ${ideal.toFixed(0)} requests/s = ${(ideal / TARGET).toFixed(2)}× the target (from CPU seconds per request measured above, not wall clock)\n`);
      }
    }
    process.stdout.write(correct ? 'database check: zero lost, zero double-accepted, one audit OK row per accepted join\n' : 'database check FAILED (see the table)\n');
    process.exitCode = correct ? 0 : 1;
  } finally {
    await db.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => undefined);
    await db.close();
    fs.rmSync(tmp, { recursive: true, force: true });
    stopThrowaway();
  }
}

process.on('SIGINT', () => {
  stopThrowaway();
  process.exit(130);
});
main().catch((e) => {
  process.stderr.write(`bench:cloud: ${(e as Error).stack ?? e}\n`);
  stopThrowaway();
  process.exit(1);
});
