/**
 * Issue 14 part 1: energy per provisioning (boot → provisioned, → ACK audited),
 * by component state and by protocol step, with the batch's median and p95.
 * Hand timelines whose energies are worked out from the currents, and a real
 * batch checked against an independent sum over the raw timeline.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createBoardPower, BoardPower } from '../../configurator/power/power-model.ts';
import { ESP32_WROOM32 } from '../../configurator/power/power-params.ts';
import {
  BoardView, provisioningEnergy, stepIntervals, median, percentile, batchProvisioning, CATEGORIES, STEP_RULES, StepRule,
} from '../../configurator/power/provisioning-energy.ts';
import { runEnergy } from '../../configurator/power/provisioning-report.ts';
import { powerSvg } from '../../configurator/power/power-report.ts';
import { runBatchScenario } from '../../configurator/batch/batch-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';

const ROOT = path.resolve(__dirname, '../..');
const V = ESP32_WROOM32.voltageV;
const mA = (c: string, s: string) => ESP32_WROOM32.components[c][s].mA;
/** mJ drawn over `ms` with the CPU in `cpu` and the radio in `radio` (Energest: V · Σ I · t). */
const E = (ms: number, cpu: string, radio: string) => (V * (mA('cpu', cpu) + mA('radio', radio)) * ms) / 1000;

/**
 * An enrollee's hand timeline: boots at 100 ms (radio on), authenticates at
 * 1000 ms with 2 s of CPU work, joins at 5000, is provisioned at 6500 (0.1 s
 * of work), its ACK is audited at 8000; the run ends at 10000.
 */
function handBoard(extra?: { t: number; ev: string; code?: number }[]): { view: BoardView; bp: BoardPower } {
  const bp = createBoardPower('e1');
  bp.setState('radio', 'rx', 100);
  bp.busy(1000, 2);
  bp.busy(6500, 0.1);
  bp.setState('radio', 'rx', 10000);
  const reports = [
    { t: 100, ev: 'boot' },
    { t: 1000, ev: 'report', code: 81, name: 'I_SESSION' },
    { t: 6500, ev: 'provisioned' },
    ...(extra ?? []),
  ].sort((a, b) => a.t - b.t);
  return { view: { id: 'e1', role: 'enrollee', mac: '02:4e:42:00:00:02', reports, joins: [5000], power: bp }, bp };
}

const AUDIT = [{ t: 8000, ev: 'audit', mac: '02:4e:42:00:00:02', code: 0 }];

