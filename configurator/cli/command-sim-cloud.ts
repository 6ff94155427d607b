/**
 * `nowboard sim --protocol cloud`: the cloud protocol's run (configurator/batch/cloud-scenario.ts):
 * a batch through two border routers and one Authentication Cloud — the real
 * AC core on an embedded PGlite database in memory by default, no setup — then
 * a rejoin through the other border router and a revocation refused by every
 * border router. Prints the device table and the phases, writes the usual
 * report (sim-report.md, plots, trace, audit) and paper000-tables.md: paper
 * 000's Table III (sign, decrypt) and Table I (code size) beside the model's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CliError } from './cli-errors.ts';
import { renderTable } from './text-table.ts';
import { REPO_ROOT } from './commands-files.ts';
import { FlagValues } from './args.ts';
import { vmLoader, nodeNativeCrypto } from '../sim/vm-board.ts';
import { runCloudSim } from '../batch/cloud-scenario.ts';
import { realSimAc } from '../batch/cloud-real-ac.ts';
import { SIM_TRUST_FOR } from '../batch/cloud-batch.ts';
import { bundlePath, hostProtocol } from '../protocols/index.ts';
import { cpuSecondsFor, ENGINE_JS, ENGINE_NATIVE } from '../power/cost-table.ts';
import { loadCostTable } from '../power/calibration.ts';
import { runEnergy, batchLine, J } from '../power/provisioning-report.ts';
import { table3Rows, table3Markdown, table1Markdown, BundleSize } from '../power/paper000-tables.ts';
import { deviceRows, writeReport, SimRun } from './command-sim.ts';
import { CURVE_P256, CURVE_SECP160K1 } from '../../firmware/protocols/cloud/ac-api.ts';

function readBundle(rel: string): string {
  const p = path.join(REPO_ROOT, rel);
  if (!fs.existsSync(p)) throw new CliError('E_BUNDLE_MISSING', `${rel} not found: run npm run build first`);
  return fs.readFileSync(p, 'utf8');
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[(s.length - 1) >> 1] : 0;
}

const fmtS = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1) + ' s');

export async function cmdSimCloud(flags: FlagValues, out: (s: string) => void): Promise<number> {
  const cost = loadCostTable(flags.calibration as string | undefined, REPO_ROOT);
  const engine = flags['native-crypto'] ? ENGINE_NATIVE : ENGINE_JS;
  const count = flags.count as number;
  const acSpec = (flags.ac as string | undefined) ?? 'memory:';
  const dir = path.resolve(flags.out as string);
  const t0 = Date.now();
  // Every third node on secp160k1 (the paper's curve), the others on P-256: both rows of Table III come from one run.
  const k160: number[] = [];
  for (let i = 2; i < count; i += 3) k160.push(i);
  const run = await runCloudSim({
    seed: flags.seed as string,
    enrollees: count,
    configurators: Math.max(2, flags.configurators as number),
    loss: flags.loss as number,
    maxMs: (flags['max-minutes'] as number) * 60000,
    bundles: { enrollee: readBundle(bundlePath('cloud', 'enrollee')), configurator: readBundle(bundlePath('cloud', 'configurator')) },
    loadBundle: vmLoader(),
    engine,
    nativeCrypto: flags['native-crypto'] ? nodeNativeCrypto : undefined,
    cpuSecondsFor: (w, e) => cpuSecondsFor(w, e, cost.table),
    ac: acSpec === 'stub' ? undefined : (b) => realSimAc(b, { db: acSpec, trustForSec: SIM_TRUST_FOR }),
    secp160k1: k160,
    onProgress: flags.quiet ? undefined : (phase, w) => process.stderr.write(`\r${phase}: virtual ${(w.clock.now() / 1000).toFixed(0)} s   `),
  });
  if (!flags.quiet) process.stderr.write('\n');
  const r: SimRun = run.result;
  r.after = { ok: run.ok, lines: run.lines };
  const energy = runEnergy(r, hostProtocol('cloud').steps ?? []);
  const rows = deviceRows(r, energy);
  const headers = ['device', 'role', 'result', 'latency', 'frames', 'bytes on air', 'to provisioned', 'whole run'];
  out(renderTable(headers, rows.map((d) => [d.id, d.role, d.result, fmtS(d.latencyMs), d.frames, d.bytesOnAir, d.toProvisionedMj === null ? '-' : J(d.toProvisionedMj) + ' J', J(d.wholeRunMj) + ' J']),
    [false, false, false, true, true, true, true, true]));
  out('');
  for (const l of run.lines) out(l);
  out(batchLine(energy.batch));
  out(`seed "${r.seed}"; ${((Date.now() - t0) / 1000).toFixed(1)} s wall; CPU cost (${engine}): ${cost.table.basis}`);
  writeReport(dir, r, rows, { ...flags, protocol: 'cloud' }, { energy, costTable: cost.table, engine });

  // Table III: what the nodes of each curve actually did (median node), and the model's time, power and energy.
  const counts: { [c: number]: { sign: number; decrypt: number } } = {};
  for (const curve of [CURVE_P256, CURVE_SECP160K1]) {
    const nodes = run.batch.enrollees.filter((e) => e.id.curve === curve).map((e) => r.world.board('enr' + (e.index + 1)));
    if (!nodes.length) continue;
    const signs = nodes.map((b) => b.reports.filter((x) => x.ev === 'report' && x.name === 'I_JOIN').length);
    const decrypts = nodes.map((b) => b.reports.filter((x) => x.ev === 'report' && (x.name === 'I_KEY_STORED' || x.name === 'E_KEY_OPEN')).length);
    counts[curve] = { sign: median(signs), decrypt: median(decrypts) };
  }
  const t3 = table3Rows({ cpuSecondsFor: (w, e) => cpuSecondsFor(w, e, cost.table), engine, counts });
  const bundles: BundleSize[] = ['espruino', 'jerryscript'].map((p) => {
    const rel = bundlePath('cloud', 'enrollee', p as 'espruino' | 'jerryscript');
    const b = fs.readFileSync(path.join(REPO_ROOT, rel));
    return { path: rel, raw: b.length, gzip: gzipSync(b, { level: 9 }).length };
  });
  const md = [
    '# Paper 000 (Yavuz & Örs), Tables III and I, reproduced for the cloud protocol\'s node',
    '',
    `From \`nowboard sim --protocol cloud\` (seed \`${r.seed}\`, ${count} nodes, every third on secp160k1). Time is the cost table's CPU time`,
    `for the work the node's own firmware crypto counts (\`${engine}\`: ${cost.table.basis}); power is the ESP32 model's`,
    'current × 3.3 V with the CPU active (docs/power-model.md); energy = power × time. "count per node" is the median node\'s',
    'signatures (one per request it signed, renewals included) and KEY decryptions in this run. The first multiplication after a',
    'boot builds the base-point table, so the sign row includes it, as on a board. secp160k1 field products are charged at the',
    'P-256 figure (one `fmulP` unit for both): an upper bound for the smaller field.',
    '',
    '## Table III: timing, power and energy of the node\'s ECC operations',
    '',
    table3Markdown(t3),
    '',
    '## Table I: code size of the node',
    '',
    table1Markdown(bundles),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'paper000-tables.md'), md);
  out('');
  out(renderTable(['source', 'operation', 'count', 'time', 'power', 'energy'], t3.map((x) => [x.source, x.op, x.count, x.timeS.toFixed(2) + ' s', x.powerMw.toFixed(1) + ' mW', x.energyMj.toFixed(1) + ' mJ']),
    [false, false, true, true, true, true]));
  out(`node bundle: ${bundles.map((b) => `${b.path} ${b.raw} B raw / ${b.gzip} B gzip`).join('; ')} (paper 000 Table I: 55389 B text + 358 B data, 5346 B bss)`);
  out(`report: ${path.join(dir, 'sim-report.md')}; tables: ${path.join(dir, 'paper000-tables.md')}`);
  const enr = rows.filter((d) => d.role === 'enrollee');
  const crashes = r.boards.some((b) => b.crashes.length > 0);
  return run.ok && !crashes && enr.every((d) => d.result === 'provisioned') ? 0 : 1;
}
