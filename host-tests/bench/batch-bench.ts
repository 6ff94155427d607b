/**
 * `npm run bench:batch` — batch throughput of the host-driven configurator
 * (`nowboard serve`) against the configurator bundle on an ESP32, in the
 * simulator with the ESP32 cost estimates (configurator/power/cost-table.ts),
 * every figure measured in this one run, the targets printed as ratios:
 *
 *   serve, one enrollee alone (no loss)            = the lone handshake
 *   serve, 100 enrollees at 10 % loss              ≤ 3 × the lone handshake (issue 13)
 *   bundle, one enrollee alone                     (the configurator on an ESP32)
 *   bundle, 100 enrollees at 10 % loss             ≤ 30 min (issue 13), with the ephemeral pool
 *                                                  (firmware/protocols/whitelist/README.md §4.5),
 *                                                  on the pure-JS engine and on the native one
 *                                                  (E.convolve + the ESP32's SHA/AES), each beside
 *                                                  its lone handshake and the floor its counted work sets
 *
 * Makespan = virtual time from the start until the configurator's last audit
 * saying "provisioned" (the operator's view: the tray is done). The batch's
 * spread over the lone time is printed too, per enrollee: which part the
 * enrollee's own timing (its X25519 on an ESP32, its presence back-off after a
 * lost announcement) explains.
 *
 * With NOWBOARD_ESPRUINO set, also `nowboard serve --transport udp` with real
 * Linux Espruino processes as the boards, 1 alone and 8 at once
 * (serve-espruino.ts): wall time and each process's CPU time.
 *
 *   npm run bench:batch [-- --count 100 --loss 0.1 --seed bench --no-bundle-batch]
 */
import os from 'node:os';
import { memoryBatch, enrolleeSrc } from '../serve/serve-fixtures.ts';
import { simTransport } from '../../configurator/serve/sim-transport.ts';
import { ServeEngine, ServeResult } from '../../configurator/serve/serve-engine.ts';
import { runSimBatch } from '../../configurator/cli/command-sim.ts';
import { cpuSecondsFor, X25519_FMULS, X25519_FINVS } from '../../configurator/power/cost-table.ts';
import { ENROLLEE_TIMING } from '../../firmware/apps/whitelist/enrollee-spec.ts';
import { nodeNativeCrypto } from '../../configurator/sim/vm-board.ts';
import { POOL_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';
import { runEspruinoServe, espruinoReport } from './serve-espruino.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : def;
}
const COUNT = Number(arg('count', '100'));
const LOSS = Number(arg('loss', '0.1'));
const SEED = arg('seed', 'bench');
const BUNDLE_BATCH = !process.argv.includes('--no-bundle-batch');
/** Issue 13: the standalone ESP32 configurator's 100-enrollee batch, simulated minutes. */
const BUNDLE_TARGET_MIN = 30;
const TARGET = 3;

const s = (ms: number) => (ms / 1000).toFixed(1) + ' s';

interface ServeRun {
  r: ServeResult;
  makespan: number;
  hostBusyMs: number;
  wallMs: number;
  enrolleeCpuMs: number[];
  enrolleeEvents: number[];
  /** each enrollee's loss-free timeline: first PRESENCE heard by serve to its session's start */
}

async function serveRun(n: number, loss: number, seed: string): Promise<ServeRun> {
  const { input, secrets } = memoryBatch(n, seed);
  const t = simTransport({
    input, enrolleeSrc: enrolleeSrc(), seed, loss,
    devices: input.devices.map((d) => ({ id: d.id, secret: secrets.get(d.id)! })),
  });
  const w0 = Date.now();
  const r = await new ServeEngine({ input, transport: t, sinks: [], maxMs: 4 * 3600e3 }).start();
  if (r.reason !== 'done') throw new Error(`serve batch of ${n} ended: ${r.reason} (${r.done}/${r.total})`);
  return {
    r,
    makespan: Math.max(...r.devices.map((d) => d.doneMs ?? Infinity)),
    hostBusyMs: t.hostBusyMs(),
    wallMs: Date.now() - w0,
    enrolleeCpuMs: [...t.boards().values()].map((b) => b.cpuBusyMs),
    enrolleeEvents: [...t.boards().values()].map((b) => b.events),
  };
}

interface BundleRun {
  makespan: number;
  cfgBusyMs: number;
  wallMs: number;
  /** the configurator's counted work over the run */
  work: { [unit: string]: number };
  events: number;
  sessions: number;
}

