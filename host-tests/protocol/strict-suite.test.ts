/**
 * Optional suite 2 (firmware/protocols/whitelist/README.md §9): enrollee ephemeral Y in
 * PRESENCE, X25519(y, C) and X25519(y, X) mixed into the keys. Shows the happy
 * path on both suites' implementations, the extra cost (3 more enrollee
 * multiplications), key-compromise impersonation working against suite 1 (the
 * documented limit) and failing against suite 2 (threat 11), and no downgrade.
 */
import { describe, it, expect } from 'vitest';
import { nobleSuite, countingSuite } from './noble-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';
import { Net, keyFrom, makeIdentity, macOf } from './driver.ts';
import { CFG1 } from './fixtures.ts';
import * as EC from './wl-codes.ts';
import { T_PRESENCE, T_CHALLENGE, PRESENCE2_LEN, decodeFrame } from '../../firmware/protocols/whitelist/frames.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { CONFIGURATOR_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';
import { copyBytes } from '../../firmware/bytes/bytes.ts';

const ref = nobleSuite();

function strictWorld(enrSuite: WhitelistSuiteCrypto, confSuite: WhitelistSuiteCrypto, seed: number, confC?: Uint8Array, suites?: number[]) {
  const net = new Net(ref, seed);
  const c = keyFrom(ref, 'configurator');
  const id = makeIdentity(ref, 'enrollee-1', c);
  // A configurator accepts suite 2 only where configured (the default is suite 1 only).
  const opt = { ...CONFIGURATOR_DEFAULTS, suites: suites || [1, 2] };
  const conf = net.addConfigurator('conf', confC || c, [{ hash: ref.sha256(id.E), ss: ref.dh(c, id.E), group: '', revoked: false }], opt, confSuite);
  if (confC) conf.state = { ...conf.state, id: { c: confC, C: ref.dhPub(c) } }; // impostor claims the real C
  const enr = net.addEnrollee('enr', id, null, undefined, enrSuite);
  net.aps[CFG1.ssid] = CFG1.psk;
  net.command(conf, { op: 'config', config: CFG1 });
  net.boot(conf);
  net.boot(enr);
  return { net, conf, enr, id, c };
}

