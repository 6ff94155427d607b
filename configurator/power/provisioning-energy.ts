/**
 * Energy per provisioning (issue 14, part 1): what one board spent from its
 * boot until it was provisioned, and until the configurator audited its final
 * ACK, split by component state and by protocol step.
 *
 * Steps come from what every protocol's boards already say, never from a
 * protocol's frames: the `NOWBOARD` report lines (boot, the common codes of
 * firmware/codec/codes.ts, `provisioned`), the join effect (the simulator's
 * trace event `wifi-connect`, which the runtime causes for a `join` effect)
 * and the configurator's audit line for the board's MAC. STEP_RULES below is
 * the mapping; docs/power-model.md "Energy per provisioning" explains it and
 * how a protocol adds its own marks (HostProtocol.steps).
 *
 * The component split needs nothing from the firmware beyond the Meter port
 * the boards already feed: a duty-cycled enrollee that switches its radio
 * off (`NowMeter.state('radio', 'off')`) shows up as radio-off time, and,
 * with the simulator's light-sleep rule (sim-world.ts `radioOffIdle`), as
 * sleep instead of CPU idle.
 *
 * No Node imports: the module only reads the boards' reports and power
 * accounts (power-model.ts).
 */
import { BoardPower, EnergyReport } from './power-model.ts';
import { I_SESSION, E_TIMEOUT, I_JOIN_FAILED, CONFIG_STALE, CONFIG_FORMAT } from '../../firmware/codec/codes.ts';

/** The steps, in protocol order. `ack` runs from provisioned to the configurator's audit of the ACK. */
export const STEPS = ['presence', 'key agreement', 'configuration', 'join', 'ack'] as const;
export type StepName = string;

/**
 * One boundary: when a board event matches, the board is in `step` from then
 * on. `afterBusy`: the step lasts only for the CPU work of the callback that
 * reported it (the key agreement's computation), then `afterBusy` begins.
 */
export interface StepRule {
  /** board event: 'boot', 'report', 'provisioned', 'join-failed', 'join' (the join effect) */
  ev: string;
  /** for ev 'report': the numeric code (firmware/codec/codes.ts or the protocol's range) */
  code?: number;
  step: StepName;
  afterBusy?: StepName;
  /** why, for the docs and the report */
  why: string;
}

/** The mapping every protocol gets. A protocol adds rules for its own codes (HostProtocol.steps). */
export const STEP_RULES: StepRule[] = [
  { ev: 'boot', step: 'presence', why: 'boot: the enrollee announces itself and listens for a configurator' },
  {
    ev: 'report', code: I_SESSION, step: 'key agreement', afterBusy: 'configuration',
    why: 'I_SESSION: the callback that authenticated the session (its CPU work is the key agreement); then the configuration is received',
  },
  { ev: 'join', step: 'join', why: 'the join effect (simulator trace `wifi-connect`): the configuration is proven by a Wi-Fi join' },
  { ev: 'provisioned', step: 'ack', why: 'I_PROVISIONED (`provisioned` line): stored; the ACK goes out, until the configurator audits it' },
  { ev: 'report', code: E_TIMEOUT, step: 'presence', why: 'E_TIMEOUT: the session gave up; back to announcing' },
  { ev: 'report', code: I_JOIN_FAILED, step: 'presence', why: 'I_JOIN_FAILED: the join failed, old configuration kept; back to announcing' },
  { ev: 'report', code: CONFIG_STALE, step: 'presence', why: 'CONFIG_STALE: configuration refused; back to announcing' },
  { ev: 'report', code: CONFIG_FORMAT, step: 'presence', why: 'CONFIG_FORMAT: configuration refused; back to announcing' },
];

/** What the analysis needs from one board (the simulator's Board, or a log read back). */
export interface BoardView {
  id: string;
  role: string;
  /** "02:4e:42:00:00:03", as the audit lines name it */
  mac: string;
  /** the board's NOWBOARD lines, each with `t` (virtual ms) and `ev` */
  reports: { t: number; ev: string; code?: number; mac?: string; [k: string]: any }[];
  /** times (ms) of the join effect */
  joins: number[];
  power: BoardPower;
}

