/**
 * Issue 14 in the simulator: the hardware rule that a receiver that is off
 * receives nothing (ESPNOW.listen on Espruino boards, nb_radio_listen and
 * nb_light_sleep on JerryScript ones), a switch made inside a callback taking
 * effect when that callback's CPU time is over (as the runtime carries out a
 * core's effects after its computation), light sleep metered at its current,
 * and the whitelist enrollee's energy per provisioning with its duty cycle
 * against the same bundle on a board whose receiver cannot switch.
 */
import { describe, it, expect } from 'vitest';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { makeWorld } from '../../configurator/sim/sim-world.ts';
import { runBatchScenario } from '../../configurator/batch/batch-scenario.ts';
import { runEnergy } from '../../configurator/power/provisioning-report.ts';
import { bundles, alwaysListeningLoader } from '../e2e/e2e-harness.ts';

const BCAST = '[255,255,255,255,255,255]';

// Listens at boot; at 1 s switches its receiver off (at the end of 0.5 s of work), at 3 s on again.
const RX = [
  'var __nbRequire = require;',
  'var es = __nbRequire("ESPNOW"), m = __nbRequire("NowMeter");',
  'es.on("recv", function (mac, data) { print("NOWBOARD {\\"ev\\":\\"rx\\",\\"n\\":" + data[0] + "}"); });',
  'setTimeout(function () { m.work("fmul25519", 500); es.listen(false); }, 1000);',
  'setTimeout(function () { es.listen(true); }, 3000);',
].join('\n');
// Sends frame n at the times below.
const TX = [
  'var __nbRequire = require;',
  'var es = __nbRequire("ESPNOW");',
  '[[500, 1], [1200, 2], [2000, 3], [3500, 4]].forEach(function (p) {',
  '  setTimeout(function () { es.send(new Uint8Array(' + BCAST + '), new Uint8Array([p[1]])); }, p[0]);',
  '});',
].join('\n');

// The same sender for a JerryScript world.
const TX_J = [
  '[[500, 1], [1200, 2], [2000, 3], [3500, 4]].forEach(function (p) {',
  '  nb_set_timer(p[0], function () { nb_radio_send(new Uint8Array(' + BCAST + '), new Uint8Array([p[1]]), function () {}); });',
  '});',
].join('\n');

function espruinoWorld() {
  const w = makeWorld({ seed: 'listen', loadBundle: vmLoader(), cpuSecondsFor: (work) => (work.fmul25519 || 0) * 0.001 });
  const rx = w.addBoard({ id: 'rx', role: 'enrollee', src: RX, x: 0, y: 0 });
  const tx = w.addBoard({ id: 'tx', role: 'configurator', src: TX, x: 1, y: 0 });
  w.boot(rx);
  w.boot(tx);
  w.run(5000);
  return { w, rx, tx };
}

describe('the simulator enforces the receiver switch (issue 14)', () => {
  it('a frame sent while the receiver is off is not received; the switch takes effect when the callback\'s CPU time ends', () => {
    const { w, rx } = espruinoWorld();
    // 1: on; 2: sent at 1.2 s, while the 1 s callback still computes (until 1.5 s): the receiver is still on;
    // 3: sent at 2 s, receiver off: lost; 4: on again.
    expect(rx.reports.filter((r) => r.ev === 'rx').map((r) => r.n)).toEqual([1, 2, 4]);
    const lost = w.trace.records.filter((r: any) => r.kind === 'frame' && r.to === 'rx' && r.outcome === 'dropped' && r.reason === 'radio-off');
    expect(lost.map((r: any) => r.hex)).toEqual(['03']);
    const rep = rx.power.energy(5000);
    const secs = (c: string, s: string) => rep.states.filter((x) => x.component === c && x.state === s)[0].seconds;
    expect(secs('radio', 'off')).toBeCloseTo(1.5, 2);
    expect(secs('cpu', 'lightsleep')).toBeCloseTo(1.5, 2);
  });

  it('JerryScript natives: nb_light_sleep keeps the receiver off and the CPU at the light-sleep current until the next callback', () => {
    const src = [
      'nb_radio_on_recv(function (mac, data) { nb_log(1, "NOWBOARD {\\"ev\\":\\"rx\\",\\"n\\":" + data[0] + "}"); });',
      // Listening, but asleep from 0.1 s until the timer at 2 s wakes it (the sleep asked for 10 s).
      'nb_set_timer(100, function () { nb_log(1, "NOWBOARD {\\"ev\\":\\"slept\\",\\"ok\\":" + nb_light_sleep(10000) + "}"); });',
      'nb_set_timer(2000, function () {});',
    ].join('\n');
    const w = makeWorld({ seed: 'sleep', loadBundle: vmLoader(), platform: 'jerryscript', cpuSecondsFor: () => 0 });
    const b = w.addBoard({ id: 'j', role: 'enrollee', src, x: 0, y: 0 });
    const tx = w.addBoard({ id: 'tx', role: 'configurator', src: TX_J, x: 1, y: 0 });
    w.boot(b);
    w.boot(tx);
    w.run(5000);
    expect(b.crashes).toEqual([]);
    expect(tx.crashes).toEqual([]);
    expect(b.reports.find((r) => r.ev === 'slept')!.ok).toBe(true);
    // 1 (0.5 s), 2 (1.2 s) arrive while it sleeps: lost. 3 (2 s) arrives as the timer wakes it, 4 (3.5 s) awake.
    expect(b.reports.filter((r) => r.ev === 'rx').map((r) => r.n)).toEqual(expect.arrayContaining([4]));
    expect(b.reports.filter((r) => r.ev === 'rx').map((r) => r.n)).not.toContain(1);
    expect(b.reports.filter((r) => r.ev === 'rx').map((r) => r.n)).not.toContain(2);
    const rep = b.power.energy(5000);
    const sleep = rep.states.filter((x) => x.component === 'cpu' && x.state === 'lightsleep')[0].seconds;
    expect(sleep).toBeCloseTo(1.9, 2);
    expect(b.sleeps).toBe(1);
  });

  it('the whitelist enrollee bundle: energy per provisioning drops with the duty cycle (same batch, receiver that cannot switch as the baseline)', () => {
    const run = (always: boolean) => {
      const { result } = runBatchScenario({ seed: 'duty-energy', enrollees: 2, loss: 0, maxMs: 30 * 60000, bundles, loadBundle: always ? alwaysListeningLoader() : vmLoader() });
      expect(result.ok).toBe(true);
      return runEnergy(result).rows.filter((r) => r.role === 'enrollee');
    };
    const duty = run(false);
    const always = run(true);
    const mj = (rows: typeof duty) => rows.reduce((a, r) => a + r.toProvisioned!.mJ, 0) / rows.length;
    // The duty-cycled enrollee listens only in its windows and sleeps while the configurator bundle
    // computes its key agreement; its own X25519 runs with the receiver off.
    expect(mj(duty)).toBeLessThan(0.5 * mj(always));
    for (const r of duty) {
      expect(r.toProvisioned!.by.sleep.seconds).toBeGreaterThan(10);
      expect(r.steps['key agreement'].by['radio rx'].seconds).toBeLessThan(0.5);
    }
    for (const r of always) expect(r.steps['key agreement'].by['radio rx'].seconds).toBeGreaterThan(10);
  });
});
