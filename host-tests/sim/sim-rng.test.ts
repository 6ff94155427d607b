import { describe, it, expect } from 'vitest';
import { makeRng, mul32, hashString } from '../../configurator/sim/sim-rng.ts';

describe('sim-rng', () => {
  it('mul32 equals Math.imul on many operand pairs (it must not use it: Espruino lacks it)', () => {
    const r = makeRng(7);
    for (let i = 0; i < 5000; i++) {
      const a = r.u32();
      const b = r.u32();
      expect(mul32(a, b)).toBe(Math.imul(a, b) >>> 0);
    }
    expect(mul32(0xffffffff, 0xffffffff)).toBe(1);
  });

  it('hashString is FNV-1a (known vectors)', () => {
    expect(hashString('')).toBe(0x811c9dc5);
    expect(hashString('a')).toBe(0xe40c292c);
    expect(hashString('foobar')).toBe(0xbf9cf968);
  });

  it('same seed, same stream; different seeds differ; strings and numbers both work', () => {
    const seq = (s: number | string) => { const r = makeRng(s); return Array.from({ length: 8 }, () => r.u32()); };
    expect(seq(42)).toEqual(seq(42));
    expect(seq('abc')).toEqual(seq('abc'));
    expect(seq(42)).not.toEqual(seq(43));
    expect(seq('42')).not.toEqual(seq(42));
  });

  it('fork gives independent, reproducible streams', () => {
    const a = makeRng(1).fork('x');
    const b = makeRng(1).fork('x');
    const c = makeRng(1).fork('y');
    const va = [a.u32(), a.u32()];
    expect([b.u32(), b.u32()]).toEqual(va);
    expect([c.u32(), c.u32()]).not.toEqual(va);
  });

  it('next() is uniform enough: mean and chance(p) within 5 sigma', () => {
    const r = makeRng('uniform');
    const n = 20000;
    let sum = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      if (r.chance(0.25)) hits++;
    }
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(hits - n * 0.25)).toBeLessThan(5 * Math.sqrt(n * 0.25 * 0.75));
  });

  it('i32 is a signed 32-bit integer like E.hwRand, int(n) stays in range', () => {
    const r = makeRng(3);
    let neg = 0;
    for (let i = 0; i < 1000; i++) {
      const v = r.i32();
      expect(v | 0).toBe(v);
      if (v < 0) neg++;
      const k = r.int(6);
      expect(k >= 0 && k < 6 && Math.floor(k) === k).toBe(true);
    }
    expect(neg).toBeGreaterThan(400);
    expect(neg).toBeLessThan(600);
  });
});
