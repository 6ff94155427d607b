/**
 * The firmware suite (firmware/crypto/) against the reference suite: each
 * primitive agrees on random inputs, the two interoperate in a full handshake
 * (one side each way), and the whole happy path runs on the firmware suite alone.
 */
import { describe, it, expect } from 'vitest';
import { nobleSuite } from './noble-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';
import { world, CFG1 } from './fixtures.ts';
import { Net, keyFrom, makeIdentity, rng } from './driver.ts';
import { OK } from '../../firmware/codec/codes.ts';

const ref = nobleSuite();
const fw = firmwareSuite();

describe('firmware suite', () => {
  it('agrees with the reference primitives on random inputs', () => {
    const r = rng(123);
    for (let i = 0; i < 8; i++) {
      const a = r(32);
      const b = ref.dhPub(r(32));
      expect(fw.dhPub(a)).toEqual(ref.dhPub(a));
      expect(fw.dh(a, b)).toEqual(ref.dh(a, b));
      const m = r(i * 37);
      expect(fw.sha256(m)).toEqual(ref.sha256(m));
      expect(fw.hmac(a, m)).toEqual(ref.hmac(a, m));
      const info = r(5);
      expect(fw.hkdf(a, m, info, 96)).toEqual(ref.hkdf(a, m, info, 96));
      const k = r(16);
      const n = r(13);
      const aad = r(40);
      const sealed = fw.seal(k, n, m, aad, 8);
      expect(sealed).toEqual(ref.seal(k, n, m, aad, 8));
      expect(fw.open(k, n, sealed, aad, 8)).toEqual(m);
      sealed[0] ^= 1;
      expect(fw.open(k, n, sealed, aad, 8)).toBeNull();
    }
  });

  it('refuses a low-order peer key (all-zero output)', () => {
    expect(() => fw.dh(keyFrom(ref, 'x'), new Uint8Array(32))).toThrow();
  });

  it('runs the whole happy path on the firmware suite', () => {
    const w = world(fw, 5);
    expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
    expect(w.conf.audits[0].code).toBe(OK);
    expect(w.enr.state.cfg).toEqual(CFG1);
  });

  it('a firmware enrollee and a reference configurator interoperate (and the reverse)', () => {
    for (const [es, cs] of [[fw, ref], [ref, fw]]) {
      const net = new Net(ref, 6);
      const c = keyFrom(ref, 'configurator');
      const id = makeIdentity(ref, 'enrollee-1', c);
      const conf = net.addConfigurator('conf', c, [{ hash: ref.sha256(id.E), ss: null, group: '', revoked: false }], undefined, cs);
      const enr = net.addEnrollee('enr', id, null, undefined, es);
      net.aps[CFG1.ssid] = CFG1.psk;
      net.command(conf, { op: 'config', config: CFG1 });
      net.boot(conf);
      net.boot(enr);
      expect(net.run(() => conf.audits.length > 0)).toBe(true);
      expect(conf.audits[0].code).toBe(OK);
      expect(enr.state.cfg).toEqual(CFG1);
    }
  });
});

import { enrolleeHandshakeCrypto, sink } from '../../firmware/protocols/whitelist/handshake-cost.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { x25519 } from '../../firmware/crypto/x25519.ts';
import { countingSuite } from './noble-suite.ts';

describe('enrollee handshake cost (§4.5)', () => {
  it('the enrollee core spends exactly one X25519 per handshake', () => {
    const counted = countingSuite(fw);
    const net = new Net(ref, 17);
    const c = keyFrom(ref, 'configurator');
    const id = makeIdentity(ref, 'enrollee-1', c);
    const conf = net.addConfigurator('conf', c, [{ hash: ref.sha256(id.E), ss: ref.dh(c, id.E), group: '', revoked: false }]);
    const enr = net.addEnrollee('enr', id, null, undefined, counted.suite);
    net.aps[CFG1.ssid] = CFG1.psk;
    net.command(conf, { op: 'config', config: CFG1 });
    net.boot(conf);
    net.boot(enr);
    expect(net.run(() => conf.audits.length > 0)).toBe(true);
    expect(counted.counts).toEqual({ dh: 1, dhPub: 0 });
  });

  it('enrolleeHandshakeCrypto does the field work of exactly one X25519 plus symmetric work', () => {
    const f0 = work.fmul25519;
    x25519(keyFrom(ref, 'a'), ref.dhPub(keyFrom(ref, 'b')));
    const one = work.fmul25519 - f0;
    const w0 = { f: work.fmul25519, sha: work.shaBlock, aes: work.aesBlock };
    enrolleeHandshakeCrypto();
    expect(work.fmul25519 - w0.f).toBe(one);
    expect(work.shaBlock - w0.sha).toBeGreaterThan(0);
    expect(work.aesBlock - w0.aes).toBeGreaterThan(0);
    expect(sink.ack!.length).toBe(13);
  });
});
