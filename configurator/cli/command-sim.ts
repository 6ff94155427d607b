/**
 * `nowboard sim` — provision a batch on the ESP-NOW simulator with the real
 * board bundles (dist/espruino/*.js in node:vm): a progress bar, then one row
 * per device (result, attempts, latency, frames, bytes on air, energy), and a
 * report directory with the Markdown report, the power plots (SVG), the trace
 * (JSON + text) and the audit log.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FlagSpec, parseFlags } from './args.ts';
import { CliError } from './cli-errors.ts';
import { renderTable, renderMarkdownTable, progressBar } from './text-table.ts';
import { REPO_ROOT } from './commands-files.ts';
import { vmLoader, nodeNativeCrypto } from '../sim/vm-board.ts';
import { buildScenarioWorld, summarize, ScenarioResult } from '../sim/sim-scenario.ts';
import { tableIIIMarkdown, powerSvg, batchSummaryMarkdown } from '../power/power-report.ts';
import { batchScenarioOptions, BatchScenarioOptions } from '../batch/batch-scenario.ts';
import { hostProtocol, protocolNames, bundlePath, DEFAULT_PROTOCOL, HostProtocol } from '../protocols/index.ts';
import { CostTable, cpuSecondsFor, ENGINE_JS, ENGINE_NATIVE } from '../power/cost-table.ts';
import { loadCostTable } from '../power/calibration.ts';
import { configuratorKinds, runHostSim, ConfiguratorRow, CONFIGURATOR_HEADERS, configuratorCells, HostSimRun } from './sim-configurators.ts';
import { X25519_FMULS } from '../power/cost-table.ts';
import { cmdSimCloud } from './command-sim-cloud.ts';
import { runEnergy, RunEnergy, provisioningMarkdown, costMarkdown, batchLine, J, ProtocolRun, compareMarkdown, compareRows, COMPARE_HEADERS } from '../power/provisioning-report.ts';

export const simFlags: Record<string, FlagSpec> = {
  protocol: { type: 'string', default: DEFAULT_PROTOCOL, help: `provisioning protocol of the batch (${protocolNames().join(', ')}); several (a,b) or "all" run the same batch per protocol and compare them` },
  count: { type: 'int', default: 16, min: 1, max: 1000, help: 'enrollees in the batch' },
  configurators: { type: 'int', default: 1, min: 1, max: 8, help: 'configurators (each owns a share of the batch)' },
  configurator: { type: 'string', default: 'esp32', help: 'which configurator serves the batch: esp32 (the bundle on a simulated ESP32), host (nowboard serve over the simulator), or host,esp32 (both, side by side; whitelist only)' },
  loss: { type: 'float', default: 0.1, min: 0, max: 0.95, help: 'frame loss probability per link' },
  seed: { type: 'string', default: 'nowboard', help: 'simulator seed (same seed, same run)' },
  out: { type: 'string', default: 'reports', help: 'report directory' },
  'max-minutes': { type: 'float', default: 240, min: 0.1, max: 10000, help: 'virtual-time limit' },
  'native-crypto': { type: 'bool', help: 'boards expose require("crypto") (native SHA-256/AES)' },
  quiet: { type: 'bool', help: 'no progress bar' },
  calibration: { type: 'string', help: 'cost-table calibration file (nowboard calibrate); default calibration/esp32.json if present; none = the estimates' },
  ac: { type: 'string', help: 'cloud: the Authentication Cloud database (default memory: = PGlite in memory; a directory, postgres://…, or stub for the in-memory stub)' },
};

export interface DeviceRow {
  id: string;
  role: string;
  result: string;
  attempts: number;
  latencyMs: number | null;
  frames: number;
  bytesOnAir: number;
  /** boot → provisioned (enrollees), null if never provisioned */
  toProvisionedMj: number | null;
  /** boot → the configurator's audit of the ACK */
  toAckMj: number | null;
  /** the whole run */
  wholeRunMj: number;
}

/** ESP-NOW v1 on-air overhead per frame (MAC header, vendor IE, FCS; POWER.md). */
const FRAME_OVERHEAD = 43;

