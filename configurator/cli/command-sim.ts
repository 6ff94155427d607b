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
import { tableIIIMarkdown, tableIIIText, powerSvg, batchSummaryMarkdown } from '../power/power-report.ts';
import { batchScenarioOptions, BatchScenarioOptions } from '../batch/batch-scenario.ts';
import { hostProtocol, protocolNames, bundlePath, DEFAULT_PROTOCOL } from '../protocols/index.ts';

export const simFlags: Record<string, FlagSpec> = {
  protocol: { type: 'string', default: DEFAULT_PROTOCOL, choices: protocolNames(), help: 'provisioning protocol of the batch' },
  count: { type: 'int', default: 16, min: 1, max: 1000, help: 'enrollees in the batch' },
  configurators: { type: 'int', default: 1, min: 1, max: 8, help: 'configurators (each owns a share of the batch)' },
  loss: { type: 'float', default: 0.1, min: 0, max: 0.95, help: 'frame loss probability per link' },
  seed: { type: 'string', default: 'nowboard', help: 'simulator seed (same seed, same run)' },
  out: { type: 'string', default: 'reports', help: 'report directory' },
  'max-minutes': { type: 'float', default: 240, min: 0.1, max: 10000, help: 'virtual-time limit' },
  'native-crypto': { type: 'bool', help: 'boards expose require("crypto") (native SHA-256/AES)' },
  quiet: { type: 'bool', help: 'no progress bar' },
};

export interface DeviceRow {
  id: string;
  role: string;
  result: string;
  attempts: number;
  latencyMs: number | null;
  frames: number;
  bytesOnAir: number;
  energyMj: number;
}

/** ESP-NOW v1 on-air overhead per frame (MAC header, vendor IE, FCS; POWER.md). */
const FRAME_OVERHEAD = 43;

export function deviceRows(r: ScenarioResult): DeviceRow[] {
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
    return {
      id: b.id,
      role: b.role,
      result,
      attempts: sessions,
      latencyMs: prov && boot ? prov.t - boot.t : null,
      frames: tx,
      bytesOnAir: bytes,
      energyMj: b.energyMj,
    };
  });
}

const fmtS = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1) + ' s');

/** A batch run; `after` holds what the protocol ran after provisioning (HostProtocol.afterBatch). */
export type SimRun = ScenarioResult & { after?: { ok: boolean; lines: string[] } };

