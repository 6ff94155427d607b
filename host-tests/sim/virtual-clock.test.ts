import { describe, it, expect } from 'vitest';
import { makeClock } from '../../configurator/sim/virtual-clock.ts';

describe('virtual-clock', () => {
  it('runs events by time, then by scheduling order', () => {
    const c = makeClock();
    const log: string[] = [];
    c.at(10, () => log.push('b10'));
    c.at(5, () => log.push('a5'));
    c.at(10, () => log.push('c10'));
    c.at(0, () => log.push('z0'));
    while (c.step()) { /* drain */ }
    expect(log).toEqual(['z0', 'a5', 'b10', 'c10']);
    expect(c.now()).toBe(10);
    expect(c.step()).toBe(false);
  });

  it('events scheduled while running, in the past, run now; cancel removes them', () => {
    const c = makeClock();
    const log: string[] = [];
    c.at(5, () => {
      log.push('5');
      c.at(1, () => log.push('late->5@' + c.now()));
      const id = c.after(3, () => log.push('cancelled'));
      c.cancel(id);
      c.after(2, () => log.push('7@' + c.now()));
    });
    c.run(100);
    expect(log).toEqual(['5', 'late->5@5', '7@7']);
    expect(c.now()).toBe(100);
    expect(c.pending()).toBe(0);
  });

  it('run(until) stops at until; runUntil stops on the predicate or at maxMs', () => {
    const c = makeClock();
    let n = 0;
    const tick = () => { n++; c.after(10, tick); };
    c.at(0, tick);
    c.run(35);
    expect(n).toBe(4); // 0, 10, 20, 30
    expect(c.now()).toBe(35);
    expect(c.runUntil(() => n >= 7, 1000)).toBe(true);
    expect(n).toBe(7);
    expect(c.now()).toBe(60);
    expect(c.runUntil(() => n >= 1000, 200)).toBe(false);
    expect(c.now()).toBeLessThanOrEqual(200);
    expect(c.nextTime()).toBeGreaterThan(200);
  });

  it('heap order holds for many random insertions', () => {
    const c = makeClock();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 500; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = x % 1000;
      c.at(t, () => times.push(c.now()));
    }
    c.run(1000);
    expect(times.length).toBe(500);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
  });
});
