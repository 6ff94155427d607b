/**
 * Frame codec, record and file encodings, and the code table
 * (firmware/protocols/whitelist/README.md §3, §5, §6, §7).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { nobleSuite } from './noble-suite.ts';
import { world, CFG1 } from './fixtures.ts';
import { stepFor } from './driver.ts';
import * as EC from './wl-codes.ts';
import * as P from '../../firmware/ports/ports.ts';
import {
  decodeFrame, encodePresence, encodePresenceBody, encodeProof, encodeChallengeBody, encodeChallenge, configHeader, encodeConfig as encodeConfigFrame,
  T_PRESENCE, T_CHALLENGE, T_PROOF, T_CONFIG, T_ACK, CONFIG_MIN_LEN, FRAG_MAX,
} from '../../firmware/protocols/whitelist/frames.ts';
import {
  encodeConfig, decodeConfig, encodeStoredConfig, decodeStoredConfig, encodeIdentity, decodeIdentity,
  encodeConfiguratorIdentity, decodeConfiguratorIdentity, encodeWhitelist, decodeWhitelist, WlConfig,
} from '../../firmware/protocols/whitelist/records.ts';
import { copyBytes } from '../../firmware/bytes/bytes.ts';

const suite = nobleSuite();
const MIN: { [t: number]: number } = { [T_PRESENCE]: 85, [T_CHALLENGE]: 88, [T_PROOF]: 24, [T_CONFIG]: 19, [T_ACK]: 21 };

function handshakeFrames() {
  const w = world(suite, 101);
  expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
  return w.net.sent.map((f) => f.bytes);
}

describe('frame decoder', () => {
  it('decodes the fields of each encoder at their spec offsets', () => {
    const E = new Uint8Array(32).map((_, i) => i + 1);
    const ne = new Uint8Array(16).map((_, i) => 200 + i);
    // Issue 14: the listen window (win u16, ms) and gap (u16, s) follow the counter, before tag_P.
    const p = encodePresence(encodePresenceBody(1, E, ne, 0x01020304, 3, 0x0a0b0c0d, undefined, 0x0102, 0xfffe), new Uint8Array(16).fill(5));
    expect(p.length).toBe(85);
    const d = decodeFrame(p).frame!;
    expect(d).toMatchObject({ version: 1, type: T_PRESENCE, suite: 1, sid: 0, held: 0x01020304, caps: 3, ctr: 0x0a0b0c0d, win: 0x0102, gap: 0xfffe });
    expect(d.E).toEqual(E);
    expect(d.ne).toEqual(ne);
    expect(d.tag).toEqual(new Uint8Array(16).fill(5));
    expect(Array.from(p.subarray(56, 69))).toEqual([1, 2, 3, 4, 3, 0x0a, 0x0b, 0x0c, 0x0d, 0x01, 0x02, 0xff, 0xfe]);
    expect(Array.from(p.subarray(69, 85))).toEqual(new Array(16).fill(5));
    const Y = new Uint8Array(32).fill(0x77);
    const p2 = encodePresence(encodePresenceBody(2, E, ne, 1, 3, 2, Y, 250, 40), new Uint8Array(16).fill(6));
    expect(p2.length).toBe(117);
    expect(decodeFrame(p2).frame!).toMatchObject({ suite: 2, Y, ne, held: 1, caps: 3, ctr: 2, win: 250, gap: 40, tag: new Uint8Array(16).fill(6) });
    expect(Array.from(p2.subarray(97, 101))).toEqual([0, 250, 0, 40]);
    // Absent window fields encode as 0 (an enrollee that always listens); out-of-range ones are refused.
    expect(decodeFrame(encodePresence(encodePresenceBody(1, E, ne, 0, 0, 0), new Uint8Array(16))).frame!).toMatchObject({ win: 0, gap: 0 });
    expect(() => encodePresenceBody(1, E, ne, 0, 0, 0, undefined, 65536, 0)).toThrow(/E_FIELD/);
    expect(() => encodePresenceBody(1, E, ne, 0, 0, 0, undefined, 0, -1)).toThrow(/E_FIELD/);
    expect(() => encodePresenceBody(1, E, ne, 0, 0, 0, undefined, 1.5, 0)).toThrow(/E_FIELD/);
    const X = new Uint8Array(32).fill(9);
    const body = encodeChallengeBody(1, 0xdeadbeef, X, ne);
    const ch = decodeFrame(encodeChallenge(body, new Uint8Array(16).fill(7), new Uint8Array(16).fill(8))).frame!;
    expect(ch.sid).toBe(0xdeadbeef);
    expect(ch.X).toEqual(X);
    expect(ch.nc).toEqual(ne);
    expect(ch.tag).toEqual(new Uint8Array(16).fill(7));
    expect(ch.tagS).toEqual(new Uint8Array(16).fill(8));
    const pr = decodeFrame(encodeProof(1, 5, new Uint8Array(16).fill(1))).frame!;
    expect(pr).toMatchObject({ type: T_PROOF, sid: 5 });
    const cf = decodeFrame(encodeConfigFrame(configHeader(1, 6, 2, 3), new Uint8Array(20))).frame!;
    expect(cf).toMatchObject({ type: T_CONFIG, sid: 6, idx: 2, count: 3 });
    expect(cf.sealed!.length).toBe(20);
    expect(() => encodeConfigFrame(configHeader(1, 6, 0, 1), new Uint8Array(FRAG_MAX + 9))).toThrow(/E_FIELD/);
    expect(() => encodePresenceBody(1, new Uint8Array(31), ne, 0, 0, 0)).toThrow(/E_FIELD/);
    expect(() => encodePresenceBody(2, E, ne, 0, 0, 0)).toThrow(/E_FIELD/);
    expect(() => encodePresence(new Uint8Array(60), new Uint8Array(16))).toThrow(/E_FIELD/);
  });

  it('truncation at every length gives a typed error', () => {
    for (const f of handshakeFrames()) {
      const t = f[2];
      for (let L = 0; L < f.length; L++) {
        const d = decodeFrame(copyBytes(f, 0, L));
        if (L < MIN[t]) {
          expect(d.code, `type ${t} length ${L}`).toBe(EC.E_SHORT);
          expect(d.frame).toBeNull();
        } else {
          // Only CONFIG has a variable length: a shorter one still parses and must fail authentication.
          expect(t).toBe(T_CONFIG);
          expect(d.code).toBe(0);
        }
      }
      const longer = new Uint8Array(f.length + 1);
      longer.set(f);
      if (t !== T_CONFIG) expect(decodeFrame(longer).code).toBe(EC.E_LONG);
    }
  });

  it('a truncated CONFIG that still parses is refused by the enrollee with E_AUTH_CONFIG', () => {
    const frames = handshakeFrames();
    const full = frames.find((f) => f[2] === T_CONFIG)!;
    for (let L = CONFIG_MIN_LEN; L < full.length; L++) {
      const w = world(suite, 101);
      let cut: Uint8Array | null = null;
      w.net.run(() => cut !== null && w.net.inflight.length === 0, 100, (f) => {
        if (f.bytes[2] !== T_CONFIG || cut) return f;
        cut = copyBytes(f.bytes, 0, L);
        return { from: f.from, to: f.to, bytes: cut };
      });
      const rx = stepFor(w.enr, cut!)!;
      expect(rx.step.code).toBe(EC.E_AUTH_CONFIG);
      expect(rx.step.state).toBe(rx.prev);
    }
  });

  it('rejects frames over 250 bytes, unknown versions, types and suites, and bad field values', () => {
    expect(decodeFrame(new Uint8Array(251).fill(1)).code).toBe(EC.E_LONG);
    expect(decodeFrame(new Uint8Array([2, 1, 1, 1, 0, 0, 0, 0])).code).toBe(EC.E_PROTOCOL);
    expect(decodeFrame(new Uint8Array([1, 2, 1, 1, 0, 0, 0, 0])).code).toBe(EC.E_VERSION);
    expect(decodeFrame(new Uint8Array([1, 1, 0, 1, 0, 0, 0, 0])).code).toBe(EC.E_TYPE);
    expect(decodeFrame(new Uint8Array([1, 1, 6, 1, 0, 0, 0, 0])).code).toBe(EC.E_TYPE);
    expect(decodeFrame(new Uint8Array([1, 1, 1, 3, 0, 0, 0, 0])).code).toBe(EC.E_SUITE);
    expect(decodeFrame(new Uint8Array([1, 1, 1, 0, 0, 0, 0, 0])).code).toBe(EC.E_SUITE);
    const proof0 = encodeProof(1, 0, new Uint8Array(16));
    expect(decodeFrame(proof0).code).toBe(EC.E_FIELD);
    const p = encodePresence(encodePresenceBody(1, new Uint8Array(32), new Uint8Array(16), 0, 0, 0), new Uint8Array(16));
    p[7] = 1;
    expect(decodeFrame(p).code).toBe(EC.E_FIELD);
    expect(decodeFrame(encodeConfigFrame(configHeader(1, 6, 3, 3), new Uint8Array(9))).code).toBe(EC.E_FIELD);
    expect(decodeFrame(encodeConfigFrame(configHeader(1, 6, 0, 9), new Uint8Array(9))).code).toBe(EC.E_FIELD);
    expect(decodeFrame(encodeConfigFrame(configHeader(1, 6, 0, 0), new Uint8Array(9))).code).toBe(EC.E_FIELD);
    expect(decodeFrame(null as any).code).toBe(EC.E_SHORT);
  });
});

describe('configuration record', () => {
  it('round-trips and encodes settings in key order', () => {
    const a: WlConfig = { version: 9, ssid: 'ß-net ☃', psk: '', settings: { z: '1', a: 'ü' } };
    const b = encodeConfig(a);
    expect(decodeConfig(b)).toEqual({ code: 0, config: a });
    expect(encodeConfig({ ...a, settings: { a: 'ü', z: '1' } })).toEqual(b);
  });

  it('refuses values the format cannot hold', () => {
    const bad: WlConfig[] = [
      { version: 0, ssid: 'x', psk: '', settings: {} },
      { version: 1, ssid: '', psk: '', settings: {} },
      { version: 1, ssid: 'x'.repeat(33), psk: '', settings: {} },
      { version: 1, ssid: 'x', psk: 'p'.repeat(65), settings: {} },
      { version: 1, ssid: 'x', psk: '', settings: { '': 'v' } },
      { version: 1.5, ssid: 'x', psk: '', settings: {} },
    ];
    for (const c of bad) expect(() => encodeConfig(c)).toThrow(/E_FIELD/);
  });

  it('decoding refuses malformed records with a code', () => {
    const good = encodeConfig(CFG1);
    expect(decodeConfig(good.subarray(0, 3)).code).toBe(EC.E_SHORT);
    expect(decodeConfig(good.subarray(0, good.length - 1)).code).toBe(EC.E_SHORT);
    const noSsid = new Uint8Array([0, 0, 0, 1, 2, 0]);
    expect(decodeConfig(noSsid).code).toBe(EC.E_FIELD);
    const twoSsid = new Uint8Array([0, 0, 0, 1, 1, 1, 65, 1, 1, 66]);
    expect(decodeConfig(twoSsid).code).toBe(EC.E_FIELD);
    const unknownLow = new Uint8Array([0, 0, 0, 1, 1, 1, 65, 9, 0]);
    expect(decodeConfig(unknownLow).code).toBe(EC.E_FIELD);
    const unknownHigh = new Uint8Array([0, 0, 0, 1, 1, 1, 65, 200, 2, 1, 2]);
    expect(decodeConfig(unknownHigh)).toEqual({ code: 0, config: { version: 1, ssid: 'A', psk: '', settings: {} } });
    const badUtf8 = new Uint8Array([0, 0, 0, 1, 1, 1, 0xff]);
    expect(decodeConfig(badUtf8).code).toBe(EC.E_FIELD);
    const version0 = new Uint8Array([0, 0, 0, 0, 1, 1, 65]);
    expect(decodeConfig(version0).code).toBe(EC.E_FIELD);
  });
});

describe('files', () => {
  it('stored config, identities and whitelist round-trip and refuse bad bytes', () => {
    const sc = encodeStoredConfig(CFG1);
    expect(decodeStoredConfig(sc).config).toEqual(CFG1);
    expect(decodeStoredConfig(encodeConfig(CFG1)).code).toBe(EC.E_FILE_MAGIC);
    const bad = copyBytes(sc);
    bad[bad.length - 1] ^= 0xff; // last byte of a setting value: 'r' becomes a stray continuation byte
    expect(decodeStoredConfig(bad).code).toBe(EC.E_FILE_FIELD);
    const trunc = copyBytes(sc, 0, sc.length - 2);
    expect(decodeStoredConfig(trunc).code).toBe(EC.E_FILE_FIELD);

    const id = { e: new Uint8Array(32).fill(1), E: new Uint8Array(32).fill(2), C: new Uint8Array(32).fill(3), ss: new Uint8Array(32).fill(4) };
    const ib = encodeIdentity(id);
    expect(ib.length).toBe(132);
    expect(decodeIdentity(ib)).toEqual({ code: 0, identity: id });
    expect(decodeIdentity(ib.subarray(0, 131)).code).toBe(EC.E_FILE_LENGTH);
    expect(decodeIdentity(encodeConfiguratorIdentity({ c: id.e, C: id.E })).code).toBe(EC.E_FILE_MAGIC);
    expect(() => encodeIdentity({ ...id, ss: new Uint8Array(31) })).toThrow(/E_FIELD/);
    const kb = encodeConfiguratorIdentity({ c: id.e, C: id.E });
    expect(decodeConfiguratorIdentity(kb)).toEqual({ code: 0, identity: { c: id.e, C: id.E } });

    const entries = [
      { hash: new Uint8Array(32).fill(5), ss: new Uint8Array(32).fill(6), group: 'line-a', revoked: false },
      { hash: new Uint8Array(32).fill(7), ss: null, group: '', revoked: true },
    ];
    const wb = encodeWhitelist(entries);
    expect(wb.length).toBe(4 + 2 + (32 + 1 + 32 + 1 + 6) + (32 + 1 + 1));
    expect(decodeWhitelist(wb)).toEqual({ code: 0, entries });
    for (let L = 0; L < wb.length; L++) expect(decodeWhitelist(wb.subarray(0, L)).code).not.toBe(0);
    const dup = encodeWhitelist([entries[0], entries[0]]);
    expect(decodeWhitelist(dup).code).toBe(EC.E_FILE_FIELD);
    const flags = copyBytes(wb);
    flags[6 + 32] = 0x80;
    expect(decodeWhitelist(flags).code).toBe(EC.E_FILE_FIELD);
  });
});

describe('config record size', () => {
  it('the largest record every protocol may deliver is exactly what the whitelist fragments carry', async () => {
    const { CONFIG_MAX: RECORD_MAX } = await import('../../firmware/codec/config-record.ts');
    expect(FRAG_MAX * 8).toBe(RECORD_MAX);
  });
});
