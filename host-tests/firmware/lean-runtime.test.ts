// The lean one-role runtime (firmware/runtime/lean-runtime.ts): the runtime
// seam for one role — stamps now/rand, carries out effects, routes frames and
// OOB messages of its protocol only, keeps the state when a core throws,
// owns timers, reports AES work to the meter, answers uplink with status 0.
import { describe, it, expect } from 'vitest';
import { startLeanRuntime } from '../../firmware/runtime/lean-runtime.ts';
import { Role, CoreEvent } from '../../firmware/runtime/events.ts';
import { work } from '../../firmware/crypto/work-counters.ts';

function fakePorts() {
  const log: string[] = [];
  const sent: Uint8Array[] = [];
  const oobSent: Uint8Array[] = [];
  const stored: { [f: string]: Uint8Array } = {};
  const timers: { [id: number]: () => void } = {};
  const meter: string[] = [];
  let recv: any = null;
  let oobRecv: any = null;
  let nextId = 1;
  let now = 1000;
  const ports: any = {
    radio: { mac: () => new Uint8Array(6), send: (_to: Uint8Array, b: Uint8Array) => sent.push(b), onReceive: (h: any) => (recv = h) },
    clock: { now: () => now, setTimer: (_ms: number, cb: () => void) => ((timers[nextId] = cb), nextId++), clearTimer: (id: number) => delete timers[id] },
    random: { bytes: (n: number) => new Uint8Array(n).fill(7) },
    storage: { read: (f: string) => stored[f], write: (f: string, b: Uint8Array) => (stored[f] = b), erase: (f: string) => delete stored[f], list: () => [] },
    log: { log: (_l: number, m: string) => log.push(m) },
    meter: { state: (c: string, s: string) => meter.push(c + ':' + s), work: (u: string, n: number) => meter.push(u + '=' + n) },
    wifi: { join: (_s: string, _p: string, done: (r: number) => void) => done(0), leave: () => {} },
    oob: { send: (b: Uint8Array) => oobSent.push(b), onReceive: (h: any) => (oobRecv = h) },
  };
  return { ports, log, sent, oobSent, stored, timers, meter, frame: (b: Uint8Array) => recv(new Uint8Array(6), b, -40), oob: (b: Uint8Array) => oobRecv(b), tick: (ms: number) => (now += ms) };
}

describe('lean runtime', () => {
  it('one role: effects carried out, foreign messages dropped, timers, wifi and uplink answers, throws contained', () => {
    const seen: CoreEvent<any>[] = [];
    const role: Role<number, any> = {
      proto: 4, name: 'test', randBytes: 3,
      next(st, ev) {
        seen.push(ev);
        if (ev.t === 'frame' && ev.bytes[1] === 9) throw new Error('boom');
        if (ev.t === 'boot') {
          work.aesBlock += 2;
          return { state: st + 1, effects: [{ t: 'send', to: new Uint8Array(6), bytes: new Uint8Array([4, 1]) }, { t: 'arm', id: 'x', ms: 10 }, { t: 'oob', bytes: new Uint8Array([4, 2]) },
            { t: 'store', file: 'f', bytes: new Uint8Array([1]) }, { t: 'join', ssid: 's', psk: 'p', join: 5 }, { t: 'uplink', id: 8, path: '/', json: '{}' }, { t: 'report', code: 82, detail: 'd' }], tr: 'b', code: 0 };
        }
        return { state: st + 1, effects: [], tr: 'n', code: 0 };
      },
    };
    const f = fakePorts();
    const reports: any[] = [];
    const rt = startLeanRuntime(f.ports, role, 0, (e) => reports.push(e));
    rt.dispatch({ t: 'boot' });
    expect(seen.map((e) => e.t)).toEqual(['boot', 'wifi', 'uplink']);
    expect(seen[0].now).toBe(1000);
    expect(Array.from(seen[0].rand!)).toEqual([7, 7, 7]);
    expect((seen[1] as any).join).toBe(5);
    expect((seen[2] as any).status).toBe(0);
    expect(f.sent).toHaveLength(1);
    expect(f.oobSent).toHaveLength(1);
    expect(f.stored.f).toEqual(new Uint8Array([1]));
    expect(reports.map((r) => r.code)).toEqual([82]);
    expect(f.meter).toContain('aesBlock=2');
    f.frame(new Uint8Array([1, 1, 1]));
    f.oob(new Uint8Array([2, 1]));
    expect(rt.stats.foreign).toBe(2);
    expect(seen).toHaveLength(3);
    const before = rt.state();
    f.frame(new Uint8Array([4, 9]));
    expect(rt.state()).toBe(before);
    expect(f.log.some((l) => l.includes('boom'))).toBe(true);
    f.oob(new Uint8Array([4, 1]));
    expect(rt.state()).toBe(before + 1);
    const ids = Object.keys(f.timers);
    expect(ids).toHaveLength(1);
    f.timers[Number(ids[0])]();
    expect(seen[seen.length - 1]).toMatchObject({ t: 'timer', id: 'x' });
  });
});
