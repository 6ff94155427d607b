/**
 * Wi-Fi association in the simulator: a join takes its time (wifiTiming) and
 * the radio is metered 'assoc' for exactly that time, whatever the app set it
 * to, and back to its own state after (or 'off' when the board dies mid-join).
 * Energy checked against V · I · t from the power figures, computed here.
 */
import { describe, it, expect } from 'vitest';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { makeWorld } from '../../configurator/sim/sim-world.ts';
import { ESP32_WROOM32, MSP430_CC2420_PAPER000, ASSOC_TX_MS, ASSOC_REF_MS } from '../../configurator/power/power-params.ts';

const PRE = 'var __nbRequire = require;\n';
const stateSec = (b: any, untilMs: number, comp: string, st: string) =>
  b.power.energy(untilMs).states.find((r: any) => r.component === comp && r.state === st);

describe('Wi-Fi association time and energy in the simulator', () => {
  it('the figure: RX over the idle floor plus the share of management-frame TX', () => {
    const r = ESP32_WROOM32.components.radio;
    expect(r.assoc.mA).toBeCloseTo(r.rx.mA + ((r.tx.mA - r.rx.mA) * ASSOC_TX_MS) / ASSOC_REF_MS, 12);
    expect(r.assoc.mA).toBeGreaterThan(r.rx.mA);
    expect(r.assoc.mA).toBeLessThan(r.tx.mA);
    expect(r.assoc.estimate).toBe(true);
  });

  it('a join meters assoc for its duration, radio off before (app) and after; failed joins too', () => {
    const w = makeWorld({
      seed: 'assoc', loadBundle: vmLoader(), cpuSecondsFor: null,
      accessPoints: { lab: 'right-pass' }, wifiTiming: { joinMs: 1800, authFailMs: 900 },
    });
    const b = w.addBoard({ id: 'b', role: 'x', src: PRE + `
      var m = __nbRequire("NowMeter"), W = __nbRequire("Wifi");
      m.state("radio", "off");
      setTimeout(function () { W.connect("lab", { password: "right-pass" }, function (e) { print("first " + e); }); }, 1000);
      setTimeout(function () { W.connect("lab", { password: "wrong" }, function (e) { print("second " + e); }); }, 5000);
    ` });
    w.boot(b);
    w.run(10000);
    expect(b.lines.map((l) => l.text)).toEqual(['first null', 'second auth fail']);
    const assoc = stateSec(b, 10000, 'radio', 'assoc');
    expect(assoc.seconds).toBeCloseTo(1.8 + 0.9, 9);
    const v = ESP32_WROOM32.voltageV;
    expect(assoc.mJ).toBeCloseTo(v * ESP32_WROOM32.components.radio.assoc.mA * 2.7, 6);
    // The rest of the 10 s the app kept the radio off.
    expect(stateSec(b, 10000, 'radio', 'off').seconds).toBeCloseTo(10 - 2.7, 9);
    expect(stateSec(b, 10000, 'radio', 'rx').seconds).toBe(0);
  });

  it('a radio left on listens again after the join; a board that dies mid-join ends it', () => {
    const w = makeWorld({ seed: 'assoc2', loadBundle: vmLoader(), cpuSecondsFor: null, accessPoints: { lab: 'p-123456' } });
    const b = w.addBoard({ id: 'b', role: 'x', src: PRE + `
      var W = __nbRequire("Wifi");
      setTimeout(function () { W.connect("lab", { password: "p-123456" }, function () { print("joined"); }); }, 500);
      setTimeout(function () { W.connect("lab", { password: "p-123456" }, function () { print("never"); }); }, 4000);
      setTimeout(function () { throw new Error("boom"); }, 4600);
    ` });
    w.boot(b);
    w.run(8000);
    expect(b.lines.map((l) => l.text)).toEqual(['joined']);
    expect(b.crashes).toHaveLength(1);
    expect(stateSec(b, 8000, 'radio', 'assoc').seconds).toBeCloseTo(1.5 + 0.6, 9);
    expect(stateSec(b, 8000, 'radio', 'rx').seconds).toBeCloseTo(0.5 + (4 - 2), 9);
    expect(stateSec(b, 8000, 'radio', 'off').seconds).toBeCloseTo(8 - 4.6, 9);
  });

  it('power figures without an assoc state (paper 000) meter the join as rx (an unknown state would crash the board)', () => {
    const w = makeWorld({ seed: 'assoc3', loadBundle: vmLoader(), cpuSecondsFor: null, accessPoints: { lab: 'p-123456' }, powerParams: MSP430_CC2420_PAPER000 });
    const b = w.addBoard({ id: 'b', role: 'x', src: PRE + `
      setTimeout(function () { __nbRequire("Wifi").connect("lab", { password: "p-123456" }, function () { print("joined"); }); }, 500);
    ` });
    w.boot(b);
    w.run(3000);
    expect(b.crashes).toEqual([]);
    expect(b.lines.map((l) => l.text)).toEqual(['joined']);
    expect(stateSec(b, 3000, 'radio', 'rx').seconds).toBeCloseTo(3, 9);
    expect(b.power.energy(3000).states.some((r: any) => r.state === 'assoc')).toBe(false);
  });
});