describe('suite 2 (strict)', () => {
  it('completes with the reference and the firmware primitives, PRESENCE carrying Y', () => {
    for (const [es, cs] of [[nobleSuite(2), nobleSuite(2)], [firmwareSuite(2), nobleSuite(2)], [nobleSuite(2), firmwareSuite(2)]]) {
      const w = strictWorld(es, cs, 401);
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      expect(w.conf.audits[0].code).toBe(EC.OK);
      expect(w.enr.state.cfg).toEqual(CFG1);
      const p = w.net.sent.find((f) => f.bytes[2] === T_PRESENCE)!;
      expect(p.bytes.length).toBe(PRESENCE2_LEN);
      expect(p.bytes[3]).toBe(2);
      const d = decodeFrame(p.bytes).frame!;
      expect(d.Y).toEqual(ref.dhPub(w.enr.log[0].ev.rand!.subarray(18, 50)));
      expect(w.net.sent.filter((f) => f.bytes[2] !== T_PRESENCE).every((f) => f.bytes[3] === 2)).toBe(true);
    }
  });

  it('costs the enrollee 4 X25519 per handshake (3 more than suite 1) and the configurator 4', () => {
    const e = countingSuite(nobleSuite(2));
    const c = countingSuite(nobleSuite(2));
    const w = strictWorld(e.suite, c.suite, 402);
    expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
    expect(e.counts).toEqual({ dhPub: 1, dh: 3 });
    expect(c.counts).toEqual({ dhPub: 1, dh: 3 });
  });

  it('a leaked enrollee key lets an impostor configurator in under suite 1 but not under suite 2 (threat 11)', () => {
    // The impostor knows e (leaked), hence ss = X25519(e, C), and claims the real C, but not c.
    const impostorC = keyFrom(ref, 'impostor');
    const s1 = strictWorld(nobleSuite(1), nobleSuite(1), 403, impostorC);
    s1.net.run(() => s1.conf.audits.length > 0);
    expect(s1.enr.state.cfg).toEqual(CFG1); // suite 1: the documented KCI limit
    const s2 = strictWorld(nobleSuite(2), nobleSuite(2), 403, impostorC);
    s2.net.run(() => s2.conf.audits.length > 0);
    const chal = s2.enr.log.filter((l) => l.ev.bytes && l.ev.bytes[2] === T_CHALLENGE);
    expect(chal.length).toBeGreaterThan(0);
    // It knows ss, so tag_S passes (the try is counted, KEYING); tag_C, checked after the
    // X25519s at the keying timer, needs X25519(y, C), i.e. c or the fresh y.
    expect(chal[0].step.code).toBe(0);
    const keyed = s2.enr.log.filter((l) => l.ev.t === 'timer' && (l.ev as { id: string }).id === 'keying');
    expect(keyed.length).toBeGreaterThan(0);
    expect(keyed[0].step.code).toBe(EC.E_KEY_CONFIRM);
    expect(s2.enr.state.cfg).toBeNull();
    expect(s2.enr.joins).toEqual([]);
  });

  it('a relay turning a suite 2 PRESENCE into suite 1 gets refused by the configurator (tag_P covers the suite byte)', () => {
    const w = strictWorld(nobleSuite(2), nobleSuite(2), 404);
    const stripped: Uint8Array[] = [];
    w.net.run(() => stripped.length >= 3, 400, (f) => {
      if (f.bytes[2] !== T_PRESENCE) return f;
      const b = new Uint8Array(85);
      b.set(f.bytes.subarray(0, 40), 0); // header + E
      b.set(f.bytes.subarray(72, 117), 40); // Ne, held, caps, counter, win, gap, tag (Y dropped)
      b[3] = 1;
      stripped.push(b);
      return { from: f.from, to: f.to, bytes: b };
    });
    for (const b of stripped) {
      const rx = w.conf.log.find((l) => l.ev.bytes === b)!;
      expect(rx.step.code).toBe(EC.E_AUTH_PRESENCE);
      expect(rx.step.state).toBe(rx.prev);
    }
    expect(w.net.sent.some((f) => f.bytes[2] === T_CHALLENGE)).toBe(false);
    expect(w.enr.state.cfg).toBeNull();
  });

  it('a configurator accepts suite 2 only where configured: by default it refuses it before any work', () => {
    const c = countingSuite(nobleSuite(1));
    const net = new Net(ref, 407);
    const cc = keyFrom(ref, 'configurator');
    const id = makeIdentity(ref, 'enrollee-1', cc);
    const conf = net.addConfigurator('conf', cc, [{ hash: ref.sha256(id.E), ss: ref.dh(cc, id.E), group: '', revoked: false }], undefined, c.suite);
    const enr = net.addEnrollee('enr', id, null, undefined, nobleSuite(2));
    net.command(conf, { op: 'config', config: CFG1 });
    net.boot(conf);
    net.boot(enr);
    net.deliverAll();
    const last = conf.log[conf.log.length - 1];
    expect(last.step.code).toBe(EC.E_SUITE);
    expect(last.step.state).toBe(last.prev);
    expect(last.step.effects).toEqual([]);
    expect(c.counts).toEqual({ dh: 0, dhPub: 0 });
  });

  it('a configurator that requires suite 2 refuses suite 1 presences before any X25519', () => {
    const c = countingSuite(nobleSuite(2));
    const w = strictWorld(nobleSuite(1), c.suite, 405, undefined, [2]);
    w.net.deliverAll();
    const last = w.conf.log[w.conf.log.length - 1];
    expect(last.step.code).toBe(EC.E_SUITE);
    expect(last.step.state).toBe(last.prev);
    expect(c.counts).toEqual({ dh: 0, dhPub: 0 });
  });

  it('a suite 2 PRESENCE whose Y is the configurator key is refused as a reflection', () => {
    const w = strictWorld(nobleSuite(2), nobleSuite(2), 406);
    const p = copyBytes(w.net.inflight[0].bytes);
    p.set(ref.dhPub(w.c), 40);
    const r = w.net.step(w.conf, { t: 'frame', from: macOf(5), bytes: p });
    expect(r.code).toBe(EC.E_REFLECT);
  });
});
