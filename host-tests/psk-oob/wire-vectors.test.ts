/**
 * The key schedule and every message of one psk-oob run, re-derived with an
 * independent implementation: node:crypto's AES-128-CCM and an SP 800-108
 * CMAC KDF built on node:crypto (host-tests/crypto/cmac-reference.ts), from the
 * long-term secrets only (IK, SK_cs) and what is on the wire.
 */
import { describe, it, expect } from 'vitest';
import { createDecipheriv } from 'node:crypto';
import { makeWorld, bootAll, run } from './driver.ts';
import { nodeKdf } from '../crypto/cmac-reference.ts';
import { fromBase64 } from '../../firmware/bytes/base64.ts';
import { decodeConfig } from '../../firmware/codec/config-record.ts';
import { CONFIG } from './driver.ts';

const a = (s: string) => Buffer.from(s, 'ascii');
const u32 = (v: number) => Buffer.from([(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);

function ccmOpen(key: Uint8Array, nonce: Buffer, msg: Buffer, aadLen: number): Buffer {
  const aad = msg.subarray(0, aadLen);
  const ct = msg.subarray(aadLen, msg.length - 8);
  const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: 8 });
  d.setAuthTag(msg.subarray(msg.length - 8));
  d.setAAD(aad, { plaintextLength: ct.length });
  return Buffer.concat([d.update(ct), d.final()]);
}
const fnonce = (type: number, m: Buffer, off: number) => Buffer.concat([Buffer.from([type]), m.subarray(off, off + 12)]);
const bnonce = (type: number, tid: number, idx: number) => Buffer.concat([Buffer.from([type]), u32(tid), Buffer.from([idx]), Buffer.alloc(7)]);

describe('psk-oob wire vectors, independently re-derived', () => {
  it('F1..F5, CONFIG and ACK open under keys derived by node:crypto from IK and SK_cs', () => {
    const w = makeWorld(1, { seed: 42 });
    bootAll(w);
    run(w);
    const idn = w.sbis[0].identity;
    const kcs = w.sbr.me.kcs;
    const idc = Buffer.from(w.sbr.me.idc);
    const oob = w.oob.map((b) => Buffer.from(b));
    const f1 = oob.find((m) => m[2] === 1)!;
    const f4 = oob.find((m) => m[2] === 4)!;
    const f5 = oob.find((m) => m[2] === 5)!;
    const f2 = Buffer.from(fromBase64(JSON.parse(w.link[0]).f2)!);
    const f3 = Buffer.from(fromBase64(JSON.parse(w.link[1]).f3)!);
    expect([f1.length, f2.length, f3.length, f4.length, f5.length]).toEqual([55, 110, 93, 79, 57]);
    const dev = Buffer.concat([Buffer.from(idn.id), u32(idn.nid), u32(0)]);
    // F1 under K_f1 = KDF(IK, "po f1", ID ‖ NID ‖ gen)
    const rni = ccmOpen(nodeKdf(idn.ik, a('po f1'), dev, 16), fnonce(1, f1, 19), f1, 31);
    // F2 under K_c2s = KDF(SK_cs, "po c2s", ID_c): RN_c ‖ F1
    const p2 = ccmOpen(nodeKdf(kcs, a('po c2s'), idc, 16), fnonce(2, f2, 19), f2, 31);
    expect(p2.subarray(16).equals(f1)).toBe(true);
    const rnc = p2.subarray(0, 16);
    const tid = f2.readUInt32BE(11);
    // F3 under K_s2c: result 0, gen 1, K_f4, PSK', RN_i
    const p3 = ccmOpen(nodeKdf(kcs, a('po s2c'), idc, 16), fnonce(3, f3, 19), f3, 31);
    expect(p3.readUInt16BE(0)).toBe(0);
    expect(p3.readUInt32BE(2)).toBe(1);
    const k4 = nodeKdf(idn.ik, a('po f4'), Buffer.concat([dev, idc, u32(tid)]), 16);
    const psk = nodeKdf(idn.ik, a('po psk'), Buffer.concat([dev, idc, u32(tid), rni, rnc]), 16);
    expect(p3.subarray(6, 22).equals(k4)).toBe(true);
    expect(p3.subarray(22, 38).equals(psk)).toBe(true);
    expect(p3.subarray(38, 54).equals(rni)).toBe(true);
    // F4 under K_f4: RN_i ‖ RN_c
    expect(ccmOpen(k4, fnonce(4, f4, 27), f4, 39).equals(Buffer.concat([rni, rnc]))).toBe(true);
    // The SBI's stored PSK is the one derived here.
    expect(Buffer.from(w.sbis[0].state.key).equals(psk)).toBe(true);
    const ses = Buffer.concat([Buffer.from(idn.id), u32(idn.nid), idc, u32(tid)]);
    // F5 under K_f5 = KDF(PSK', "po f5", ses): RN_c; its MAC is the SBI's
    expect(ccmOpen(nodeKdf(psk, a('po f5'), ses, 16), fnonce(5, f5, 21), f5, 33).equals(rnc)).toBe(true);
    expect(f5.subarray(15, 21).equals(Buffer.from(w.sbis[0].state.mac))).toBe(true);
    // CONFIG under K_c2e, ACK under K_e2c
    const cfg = Buffer.from(w.air.find((f) => f[2] === 6)!);
    const rec = ccmOpen(nodeKdf(psk, a('po c2e'), ses, 16), bnonce(6, tid, cfg[7]), cfg, 9);
    expect(decodeConfig(new Uint8Array(rec)).config).toEqual(CONFIG);
    const ack = Buffer.from(w.air.find((f) => f[2] === 7)!);
    const pa = ccmOpen(nodeKdf(psk, a('po e2c'), ses, 16), bnonce(7, tid, 0), ack, 7);
    expect([pa[0], pa.readUInt32BE(1)]).toEqual([0, CONFIG.version]);
  });
});
