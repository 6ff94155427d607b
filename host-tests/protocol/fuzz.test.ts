/**
 * Seeded fuzz of the decoders and of both cores (firmware/protocols/whitelist/README.md §8:
 * next() never throws; a refused frame leaves the state object untouched).
 * Inputs: random bytes, and mutations of a recorded handshake (the corpus:
 * wire-vectors.json plus the frames recorded here). The seed is printed on failure.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { nobleSuite } from './noble-suite.ts';
import { world, World } from './fixtures.ts';
import { rng } from './driver.ts';
import * as EC from './wl-codes.ts';
import { decodeFrame, HDR_LEN } from '../../firmware/protocols/whitelist/frames.ts';
import { decodeConfig, decodeWhitelist, decodeIdentity, decodeStoredConfig, decodeConfiguratorIdentity } from '../../firmware/protocols/whitelist/records.ts';
import { EN_STATE_NAMES } from '../../firmware/protocols/whitelist/enrollee.ts';
import { VECTORS_PATH } from './make-wire-vectors.ts';

const suite = nobleSuite();
const SEED = 0xc0ffee;

function corpus(): Uint8Array[] {
  const v = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
  const out: Uint8Array[] = v.frames.map((f: any) => Uint8Array.from(Buffer.from(f.hex, 'hex')));
  const w = world(suite, 300);
  w.net.run(() => w.conf.audits.length > 0);
  for (const f of w.net.sent) out.push(f.bytes);
  return out;
}

function mutate(r: (n: number) => Uint8Array, seeds: Uint8Array[]): Uint8Array {
  const pick = r(4);
  const mode = pick[0] % 6;
  if (mode === 0) return r(pick[1] % 261);
  const base = seeds[pick[2] % seeds.length];
  const b = Uint8Array.from(base);
  if (mode === 1) {
    const n = 1 + (pick[3] % 4);
    for (let i = 0; i < n; i++) {
      const p = r(2);
      b[p[0] % b.length] ^= 1 << (p[1] % 8);
    }
    return b;
  }
  if (mode === 2) return b.subarray(0, pick[3] % (b.length + 1));
  if (mode === 3) {
    const extra = r(1 + (pick[3] % 8));
    const o = new Uint8Array(b.length + extra.length);
    o.set(b);
    o.set(extra, b.length);
    return o;
  }
  if (mode === 4) {
    // keep the header, randomise the body
    const body = r(Math.max(0, b.length - HDR_LEN));
    b.set(body, HDR_LEN);
    return b;
  }
  const p = r(2);
  b[p[0] % b.length] = p[1];
  return b;
}

describe('fuzz', () => {
  it('decoders never throw on 20000 random and mutated inputs', () => {
    const r = rng(SEED);
    const seeds = corpus();
    let accepted = 0;
    try {
      for (let i = 0; i < 20000; i++) {
        const b = mutate(r, seeds);
        const d = decodeFrame(b);
        expect(typeof d.code).toBe('number');
        expect(d.code === 0).toBe(d.frame !== null);
        if (d.code === 0) accepted++;
        expect(decodeConfig(b).code).toBeTypeOf('number');
        expect(decodeWhitelist(b).code).toBeTypeOf('number');
        expect(decodeIdentity(b).code).toBeTypeOf('number');
        expect(decodeStoredConfig(b).code).toBeTypeOf('number');
        expect(decodeConfiguratorIdentity(b).code).toBeTypeOf('number');
      }
    } catch (e) {
      console.error('fuzz seed ' + SEED);
      throw e;
    }
    // The mutations must exercise the decoder's accepting paths too.
    expect(accepted).toBeGreaterThan(1000);
  });

  it('both cores take 6000 fuzzed frames in every phase without throwing or corrupting state', () => {
    const r = rng(SEED + 1);
    const seeds = corpus();
    const phases = ['ANNOUNCE', 'AWAIT_CONFIG', 'JOINING'];
    const worlds: World[] = phases.map((ph) => {
      const w = world(suite, 301);
      if (ph !== 'ANNOUNCE') w.net.run(() => EN_STATE_NAMES[w.enr.state.ph] === ph);
      w.net.inflight = [];
      return w;
    });
    try {
      for (let i = 0; i < 6000; i++) {
        const w = worlds[i % worlds.length];
        const b = mutate(r, seeds);
        const target = i % 2 ? w.enr : w.conf;
        const from = i % 2 ? w.conf.mac : w.enr.mac;
        const prev = target.state;
        const res = target.core.next(prev, { t: 'frame', from, bytes: b, now: w.net.now, rand: r(64) });
        expect(res.code).not.toBe(EC.E_CRYPTO);
        expect(Array.isArray(res.effects)).toBe(true);
        const countsTry = res.code === EC.E_AUTH_CHALLENGE || res.code === EC.E_BAD_POINT;
        if (res.code !== 0 && !countsTry && res.code !== EC.E_UP_TO_DATE) expect(res.state).toBe(prev);
        for (const e of res.effects) if (e.t === 'send') expect(e.bytes.length).toBeLessThanOrEqual(250);
        // Fuzz never yields a configuration or a Wi-Fi join.
        expect(res.effects.some((e) => e.t === 'join' || e.t === 'store' && e.file === 'nb.config')).toBe(false);
      }
    } catch (e) {
      console.error('fuzz seed ' + (SEED + 1));
      throw e;
    }
  });

  it('malformed events never throw', () => {
    const w = world(suite, 302);
    const bad: any[] = [null, undefined, {}, { t: 5 }, { t: 'frame' }, { t: 'frame', from: 'x', bytes: [1, 2] }, { t: 'timer' },
      { t: 'timer', id: 7 }, { t: 'wifi' }, { t: 'wifi', result: 'ok' }, { t: 'command' }, { t: 'command', op: 'add', hash: 'zz' },
      { t: 'command', op: 'config', config: null }];
    for (const ev of bad) {
      for (const n of [w.enr, w.conf]) {
        const prev = n.state;
        const res = n.core.next(prev, ev);
        expect(res.code, JSON.stringify(ev) + ' → ' + n.name).not.toBe(0);
        expect(res.code).not.toBe(EC.E_CRYPTO);
        expect(res.state).toBe(prev);
      }
    }
    // The enrollee needs random bytes to boot; the configurator does not.
    const res = w.enr.core.next(w.enr.state, { t: 'boot', rand: 'abc' } as any);
    expect(res.code).toBe(EC.E_NO_RAND);
  });
});
