/**
 * Threat tests for the whitelist protocol (the project's threat list, THREATS.md rows 1-4, 9, 10;
 * firmware/protocols/whitelist/README.md §10): each attack is played against both cores
 * through the deterministic driver and the exact rejection code is asserted.
 */
import { describe, it, expect } from 'vitest';
import { SUITES } from './suites.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { nobleSuite, countingSuite } from './noble-suite.ts';
import { world, CFG1 } from './fixtures.ts';
import { Net, Flight, keyFrom, makeIdentity, stepFor, macOf } from './driver.ts';
import * as EC from './wl-codes.ts';
import { EN_ANNOUNCE, EN_AWAIT_CONFIG, EN_STATE_NAMES } from '../../firmware/protocols/whitelist/enrollee.ts';
import { CS_WAIT_PROOF, CS_WAIT_ACK } from '../../firmware/protocols/whitelist/configurator.ts';
import { T_PRESENCE, T_CHALLENGE, T_PROOF, T_CONFIG, T_ACK, encodeChallenge, encodeChallengeBody } from '../../firmware/protocols/whitelist/frames.ts';
import { copyBytes } from '../../firmware/bytes/bytes.ts';
import { staticTag } from '../../firmware/protocols/whitelist/keys.ts';

function suiteTests(suite: WhitelistSuiteCrypto) {

  /** The frames of one undisturbed handshake, in delivery order. */
  function recordHandshake(seed: number): Flight[] {
    const w = world(suite, seed);
    expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
    return w.net.sent.slice();
  }

  describe('unauthorized and revoked enrollees', () => {
    it('an enrollee not on the whitelist gets nothing and costs the configurator zero X25519', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 7);
      const c = keyFrom(suite, 'configurator');
      const conf = net.addConfigurator('conf', c, [], undefined, counted.suite);
      const stranger = net.addEnrollee('stranger', makeIdentity(suite, 'stranger', c), null);
      net.command(conf, { op: 'config', config: CFG1 });
      net.boot(conf);
      net.boot(stranger);
      for (let i = 0; i < 20; i++) {
        net.deliverAll();
        net.fire(stranger, 'presence');
      }
      net.deliverAll();
      const frameSteps = conf.log.filter((l) => l.ev.t === 'frame');
      expect(frameSteps.length).toBe(21);
      for (const l of frameSteps) {
        expect(l.step.code).toBe(EC.E_UNKNOWN_KEY);
        expect(l.step.effects).toEqual([]);
        expect(l.step.state).toBe(l.prev);
      }
      expect(counted.counts.dh + counted.counts.dhPub).toBe(0);
      expect(net.sent.every((f) => f.from === stranger.mac)).toBe(true);
      expect(stranger.state.cfg).toBeNull();
    });

    it('a revoked key is ignored silently and a revoke ends its pending session', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 8);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-1', c);
      const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: null, group: '', revoked: false }], undefined, counted.suite);
      const enr = net.addEnrollee('enr', id, null);
      net.command(conf, { op: 'config', config: CFG1 });
      net.boot(conf);
      net.boot(enr);
      net.deliverOne(); // PRESENCE → session starts (CHALLENGE in flight)
      expect(conf.state.sess[Object.keys(conf.state.sess)[0]].st).toBe(CS_WAIT_PROOF);
      const r = net.command(conf, { op: 'revoke', hash: suite.sha256(id.E) });
      expect(r.code).toBe(0);
      expect(Object.keys(conf.state.sess)).toHaveLength(0);
      expect(r.effects.some((e) => e.t === 'cancel')).toBe(true);
      expect(r.effects.some((e) => e.t === 'store')).toBe(true);
      net.deliverAll(); // the CHALLENGE reaches the enrollee (KEYING) ...
      net.fire(enr, 'keying');
      net.deliverAll(); // ... whose PROOF finds no session
      expect(conf.log[conf.log.length - 1].step.code).toBe(EC.E_NO_SESSION);
      const before = counted.counts.dh + counted.counts.dhPub;
      for (let i = 0; i < 5; i++) {
        net.fireEarliest();
        net.deliverAll();
      }
      const later = conf.log.filter((l) => l.ev.t === 'frame' && l.ev.bytes![2] === T_PRESENCE);
      expect(later.length).toBeGreaterThan(0);
      for (const l of later.slice(1)) {
        expect(l.step.code).toBe(EC.E_REVOKED);
        expect(l.step.effects).toEqual([]);
      }
      expect(counted.counts.dh + counted.counts.dhPub).toBe(before);
      expect(enr.state.cfg).toBeNull();
    });
  });

  describe('rogue configurator (threat 4)', () => {
    it('a protocol-correct configurator without the pinned key gets nothing accepted', () => {
      const net = new Net(suite, 9);
      const c = keyFrom(suite, 'configurator');
      const rogueC = keyFrom(suite, 'rogue');
      const id = makeIdentity(suite, 'enrollee-1', c);
      // The rogue whitelists the enrollee correctly for its own key.
      const rogueSs = suite.dh(rogueC, id.E);
      const rogue = net.addConfigurator('rogue', rogueC, [{ hash: suite.sha256(id.E), ss: rogueSs, group: '', revoked: false }]);
      const enr = net.addEnrollee('enr', id, null);
      net.command(rogue, { op: 'config', config: { version: 9, ssid: 'evil', psk: 'evil-psk', settings: {} } });
      net.boot(rogue);
      net.boot(enr);
      // On its own the rogue cannot even verify the enrollee's PRESENCE (tag_P is under the real ss).
      net.deliverOne();
      expect(rogue.log[rogue.log.length - 1].step.code).toBe(EC.E_AUTH_PRESENCE);
      expect(rogue.log[rogue.log.length - 1].step.effects).toEqual([]);
      // A helper on the air re-tags every PRESENCE under the rogue's ss so the rogue answers it.
      const retag = (f: Flight) => {
        if (f.bytes[2] !== T_PRESENCE) return f;
        const b = copyBytes(f.bytes);
        b.set(suite.hmac(rogueSs, Uint8Array.from([...Buffer.from('nowboard wl1 presence'), ...b.subarray(0, 69)])).subarray(0, 16), 69);
        return { from: f.from, to: f.to, bytes: b };
      };
      net.run(() => rogue.reports.some((r) => r.code === EC.E_TIMEOUT), 600, retag);
      const chal = enr.log.filter((l) => l.ev.t === 'frame' && l.ev.bytes![2] === T_CHALLENGE);
      expect(chal.length).toBeGreaterThan(0);
      // Refused at tag_S: no X25519, no try counted, state unchanged.
      for (const l of chal) {
        expect(l.step.code).toBe(EC.E_AUTH_CHALLENGE);
        expect(l.step.state).toBe(l.prev);
      }
      expect(net.sent.filter((f) => f.from === enr.mac && f.bytes[2] !== T_PRESENCE)).toEqual([]);
      expect(enr.joins).toEqual([]);
      expect(enr.state.cfg).toBeNull();
      // The rogue's session is dropped unanswered, and nothing is audited about the device.
      expect(rogue.audits).toEqual([]);
    });
  });

  describe('reflection (threat 2)', () => {
    it('every frame echoed back to its sender is refused', () => {
      const frames = recordHandshake(3);
      for (const f of frames) {
        const w = world(suite, 3);
        const sender = w.net.byMac(f.from)!;
        const prev = sender.state;
        const r = w.net.step(sender, { t: 'frame', from: macOf(99), bytes: f.bytes });
        expect(r.code).toBe(EC.E_STATE);
        expect(r.state).toBe(prev);
        expect(r.effects.filter((e) => e.t !== 'report')).toEqual([]);
      }
    });

    it('a challenge carrying the enrollee\'s own key as X is refused before any DH', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 4);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-1', c);
      const enr = net.addEnrollee('enr', id, null, undefined, counted.suite);
      net.boot(enr);
      const body = encodeChallengeBody(1, 77, id.E, new Uint8Array(16));
      const r = net.step(enr, { t: 'frame', from: macOf(50), bytes: encodeChallenge(body, new Uint8Array(16), new Uint8Array(16)) });
      expect(r.code).toBe(EC.E_REFLECT);
      expect(counted.counts.dh).toBe(0);
      expect(r.state).toBe(enr.log[0].step.state);
    });
  });

  describe('man in the middle (threat 3)', () => {
    it('a relay swapping the ephemeral X makes both ends abort', () => {
      const w = world(suite, 5);
      const mx = keyFrom(suite, 'mitm');
      const MX = suite.dhPub(mx);
      let swapped = 0;
      w.net.run(() => w.conf.reports.some((r) => r.code === EC.E_TIMEOUT), 600, (f) => {
        if (f.bytes[2] !== T_CHALLENGE) return f;
        const b = copyBytes(f.bytes);
        b.set(MX, 8);
        swapped++;
        return { from: f.from, to: f.to, bytes: b };
      });
      expect(swapped).toBeGreaterThan(0);
      const chal = w.enr.log.filter((l) => l.ev.t === 'frame' && l.ev.bytes![2] === T_CHALLENGE);
      expect(chal[0].step.code).toBe(EC.E_AUTH_CHALLENGE);
      expect(chal.every((l) => l.step.code === EC.E_AUTH_CHALLENGE && l.step.state === l.prev)).toBe(true);
      expect(w.conf.audits).toEqual([]);
      expect(w.enr.state.cfg).toBeNull();
      expect(w.net.sent.some((f) => f.bytes[2] === T_PROOF)).toBe(false);
    });
  });

  describe('downgrade (threat 10)', () => {
    // For each frame k of the handshake: another protocol's id, version 2
    // (unknown), suite 3 (unknown), and suite 2 (known, but not this
    // session's): the expected refusal per type.
    const cases: [number, number, (t: number) => number][] = [
      [0, 2, () => EC.E_PROTOCOL],
      [1, 2, () => EC.E_VERSION],
      [3, 3, () => EC.E_SUITE],
      [3, 2, (t) => (t === T_PRESENCE ? EC.E_SHORT : EC.E_SUITE)],
    ];
    for (const [off, value, want] of cases) {
      it(`byte ${off} set to ${value} in any frame is refused, state unchanged`, () => {
        for (let k = 0; k < 5; k++) {
          const w = world(suite, 6);
          let n = 0;
          let target: Uint8Array | null = null;
          w.net.run(() => target !== null && w.net.inflight.length === 0, 50, (f) => {
            if (n++ !== k) return f;
            const b = copyBytes(f.bytes);
            b[off] = value;
            target = b;
            return { from: f.from, to: f.to, bytes: b };
          });
          const rx = w.net.nodes.map((nd) => stepFor(nd, target!)).find((x) => x)!;
          expect(rx.step.code, 'frame ' + k).toBe(want(target![2]));
          expect(rx.step.state).toBe(rx.prev);
        }
      });
    }

    it('a relay altering the capabilities or the held version in PRESENCE changes nothing at the configurator', () => {
      // Lowered capabilities: refused at tag_P. A claim to hold a newer version than the
      // target: nothing to do for it, so it is dropped before its tag is even checked (§3.1).
      for (const [off, v, code] of [[60, 0, EC.E_AUTH_PRESENCE], [59, 9, EC.E_UP_TO_DATE]]) {
        const w = world(suite, 6);
        let altered: Uint8Array | null = null;
        w.net.run(() => altered !== null && w.net.inflight.length === 0, 50, (f) => {
          if (f.bytes[2] !== T_PRESENCE || altered) return f;
          const b = copyBytes(f.bytes);
          b[off] = v;
          altered = b;
          return { from: f.from, to: f.to, bytes: b };
        });
        const rx = stepFor(w.conf, altered!)!;
        expect(rx.step.code).toBe(code);
        expect(rx.step.state).toBe(rx.prev);
        expect(rx.step.effects).toEqual([]);
      }
    });
  });

  describe('replay (threat 1)', () => {
    it('every recorded frame replayed into a new session is rejected with the state unchanged', () => {
      const old = recordHandshake(11);
      const byType = (t: number) => old.find((f) => f.bytes[2] === t)!;
      // New session, different randomness: run until the configurator waits for the ACK.
      const w = world(suite, 12);
      const enrMac = w.enr.mac;
      const confMac = w.conf.mac;

      // Old CHALLENGE against the enrollee's fresh nonce.
      let r = w.net.step(w.enr, { t: 'frame', from: confMac, bytes: byType(T_CHALLENGE).bytes });
      expect(r.code).toBe(EC.E_AUTH_CHALLENGE);
      expect(r.state.ph).toBe(EN_ANNOUNCE);
      expect({ ...r.state, tries: 0 }).toEqual({ ...w.enr.log[w.enr.log.length - 1].prev, tries: 0 });

      w.net.run(() => w.conf.state.sess[Object.keys(w.conf.state.sess)[0]]?.st === CS_WAIT_PROOF);
      // Old PROOF: its session id is not the pending one.
      let prev = w.conf.state;
      r = w.net.step(w.conf, { t: 'frame', from: enrMac, bytes: byType(T_PROOF).bytes });
      expect(r.code).toBe(EC.E_NO_SESSION);
      expect(r.state).toBe(prev);

      w.net.run(() => w.enr.state.ph === EN_AWAIT_CONFIG);
      const eprev = w.enr.state;
      r = w.net.step(w.enr, { t: 'frame', from: confMac, bytes: byType(T_CONFIG).bytes });
      expect(r.code).toBe(EC.E_NO_SESSION);
      expect(r.state).toBe(eprev);

      w.net.run(() => w.conf.state.sess[Object.keys(w.conf.state.sess)[0]]?.st === CS_WAIT_ACK);
      prev = w.conf.state;
      r = w.net.step(w.conf, { t: 'frame', from: enrMac, bytes: byType(T_ACK).bytes });
      expect(r.code).toBe(EC.E_NO_SESSION);
      expect(r.state).toBe(prev);

      // The legitimate new session still completes with the right configuration.
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      expect(w.conf.audits[0].code).toBe(EC.OK);
      expect(w.enr.state.cfg).toEqual(CFG1);
    });

    it('an old PRESENCE replayed starts a session whose challenge the enrollee refuses', () => {
      const old = recordHandshake(11);
      const w = world(suite, 13);
      w.net.inflight = []; // drop the enrollee's fresh presence
      const r = w.net.step(w.conf, { t: 'frame', from: w.enr.mac, bytes: old[0].bytes });
      expect(r.code).toBe(0);
      w.net.deliverAll();
      const chal = w.enr.log.find((l) => l.ev.bytes && l.ev.bytes[2] === T_CHALLENGE)!;
      expect(chal.step.code).toBe(EC.E_AUTH_CHALLENGE);
      expect(w.net.sent.some((f) => f.bytes[2] === T_PROOF)).toBe(false);
    });

    it('frames replayed after completion find no session', () => {
      const w = world(suite, 14);
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      const cfgFrame = w.net.sent.find((f) => f.bytes[2] === T_CONFIG)!;
      const ack = w.net.sent.find((f) => f.bytes[2] === T_ACK)!;
      const e = w.enr.state;
      // A replayed CONFIG of the finished session only makes the enrollee repeat the
      // very same ACK (the configurator may have lost it); nothing else changes.
      const r1 = w.net.step(w.enr, { t: 'frame', from: w.conf.mac, bytes: cfgFrame.bytes });
      expect(r1.code).toBe(0);
      expect(r1.state).toBe(e);
      expect(r1.effects).toEqual([{ t: 'send', to: w.conf.mac, bytes: ack.bytes }]);
      const forged = copyBytes(cfgFrame.bytes);
      forged[forged.length - 1] ^= 1;
      const r1b = w.net.step(w.enr, { t: 'frame', from: w.conf.mac, bytes: forged });
      expect(r1b.code).toBe(EC.E_AUTH_CONFIG);
      expect(r1b.state).toBe(e);
      const c = w.conf.state;
      const r2 = w.net.step(w.conf, { t: 'frame', from: w.enr.mac, bytes: ack.bytes });
      expect(r2.code).toBe(EC.E_NO_SESSION);
      expect(r2.state).toBe(c);
      expect(w.conf.audits).toHaveLength(1);
      w.net.inflight = [];
    });
  });

  describe('enrollee challenge budget', () => {
    // Finding 2(a): forged CHALLENGEs used to cost the enrollee one X25519 and one of its 3 tries each.
    it('a forged CHALLENGE (no ss) costs no X25519, no try and no state: 50 of them change nothing', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 15);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-1', c);
      const enr = net.addEnrollee('enr', id, null, undefined, counted.suite);
      net.boot(enr);
      const before = enr.state;
      const forged = () => encodeChallenge(encodeChallengeBody(1, 99, suite.dhPub(net.rand(32)), net.rand(16)), net.rand(16), net.rand(16));
      for (let i = 0; i < 50; i++) {
        const r = net.step(enr, { t: 'frame', from: macOf(60), bytes: forged() });
        expect(r.code).toBe(EC.E_AUTH_CHALLENGE);
      }
      expect(enr.state).toBe(before);
      expect(counted.counts.dh).toBe(0);
    });

    it('a holder of ss (leaked key) gets at most maxChallenges X25519s per nonce, then a fresh nonce at the next presence', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 16);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-1', c);
      const enr = net.addEnrollee('enr', id, null, undefined, counted.suite);
      net.boot(enr);
      const ne1 = enr.state.ne;
      // tag_S right (it knows ss), tag_C wrong (its X has no matching x).
      const keyHolder = () => {
        const body = encodeChallengeBody(1, 99, suite.dhPub(net.rand(32)), net.rand(16));
        const tagC = net.rand(16);
        return encodeChallenge(body, tagC, staticTag(suite, id.ss, enr.state.pres.subarray(69), Uint8Array.from([...body, ...tagC])));
      };
      // Each CHALLENGE that passes tag_S counts its try and moves to KEYING (README §2.1); the X25519
      // runs at the keying timer and fails tag_C, back to ANNOUNCE with the same nonce.
      const tryOnce = () => {
        const r = net.step(enr, { t: 'frame', from: macOf(60), bytes: keyHolder() });
        if (r.code !== 0) return r.code;
        expect(EN_STATE_NAMES[r.state.ph]).toBe('KEYING');
        return net.fire(enr, 'keying').code;
      };
      const codes = [0, 1, 2, 3, 4].map(tryOnce);
      expect(codes).toEqual([EC.E_KEY_CONFIRM, EC.E_KEY_CONFIRM, EC.E_KEY_CONFIRM, EC.E_RATE, EC.E_RATE]);
      expect(counted.counts.dh).toBe(3);
      expect(EN_STATE_NAMES[enr.state.ph]).toBe('ANNOUNCE');
      net.fire(enr, 'presence');
      expect(enr.state.ne).not.toEqual(ne1);
      expect(enr.state.tries).toBe(0);
      expect(tryOnce()).toBe(EC.E_KEY_CONFIRM);
      expect(counted.counts.dh).toBe(4);
    });
  });
}

for (const [name, s] of SUITES) describe(name, () => suiteTests(s));
