/**
 * `nowboard sim --protocol cloud`: a batch provisioned through two border
 * routers (BRs) and one Authentication Cloud (AC) with the real board bundles,
 * then the two things the protocol exists for (firmware/protocols/cloud/README.md
 * §2.2, §2.3):
 *
 *   1. batch: every node provisioned by its BR (each node hears one BR);
 *   2. rejoin: node `mover` is carried from BR A's range to BR B's and rebooted:
 *      B, which never saw it, asks the same AC and provisions it with B's key;
 *   3. revocation: node `revoked` (trusted by its BR) is revoked in the AC; after
 *      the BR's trustFor it is rebooted in range of every BR: every BR refuses
 *      it (E_AC_SN_REVOKED in each audit), the one that had trusted it included.
 *
 * The AC answers through the simulator's uplink (latency, loss) and may be
 * asynchronous (the real AC on PGlite): runWithUplink keeps virtual time from
 * passing an answer that has not come back yet.
 */
import { World, Board, LoadBundle } from '../sim/sim-world.ts';
import { buildScenarioWorld, summarize, ScenarioResult } from '../sim/sim-scenario.ts';
import { runWithUplink } from '../sim/sim-uplink.ts';
import { batchScenarioOptions } from './batch-scenario.ts';
import { cloudBatchWith, CloudSimBatch, SimAc, useAc, setRange, SIM_TRUST_FOR } from './cloud-batch.ts';
import { E_AC_SN_REVOKED, I_KEY_STORED } from '../../firmware/protocols/cloud/codes.ts';

export interface CloudSimOptions {
  seed: string;
  enrollees: number;
  /** at least 2 */
  configurators?: number;
  loss?: number;
  maxMs?: number;
  bundles: { enrollee: string; configurator: string };
  loadBundle: LoadBundle;
  engine?: string;
  nativeCrypto?: any;
  cpuSecondsFor?: (work: { [unit: string]: number }, engine: string) => number;
  /** the AC to call: made for the batch before the boards boot (default: the in-memory stub) */
  ac?: (batch: CloudSimBatch) => Promise<SimAc>;
  trustFor?: number;
  uplinkLoss?: number;
  /** node indexes on secp160k1 */
  secp160k1?: number[];
  mover?: number;
  revoked?: number;
  onProgress?: (phase: string, world: World) => void;
}

export interface CloudPhase {
  name: string;
  ok: boolean;
  atMs: number;
  detail: string;
}

export interface CloudSimRun {
  result: ScenarioResult;
  batch: CloudSimBatch;
  phases: CloudPhase[];
  ok: boolean;
  lines: string[];
}

function reportsOf(b: Board, ev: string, since?: number): any[] {
  return b.reports.filter((r) => r.ev === ev && (since === undefined || r.t >= since));
}

function audits(b: Board, sn: string, since: number): any[] {
  return b.reports.filter((r) => r.ev === 'audit' && r.device === sn && r.t >= since);
}