/** Energy and time per component state, grouped the way the report prints them. */
export const CATEGORIES = ['cpu active', 'cpu idle', 'sleep', 'radio rx', 'radio tx', 'radio off'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Split {
  mJ: number;
  seconds: number;
  /** per category: mJ and seconds */
  by: Record<Category, { mJ: number; seconds: number }>;
}

function categoryOf(component: string, state: string): Category | null {
  if (component === 'cpu') {
    if (state === 'cpu') return 'cpu active';
    if (state === 'idle') return 'cpu idle';
    if (state === 'lightsleep' || state === 'deepsleep') return 'sleep';
    return null; // 'off': the board has no power
  }
  if (component === 'radio') {
    if (state === 'rx') return 'radio rx';
    if (state === 'tx') return 'radio tx';
    if (state === 'off') return 'radio off';
  }
  return null;
}

export function emptySplit(): Split {
  const by = {} as Split['by'];
  for (const c of CATEGORIES) by[c] = { mJ: 0, seconds: 0 };
  return { mJ: 0, seconds: 0, by };
}

/** Fold one account (power-model energy()) into a split. */
export function addReport(s: Split, rep: EnergyReport): void {
  s.mJ += rep.totalMj;
  s.seconds += rep.seconds;
  for (const row of rep.states) {
    const c = categoryOf(row.component, row.state);
    if (!c) continue;
    s.by[c].mJ += row.mJ;
    s.by[c].seconds += row.seconds;
  }
}

export interface StepInterval {
  step: StepName;
  fromMs: number;
  toMs: number;
}

export interface ProvisioningEnergy {
  board: string;
  role: string;
  bootMs: number;
  provisionedMs: number | null;
  /** the first OK audit of this board's MAC at or after provisioned */
  ackMs: number | null;
  /** boot → provisioned */
  toProvisioned: Split | null;
  /** boot → the configurator's audit of the ACK */
  toAck: Split | null;
  /** per step, boot → ACK audited (or → provisioned when no audit came; or → end of run) */
  steps: Record<string, Split>;
  intervals: StepInterval[];
  /** the whole run, boot or not (the old per-board figure) */
  wholeRunMj: number;
  endMs: number;
}

interface Mark {
  t: number;
  rule: StepRule;
  order: number;
}

function marksOf(b: BoardView, rules: StepRule[]): Mark[] {
  const marks: Mark[] = [];
  let order = 0;
  const push = (t: number, ev: string, code: number | undefined) => {
    for (const r of rules) {
      if (r.ev !== ev) continue;
      if (r.code !== undefined && r.code !== code) continue;
      marks.push({ t, rule: r, order: order++ });
      return;
    }
  };
  for (const r of b.reports) push(r.t, r.ev, typeof r.code === 'number' ? r.code : undefined);
  for (const t of b.joins) push(t, 'join', undefined);
  marks.sort((x, y) => x.t - y.t || x.order - y.order);
  return marks;
}

/**
 * The step intervals of one board from `fromMs` to `untilMs`: each mark starts
 * its step; an `afterBusy` step ends with the CPU work of its callback.
 */
export function stepIntervals(b: BoardView, fromMs: number, untilMs: number, rules: StepRule[] = STEP_RULES): StepInterval[] {
  const out: StepInterval[] = [];
  const marks = marksOf(b, rules).filter((m) => m.t >= fromMs && m.t <= untilMs);
  let cur: StepName = 'presence';
  let t = fromMs;
  const close = (to: number) => {
    if (to > t) {
      const last = out[out.length - 1];
      if (last && last.step === cur && last.toMs === t) last.toMs = to;
      else out.push({ step: cur, fromMs: t, toMs: to });
      t = to;
    }
  };
  for (let i = 0; i < marks.length; i++) {
    const m = marks[i];
    close(m.t);
    cur = m.rule.step;
    if (m.rule.afterBusy) {
      const next = i + 1 < marks.length ? marks[i + 1].t : untilMs;
      const end = Math.min(b.power.busyEnd(m.t), next, untilMs);
      close(end);
      cur = m.rule.afterBusy;
    }
  }
  close(untilMs);
  return out;
}

/** Energy per provisioning of one board; `audits` are every configurator's audit lines. */
export function provisioningEnergy(
  b: BoardView,
  audits: { t: number; mac?: string; code?: number }[],
  endMs: number,
  rules: StepRule[] = STEP_RULES,
): ProvisioningEnergy {
  const until = Math.max(endMs, b.power.lastChangeMs());
  const boot = b.reports.find((r) => r.ev === 'boot');
  const bootMs = boot ? boot.t : 0;
  const prov = b.reports.find((r) => r.ev === 'provisioned' && r.t >= bootMs);
  const provisionedMs = prov ? prov.t : null;
  let ackMs: number | null = null;
  if (provisionedMs !== null) {
    for (const a of audits) {
      if (a.mac === b.mac && a.code === 0 && a.t >= provisionedMs && (ackMs === null || a.t < ackMs)) ackMs = a.t;
    }
  }
  const window = (to: number): Split => {
    const s = emptySplit();
    addReport(s, b.power.energy(Math.max(to, bootMs) > until ? until : Math.max(to, bootMs), bootMs));
    return s;
  };
  const stepEnd = ackMs ?? provisionedMs ?? until;
  const intervals = stepIntervals(b, bootMs, stepEnd, rules);
  const steps: Record<string, Split> = {};
  for (const iv of intervals) {
    if (!steps[iv.step]) steps[iv.step] = emptySplit();
    addReport(steps[iv.step], b.power.energy(iv.toMs, iv.fromMs));
  }
  return {
    board: b.id,
    role: b.role,
    bootMs,
    provisionedMs,
    ackMs,
    toProvisioned: provisionedMs === null ? null : window(provisionedMs),
    toAck: ackMs === null ? null : window(ackMs),
    steps,
    intervals,
    wholeRunMj: b.power.energy(until).totalMj,
    endMs: until,
  };
}

// ------------------------------------------------------------ batch figures

/** Median (mean of the two middle values for an even count) and the nearest-rank percentile. */
export function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile: the smallest value with at least p % of the values at or below it. */
export function percentile(xs: number[], p: number): number | null {
  if (!xs.length) return null;
  const s = xs.slice().sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1];
}