describe('energy per provisioning on a hand timeline', () => {
  it('windows the account: boot → provisioned and → ACK audited, split by component', () => {
    const { view } = handBoard();
    const pe = provisioningEnergy(view, AUDIT, 10000);
    const presence = E(900, 'idle', 'rx');
    const key = E(2000, 'cpu', 'rx');
    const config = E(2000, 'idle', 'rx');
    const join = E(1500, 'idle', 'rx');
    const ack = E(100, 'cpu', 'rx') + E(1400, 'idle', 'rx');
    expect(pe.bootMs).toBe(100);
    expect(pe.provisionedMs).toBe(6500);
    expect(pe.ackMs).toBe(8000);
    expect(pe.toProvisioned!.mJ).toBeCloseTo(presence + key + config + join, 9);
    expect(pe.toAck!.mJ).toBeCloseTo(presence + key + config + join + ack, 9);
    // The whole run also holds the 100 ms before boot (idle, radio off) and the 2 s after the audit.
    expect(pe.wholeRunMj).toBeCloseTo(E(100, 'idle', 'off') + presence + key + config + join + ack + E(2000, 'idle', 'rx'), 9);
    // Components: 2 s active, 4.4 s idle, 6.4 s listening.
    const by = pe.toProvisioned!.by;
    expect(by['cpu active'].seconds).toBeCloseTo(2, 9);
    expect(by['cpu idle'].seconds).toBeCloseTo(4.4, 9);
    expect(by['radio rx'].mJ).toBeCloseTo((V * mA('radio', 'rx') * 6400) / 1000, 9);
    expect(by['radio tx'].mJ).toBe(0);
    let sum = 0;
    for (const c of CATEGORIES) sum += by[c].mJ;
    expect(sum).toBeCloseTo(pe.toProvisioned!.mJ, 9);
  });

  it('derives the steps from the marks: presence, key agreement (the callback\'s CPU work), configuration, join, ack', () => {
    const { view } = handBoard();
    const pe = provisioningEnergy(view, AUDIT, 10000);
    expect(pe.intervals).toEqual([
      { step: 'presence', fromMs: 100, toMs: 1000 },
      { step: 'key agreement', fromMs: 1000, toMs: 3000 },
      { step: 'configuration', fromMs: 3000, toMs: 5000 },
      { step: 'join', fromMs: 5000, toMs: 6500 },
      { step: 'ack', fromMs: 6500, toMs: 8000 },
    ]);
    expect(pe.steps['key agreement'].mJ).toBeCloseTo(E(2000, 'cpu', 'rx'), 9);
    expect(pe.steps.ack.mJ).toBeCloseTo(E(100, 'cpu', 'rx') + E(1400, 'idle', 'rx'), 9);
    const total = Object.values(pe.steps).reduce((a, s) => a + s.mJ, 0);
    expect(total).toBeCloseTo(pe.toAck!.mJ, 9);
  });

  it('a failed session goes back to presence; an audit of another MAC or a failed one is not the ACK', () => {
    const { view } = handBoard([{ t: 3500, ev: 'report', code: 63 }, { t: 4000, ev: 'report', code: 81 }]);
    const iv = stepIntervals(view, 100, 6500);
    // No CPU work in the callback at 4000: its key agreement is empty (left out), configuration starts at once.
    expect(iv.map((x) => x.step)).toEqual(['presence', 'key agreement', 'configuration', 'presence', 'configuration', 'join']);
    expect(iv[3]).toEqual({ step: 'presence', fromMs: 3500, toMs: 4000 });
    expect(iv[4]).toEqual({ step: 'configuration', fromMs: 4000, toMs: 5000 });
    const pe = provisioningEnergy(view, [{ t: 7000, mac: '02:4e:42:00:00:09', code: 0 }, { t: 7100, mac: view.mac, code: 2 }], 10000);
    expect(pe.ackMs).toBeNull();
    expect(pe.toAck).toBeNull();
    // Without an audit the steps run to provisioned.
    expect(pe.intervals[pe.intervals.length - 1].toMs).toBe(6500);
  });

  it("a protocol's own marks come first (HostProtocol.steps)", () => {
    const { view } = handBoard([{ t: 500, ev: 'report', code: 600 }]);
    const rules: StepRule[] = [{ ev: 'report', code: 600, step: 'pairing', why: 'test' }, ...STEP_RULES];
    const iv = stepIntervals(view, 100, 6500, rules);
    expect(iv.slice(0, 2)).toEqual([
      { step: 'presence', fromMs: 100, toMs: 500 },
      { step: 'pairing', fromMs: 500, toMs: 1000 },
    ]);
  });

  it('a board never provisioned has no provisioning energy, and its steps run to the end', () => {
    const bp = createBoardPower('e2');
    bp.setState('radio', 'rx', 50);
    const view: BoardView = { id: 'e2', role: 'enrollee', mac: 'x', reports: [{ t: 50, ev: 'boot' }], joins: [], power: bp };
    const pe = provisioningEnergy(view, [], 2000);
    expect(pe.toProvisioned).toBeNull();
    expect(pe.intervals).toEqual([{ step: 'presence', fromMs: 50, toMs: 2000 }]);
    const b = batchProvisioning([pe]);
    expect(b.provisioned).toBe(0);
    expect(b.toProvisioned.median).toBeNull();
  });
});

describe('batch statistics', () => {
  it('median (mean of the middle two for an even count) and nearest-rank p95', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(Array.from({ length: 20 }, (_, i) => i + 1), 95)).toBe(19);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 95)).toBeNull();
  });
});

describe('the power plot marks the steps', () => {
  it('one band and one dashed start line per step interval, a legend entry per step name, still well formed', () => {
    const { view, bp } = handBoard();
    const pe = provisioningEnergy(view, AUDIT, 10000);
    const svg = powerSvg(bp.series(100, 8000, 100), { steps: pe.intervals.map((i) => ({ label: i.step, fromMs: i.fromMs, toMs: i.toMs })) });
    expect((svg.match(/<rect class="step" /g) || []).length).toBe(pe.intervals.length);
    expect((svg.match(/class="step-start"/g) || []).length).toBe(pe.intervals.length);
    for (const s of ['presence', 'key agreement', 'configuration', 'join', 'ack']) expect(svg).toContain('data-step="' + s + '"');
    const stepLegend = svg.slice(svg.indexOf('>steps<'));
    for (const s of ['presence', 'key agreement', 'configuration', 'join', 'ack']) expect(stepLegend).toContain('>' + s + '<');
    // Every opened element closes (the plot stays one well-formed document).
    const opened = (svg.match(/<(svg|g|rect|text|title)[\s>]/g) || []).length;
    const selfClosed = (svg.match(/<(rect|line|path)[^>]*\/>/g) || []).length;
    const closed = (svg.match(/<\/(svg|g|rect|text|title)>/g) || []).length;
    expect(opened - (svg.match(/<rect[^>]*\/>/g) || []).length).toBe(closed);
    expect(selfClosed).toBeGreaterThan(0);
  });
});

