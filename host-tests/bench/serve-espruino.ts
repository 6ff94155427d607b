/**
 * `nowboard serve --transport udp` provisioning real interpreter processes: the
 * built enrollee bundle (dist/espruino/whitelist/enrollee.js) on a Linux build
 * of Espruino (not part of the project: NOWBOARD_ESPRUINO names the binary; see
 * host-tests/bench/README.md), one process per board, each in its own temporary
 * directory (Espruino keeps Storage in ./espruino.flash), over the UDP binding
 * on loopback (the bundle's dgram fallback, docs/udp-binding.md).
 *
 * Each board's Storage gets what `nowboard flash` writes (its identity, slot
 * framed) plus, for Linux: `nb-udp.json` (its port, serve's port), `nb-mac`
 * (its own MAC: E.hwRand is unseeded on Linux, so every process would pick the
 * same one) and `Wifi`, a stand-in module (Espruino's require() finds modules in
 * Storage) that reports a join as done after JOIN_MS — Linux Espruino has no
 * Wi-Fi, and without a join the enrollee's ACK says WIFI_NO_AP.
 *
 * Measured: wall time from the boards' start to serve's last OK audit, and
 * each process's CPU time (utime + stime from /proc/<pid>/stat) when its device
 * was audited and when all were. Espruino on Linux busy-polls while a dgram
 * socket is open (a full core per process), so N processes share 2 cores.
 *
 *   NOWBOARD_ESPRUINO=/path/to/espruino npx tsx host-tests/bench/serve-espruino.ts [1 8]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main } from '../../configurator/cli/nowboard.ts';
import { readDeviceSecret } from '../../configurator/cli/manifest.ts';
import { deviceStorageFiles } from '../../configurator/cli/device-files.ts';
import { readAuditLog, isProvisionedCode } from '../../configurator/serve/audit-log.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUNDLE = path.join(ROOT, 'dist/espruino/whitelist/enrollee.js');
const JOIN_MS = 100;
const IDLE_MS = 3000;
const BOUND_MS = 600000;
const TICK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export interface EspruinoRun {
  count: number;
  wallMs: number;
  /** per process: CPU seconds when its device was audited OK, and at the end */
  cpuAtAudit: number[];
  cpuAtEnd: number[];
  /** CPU seconds each process used in IDLE_MS after the last audit, provisioned and idle */
  cpuIdle: number[];
  /** ms from the boards' start to each device's OK audit */
  auditMs: number[];
  serveCpuS: number;
  provisioned: number;
}

function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[14 - 3]) + Number(rest[15 - 3])) / TICK;
  } catch (e) {
    return NaN;
  }
}

function storageScript(files: Record<string, Uint8Array | string>): string {
  const lines = ['var S = require("Storage");'];
  for (const [name, v] of Object.entries(files)) {
    const b64 = Buffer.from(typeof v === 'string' ? Buffer.from(v, 'latin1') : v).toString('base64');
    lines.push(`S.write(${JSON.stringify(name)}, atob(${JSON.stringify(b64)}));`);
  }
  lines.push('print("NB-FLASHED " + S.list().length);');
  return lines.join('\n');
}

const WIFI_STAND_IN =
  `exports.connect = function (ssid, opts, cb) { setTimeout(function () { if (cb) cb(null); }, ${JOIN_MS}); };\n` +
  'exports.disconnect = function () {};\n';

