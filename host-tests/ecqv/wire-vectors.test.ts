/**
 * Wire vectors (firmware/protocols/ecqv/README.md §4, §6): the committed JSON
 * must be what make-wire-vectors.ts produces, and every field of every frame
 * is re-derived here from the spec's formulas with @noble/curves,
 * @noble/hashes and node:crypto directly — ECQV issuance (SEC 4 §2.4–2.6 with
 * our certificate encoding and Hn), the key schedule, the cookie, the CRL
 * signature, the pairwise key and every AEAD — with no protocol code involved.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createDecipheriv } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { makeEcqvVectors, VECTORS_PATH } from './make-wire-vectors.ts';

const stored = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
const H = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const cat = (...a: Uint8Array[]) => Uint8Array.from(Buffer.concat(a));
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'utf8'));
const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v >>> 0); return Uint8Array.from(b); };
const u16 = (v: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(v); return Uint8Array.from(b); };
const big = (b: Uint8Array) => BigInt('0x' + (hex(b) || '0'));
const b32 = (v: bigint) => H(v.toString(16).padStart(64, '0'));
const N = p256.Point.CURVE().n;
const G = p256.Point.BASE;
const header = (type: number, sid: number) => cat(new Uint8Array([2, 1, type, 1]), u32(sid));
const trunc16 = (b: Uint8Array) => b.subarray(0, 16);

function ccmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array {
  const ct = sealed.subarray(0, sealed.length - 8);
  const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
  d.setAuthTag(sealed.subarray(sealed.length - 8));
  d.setAAD(aad, { plaintextLength: ct.length });
  const pt = d.update(ct);
  d.final();
  return Uint8Array.from(pt);
}
const nonce13 = (dir: number, sid: number, ctr: number) => cat(new Uint8Array([dir]), u32(sid), new Uint8Array(4), u32(ctr));

/** The key-generation stream of README §4.1: SHA-256("nowboard ecqv2 rand" ‖ seed ‖ counter) blocks; a scalar is the first 32 bytes in [1, n−1]. */
function streamScalar(seed: Uint8Array): bigint {
  const block = sha256(cat(ascii('nowboard ecqv2 rand'), seed, u32(0)));
  const v = big(block);
  expect(v > 0n && v < N).toBe(true); // holds for these seeds (else the next 32 bytes would be taken)
  return v;
}
/** Hn: the leftmost ⌊log2 n⌋ = 255 bits of SHA-256(cert). */
const Hn = (cert: Uint8Array) => big(sha256(cert)) >> 1n;

