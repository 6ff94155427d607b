/**
 * Issue 14: the runtime carries out a core's `radio {on}` and `sleep {ms}`
 * effects (firmware/runtime/events.ts) through the ports — RadioPort.listen and
 * PowerPort.lightSleep (firmware/ports/ports.ts) — in the order the core gave
 * them, tells the meter only what really happened, and leaves a board without
 * those ports listening and awake (never a throw).
 */
import { describe, it, expect } from 'vitest';
import { startRuntime } from '../../firmware/runtime/runtime.ts';
import { Ports, RadioPort, PowerPort } from '../../firmware/ports/ports.ts';
import { Role, CoreEffect, CoreEvent } from '../../firmware/runtime/events.ts';

/** A role that answers each command with the effects it carries. */
const scripted: Role<number, { effects: CoreEffect[] }> = {
  proto: 9,
  name: 'test/scripted',
  randBytes: 0,
  next(state, ev: CoreEvent<{ effects: CoreEffect[] }>) {
    if (ev.t !== 'command') return { state, effects: [], tr: 'ignored', code: 0 };
    return { state: state + 1, effects: ev.effects, tr: 'scripted', code: 0 };
  },
};

function harness(opts: { listen: boolean; power: boolean }) {
  const calls: string[] = [];
  const radio: RadioPort = {
    mac: () => new Uint8Array(6),
    send: (_to, bytes) => void calls.push('send ' + bytes.length),
    onReceive: () => {},
  };
  if (opts.listen) radio.listen = (on) => void calls.push('listen ' + on);
  const power: PowerPort = {
    lightSleep: (ms) => {
      calls.push('lightSleep ' + ms);
      return true;
    },
  };
  const logs: string[] = [];
  const ports: Ports = {
    radio,
    clock: { now: () => 1000, setTimer: () => 1, clearTimer: () => {} },
    random: { bytes: (n) => new Uint8Array(n) },
    storage: { read: () => undefined, write: () => {}, erase: () => {}, list: () => [] },
    log: { log: (_l, m) => void logs.push(m) },
    meter: {
      state: (c, s) => {
        if (c === 'radio') calls.push('meter radio ' + s);
      },
      work: () => {},
    },
    wifi: { join: () => {}, leave: () => {} },
  };
  if (opts.power) ports.power = power;
  const rt = startRuntime(ports, [{ role: scripted, initial: 0 }], {});
  const run = (effects: CoreEffect[]) => rt.dispatch({ t: 'command', effects } as CoreEvent<any>, 9);
  return { calls, logs, run, rt };
}

describe('runtime: radio and sleep effects (issue 14)', () => {
  it('maps radio {on} to RadioPort.listen and the meter, sleep {ms} to PowerPort.lightSleep, in the core\'s order', () => {
    const h = harness({ listen: true, power: true });
    h.run([
      { t: 'radio', on: true },
      { t: 'send', to: new Uint8Array(6).fill(255), bytes: new Uint8Array(85) },
      { t: 'radio', on: false },
      { t: 'sleep', ms: 39880 },
    ]);
    expect(h.calls).toEqual(['listen true', 'meter radio rx', 'send 85', 'listen false', 'meter radio off', 'lightSleep 39880']);
    expect(h.rt.state(9)).toBe(1);
  });

  it('a sleep of 0 ms (nothing left before the next timer) asks for no sleep', () => {
    const h = harness({ listen: true, power: true });
    h.run([{ t: 'sleep', ms: 0 }]);
    expect(h.calls).toEqual([]);
  });

  it('a board without listen or lightSleep keeps listening and idles: no call, no meter change, no throw', () => {
    const h = harness({ listen: false, power: false });
    h.run([{ t: 'radio', on: false }, { t: 'sleep', ms: 5000 }, { t: 'send', to: new Uint8Array(6), bytes: new Uint8Array(3) }]);
    expect(h.calls).toEqual(['send 3']);
    expect(h.logs.some((m) => m.indexOf('cannot switch its receiver') >= 0)).toBe(true);
    expect(h.rt.state(9)).toBe(1);
  });
});