function wait(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function runEspruinoServe(binary: string, count: number): Promise<EspruinoRun> {
  const batch = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-esp-batch-'));
  await main(['keygen', '--count', String(count), '--out', batch, '--force'], () => {});
  const servePort = 40000 + Math.floor(Math.random() * 9000);
  const procs: ChildProcess[] = [];
  const dirs: string[] = [];
  const serve = spawn(process.execPath, [
    '--import', 'tsx', path.join(ROOT, 'configurator/cli/nowboard.ts'), 'serve', '--dir', batch,
    '--transport', 'udp', '--port', String(servePort), '--quiet',
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let serveOut = '';
  serve.stdout!.on('data', (b) => (serveOut += b));
  serve.stderr!.on('data', (b) => (serveOut += b));
  const serveExit = new Promise<number | null>((r) => serve.on('exit', (c) => r(c)));
  try {
    const t0 = Date.now();
    while (!serveOut.includes('serving ')) {
      if (Date.now() - t0 > 60000 || serve.exitCode !== null) throw new Error('serve did not start: ' + serveOut);
      await wait(50);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(batch, 'manifest.json'), 'utf8'));
    const ids: string[] = manifest.devices.map((d: { id: string }) => d.id);
    // Flash every board's Storage first (not measured).
    for (const [i, id] of ids.entries()) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-esp-board-'));
      dirs.push(dir);
      const files: Record<string, Uint8Array | string> = { ...deviceStorageFiles(readDeviceSecret(batch, id)) };
      files['nb-udp.json'] = JSON.stringify({ port: servePort + 1 + i, peers: ['127.0.0.1:' + servePort] });
      files['nb-mac'] = new Uint8Array([2, 0, 0, 0, 0xe5, i + 1]);
      files['Wifi'] = WIFI_STAND_IN;
      fs.writeFileSync(path.join(dir, 'flash.js'), storageScript(files));
      const r = spawnSync(binary, ['flash.js'], { cwd: dir, input: '', timeout: 30000, encoding: 'latin1' });
      if (!String(r.stdout).includes('NB-FLASHED')) throw new Error(`flashing ${id} failed: ${r.stdout} ${r.stderr}`);
    }
    // Start every board at once; stdin stays an open, silent pipe (at EOF Espruino spins on read()).
    const start = Date.now();
    const serveCpu0 = cpuSeconds(serve.pid!);
    let serveCpu = serveCpu0;
    for (const dir of dirs) procs.push(spawn(binary, [BUNDLE], { cwd: dir, stdio: ['pipe', 'ignore', 'ignore'] }));
    const log = path.join(batch, 'audit.jsonl');
    const cpuAtAudit: number[] = new Array(count).fill(NaN);
    const auditMs: number[] = new Array(count).fill(NaN);
    let lastOk = 0;
    for (;;) {
      const recs = readAuditLog(log).records.filter((r) => r.ev === 'audit' && isProvisionedCode(r.code));
      for (const r of recs) {
        const i = ids.indexOf(r.device as string);
        if (i >= 0 && Number.isNaN(cpuAtAudit[i])) {
          cpuAtAudit[i] = cpuSeconds(procs[i].pid!);
          lastOk = Date.now();
          auditMs[i] = lastOk - start;
        }
      }
      const sc = cpuSeconds(serve.pid!);
      if (!Number.isNaN(sc)) serveCpu = sc;
      if (cpuAtAudit.every((x) => !Number.isNaN(x))) break;
      if (Date.now() - start > BOUND_MS) throw new Error('not every board was provisioned in time: ' + serveOut);
      await wait(20);
    }
    const cpuAtEnd = procs.map((p) => cpuSeconds(p.pid!));
    // Idle afterwards: what an open dgram socket costs each process with nothing to do.
    await wait(IDLE_MS);
    const cpuIdle = procs.map((p, i) => cpuSeconds(p.pid!) - cpuAtEnd[i]);
    await serveExit;
    const done = /(\d+)\/(\d+) devices provisioned/.exec(serveOut);
    return {
      count, wallMs: lastOk - start, cpuAtAudit, cpuAtEnd, auditMs, cpuIdle, serveCpuS: serveCpu - serveCpu0,
      provisioned: done ? Number(done[1]) : 0,
    };
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    if (serve.exitCode === null) serve.kill('SIGINT');
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    fs.rmSync(batch, { recursive: true, force: true });
  }
}

export function espruinoReport(r: EspruinoRun): string {
  const f = (x: number) => x.toFixed(2);
  return `${r.count} Espruino process${r.count > 1 ? 'es' : ''}: ${r.provisioned}/${r.count} provisioned in ${(r.wallMs / 1000).toFixed(2)} s wall; ` +
    `audited at [${r.auditMs.map((x) => f(x / 1000)).join(', ')}] s; CPU per process at its audit [${r.cpuAtAudit.map(f).join(', ')}] s, at the last audit [${r.cpuAtEnd.map(f).join(', ')}] s; ` +
    `serve ${f(r.serveCpuS)} s CPU meanwhile; then idle for ${IDLE_MS / 1000} s: [${r.cpuIdle.map(f).join(', ')}] s CPU each`;
}

const isMain = process.argv[1] && import.meta.url === new URL('file://' + path.resolve(process.argv[1])).href;
if (isMain) {
  const binary = process.env.NOWBOARD_ESPRUINO?.split(':')[0];
  if (!binary) {
    process.stderr.write('set NOWBOARD_ESPRUINO to a Linux Espruino binary\n');
    process.exit(2);
  }
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const n of counts.length ? counts : [1, 8]) {
    const r = await runEspruinoServe(binary, n);
    console.log(espruinoReport(r));
  }
}