function bundleRun(n: number, loss: number, seed: string, engine = 'espruino-esp32-js'): BundleRun {
  const w0 = Date.now();
  const native = engine === 'espruino-esp32-native';
  const r = runSimBatch({ seed, enrollees: n, loss, maxMs: 6 * 3600e3, engine, nativeCrypto: native ? nodeNativeCrypto : undefined });
  if (!r.ok) throw new Error(`bundle batch of ${n} not finished`);
  const cfg = r.world.boards.find((b) => b.role === 'configurator')!;
  const okT = cfg.reports.filter((x) => x.ev === 'audit' && x.code === 0).map((x) => x.t);
  const sessions = cfg.reports.filter((x) => x.ev === 'report' && x.name === 'I_SESSION').length;
  return { makespan: Math.max(...okT), cfgBusyMs: cfg.cpuBusyMs, wallMs: Date.now() - w0, work: { ...cfg.workTotals }, events: cfg.events, sessions };
}

const min = (ms: number) => (ms / 60000).toFixed(1) + ' min';

/**
 * The standalone configurator's batch on one engine: makespan against the
 * target and its lone handshake, where its CPU went (counted work × the cost
 * table), and the floor: one X25519 per session (es) plus the ephemerals the
 * pool's limits force (≥ sessions / ephUses, and ≥ one per ephMs of run),
 * plus the SHA-256 blocks and events actually counted per session.
 */
function bundleReport(say: (x: string) => void, label: string, engine: string, lone: BundleRun, bb: BundleRun, serveMakespan: number): void {
  const x1 = cpuSecondsFor({ fmul25519: X25519_FMULS, finv: X25519_FINVS }, engine) * 1000;
  const w = bb.work;
  const x25519 = (w.fmul25519 ?? 0) / X25519_FMULS;
  const shaUnit = engine === 'espruino-esp32-native' ? 'shaBlockNative' : 'shaBlock';
  const aesUnit = engine === 'espruino-esp32-native' ? 'aesBlockNative' : 'aesBlock';
  const msOf = (unit: string, n: number) => (n ? cpuSecondsFor({ [unit]: n }, engine) * 1000 : 0);
  const xMs = x25519 * x1;
  const shaMs = msOf(shaUnit, w[shaUnit] ?? 0);
  const aesMs = msOf(aesUnit, w[aesUnit] ?? 0);
  const evMs = msOf('event', bb.events);
  const met = bb.makespan <= BUNDLE_TARGET_MIN * 60000;
  say(`  ${COUNT} enrollees, configurator bundle, ${label}: ${min(bb.makespan)} (${s(bb.makespan)})   target ≤ ${BUNDLE_TARGET_MIN} min: ${met ? 'met' : 'NOT MET'} ` +
    `(${(bb.makespan / (BUNDLE_TARGET_MIN * 60000)).toFixed(2)} × the target); = ${(bb.makespan / lone.makespan).toFixed(1)} × its lone handshake (${s(lone.makespan)}); ` +
    `serve is ${(bb.makespan / serveMakespan).toFixed(1)} × faster (${(bb.wallMs / 1000).toFixed(0)} s wall)`);
  say(`      its CPU: busy ${(100 * bb.cfgBusyMs / bb.makespan).toFixed(1)} %, ${min(bb.cfgBusyMs)} = ${x25519.toFixed(0)} X25519 × ${s(x1)} (${min(xMs)}; ${(x25519 / bb.sessions).toFixed(2)} per session, ` +
    `${bb.sessions} sessions) + ${w[shaUnit] ?? 0} SHA-256 blocks (${s(shaMs)}; ${((w[shaUnit] ?? 0) / bb.sessions).toFixed(0)} per session) + ` +
    `${w[aesUnit] ?? 0} AES blocks (${s(aesMs)}) + ${bb.events} events (${s(evMs)})`);
  const eph = Math.max(Math.ceil(bb.sessions / POOL_DEFAULTS.ephUses), Math.ceil(bb.makespan / POOL_DEFAULTS.ephMs));
  const floor = (bb.sessions + eph) * x1 + (shaMs + aesMs) ;
  say(`      floor with the pool (ephUses ${POOL_DEFAULTS.ephUses}, ephMs ${POOL_DEFAULTS.ephMs / 60000} min): ${bb.sessions} es + ≥ ${eph} ephemerals = ${bb.sessions + eph} X25519 ` +
    `(${min((bb.sessions + eph) * x1)}) + this run's SHA/AES (${s(shaMs + aesMs)}) = ${min(floor)} with no event cost at all` +
    `${floor > BUNDLE_TARGET_MIN * 60000 ? ': the target cannot be met on this engine' : ''}`);
}

function quantile(xs: number[], q: number): number {
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor(q * a.length))];
}