export interface Stat {
  n: number;
  median: number | null;
  p95: number | null;
}

function stat(xs: number[]): Stat {
  return { n: xs.length, median: median(xs), p95: percentile(xs, 95) };
}

export interface BatchProvisioning {
  enrollees: number;
  provisioned: number;
  acked: number;
  /** mJ, boot → provisioned */
  toProvisioned: Stat;
  /** mJ, boot → ACK audited */
  toAck: Stat;
  latencyMs: Stat;
  /** mJ per category, boot → provisioned */
  byCategory: Record<Category, Stat>;
  /** mJ per step (boot → ACK audited, or → provisioned) over provisioned enrollees */
  bySteps: Record<string, Stat>;
  wholeRunMj: Stat;
}

export function batchProvisioning(rows: ProvisioningEnergy[]): BatchProvisioning {
  const enr = rows.filter((r) => r.role === 'enrollee');
  const prov = enr.filter((r) => r.toProvisioned);
  const acked = enr.filter((r) => r.toAck);
  const byCategory = {} as Record<Category, Stat>;
  for (const c of CATEGORIES) byCategory[c] = stat(prov.map((r) => r.toProvisioned!.by[c].mJ));
  const bySteps: Record<string, Stat> = {};
  for (const s of stepNames(prov)) bySteps[s] = stat(prov.map((r) => (r.steps[s] ? r.steps[s].mJ : 0)));
  return {
    enrollees: enr.length,
    provisioned: prov.length,
    acked: acked.length,
    toProvisioned: stat(prov.map((r) => r.toProvisioned!.mJ)),
    toAck: stat(acked.map((r) => r.toAck!.mJ)),
    latencyMs: stat(prov.map((r) => (r.provisionedMs as number) - r.bootMs)),
    byCategory,
    bySteps,
    wholeRunMj: stat(enr.map((r) => r.wholeRunMj)),
  };
}

/** The steps that occur in these rows: STEPS order first, then any protocol-specific ones. */
export function stepNames(rows: ProvisioningEnergy[]): string[] {
  const names: string[] = [...STEPS];
  for (const r of rows) for (const k of Object.keys(r.steps)) if (names.indexOf(k) < 0) names.push(k);
  return names.filter((n) => rows.some((r) => r.steps[n]));
}

/** The configurator's side: energy from boot to its last OK audit, per OK audit. */
export function configuratorPerProvisioning(b: BoardView): { audits: number; toLastAuditMj: number | null; perAuditMj: number | null } {
  const boot = b.reports.find((r) => r.ev === 'boot');
  const ok = b.reports.filter((r) => r.ev === 'audit' && r.code === 0);
  if (!boot || !ok.length) return { audits: ok.length, toLastAuditMj: null, perAuditMj: null };
  const last = ok[ok.length - 1].t;
  const e = b.power.energy(Math.max(last, boot.t), boot.t).totalMj;
  return { audits: ok.length, toLastAuditMj: e, perAuditMj: e / ok.length };
}
