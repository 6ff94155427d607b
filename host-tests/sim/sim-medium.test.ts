import { describe, it, expect } from 'vitest';
import { makeClock } from '../../configurator/sim/virtual-clock.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';
import { makeTrace } from '../../configurator/sim/sim-trace.ts';
import { makeMedium, MediumOptions } from '../../configurator/sim/sim-medium.ts';

const BCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);
const mac = (i: number) => new Uint8Array([2, 0, 0, 0, 0, i]);

interface Rx { t: number; from: string; data: number[]; rssi: number }

function setup(seed: number | string, opts?: MediumOptions, positions: [number, number][] = [[0, 0], [3, 0], [0, 4]]) {
  const clock = makeClock();
  const trace = makeTrace();
  const medium = makeMedium(clock, makeRng(seed), trace, opts);
  const rx: { [id: string]: Rx[] } = {};
  const radio: { [id: string]: [string, number][] } = {};
  positions.forEach(([x, y], i) => {
    const id = 'n' + (i + 1);
    rx[id] = [];
    radio[id] = [];
    medium.addNode({
      id, mac: mac(i + 1), x, y,
      onReceive: (from, data, rssi) => rx[id].push({ t: clock.now(), from: Array.from(from).join(','), data: Array.from(data), rssi }),
      onRadioState: (s, t) => radio[id].push([s, t]),
    });
  });
  return { clock, trace, medium, rx, radio };
}

