/**
 * Reports of energy per provisioning (provisioning-energy.ts) for a simulated
 * run: the per-board rows, the batch's median and 95th percentile, the step
 * mapping, the cost figures the run used (measured or estimated), and the
 * protocol comparison table. Markdown for reports/, text for the terminal.
 */
import { ScenarioResult } from '../sim/sim-scenario.ts';
import {
  BoardView, ProvisioningEnergy, BatchProvisioning, StepRule, STEP_RULES, CATEGORIES, Stat,
  provisioningEnergy, batchProvisioning, stepNames, configuratorPerProvisioning,
} from './provisioning-energy.ts';
import { CostTable, costRows } from './cost-table.ts';

/** What the analysis needs from a simulated run's boards (joins from the trace's `wifi-connect`). */
export function boardViews(r: ScenarioResult): BoardView[] {
  const joins: Record<string, number[]> = {};
  for (const rec of r.trace.records) {
    if (rec.kind === 'board' && rec.ev === 'wifi-connect') (joins[rec.board] ??= []).push(rec.t);
  }
  return r.world.boards.map((b) => ({ id: b.id, role: b.role, mac: b.macText, reports: b.reports, joins: joins[b.id] ?? [], power: b.power }));
}

export interface RunEnergy {
  views: BoardView[];
  rows: ProvisioningEnergy[];
  batch: BatchProvisioning;
  configurators: { board: string; audits: number; toLastAuditMj: number | null; perAuditMj: number | null; wholeRunMj: number }[];
  rules: StepRule[];
}

/** Energy per provisioning of every board of a run; `extraRules` are the protocol's own step marks. */
export function runEnergy(r: ScenarioResult, extraRules: StepRule[] = []): RunEnergy {
  const rules = [...extraRules, ...STEP_RULES];
  const views = boardViews(r);
  const audits = views.flatMap((v) => v.reports.filter((x) => x.ev === 'audit'));
  const rows = views.map((v) => provisioningEnergy(v, audits, r.endMs, rules));
  const configurators = views
    .filter((v) => v.role === 'configurator')
    .map((v) => ({ board: v.id, ...configuratorPerProvisioning(v), wholeRunMj: rows.find((x) => x.board === v.id)!.wholeRunMj }));
  return { views, rows, batch: batchProvisioning(rows), configurators, rules };
}

/** Joules with 3 decimals, '-' for none. */
export const J = (mJ: number | null | undefined): string => (mJ === null || mJ === undefined ? '-' : (mJ / 1000).toFixed(3));
const S = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(1));

/** A markdown table; `align` has one letter per column, l or r (default: the first left, the rest right). */
function md(headers: string[], rows: string[][], align?: string): string {
  const right = headers.map((_, i) => ((align ? align.charAt(i) === 'l' : i === 0) ? '---' : '---:'));
  return ['| ' + headers.join(' | ') + ' |', '| ' + right.join(' | ') + ' |', ...rows.map((r) => '| ' + r.map((c) => c.replace(/\|/g, '\\|')).join(' | ') + ' |')].join('\n');
}

/** The one-line batch summary (terminal and report). */
export function batchLine(b: BatchProvisioning): string {
  const ms = (s: Stat) => `median ${J(s.median)} J, p95 ${J(s.p95)} J`;
  return (
    `energy per provisioning, ${b.provisioned}/${b.enrollees} enrollees: boot → provisioned ${ms(b.toProvisioned)}; ` +
    `boot → ACK audited ${ms(b.toAck)} (${b.acked} audited); latency median ${S(b.latencyMs.median)} s, p95 ${S(b.latencyMs.p95)} s; ` +
    `whole run median ${J(b.wholeRunMj.median)} J`
  );
}

function statRows(label: string, b: BatchProvisioning, pick: (s: 'median' | 'p95') => string[]): string[][] {
  return [
    ['**' + label + ' median**', ...pick('median')],
    ['**' + label + ' p95**', ...pick('p95')],
  ];
}