describe('ecqv wire vectors', () => {
  it('regenerate identically from the cores', () => {
    expect(makeEcqvVectors()).toEqual(stored);
  });

  const inp = stored.inputs;
  const f: Record<string, Uint8Array> = Object.fromEntries(stored.frames.map((x: any) => [x.name, H(x.hex)]));
  const dCA = big(sha256(ascii(inp.ca_label)));
  const master = sha256(ascii(inp.master_label));
  const QCA = G.multiply(dCA);
  const caPub = QCA.toBytes(true);
  const caId = sha256(caPub).subarray(0, 4);
  const U1 = H(inp.U1), U2 = H(inp.U2);
  const kU1 = hmac(sha256, master, cat(ascii('nowboard ecqv2 request key'), U1));
  const kU2 = hmac(sha256, master, cat(ascii('nowboard ecqv2 request key'), U2));

  /** Everything a board's issuance derives, from the spec. */
  function issuance(U: Uint8Array, kU: Uint8Array, mac: Uint8Array, nu: Uint8Array, rSeed: Uint8Array, nca: Uint8Array, sid: number, kSeed: Uint8Array, t: number, frames: { hvr?: Uint8Array; req?: Uint8Array; resp: Uint8Array }) {
    const cfg = inp.config;
    const cookie = trunc16(hmac(sha256, H(inp.cookieKey), cat(ascii('nowboard ecqv2 cookie'), mac, U, nu, u32(0), u32(Math.floor(t / 30000)))));
    const rU = streamScalar(rSeed);
    const RU = G.multiply(rU).toBytes(true);
    const reqBody = cat(header(3, 0), U, nu, u32(0), cookie, RU);
    const th0 = sha256(cat(ascii('nowboard ecqv2 issue'), caPub, reqBody));
    const tagQ = trunc16(hmac(sha256, kU, cat(new Uint8Array([1]), th0)));
    // CA: P_U = R_U + k·G; Cert_U = P_U ‖ 01 ‖ U ‖ T ‖ hours ‖ CA id; s = e·k + d_CA mod n
    const k = streamScalar(kSeed);
    const PU = p256.Point.fromBytes(RU).add(G.multiply(k));
    const cert = cat(PU.toBytes(true), new Uint8Array([1]), U, u32(inp.clockBase + Math.floor(t / 1000)), u16(inp.hours), caId);
    const e = Hn(cert);
    const s = (e * k + dCA) % N;
    const respBody = cat(header(4, sid), nca, cert, b32(s));
    const th1 = sha256(cat(th0, tagQ, respBody));
    const tagR = trunc16(hmac(sha256, kU, cat(new Uint8Array([2]), th1)));
    const th2 = sha256(cat(th1, tagR));
    // device: d_U = e·r_U + s; the check; Z = x(d_U·Q_CA)
    const dU = (e * rU + s) % N;
    expect(G.multiply(dU).equals(PU.multiply(e).add(QCA))).toBe(true);
    const Z = QCA.multiply(dU).toBytes(true).subarray(1);
    expect(hex(Z)).toBe(hex(PU.multiply(e).add(QCA).multiply(dCA).toBytes(true).subarray(1))); // = x(d_CA·Q_U)
    const K = hkdf(sha256, cat(Z, kU), th2, ascii('nowboard ecqv2 issue keys: u-fin c2u-enc u2c-enc'), 64);
    const tagF = trunc16(hmac(sha256, K.subarray(0, 32), th2));
    const th3 = sha256(cat(th2, tagF));
    if (frames.hvr) expect(hex(frames.hvr)).toBe(hex(cat(header(2, 0), U, nu, cookie)));
    if (frames.req) expect(hex(frames.req)).toBe(hex(cat(reqBody, tagQ)));
    expect(hex(frames.resp)).toBe(hex(cat(respBody, tagR)));
    return { cert, dU, th3, kCe: K.subarray(32, 48), kUe: K.subarray(48, 64), tagF, cfg };
  }

  const mac1 = H(inp.mac1), mac2 = H(inp.mac2);
  const b1 = issuance(U1, kU1, mac1, H(inp.N_U1), H(inp.rU1_seed), H(inp.N_CA1), inp.sid1, H(inp.k1_seed), inp.t1, { hvr: f.HELLO_VERIFY, req: f.REQUEST, resp: f.RESPONSE });
  const b2 = issuance(U2, kU2, mac2, H(inp.N_U2), H(inp.rU2_seed), H(inp.N_CA2), inp.sid2, H(inp.k2_seed), inp.t2, { resp: f['RESPONSE#2'] });

  it('HELLO, the cookie, REQUEST and RESPONSE (ECQV issuance, SEC 4) are the spec bytes', () => {
    expect(hex(f.HELLO)).toBe(hex(cat(header(1, 0), U1, H(inp.N_U1), u32(0), new Uint8Array([7]))));
    expect(f.REQUEST.length).toBe(101);
    expect(f.RESPONSE.length).toBe(124);
    expect(b1.cert.length).toBe(52);
  });

  it('FINISHED, CONFIG and ACK under keys from Z = x(d_U·Q_CA)', () => {
    expect(hex(f.FINISHED)).toBe(hex(cat(header(5, inp.sid1), b1.tagF)));
    const cf = f['CONFIG[0]'];
    expect(hex(cf.subarray(0, 10))).toBe(hex(cat(header(6, inp.sid1), new Uint8Array([0, 1]))));
    const pt = ccmOpen(b1.kCe, nonce13(1, inp.sid1, 0), cf.subarray(10), cat(cf.subarray(0, 10), b1.th3));
    const tlv = (t: number, v: Uint8Array) => cat(new Uint8Array([t, v.length]), v);
    const setting = (k: string, v: string) => tlv(3, cat(new Uint8Array([ascii(k).length]), ascii(k), ascii(v)));
    const c = inp.config;
    expect(hex(pt)).toBe(hex(cat(u32(c.version), tlv(1, ascii(c.ssid)), tlv(2, ascii(c.psk)), setting('broker', c.settings.broker), setting('peers', c.settings.peers))));
    const ack = f.ACK;
    expect(hex(ack.subarray(0, 8))).toBe(hex(header(7, inp.sid1)));
    expect(hex(ccmOpen(b1.kUe, nonce13(2, inp.sid1, 0), ack.subarray(8), cat(ack.subarray(0, 8), b1.th3)))).toBe(hex(cat(new Uint8Array([0]), u32(c.version))));
  });

  it('the CRL is ECDSA-P256-SHA256 (RFC 6979, low-S) by d_CA over its body', () => {
    const crl = f.CRL;
    const body = cat(header(8, 0), caId, u32(1), new Uint8Array([1]), H(inp.U3_revoked));
    expect(hex(crl.subarray(0, body.length))).toBe(hex(body));
    const sig = crl.subarray(body.length);
    expect(p256.verify(sig, body, caPub)).toBe(true);
    expect(hex(sig)).toBe(hex(p256.sign(body, b32(dCA), { lowS: true })));
  });

  it('pairing: Z = x(d_1·Q_2), the transcript, both Finished tags and both app messages', () => {
    const nI = sha256(cat(ascii('nowboard ecqv2 rand'), H(inp.pair_seed), u32(0))).subarray(0, 16);
    expect(hex(f.P_HELLO)).toBe(hex(cat(header(9, 0), U2, nI, u32(1), b1.cert)));
    const Q2 = p256.Point.fromBytes(b2.cert.subarray(0, 33)).multiply(Hn(b2.cert)).add(QCA);
    const Q1 = p256.Point.fromBytes(b1.cert.subarray(0, 33)).multiply(Hn(b1.cert)).add(QCA);
    const Z = Q2.multiply(b1.dU).toBytes(true).subarray(1);
    expect(hex(Z)).toBe(hex(Q1.multiply(b2.dU).toBytes(true).subarray(1)));
    const respBody = cat(header(10, inp.pair_sid), H(inp.N_R), u32(1), b2.cert);
    const th1 = sha256(cat(ascii('nowboard ecqv2 pair'), f.P_HELLO, respBody));
    const K = hkdf(sha256, Z, th1, ascii('nowboard ecqv2 pair keys: r-fin i-fin i2r-enc r2i-enc'), 96);
    const tagR = trunc16(hmac(sha256, K.subarray(0, 32), th1));
    expect(hex(f.P_RESP)).toBe(hex(cat(respBody, tagR)));
    const th2 = sha256(cat(th1, tagR));
    const tagI = trunc16(hmac(sha256, K.subarray(32, 64), th2));
    expect(hex(f.P_FIN)).toBe(hex(cat(header(11, inp.pair_sid), tagI)));
    const th3 = sha256(cat(th2, tagI));
    const a1 = f['APP i2r'], a2 = f['APP r2i'];
    expect(hex(a1.subarray(0, 12))).toBe(hex(cat(header(12, inp.pair_sid), u32(1))));
    expect(Buffer.from(ccmOpen(K.subarray(64, 80), nonce13(3, inp.pair_sid, 1), a1.subarray(12), cat(a1.subarray(0, 12), th3))).toString()).toBe(inp.app_i2r);
    expect(Buffer.from(ccmOpen(K.subarray(80, 96), nonce13(4, inp.pair_sid, 1), a2.subarray(12), cat(a2.subarray(0, 12), th3))).toString()).toBe(inp.app_r2i);
  });
});
