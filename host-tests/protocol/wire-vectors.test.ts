/**
 * Wire vectors (firmware/protocols/whitelist/README.md §3, §4): the committed JSON must be
 * what make-wire-vectors.ts produces with either suite, and every field of every
 * frame is re-derived here from the spec's formulas with @noble and node:crypto
 * directly — no protocol code involved in the check.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createDecipheriv } from 'node:crypto';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { makeWireVectors, VECTORS_PATH } from './make-wire-vectors.ts';
import { nobleSuite } from './noble-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';

const stored = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
const H = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const cat = (...a: Uint8Array[]) => Uint8Array.from(Buffer.concat(a));
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'utf8'));
const u32 = (b: Uint8Array, o: number) => Buffer.from(b).readUInt32BE(o);

function ccmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const ct = sealed.subarray(0, sealed.length - 8);
  const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
  d.setAuthTag(sealed.subarray(sealed.length - 8));
  d.setAAD(aad, { plaintextLength: ct.length });
  const pt = d.update(ct);
  d.final();
  return Uint8Array.from(pt);
}

describe('wire vectors', () => {
  it('regenerate identically with the reference suite and the firmware suite', () => {
    expect(makeWireVectors(nobleSuite())).toEqual(stored);
    expect(makeWireVectors(firmwareSuite())).toEqual(stored);
  });

  it('every field matches the spec, derived independently', () => {
    const inp = stored.inputs;
    const e = sha256(ascii(inp.e_label));
    const c = sha256(ascii(inp.c_label));
    expect(Buffer.from(e).toString('hex')).toBe(inp.e);
    const E = x25519.getPublicKey(e);
    const C = x25519.getPublicKey(c);
    const ss = x25519.getSharedSecret(e, C);
    expect(x25519.getSharedSecret(c, E)).toEqual(ss);
    const f = Object.fromEntries(stored.frames.map((x: any) => [x.name, H(x.hex)]));
    const sid = cat(new Uint8Array([0x5a, 0x17, 0xc0, 0xde]));
    expect(u32(sid, 0)).toBe(inp.sid);

    // PRESENCE: header 01 (protocol whitelist) 01 01 01 00000000, E, Ne, held 0, caps 3 (wifi | settings),
    // counter 1 (the first of a fresh enrollee), listen window 120 ms and gap 20 s (issue 14: the backoff
    // cap 16 s + 25 % jitter), tag_P = HMAC(ss, "nowboard wl1 presence" ‖ the 69 bytes before it).
    const p = f.PRESENCE;
    expect(p.length).toBe(85);
    expect(inp.win).toBe(120);
    expect(inp.gap).toBe(20);
    expect(Array.from(p.subarray(0, 8))).toEqual([1, 1, 1, 1, 0, 0, 0, 0]);
    expect(p.subarray(8, 40)).toEqual(E);
    expect(p.subarray(40, 56)).toEqual(H(inp.Ne));
    expect(u32(p, 56)).toBe(0);
    expect(p[60]).toBe(3);
    expect(u32(p, 61)).toBe(inp.ctr);
    expect(Buffer.from(p).readUInt16BE(65)).toBe(inp.win);
    expect(Buffer.from(p).readUInt16BE(67)).toBe(inp.gap);
    expect(p.subarray(69, 85)).toEqual(hmac(sha256, ss, cat(ascii('nowboard wl1 presence'), p.subarray(0, 69))).subarray(0, 16));

    // CHALLENGE: header with sid, X = x·9, Nc, tag_C, tag_S.
    const ch = f.CHALLENGE;
    expect(ch.length).toBe(88);
    expect(Array.from(ch.subarray(0, 4))).toEqual([1, 1, 2, 1]);
    expect(ch.subarray(4, 8)).toEqual(sid);
    const x = H(inp.x);
    expect(ch.subarray(8, 40)).toEqual(x25519.getPublicKey(x));
    expect(ch.subarray(40, 56)).toEqual(H(inp.Nc));
    const es = x25519.getSharedSecret(x, E);
    expect(x25519.getSharedSecret(e, ch.subarray(8, 40))).toEqual(es);
    const h1 = sha256(cat(ascii('nowboard wl1 transcript'), C, p, ch.subarray(0, 56)));
    const K = hkdf(sha256, cat(ss, es), h1, ascii('nowboard wl1 keys: c2e-mac e2c-mac c2e-enc e2c-enc'), 96);
    const [kCm, kEm, kCe, kEe] = [K.subarray(0, 32), K.subarray(32, 64), K.subarray(64, 80), K.subarray(80, 96)];
    expect(ch.subarray(56, 72)).toEqual(hmac(sha256, kCm, h1).subarray(0, 16));
    expect(ch.subarray(72, 88)).toEqual(hmac(sha256, ss, cat(ascii('nowboard wl1 challenge'), p.subarray(69, 85), ch.subarray(0, 72))).subarray(0, 16));

    // PROOF: tag_E over H2.
    const pr = f.PROOF;
    expect(pr.length).toBe(24);
    expect(Array.from(pr.subarray(0, 4))).toEqual([1, 1, 3, 1]);
    expect(pr.subarray(4, 8)).toEqual(sid);
    const h2 = sha256(cat(h1, ch.subarray(56, 72)));
    expect(pr.subarray(8, 24)).toEqual(hmac(sha256, kEm, h2).subarray(0, 16));
    const h3 = sha256(cat(h2, pr.subarray(8, 24)));

    // CONFIG[0]: one fragment of one, CCM under kCe, nonce 01 ‖ sid ‖ 0000 ‖ 0.
    const cf = f['CONFIG[0]'];
    expect(Array.from(cf.subarray(0, 4))).toEqual([1, 1, 4, 1]);
    expect(cf.subarray(4, 8)).toEqual(sid);
    expect(Array.from(cf.subarray(8, 10))).toEqual([0, 1]);
    const pt = ccmOpen(kCe, cat(new Uint8Array([1]), sid, new Uint8Array(8)), cf.subarray(10), cat(cf.subarray(0, 10), h3));
    // The record, built here by hand from §5: version, SSID, PSK, settings in key order.
    const cfg = inp.config;
    const tlv = (t: number, v: Uint8Array) => cat(new Uint8Array([t, v.length]), v);
    const setting = (k: string, v: string) => tlv(3, cat(new Uint8Array([ascii(k).length]), ascii(k), ascii(v)));
    const ver = new Uint8Array(4);
    Buffer.from(ver.buffer).writeUInt32BE(cfg.version, 0);
    const want = cat(ver, tlv(1, ascii(cfg.ssid)), tlv(2, ascii(cfg.psk)), setting('broker', cfg.settings.broker), setting('interval', cfg.settings.interval));
    expect(pt).toEqual(want);

    // ACK: result OK (0) and version 3 under kEe, nonce 02 ‖ sid ‖ 0000 ‖ 0.
    const ack = f.ACK;
    expect(ack.length).toBe(21);
    expect(Array.from(ack.subarray(0, 4))).toEqual([1, 1, 5, 1]);
    const apt = ccmOpen(kEe, cat(new Uint8Array([2]), sid, new Uint8Array(8)), ack.subarray(8), cat(ack.subarray(0, 8), h3));
    expect(Array.from(apt)).toEqual([0, 0, 0, 0, 3]);
  });
});