/** Markdown: per-enrollee energy by component and by step, the batch's median and p95, and the step mapping. */
export function provisioningMarkdown(e: RunEnergy, latencyOf: (board: string) => number | null): string {
  const enr = e.rows.filter((r) => r.role === 'enrollee');
  const b = e.batch;
  const compHeaders = ['board', 'latency (s)', ...CATEGORIES.map((c) => c + ' (J)'), 'to provisioned (J)', 'to ACK audited (J)', 'whole run (J)'];
  const compRows = enr.map((r) => [
    r.board,
    S(latencyOf(r.board)),
    ...CATEGORIES.map((c) => (r.toProvisioned ? J(r.toProvisioned.by[c].mJ) : '-')),
    J(r.toProvisioned?.mJ),
    J(r.toAck?.mJ),
    J(r.wholeRunMj),
  ]);
  compRows.push(
    ...statRows('batch', b, (k) => [S(b.latencyMs[k]), ...CATEGORIES.map((c) => J(b.byCategory[c][k])), J(b.toProvisioned[k]), J(b.toAck[k]), J(b.wholeRunMj[k])]),
  );
  const steps = stepNames(enr);
  const stepRows = enr.map((r) => [r.board, ...steps.map((s) => (r.steps[s] ? J(r.steps[s].mJ) : '-')), ...steps.map((s) => (r.steps[s] ? S(r.steps[s].seconds * 1000) : '-'))]);
  stepRows.push(...statRows('batch', b, (k) => [...steps.map((s) => J(b.bySteps[s] ? b.bySteps[s][k] : null)), ...steps.map(() => '')]));
  const ruleRows = e.rules.map((r) => [r.ev === 'report' ? `report code ${r.code}` : r.ev === 'join' ? 'join effect (trace `wifi-connect`)' : `\`${r.ev}\` line`, r.step + (r.afterBusy ? ` (its callback's CPU work), then ${r.afterBusy}` : ''), r.why]);
  const cfgRows = e.configurators.map((c) => [c.board, String(c.audits), J(c.toLastAuditMj), J(c.perAuditMj), J(c.wholeRunMj)]);
  return [
    batchLine(b) + '.',
    '',
    '### By component, boot → provisioned',
    '',
    'From the enrollee\'s `boot` line to its `provisioned` line (I_PROVISIONED). "to ACK audited" runs on to the configurator\'s audit line of the enrollee\'s ACK; "whole run" is the board over the whole simulated run (what `energy` meant before). ' +
      'Median of an even count is the mean of the two middle values; p95 is the nearest rank. Radio off draws nothing in this model; its column is 0 J unless the parameters say otherwise.',
    '',
    md(compHeaders, compRows),
    '',
    '### By protocol step, boot → ACK audited',
    '',
    'Energy (J) then time (s) per step; a board that is never audited is counted to provisioned, one never provisioned to the end of the run.',
    '',
    md(['board', ...steps.map((s) => s + ' (J)'), ...steps.map((s) => s + ' (s)')], stepRows),
    '',
    'Steps come from what every protocol reports (docs/power-model.md, "Energy per provisioning"):',
    '',
    md(['mark', 'step from then on', 'why'], ruleRows, 'lll'),
    '',
    '### Configurators',
    '',
    md(['board', 'OK audits', 'boot → last OK audit (J)', 'per OK audit (J)', 'whole run (J)'], cfgRows),
  ].join('\n');
}

/** Markdown: the cost figures of `engine` in this run, each measured or estimated. */
export function costMarkdown(table: CostTable, engine: string): string {
  const rows = costRows(table, engine).map((r) => [r.unit, (r.s * 1000).toPrecision(4), r.estimate ? 'estimate' : '**measured**', r.how]);
  return [`CPU time per unit of work on engine \`${engine}\`: ${table.basis}.`, '', md(['unit', 'ms per unit', 'status', 'how'], rows, 'lrll')].join('\n');
}

// ------------------------------------------------------------ comparison

export interface ProtocolRun {
  protocol: string;
  energy: RunEnergy;
  /** frames and bytes put on the air by every board (MAC retries counted) */
  frames: number;
  bytesOnAir: number;
  endMs: number;
  crashes: number;
}

export const COMPARE_HEADERS = [
  'protocol', 'provisioned', 'to provisioned median (J)', 'to provisioned p95 (J)', 'to ACK median (J)', 'to ACK p95 (J)',
  'latency median (s)', 'latency p95 (s)', 'frames on air', 'bytes on air', 'bytes per provisioning', 'configurator per provisioning (J)', 'crashes',
];

export function compareRows(runs: ProtocolRun[]): string[][] {
  return runs.map((p) => {
    const b = p.energy.batch;
    const cfg = p.energy.configurators;
    const perAudit = cfg.length && cfg.every((c) => c.perAuditMj !== null) ? cfg.reduce((a, c) => a + (c.toLastAuditMj as number), 0) / Math.max(1, cfg.reduce((a, c) => a + c.audits, 0)) : null;
    return [
      p.protocol,
      `${b.provisioned}/${b.enrollees}`,
      J(b.toProvisioned.median), J(b.toProvisioned.p95), J(b.toAck.median), J(b.toAck.p95),
      S(b.latencyMs.median), S(b.latencyMs.p95),
      String(p.frames), String(p.bytesOnAir), b.provisioned ? (p.bytesOnAir / b.provisioned).toFixed(0) : '-',
      J(perAudit), String(p.crashes),
    ];
  });
}

export function compareMarkdown(runs: ProtocolRun[], note: string): string {
  return ['# nowboard: protocols side by side', '', note, '', md(COMPARE_HEADERS, compareRows(runs)), '',
    'Energies are per enrollee from its boot (median and nearest-rank 95th percentile over the provisioned ones); frames and bytes count every board\'s transmissions over the whole run, MAC retries included, and whatever a protocol runs after provisioning (ecqv: its pairing phase). Each protocol\'s full report: `<protocol>/sim-report.md`.', ''].join('\n');
}
