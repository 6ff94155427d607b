/**
 * Issue 14: a duty-cycled enrollee only reports radio states through the
 * Meter port; the simulator then shows radio-off time, and an idle CPU with
 * the radio off light-sleeps (WorldOptions.radioOffIdle, default
 * 'lightsleep'), so the energy report's "sleep" column fills without the
 * firmware saying anything more.
 */
import { describe, it, expect } from 'vitest';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { makeWorld } from '../../configurator/sim/sim-world.ts';
import { provisioningEnergy } from '../../configurator/power/provisioning-energy.ts';
import { ESP32_WROOM32 } from '../../configurator/power/power-params.ts';

// Boots with the radio on; at 1 s switches it off; at 2 s does 300 units of work (0.3 s of CPU
// below) with the radio still off; at 3 s switches it back on; at 4 s reports provisioned.
const DUTY = [
  'var __nbRequire = require;',
  'var m = __nbRequire("NowMeter");',
  'print("NOWBOARD {\\"ev\\":\\"boot\\"}");',
  'setTimeout(function () { m.state("radio", "off"); }, 1000);',
  'setTimeout(function () { m.work("fmul25519", 300); }, 2000);',
  'setTimeout(function () { m.state("radio", "rx"); }, 3000);',
  'setTimeout(function () { print("NOWBOARD {\\"ev\\":\\"provisioned\\"}"); }, 4000);',
].join('\n');

function run(radioOffIdle?: string) {
  const w = makeWorld({
    seed: 'duty', loadBundle: vmLoader(), radioOffIdle,
    // 1 ms per unit, events free: the busy time is exactly 0.3 s.
    cpuSecondsFor: (work) => (work.fmul25519 || 0) * 0.001,
  });
  const b = w.addBoard({ id: 'e', role: 'enrollee', src: DUTY });
  w.boot(b);
  w.run(5000);
  return { w, b };
}

function seconds(rep: { states: { component: string; state: string; seconds: number }[] }, c: string, s: string): number {
  return rep.states.filter((x) => x.component === c && x.state === s)[0].seconds;
}

describe('radio off through the Meter port', () => {
  it('an idle CPU light-sleeps while the radio is off, wakes for its work and goes back to sleep', () => {
    const { b } = run();
    const rep = b.power.energy(5000);
    expect(seconds(rep, 'radio', 'off')).toBeCloseTo(2, 9);
    expect(seconds(rep, 'cpu', 'cpu')).toBeCloseTo(0.3, 9);
    expect(seconds(rep, 'cpu', 'lightsleep')).toBeCloseTo(2 - 0.3, 9);
    expect(seconds(rep, 'cpu', 'idle')).toBeCloseTo(5 - 2, 9);
    const cpu = b.power.segments('cpu', 5000).map((s) => s.state + '@' + s.fromTicks / 1000);
    expect(cpu).toEqual(['idle@0', 'lightsleep@1000', 'cpu@2000', 'lightsleep@2300', 'idle@3000']);
  });

  it("radioOffIdle 'idle' (a binding that cannot sleep) keeps the CPU idle", () => {
    const { b } = run('idle');
    const rep = b.power.energy(5000);
    expect(seconds(rep, 'radio', 'off')).toBeCloseTo(2, 9);
    expect(seconds(rep, 'cpu', 'lightsleep')).toBe(0);
    expect(seconds(rep, 'cpu', 'idle')).toBeCloseTo(5 - 0.3, 9);
  });

  it('energy per provisioning shows the sleep and the radio-off time, and is lower than without sleep', () => {
    const view = (r: ReturnType<typeof run>) => ({ id: 'e', role: 'enrollee', mac: r.b.macText, reports: r.b.reports, joins: [], power: r.b.power });
    const sleepy = run();
    const awake = run('idle');
    const a = provisioningEnergy(view(sleepy), [], 5000);
    const z = provisioningEnergy(view(awake), [], 5000);
    expect(a.toProvisioned!.by.sleep.seconds).toBeCloseTo(1.7, 9);
    expect(a.toProvisioned!.by['radio off'].seconds).toBeCloseTo(2, 9);
    const idleMa = ESP32_WROOM32.components.cpu.idle.mA;
    const sleepMa = ESP32_WROOM32.components.cpu.lightsleep.mA;
    // Same timeline but 1.7 s asleep instead of idle.
    expect(z.toProvisioned!.mJ - a.toProvisioned!.mJ).toBeCloseTo(ESP32_WROOM32.voltageV * (idleMa - sleepMa) * 1.7, 6);
  });

});