describe('sim-medium', () => {
  it('airtime follows the formula: (len + 43) x 8 us + 192 us at 1 Mbps; 250 B = 2.536 ms', () => {
    const { medium } = setup(1);
    expect(medium.airtimeMs(250)).toBeCloseTo(((250 + 43) * 8 + 192) / 1000, 12);
    expect(medium.airtimeMs(250)).toBeCloseTo(2.536, 12);
    expect(medium.airtimeMs(0)).toBeCloseTo(0.536, 12);
    const { medium: fast } = setup(1, { rateBps: 2000000 });
    expect(fast.airtimeMs(250)).toBeCloseTo(293 * 4 / 1000 + 0.192, 12);
  });

  it('a broadcast reaches every in-range node after airtime + latency; the sender radio is tx meanwhile', () => {
    const { clock, medium, rx, radio } = setup(1, { link: { latencyMs: 1 } });
    const done: [number, boolean][] = [];
    medium.send('n1', BCAST, new Uint8Array(250), (ok) => done.push([clock.now(), ok]));
    clock.run(100);
    const arrival = 2.536 + 1;
    expect(rx.n2.map((r) => r.t)).toEqual([arrival]);
    expect(rx.n3.map((r) => r.t)).toEqual([arrival]);
    expect(rx.n1).toEqual([]);
    expect(done).toEqual([[2.536, true]]);
    expect(radio.n1).toEqual([['tx', 0], ['rx', 2.536]]);
    // RSSI by log-distance: 19.5 - (40 + 30 log10(d))
    expect(rx.n2[0].rssi).toBe(Math.round(19.5 - (40 + 30 * Math.log10(3))));
    expect(rx.n3[0].rssi).toBe(Math.round(19.5 - (40 + 30 * Math.log10(4))));
  });

  it('frames from one sender queue behind each other (one transmitter)', () => {
    const { clock, medium, rx } = setup(1, { link: { latencyMs: 0 } });
    medium.send('n1', BCAST, new Uint8Array(250));
    medium.send('n1', BCAST, new Uint8Array(250));
    medium.send('n1', BCAST, new Uint8Array(100), undefined, 50);
    clock.run(100);
    expect(rx.n2.map((r) => +r.t.toFixed(6))).toEqual([2.536, 5.072, +(50 + medium.airtimeMs(100)).toFixed(6)]);
  });

  it('refuses a 251-byte frame (throws, traced as refused) and accepts 250', () => {
    const { clock, medium, trace, rx } = setup(1);
    expect(() => medium.send('n1', BCAST, new Uint8Array(251))).toThrow(/^E_FRAME_TOO_LARGE/);
    expect(() => medium.send('n1', new Uint8Array(5), new Uint8Array(1))).toThrow(/^E_BAD_MAC/);
    medium.send('n1', BCAST, new Uint8Array(250));
    clock.run(10);
    expect(rx.n2.length).toBe(1);
    expect(trace.frames().filter((f) => f.outcome === 'refused').map((f) => f.len)).toEqual([251]);
    expect(medium.stats.refused).toBe(1);
  });

  it('loss rate matches the link loss within 5 sigma (fixed seed)', () => {
    const { clock, medium, rx } = setup('loss-rate', { link: { loss: 0.3 } });
    const n = 3000;
    for (let i = 0; i < n; i++) medium.send('n1', BCAST, new Uint8Array([i & 255]));
    clock.run(1e6);
    const sigma = Math.sqrt(n * 0.3 * 0.7);
    for (const id of ['n2', 'n3']) {
      expect(Math.abs(rx[id].length - n * 0.7)).toBeLessThan(5 * sigma);
    }
    // the two receivers draw independently
    expect(rx.n2.map((r) => r.data[0])).not.toEqual(rx.n3.map((r) => r.data[0]));
  });

  it('out-of-range nodes get nothing (reason out-of-range); sensitivity sets the cut-off', () => {
    const { clock, medium, rx, trace } = setup(1, {}, [[0, 0], [100, 0], [2000, 0]]);
    expect(medium.inRange('n1', 'n2')).toBe(true);
    expect(medium.inRange('n1', 'n3')).toBe(false);
    medium.send('n1', BCAST, new Uint8Array([1]));
    clock.run(10);
    expect(rx.n2.length).toBe(1);
    expect(rx.n3.length).toBe(0);
    expect(trace.frames().find((f) => f.to === 'n3')!.reason).toBe('out-of-range');
    const { medium: deaf } = setup(1, { sensitivityDbm: -50 }, [[0, 0], [100, 0]]);
    expect(deaf.inRange('n1', 'n2')).toBe(false);
  });

  it('unicast: ok when the peer gets it; after 1 + macRetries lost attempts, not ok', () => {
    const { clock, medium, rx, trace } = setup(1);
    const res: boolean[] = [];
    medium.send('n1', mac(2), new Uint8Array([9]), (ok) => res.push(ok));
    clock.run(10);
    expect(res).toEqual([true]);
    expect(rx.n2.length).toBe(1);
    expect(rx.n3.length).toBe(0); // unicast is for n2 only
    medium.setLink('n1', 'n2', { loss: 1 });
    medium.send('n1', mac(2), new Uint8Array([9]), (ok) => res.push(ok));
    clock.run(20);
    expect(res).toEqual([true, false]);
    const drops = trace.frames().filter((f) => f.outcome === 'dropped' && f.to === 'n2');
    expect(drops.map((f) => f.attempt)).toEqual([1, 2, 3, 4]);
    expect(medium.stats.retries).toBe(3);
    medium.send('n1', mac(77), new Uint8Array([9]), (ok) => res.push(ok));
    clock.run(40);
    expect(res).toEqual([true, false, false]);
  });

  it('unicast retries recover from moderate loss; the callback reports what happened', () => {
    const { clock, medium, rx } = setup('retry', { link: { loss: 0.5 } });
    let oks = 0;
    const n = 400;
    for (let i = 0; i < n; i++) medium.send('n1', mac(2), new Uint8Array([i & 255]), (ok) => { if (ok) oks++; });
    clock.run(1e6);
    expect(oks).toBe(rx.n2.length);
    // P(all 4 attempts lost) = 1/16
    expect(Math.abs(oks - n * 15 / 16)).toBeLessThan(5 * Math.sqrt(n * (15 / 16) * (1 / 16)));
  });

  it('duplication delivers a second copy, traced as duplicated', () => {
    const { clock, medium, rx, trace } = setup(1, { link: { dup: 1 } });
    medium.send('n1', mac(2), new Uint8Array([1, 2, 3]));
    clock.run(20);
    expect(rx.n2.map((r) => r.data)).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(rx.n2[1].t).toBeGreaterThan(rx.n2[0].t);
    expect(trace.frames().filter((f) => f.to === 'n2').map((f) => f.outcome)).toEqual(['delivered', 'duplicated']);
  });

  it('reordering lets later frames overtake; without it order is kept', () => {
    const order = (reorder: number) => {
      const { clock, medium, rx } = setup('reorder', { link: { reorder, reorderMaxMs: 40 } });
      for (let i = 0; i < 30; i++) medium.send('n1', BCAST, new Uint8Array([i]));
      clock.run(1000);
      return rx.n2.map((r) => r.data[0]);
    };
    const inOrder = Array.from({ length: 30 }, (_, i) => i);
    expect(order(0)).toEqual(inOrder);
    const shuffled = order(0.5);
    expect(shuffled.slice().sort((a, b) => a - b)).toEqual(inOrder);
    expect(shuffled).not.toEqual(inOrder);
  });

  it('partitions drop, holds keep frames until release, a radio that is off hears nothing', () => {
    const { clock, medium, rx, trace } = setup(1);
    medium.partition(['n1'], ['n2']);
    medium.hold('n1', 'n3');
    medium.send('n1', BCAST, new Uint8Array([1]));
    clock.run(10);
    expect(rx.n2.length).toBe(0);
    expect(rx.n3.length).toBe(0);
    medium.release('n1', 'n3');
    clock.run(20);
    expect(rx.n3.length).toBe(1);
    expect(trace.frames().filter((f) => f.to === 'n3').map((f) => f.outcome + '/' + f.reason)).toEqual(['held/hold', 'delivered/released']);
    medium.heal();
    medium.setRadio('n2', false);
    medium.send('n1', BCAST, new Uint8Array([2]));
    clock.run(30);
    expect(rx.n2.length).toBe(0);
    expect(trace.frames().filter((f) => f.to === 'n2').map((f) => f.reason)).toEqual(['partition', 'radio-off']);
    medium.setRadio('n2', true);
    medium.send('n1', BCAST, new Uint8Array([3]));
    clock.run(40);
    expect(rx.n2.map((r) => r.data)).toEqual([[3]]);
  });

  it('the trace has one text line per record and JSON that parses', () => {
    const { clock, medium, trace } = setup(1, { link: { loss: 0.5 } });
    for (let i = 0; i < 10; i++) medium.send('n1', BCAST, new Uint8Array([i, 0xab]));
    clock.run(100);
    const text = trace.toText().trimEnd().split('\n');
    expect(text.length).toBe(trace.records.length);
    expect(text[0]).toMatch(/ms {2}n1 {7}-> n[23] .*len= {2}2 .*dst=ff:ff:ff:ff:ff:ff 00ab$/);
    const json = JSON.parse(trace.toJSON());
    expect(json.length).toBe(trace.records.length);
    expect(new Set(json.map((r: any) => r.outcome))).toEqual(new Set(['delivered', 'dropped']));
  });
});