export function deviceRows(r: ScenarioResult, energy: RunEnergy = runEnergy(r)): DeviceRow[] {
  const frames = r.trace.frames();
  return r.boards.map((b) => {
    // Frames this board put on the air: one per send, counting MAC retries (attempt > 1) as extra transmissions.
    const mine = frames.filter((f) => f.from === b.id && f.outcome !== 'refused');
    const sent = new Map<string, number>();
    for (const f of mine) {
      const key = `${f.t}|${f.attempt}|${f.hex}`;
      if (!sent.has(key)) sent.set(key, f.len);
    }
    let tx = 0;
    let bytes = 0;
    const seen = new Set<string>();
    for (const f of mine) {
      const k = `${f.attempt}|${f.hex}|${Math.round(f.t)}`;
      if (seen.has(k)) continue; // a broadcast appears once per receiver
      seen.add(k);
      tx++;
      bytes += f.len + FRAME_OVERHEAD;
    }
    const boot = b.reports.find((x) => x.ev === 'boot');
    const prov = b.reports.find((x) => x.ev === 'provisioned');
    const sessions = b.reports.filter((x) => x.ev === 'report' && x.name === 'I_SESSION').length;
    const audits = b.reports.filter((x) => x.ev === 'audit');
    let result: string;
    if (b.crashes.length) result = 'CRASH';
    else if (b.role === 'enrollee') result = prov ? 'provisioned' : 'not provisioned';
    else result = `${audits.filter((a) => a.code === 0).length} OK / ${audits.length} audited`;
    const pe = energy.rows.find((x) => x.board === b.id);
    return {
      id: b.id,
      role: b.role,
      result,
      attempts: sessions,
      latencyMs: prov && boot ? prov.t - boot.t : null,
      frames: tx,
      bytesOnAir: bytes,
      toProvisionedMj: pe && pe.toProvisioned ? pe.toProvisioned.mJ : null,
      toAckMj: pe && pe.toAck ? pe.toAck.mJ : null,
      wholeRunMj: b.energyMj,
    };
  });
}

const fmtS = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1) + ' s');

export type SimBatchOptions = Omit<BatchScenarioOptions<any>, 'bundles' | 'loadBundle' | 'protocol'> & {
  protocol?: string | HostProtocol;
  /** the cost table for CPU time (default: cost-table.ts DEFAULT_COST_TABLE) */
  costTable?: CostTable;
  /** the board bundles (default: the protocol's dist/espruino/<protocol>/*.js) */
  bundles?: { enrollee: string; configurator: string };
};

/** A batch run; `after` holds what the protocol ran after provisioning (HostProtocol.afterBatch). */
export type SimRun = ScenarioResult & { after?: { ok: boolean; lines: string[] } };

export function runSimBatch(o: SimBatchOptions, onProgress?: (done: number, total: number, tMs: number) => void): SimRun {
  const proto = typeof o.protocol === 'object' ? o.protocol : hostProtocol(o.protocol ?? DEFAULT_PROTOCOL);
  const bundles = o.bundles ?? {
    enrollee: readBundle(bundlePath(proto.name, 'enrollee')),
    configurator: readBundle(bundlePath(proto.name, 'configurator')),
  };
  const { costTable, protocol: _p, bundles: _b, ...rest } = o;
  const s = batchScenarioOptions({ ...rest, protocol: proto.batch, bundles, loadBundle: vmLoader() });
  if (costTable) s.opts.cpuSecondsFor = (work, engine) => cpuSecondsFor(work, engine, costTable);
  const world = buildScenarioWorld(s.opts);
  s.opts.setup!(world);
  const bootRng = world.rng.fork('boot');
  for (const b of world.boards) world.boot(b, bootRng.int(200));
  const enrollees = world.boards.filter((b) => b.role === 'enrollee');
  const maxMs = s.opts.maxMs ?? 600000;
  const allDone = () => world.boards.every((b) => s.opts.finished(b, world));
  const chunk = 10000;
  for (let t = chunk; ; t += chunk) {
    const done = world.runUntil(allDone, Math.min(t, maxMs));
    onProgress?.(enrollees.filter((b) => s.opts.finished(b, world)).length, enrollees.length, world.clock.now());
    if (done || t >= maxMs) break;
  }
  const after = proto.afterBatch && allDone() ? proto.afterBatch(world, s.batch(), maxMs) : undefined;
  const r: SimRun = summarize(world, s.opts);
  if (after) r.after = after;
  return r;
}