describe('energy per provisioning of a real batch (built bundles in node:vm)', () => {
  const bundles = {
    enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8'),
    configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8'),
  };

  /** mJ of the board over [a, b] summed straight from its raw segments (independent of energy()). */
  function rawEnergy(bp: BoardPower, a: number, b: number): number {
    let mJ = 0;
    for (const comp of ['cpu', 'radio']) {
      for (const s of bp.segments(comp, Math.max(b, bp.lastChangeMs()))) {
        const lo = Math.max(s.fromTicks / 1000, a);
        const hi = Math.min(s.toTicks / 1000, b);
        if (hi > lo) mJ += (V * mA(comp, s.state) * (hi - lo)) / 1000;
      }
    }
    return mJ;
  }

  it('per enrollee from its own boot: not the whole run; steps and components add up; the batch has a median and p95', () => {
    const { result: r } = runBatchScenario({ seed: 'energy-per-provisioning', enrollees: 6, loss: 0.1, bundles, loadBundle: vmLoader(), maxMs: 30 * 60000 });
    expect(r.ok).toBe(true);
    const e = runEnergy(r);
    const enr = e.rows.filter((x) => x.role === 'enrollee');
    expect(enr.length).toBe(6);
    for (const pe of enr) {
      const b = r.world.boards.find((x) => x.id === pe.board)!;
      const prov = b.reports.find((x) => x.ev === 'provisioned')!;
      const boot = b.reports.find((x) => x.ev === 'boot')!;
      expect(pe.provisionedMs).toBe(prov.t);
      // The model counts whole microseconds: agreement to a few µJ.
      expect(pe.toProvisioned!.mJ).toBeCloseTo(rawEnergy(b.power, boot.t, prov.t), 2);
      expect(pe.toAck!.mJ).toBeCloseTo(rawEnergy(b.power, boot.t, pe.ackMs!), 2);
      expect(pe.toProvisioned!.mJ).toBeLessThan(pe.wholeRunMj);
      const steps = Object.values(pe.steps).reduce((a, s) => a + s.mJ, 0);
      expect(steps).toBeCloseTo(pe.toAck!.mJ, 6);
      // Every enrollee of this protocol authenticates once, joins once.
      expect(pe.intervals.filter((i) => i.step === 'key agreement').length).toBeGreaterThanOrEqual(1);
      expect(pe.steps['key agreement'].by['cpu active'].seconds).toBeGreaterThan(1);
      expect(pe.steps.join.seconds).toBeGreaterThan(0);
    }
    // The symptom of issue 14 was whole-run figures that hardly told the enrollees apart (all
    // alike to 1 % with the receiver always on). Since the duty cycle and the configurator's
    // ephemeral pool, what a board spends depends on its own work and waits (in this batch two
    // enrollees spend 2.4× what the others do, boot to provisioned), and the per-provisioning figures follow each enrollee's latency more closely than the
    // whole-run ones.
    const whole = enr.map((x) => x.wholeRunMj);
    const per = enr.map((x) => x.toProvisioned!.mJ);
    expect(Math.max(...per) / Math.min(...per)).toBeGreaterThan(1.15);
    expect(Math.max(...per) / Math.min(...per)).toBeGreaterThan(Math.max(...whole) / Math.min(...whole));
    const byLatency = enr.slice().sort((a, b) => (a.provisionedMs! - a.bootMs) - (b.provisionedMs! - b.bootMs));
    expect(byLatency[0].toProvisioned!.mJ).toBeLessThan(byLatency[byLatency.length - 1].toProvisioned!.mJ);
    expect(e.batch.toProvisioned.median).toBe(median(per));
    expect(e.batch.toProvisioned.p95).toBe(percentile(per, 95));
    expect(e.batch.provisioned).toBe(6);
    expect(e.configurators[0].audits).toBe(6);
  });
});