export async function runCloudSim(o: CloudSimOptions): Promise<CloudSimRun> {
  const nBr = Math.max(2, o.configurators ?? 2);
  const mover = o.mover ?? 0;
  const revoked = o.revoked ?? (o.enrollees > 1 ? 1 : -1);
  const trustFor = o.trustFor ?? SIM_TRUST_FOR;
  const proto = cloudBatchWith({ trustFor, uplinkLoss: o.uplinkLoss ?? 0.02, secp160k1: o.secp160k1 });
  const s = batchScenarioOptions<CloudSimBatch>({
    protocol: proto, seed: o.seed, enrollees: o.enrollees, configurators: nBr, loss: o.loss, bundles: o.bundles, loadBundle: o.loadBundle,
    maxMs: o.maxMs ?? 4 * 3600000, engine: o.engine, nativeCrypto: o.nativeCrypto,
  });
  if (o.cpuSecondsFor) s.opts.cpuSecondsFor = o.cpuSecondsFor;
  const world = buildScenarioWorld(s.opts);
  s.opts.setup!(world);
  const batch = s.batch();
  if (o.ac) await useAc(batch, await o.ac(batch));
  const up = batch.uplink!;
  const bootRng = world.rng.fork('boot');
  for (const b of world.boards) world.boot(b, bootRng.int(200));
  const maxMs = s.opts.maxMs!;
  const phases: CloudPhase[] = [];
  const node = (j: number) => world.board('enr' + (j + 1));
  const br = (i: number) => world.board('cfg' + (i + 1));

  // 1. the batch
  const allDone = () => world.boards.every((b) => s.opts.finished(b, world));
  let done = false;
  for (let t = 60000; ; t += 60000) {
    done = await runWithUplink(world, up, allDone, Math.min(t, maxMs));
    o.onProgress?.('batch', world);
    if (done || t >= maxMs) break;
  }
  const provisioned = o.enrollees - world.boards.filter((b) => b.role === 'enrollee' && !reportsOf(b, 'provisioned').length).length;
  phases.push({ name: 'batch', ok: done, atMs: world.clock.now(), detail: `${provisioned}/${o.enrollees} nodes provisioned through ${nBr} border routers` });

  // 2. rejoin: the mover leaves BR A (its owner) for BR B
  if (done && mover >= 0 && mover < o.enrollees) {
    const m = batch.enrollees[mover];
    const from = m.owner;
    const to = (from + 1) % nBr;
    const t0 = world.clock.now();
    setRange(world, batch, mover, [to]);
    world.boot(node(mover));
    const ok = await runWithUplink(world, up, () => reportsOf(node(mover), 'provisioned', t0).length > 0 && audits(br(to), m.device, t0).some((a) => a.code === 0), Math.min(maxMs, t0 + 1800000));
    phases.push({
      name: 'rejoin', ok, atMs: world.clock.now(),
      detail: `${m.device} (enr${mover + 1}) moved from cfg${from + 1} to cfg${to + 1}: ${ok ? 'provisioned again by cfg' + (to + 1) + ' through the same AC' : 'NOT provisioned again'} ` +
        `after ${((world.clock.now() - t0) / 1000).toFixed(1)} s`,
    });
  }

  // 3. revocation: revoke in the AC, wait out trustFor, reboot in range of every BR
  if (done && revoked >= 0 && revoked < o.enrollees) {
    const r = batch.enrollees[revoked];
    const tRev = world.clock.now();
    await batch.ac.revoke(r.device);
    const owner = r.owner;
    const trustedBefore = reportsOf(br(owner), 'report').some((x) => x.name === 'I_TRUSTED' && String(x.detail).indexOf(r.device + ' ') === 0);
    const until = tRev + trustFor * 1000 + 5000;
    await runWithUplink(world, up, () => false, Math.min(maxMs, until));
    // Nothing may be scheduled (nodes provisioned, BRs idle): let the clock reach the end of trustFor anyway.
    if (world.clock.now() < until) world.run(Math.min(maxMs, until));
    const all: number[] = [];
    for (let i = 0; i < nBr; i++) all.push(i);
    setRange(world, batch, revoked, all);
    const t1 = world.clock.now();
    world.boot(node(revoked));
    const everyBr = () => all.every((i) => audits(br(i), r.device, tRev).some((a) => a.code === E_AC_SN_REVOKED));
    const ok = await runWithUplink(world, up, everyBr, Math.min(maxMs, t1 + 900000));
    const keyAfter = reportsOf(node(revoked), 'report', tRev).filter((x) => x.code === I_KEY_STORED).length;
    phases.push({
      name: 'revocation', ok: ok && keyAfter === 0 && trustedBefore, atMs: world.clock.now(),
      detail: `${r.device} (enr${revoked + 1}) revoked at ${(tRev / 1000).toFixed(1)} s; trusted by cfg${owner + 1} before: ${trustedBefore ? 'yes' : 'no'}; ` +
        `rebooted ${((t1 - tRev) / 1000).toFixed(0)} s later in range of every BR: refused by ${all.filter((i) => audits(br(i), r.device, tRev).some((a) => a.code === E_AC_SN_REVOKED)).map((i) => 'cfg' + (i + 1)).join(', ') || 'none'}` +
        `; keys received after revocation: ${keyAfter}`,
    });
  }
  const result = summarize(world, s.opts);
  const lines = phases.map((p) => `${p.ok ? 'OK  ' : 'FAIL'} ${p.name}: ${p.detail}`);
  lines.push(`AC: ${batch.ac.name}; uplink: ${up.stats.requests} requests, ${up.stats.answered} answered, ${up.stats.lostRequests} requests and ${up.stats.lostAnswers} answers lost`);
  if (batch.ac.close) await batch.ac.close();
  return { result, batch, phases, ok: phases.length > 0 && phases.every((p) => p.ok), lines };
}