function readBundle(rel: string): string {
  const p = path.join(REPO_ROOT, rel);
  if (!fs.existsSync(p)) throw new CliError('E_BUNDLE_MISSING', `${rel} not found: run npm run build first`);
  return fs.readFileSync(p, 'utf8');
}

/** One protocol's line of the comparison table. */
export function protocolRun(protocol: string, r: ScenarioResult, energy: RunEnergy, rows: DeviceRow[]): ProtocolRun {
  return {
    protocol,
    energy,
    frames: rows.reduce((a, d) => a + d.frames, 0),
    bytesOnAir: rows.reduce((a, d) => a + d.bytesOnAir, 0),
    endMs: r.endMs,
    crashes: r.boards.reduce((a, b) => a + b.crashes.length, 0),
  };
}

/** The protocols `--protocol` names: one, several (a,b) or "all" (every registered one). */
export function simProtocols(spec: string): HostProtocol[] {
  const names = spec === 'all' ? protocolNames() : spec.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  if (!names.length) throw new CliError('E_FLAG_VALUE', `--protocol: no protocol named (one of: ${protocolNames().join(', ')}, or all)`);
  const seen = new Set<string>();
  return names.map((n) => {
    if (seen.has(n)) throw new CliError('E_FLAG_VALUE', `--protocol: ${n} named twice`);
    seen.add(n);
    return hostProtocol(n);
  });
}

export async function cmdSim(argv: string[], out: (s: string) => void): Promise<number> {
  const { flags } = parseFlags(argv, simFlags, 'sim');
  // The cloud protocol alone runs its own scenario (two BRs, rejoin, revocation) against an asynchronous AC.
  if (flags.protocol === 'cloud') return cmdSimCloud(flags, out);
  const protos = simProtocols(flags.protocol as string);
  const kinds = configuratorKinds(flags.configurator as string);
  if (kinds.includes('host')) {
    // serve's engine speaks the whitelist protocol, and is one configurator.
    if (protos.length !== 1 || protos[0].name !== 'whitelist') {
      throw new CliError('E_FLAG_VALUE', `--configurator host: nowboard serve runs the whitelist protocol only (got --protocol ${flags.protocol})`);
    }
    if ((flags.configurators as number) !== 1) throw new CliError('E_FLAG_VALUE', `--configurator host: serve is one configurator (got --configurators ${flags.configurators})`);
    return cmdSimConfigurators(kinds, flags, out);
  }
  // A list or "all" compares (even when only one protocol is registered); one name is one report.
  const compare = flags.protocol === 'all' || (flags.protocol as string).indexOf(',') >= 0;
  const cost = loadCostTable(flags.calibration as string | undefined, REPO_ROOT);
  const count = flags.count as number;
  const engine = flags['native-crypto'] ? ENGINE_NATIVE : ENGINE_JS;
  const dir = path.resolve(flags.out as string);
  const runs: ProtocolRun[] = [];
  let status = 0;
  for (const proto of protos) {
    if (compare) out(`--- protocol ${proto.name}`);
    const bar = flags.quiet ? null : progressBar(process.stdout, count, 'provisioning');
    const t0 = Date.now();
    const r = runSimBatch(
      {
        protocol: proto,
        seed: flags.seed as string,
        enrollees: count,
        configurators: flags.configurators as number,
        loss: flags.loss as number,
        maxMs: (flags['max-minutes'] as number) * 60000,
        nativeCrypto: flags['native-crypto'] ? nodeNativeCrypto : undefined,
        engine,
        costTable: cost.table,
      },
      (done, total, tMs) => bar?.update(done, `virtual ${(tMs / 1000).toFixed(0)} s`),
    );
    bar?.end();
    const energy = runEnergy(r, proto.steps ?? []);
    const rows = deviceRows(r, energy);
    const headers = ['device', 'role', 'result', 'attempts', 'latency', 'frames', 'bytes on air', 'to provisioned', 'whole run'];
    const cells = rows.map((d) => [d.id, d.role, d.result, d.attempts, fmtS(d.latencyMs), d.frames, d.bytesOnAir, d.toProvisionedMj === null ? '-' : J(d.toProvisionedMj) + ' J', J(d.wholeRunMj) + ' J']);
    out(renderTable(headers, cells, [false, false, false, true, true, true, true, true, true]));
    const enr = rows.filter((d) => d.role === 'enrollee');
    const ok = enr.filter((d) => d.result === 'provisioned').length;
    const lat = enr.map((d) => d.latencyMs).filter((x): x is number => x !== null);
    out('');
    out(`${ok}/${enr.length} enrollees provisioned; makespan ${fmtS(lat.length ? Math.max(...lat) : null)} virtual, ` +
      `${r.medium.sent} frames sent (${r.medium.delivered} receptions, ${r.medium.dropped} missed: a broadcast counts once per board in range, lost or with its radio off); seed "${r.seed}"; ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
    if (r.after) for (const line of r.after.lines) out(line);
    out(batchLine(energy.batch));
    out(`CPU cost (${engine}): ${cost.table.basis}`);
    const pdir = compare ? path.join(dir, proto.name) : dir;
    writeReport(pdir, r, rows, { ...flags, protocol: proto.name }, { energy, costTable: cost.table, engine });
    out(`report: ${path.join(pdir, 'sim-report.md')}`);
    const afterOk = !r.after || r.after.ok;
    if (!(ok === enr.length && afterOk && r.boards.every((b) => b.crashes.length === 0))) status = 1;
    runs.push(protocolRun(proto.name, r, energy, rows));
  }
  if (compare) {
    const note = `The same batch for each protocol: ${count} enrollees, ${flags.configurators} configurator(s), loss ${flags.loss}, seed \`${flags.seed}\`, engine \`${engine}\`; CPU cost: ${cost.table.basis}.`;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'compare.md'), compareMarkdown(runs, note));
    out('');
    out(renderTable(COMPARE_HEADERS, compareRows(runs), COMPARE_HEADERS.map((_, i) => i > 0)));
    out(`comparison: ${path.join(dir, 'compare.md')}`);
  }
  return status;
}