export function runSimBatch(
  o: Omit<BatchScenarioOptions<any>, 'bundles' | 'loadBundle' | 'protocol'> & { protocol?: string },
  onProgress?: (done: number, total: number, tMs: number) => void,
): SimRun {
  const proto = hostProtocol(o.protocol ?? DEFAULT_PROTOCOL);
  const bundles = {
    enrollee: readBundle(bundlePath(proto.name, 'enrollee')),
    configurator: readBundle(bundlePath(proto.name, 'configurator')),
  };
  const s = batchScenarioOptions({ ...o, protocol: proto.batch, bundles, loadBundle: vmLoader() });
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

export function cmdSim(argv: string[], out: (s: string) => void): number {
  const { flags } = parseFlags(argv, simFlags, 'sim');
  const count = flags.count as number;
  const bar = flags.quiet ? null : progressBar(process.stdout, count, 'provisioning');
  const t0 = Date.now();
  const r = runSimBatch(
    {
      protocol: flags.protocol as string,
      seed: flags.seed as string,
      enrollees: count,
      configurators: flags.configurators as number,
      loss: flags.loss as number,
      maxMs: (flags['max-minutes'] as number) * 60000,
      nativeCrypto: flags['native-crypto'] ? nodeNativeCrypto : undefined,
    },
    (done, total, tMs) => bar?.update(done, `virtual ${(tMs / 1000).toFixed(0)} s`),
  );
  bar?.end();
  const rows = deviceRows(r);
  const headers = ['device', 'role', 'result', 'attempts', 'latency', 'frames', 'bytes on air', 'energy'];
  const cells = rows.map((d) => [d.id, d.role, d.result, d.attempts, fmtS(d.latencyMs), d.frames, d.bytesOnAir, d.energyMj.toFixed(1) + ' mJ']);
  out(renderTable(headers, cells, [false, false, false, true, true, true, true, true]));
  const enr = rows.filter((d) => d.role === 'enrollee');
  const ok = enr.filter((d) => d.result === 'provisioned').length;
  const lat = enr.map((d) => d.latencyMs).filter((x): x is number => x !== null);
  out('');
  out(`${ok}/${enr.length} enrollees provisioned; makespan ${fmtS(lat.length ? Math.max(...lat) : null)} virtual, ` +
    `${r.medium.sent} frames sent, ${r.medium.dropped} dropped; seed "${r.seed}"; ${((Date.now() - t0) / 1000).toFixed(1)} s wall`);
  if (r.after) for (const line of r.after.lines) out(line);
  const dir = path.resolve(flags.out as string);
  writeReport(dir, r, rows, flags);
  out(`report: ${path.join(dir, 'sim-report.md')}`);
  const afterOk = !r.after || r.after.ok;
  return ok === enr.length && afterOk && r.boards.every((b) => b.crashes.length === 0) ? 0 : 1;
}

export function writeReport(dir: string, r: SimRun, rows: DeviceRow[], flags: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  const reps = r.world.boards.map((b) => b.power.energy(Math.max(r.endMs, b.power.lastChangeMs())));
  const cfgBoard = r.world.boards.find((b) => b.role === 'configurator')!;
  const enrBoard = r.world.boards.find((b) => b.role === 'enrollee')!;
  const plot = (b: typeof cfgBoard, file: string) => {
    const until = Math.max(r.endMs, b.power.lastChangeMs());
    fs.writeFileSync(path.join(dir, file), powerSvg(b.power.series(400, until), { title: `${b.id} (${b.role}): power over time` }));
  };
  plot(enrBoard, `power-${enrBoard.id}.svg`);
  plot(cfgBoard, `power-${cfgBoard.id}.svg`);
  fs.writeFileSync(path.join(dir, 'trace.json'), r.trace.toJSON());
  fs.writeFileSync(path.join(dir, 'trace.txt'), r.trace.toText());
  const audit = cfgBoard.reports.filter((x) => x.ev === 'audit');
  fs.writeFileSync(path.join(dir, 'audit.jsonl'), audit.map((a) => JSON.stringify(a)).join('\n') + '\n');
  const md = [
    '# nowboard simulated batch provisioning',
    '',
    `Protocol \`${flags.protocol}\`, seed \`${r.seed}\`, ${rows.filter((d) => d.role === 'enrollee').length} enrollees, loss ${flags.loss}, ` +
      `run ended at ${(r.endMs / 1000).toFixed(1)} s virtual. CPU times and energies are **estimates** (docs/power-model.md).`,
    '',
    '## Devices',
    '',
    renderMarkdownTable(
      ['device', 'role', 'result', 'attempts', 'latency', 'frames', 'bytes on air', 'energy (mJ)'],
      rows.map((d) => [d.id, d.role, d.result, d.attempts, fmtS(d.latencyMs), d.frames, d.bytesOnAir, d.energyMj.toFixed(1)]),
    ),
    '',
    ...(r.after ? ['## After provisioning', '', '```', ...r.after.lines, '```', ''] : []),
    '## Energy of the batch',
    '',
    batchSummaryMarkdown(reps),
    '',
    `## ${enrBoard.id} (enrollee): time, power and energy per state and operation`,
    '',
    tableIIIMarkdown(reps[r.world.boards.indexOf(enrBoard)]),
    '',
    `![power of ${enrBoard.id}](power-${enrBoard.id}.svg)`,
    '',
    `## ${cfgBoard.id} (configurator)`,
    '',
    tableIIIMarkdown(reps[r.world.boards.indexOf(cfgBoard)]),
    '',
    `![power of ${cfgBoard.id}](power-${cfgBoard.id}.svg)`,
    '',
    '## Medium',
    '',
    `sent ${r.medium.sent}, delivered ${r.medium.delivered}, dropped ${r.medium.dropped}, duplicated ${r.medium.duplicated}, ` +
      `airtime ${r.medium.airtimeMs.toFixed(1)} ms. Full trace: trace.txt / trace.json. Audit log: audit.jsonl.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'sim-report.md'), md);
  void tableIIIText;
}