async function run(): Promise<void> {
  const lines: string[] = [];
  const say = (x: string) => {
    lines.push(x);
    console.log(x);
  };
  say(`nowboard bench:batch — ${COUNT} enrollees at ${LOSS * 100} % loss, seed "${SEED}"; simulator, ESP32 cost estimates (enrollees: espruino-esp32-js)`);
  const lone = await serveRun(1, 0, SEED + '-lone');
  const oneX25519 = cpuSecondsFor({ fmul25519: X25519_FMULS, finv: X25519_FINVS }, 'espruino-esp32-js') * 1000;
  say(`  lone handshake, serve (host configurator):       ${s(lone.makespan)}   (the enrollee's X25519 on an ESP32 alone: ${s(oneX25519)})`);
  const bLone = bundleRun(1, 0, SEED + '-lone');
  say(`  lone handshake, configurator bundle (ESP32):     ${s(bLone.makespan)}   (${(bLone.makespan / lone.makespan).toFixed(2)} × serve's)`);
  const batch = await serveRun(COUNT, LOSS, SEED);
  const ratio = batch.makespan / lone.makespan;
  say(`  ${COUNT} enrollees, serve:                         ${s(batch.makespan)}   = ${ratio.toFixed(2)} × the lone handshake ` +
    `(target ≤ ${TARGET}: ${ratio <= TARGET ? 'met' : 'NOT MET'}); ${(batch.makespan / bLone.makespan).toFixed(2)} × the bundle's lone handshake`);
  const sessions = batch.r.devices.reduce((a, d) => a + d.attempts, 0);
  say(`      serve's CPU (host engine of the cost table): ${(batch.hostBusyMs / 1000).toFixed(3)} s busy over ${s(batch.makespan)} ` +
    `(${(100 * batch.hostBusyMs / batch.makespan).toFixed(2)} %), ${batch.r.work.x25519Op} X25519 for ${sessions} sessions`);
  const late = batch.r.devices.map((d) => (d.doneMs ?? 0) - lone.makespan);
  say(`      each enrollee's time over the lone handshake: median ${s(quantile(late, 0.5))}, 90 % ${s(quantile(late, 0.9))}, max ${s(Math.max(...late))}; ` +
    `${batch.r.devices.filter((d) => d.attempts > 1).length} needed a second session`);
  const cpuLone = lone.enrolleeCpuMs[0];
  const cpuMed = quantile(batch.enrolleeCpuMs, 0.5);
  const evMed = quantile(batch.enrolleeEvents, 0.5);
  const perEvent = cpuSecondsFor({ event: 1 }, 'espruino-esp32-js') * 1000;
  say(`      each enrollee's CPU (ESP32 estimate): alone ${s(cpuLone)} in ${lone.enrolleeEvents[0]} events; in the batch median ${s(cpuMed)} ` +
    `in ${evMed} events — the others' broadcast announcements cost it ${perEvent.toFixed(0)} ms each (an 'event' on Espruino)`);
  say(`      what bounds it: the lone handshake is the enrollee's own X25519 (${s(oneX25519)}) + its Wi-Fi join + airtime; ` +
    `in the batch each enrollee also handles the others' announcements on its own CPU, and an announcement lost on the air is repeated ` +
    `after ${ENROLLEE_TIMING.presenceBaseMs / 1000} s, then ${(2 * ENROLLEE_TIMING.presenceBaseMs) / 1000} s (ENROLLEE_TIMING back-off); serve answers each at once`);
  if (BUNDLE_BATCH) {
    // The standalone ESP32 configurator with its ephemeral pool (issue 13 part 5), on both board engines.
    const bb = bundleRun(COUNT, LOSS, SEED);
    bundleReport(say, 'pure JS (espruino-esp32-js)', 'espruino-esp32-js', bLone, bb, batch.makespan);
    const nLone = bundleRun(1, 0, SEED + '-lone', 'espruino-esp32-native');
    const nb = bundleRun(COUNT, LOSS, SEED, 'espruino-esp32-native');
    bundleReport(say, 'native (E.convolve + SHA/AES peripherals, espruino-esp32-native)', 'espruino-esp32-native', nLone, nb, batch.makespan);
  } else {
    say(`  (the configurator bundle's own ${COUNT}-batch: skipped by --no-bundle-batch; about a minute of wall time per engine)`);
  }
  say(`  wall: serve lone ${(lone.wallMs / 1000).toFixed(1)} s, serve batch ${(batch.wallMs / 1000).toFixed(1)} s, bundle lone ${(bLone.wallMs / 1000).toFixed(1)} s`);
  const bin = process.env.NOWBOARD_ESPRUINO?.split(':')[0];
  if (bin) {
    say(`  nowboard serve --transport udp with Linux Espruino processes as boards (${bin}); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}:`);
    for (const n of [1, 8]) say('    ' + espruinoReport(await runEspruinoServe(bin, n)));
  } else {
    say('  (real interpreter processes over UDP: set NOWBOARD_ESPRUINO to a Linux Espruino binary)');
  }
}

run().catch((e) => {
  console.error(e);
  process.exit(1);
});