/** `--configurator host` or `host,esp32`: serve's engine over the simulator, and the bundle beside it when asked. */
async function cmdSimConfigurators(kinds: string[], flags: Record<string, unknown>, out: (s: string) => void): Promise<number> {
  const count = flags.count as number;
  const engine = flags['native-crypto'] ? ENGINE_NATIVE : ENGINE_JS;
  const maxMs = (flags['max-minutes'] as number) * 60000;
  const rows: ConfiguratorRow[] = [];
  let status = 0;
  for (const kind of kinds) {
    out(`--- configurator ${kind}`);
    const bar = flags.quiet ? null : progressBar(process.stdout, count, 'provisioning');
    if (kind === 'host') {
      const h: HostSimRun = await runHostSim({ count, seed: flags.seed as string, loss: flags.loss as number, maxMs, engine });
      bar?.end();
      out(renderTable(['device', 'result', 'attempts', 'done at', 'mac'],
        h.result.devices.map((d) => [d.id, d.result, d.attempts, fmtS(d.doneMs), d.mac]), [false, false, true, true, false]));
      out('');
      out(`${h.provisioned}/${h.total} enrollees provisioned by the host configurator; makespan ${fmtS(h.makespanMs)} virtual; ` +
        `serve's CPU ${fmtS(h.cpuBusyMs)} busy, ${h.x25519} X25519 for ${h.sessions} sessions; ${h.frames} frames sent; seed "${flags.seed}"; ${(h.wallMs / 1000).toFixed(1)} s wall`);
      rows.push({ kind: 'host', provisioned: h.provisioned, total: h.total, makespanMs: h.makespanMs, sessions: h.sessions, cpuBusyMs: h.cpuBusyMs, x25519: h.x25519, frames: h.frames });
      if (h.provisioned !== h.total) status = 1;
    } else {
      const cost = loadCostTable(flags.calibration as string | undefined, REPO_ROOT);
      const t0 = Date.now();
      const r = runSimBatch(
        {
          protocol: 'whitelist', seed: flags.seed as string, enrollees: count, configurators: 1, loss: flags.loss as number, maxMs,
          nativeCrypto: flags['native-crypto'] ? nodeNativeCrypto : undefined, engine, costTable: cost.table,
        },
        (done, total, tMs) => bar?.update(done, `virtual ${(tMs / 1000).toFixed(0)} s`),
      );
      bar?.end();
      const rowsD = deviceRows(r);
      const enr = rowsD.filter((d) => d.role === 'enrollee');
      const ok = enr.filter((d) => d.result === 'provisioned').length;
      const cfg = r.world.boards.find((b) => b.role === 'configurator')!;
      const okT = cfg.reports.filter((x) => x.ev === 'audit' && x.code === 0).map((x) => x.t);
      const sessions = cfg.reports.filter((x) => x.ev === 'report' && x.name === 'I_SESSION').length;
      const x25519 = (cfg.workTotals.fmul25519 ?? 0) / X25519_FMULS;
      out(renderTable(['device', 'role', 'result', 'attempts', 'latency', 'frames'],
        rowsD.map((d) => [d.id, d.role, d.result, d.attempts, fmtS(d.latencyMs), d.frames]), [false, false, false, true, true, true]));
      out('');
      const makespan = ok === enr.length && okT.length ? Math.max(...okT) : null;
      out(`${ok}/${enr.length} enrollees provisioned by the ESP32 configurator bundle; makespan ${fmtS(makespan)} virtual; ` +
        `its CPU ${fmtS(cfg.cpuBusyMs)} busy (${engine}), ${x25519.toFixed(1)} X25519 for ${sessions} sessions; ${r.medium.sent} frames sent; seed "${r.seed}"; ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
      rows.push({ kind: 'esp32', provisioned: ok, total: enr.length, makespanMs: makespan, sessions, cpuBusyMs: cfg.cpuBusyMs, x25519, frames: r.medium.sent });
      if (ok !== enr.length || r.boards.some((b) => b.crashes.length)) status = 1;
    }
  }
  if (rows.length > 1) {
    out('');
    out(`The same batch size for each configurator: ${count} enrollees, loss ${flags.loss}, seed "${flags.seed}", enrollees on ${engine}:`);
    out(renderTable(CONFIGURATOR_HEADERS, configuratorCells(rows), CONFIGURATOR_HEADERS.map((_, i) => i > 0)));
    const h = rows.find((x) => x.kind === 'host')!;
    const e = rows.find((x) => x.kind === 'esp32')!;
    if (h.makespanMs && e.makespanMs) out(`host makespan = ${(h.makespanMs / e.makespanMs).toFixed(3)} × the ESP32 configurator's`);
  }
  return status;
}

/** The provisioned enrollee whose boot → provisioned energy is the batch's (lower) median; else the first enrollee. */
function medianEnrollee(e: RunEnergy): string | null {
  const prov = e.rows.filter((x) => x.role === 'enrollee' && x.toProvisioned).sort((a, b) => a.toProvisioned!.mJ - b.toProvisioned!.mJ);
  if (prov.length) return prov[(prov.length - 1) >> 1].board;
  const any = e.rows.find((x) => x.role === 'enrollee');
  return any ? any.board : null;
}

export function writeReport(
  dir: string,
  r: SimRun,
  rows: DeviceRow[],
  flags: Record<string, unknown>,
  extra: { energy?: RunEnergy; costTable?: CostTable; engine?: string } = {},
): void {
  fs.mkdirSync(dir, { recursive: true });
  const energy = extra.energy ?? runEnergy(r);
  const engine = extra.engine ?? ENGINE_JS;
  const reps = r.world.boards.map((b) => b.power.energy(Math.max(r.endMs, b.power.lastChangeMs())));
  const cfgBoard = r.world.boards.find((b) => b.role === 'configurator')!;
  const enrId = medianEnrollee(energy);
  const enrBoard = r.world.boards.find((b) => b.id === enrId) ?? r.world.boards.find((b) => b.role === 'enrollee')!;
  const pe = energy.rows.find((x) => x.board === enrBoard.id)!;
  // The enrollee's plot covers its provisioning (boot to the ACK's audit, or to provisioned) with its steps marked.
  const enrEnd = pe.ackMs ?? pe.provisionedMs ?? pe.endMs;
  const span = Math.max(1, enrEnd - pe.bootMs);
  const plotUntil = Math.min(pe.endMs, enrEnd + span * 0.05);
  fs.writeFileSync(
    path.join(dir, `power-${enrBoard.id}.svg`),
    powerSvg(enrBoard.power.series(400, plotUntil, pe.bootMs), {
      title: `${enrBoard.id} (enrollee, median energy): boot to ${pe.ackMs !== null ? 'ACK audited' : pe.provisionedMs !== null ? 'provisioned' : 'end of run'}`,
      steps: pe.intervals.map((iv) => ({ label: iv.step, fromMs: iv.fromMs, toMs: iv.toMs })),
    }),
  );
  const cfgUntil = Math.max(r.endMs, cfgBoard.power.lastChangeMs());
  fs.writeFileSync(path.join(dir, `power-${cfgBoard.id}.svg`), powerSvg(cfgBoard.power.series(400, cfgUntil), { title: `${cfgBoard.id} (configurator): power over the whole run` }));
  fs.writeFileSync(path.join(dir, 'trace.json'), r.trace.toJSON());
  fs.writeFileSync(path.join(dir, 'trace.txt'), r.trace.toText());
  const audit = r.world.boards.filter((b) => b.role === 'configurator').flatMap((b) => b.reports.filter((x) => x.ev === 'audit'));
  fs.writeFileSync(path.join(dir, 'audit.jsonl'), audit.map((a) => JSON.stringify(a)).join('\n') + '\n');
  const latency = (id: string) => rows.find((d) => d.id === id)?.latencyMs ?? null;
  const md = [
    '# nowboard simulated batch provisioning',
    '',
    `Protocol \`${flags.protocol}\`, seed \`${r.seed}\`, ${rows.filter((d) => d.role === 'enrollee').length} enrollees, loss ${flags.loss}, ` +
      `run ended at ${(r.endMs / 1000).toFixed(1)} s virtual. Energies come from the power model (docs/power-model.md): ESP32 currents, ` +
      `CPU time per unit of work on \`${engine}\` from ${extra.costTable ? extra.costTable.basis : 'the estimates'} (see "CPU cost figures").`,
    '',
    '## Devices',
    '',
    renderMarkdownTable(
      ['device', 'role', 'result', 'attempts', 'latency', 'frames', 'bytes on air', 'boot → provisioned (J)', 'boot → ACK audited (J)', 'whole run (J)'],
      rows.map((d) => [d.id, d.role, d.result, d.attempts, fmtS(d.latencyMs), d.frames, d.bytesOnAir, J(d.toProvisionedMj), J(d.toAckMj), J(d.wholeRunMj)]),
    ),
    '',
    ...(r.after ? ['## After provisioning', '', '```', ...r.after.lines, '```', ''] : []),
    '## Energy per provisioning',
    '',
    provisioningMarkdown(energy, latency),
    '',
    `## ${enrBoard.id} (enrollee with the median energy): boot to ${pe.ackMs !== null ? 'ACK audited' : 'end'}, per state and operation`,
    '',
    tableIIIMarkdown(enrBoard.power.energy(enrEnd, pe.bootMs)),
    '',
    `![power of ${enrBoard.id}](power-${enrBoard.id}.svg)`,
    '',
    `## ${cfgBoard.id} (configurator), whole run`,
    '',
    tableIIIMarkdown(reps[r.world.boards.indexOf(cfgBoard)]),
    '',
    `![power of ${cfgBoard.id}](power-${cfgBoard.id}.svg)`,
    '',
    '## Whole-run energy of every board',
    '',
    'Each board from the start of the run to its end, provisioned or not (after provisioning an enrollee keeps announcing and listening).',
    '',
    batchSummaryMarkdown(reps),
    '',
    '## CPU cost figures',
    '',
    extra.costTable ? costMarkdown(extra.costTable, engine) : 'The default cost table (estimates).',
    '',
    '## Medium',
    '',
    `sent ${r.medium.sent}, delivered ${r.medium.delivered}, dropped ${r.medium.dropped}, duplicated ${r.medium.duplicated}, ` +
      `airtime ${r.medium.airtimeMs.toFixed(1)} ms. Full trace: trace.txt / trace.json. Audit log: audit.jsonl.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'sim-report.md'), md);
}
