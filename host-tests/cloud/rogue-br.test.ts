// The node authenticates its border router (README §4.4, §5): a KEY is taken only
// with the Authentication Cloud's grant for this very request, BR id, ephemeral
// key and time, checked with one HMAC before any ECDH. Each attack here would
// provision the node (or move its clock) if the node skipped that check: a
// stranger who knows the node's public key and builds a KEY by hand, a rogue that
// runs the real BR core with its own key pair against its own AC or an AC that
// does not know it, a revoked BR, a genuine grant reused with another request,
// BR id, R or time.
import { describe, it, expect } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { OK } from '../../firmware/codec/codes.ts';
import { CURVE_P256, CURVE_SECP160K1 } from '../../firmware/protocols/cloud/ac-api.ts';
import { E_GRANT, E_KEY_OPEN, E_AC_UNKNOWN_BR, E_AC_BR_REVOKED, I_KEY_STORED } from '../../firmware/protocols/cloud/codes.ts';
import { decodeFrame, sidHeader, keyPrefix, encodeKey, T_KEY } from '../../firmware/protocols/cloud/frames.ts';
import { makeNode as makeNodeCore, N_JOINING, N_DONE, KEY_FILE } from '../../firmware/protocols/cloud/node.ts';
import { cloudSuite } from '../../firmware/protocols/cloud/suite-firmware.ts';
import { CloudSuite } from '../../firmware/protocols/cloud/suite.ts';
import { eciesKeys, ccmNonce, drbg, issueGrantKey } from '../../firmware/protocols/cloud/keys.ts';
import { concatBytes, toHex } from '../../firmware/bytes/bytes.ts';
import { makeAcStub } from '../../configurator/sim/ac-stub.ts';
import { makeWorld, seeded, CLOCK, Party } from './harness.ts';

/** The node's suite with its ECDH calls counted (the grant must be checked before any). */
function counting(curve: number): { suite: CloudSuite; dh: () => number } {
  const base = cloudSuite(curve)!;
  let n = 0;
  return { suite: { ...base, dh: (d: Uint8Array, P: Uint8Array) => (n++, base.dh(d, P)) }, dh: () => n };
}

/** A KEY built by hand by someone who knows only the node's public key and saw its JOIN. */
function handKey(curve: number, nodePub: Uint8Array, rh: Uint8Array, netKey: Uint8Array, grant: Uint8Array, brId = 'rogue', gts = CLOCK + 86400 * 365) {
  const s = cloudSuite(curve)!;
  const e = s.keyPair(drbg(s, seeded('rogue e')(32)));
  const sid = 0x0badf00d;
  const hdr = sidHeader(T_KEY, curve, sid);
  const k = eciesKeys(s, s.dh(e.priv, nodePub), rh, hdr, e.pub, nodePub);
  const prefix = keyPrefix(hdr, e.pub, gts, brId, grant);
  return encodeKey(prefix, s.seal(k.wrap, ccmNonce(T_KEY, sid, 0), netKey, concatBytes([prefix, rh]), 8));
}

/** Re-encode a KEY with some fields replaced (the sealed part kept). */
function alterKey(key: Uint8Array, o: { brId?: string; E?: Uint8Array; gts?: number; grant?: Uint8Array }) {
  const f = decodeFrame(key).frame!;
  const prefix = keyPrefix(key.subarray(0, 8), o.E ?? f.E!, o.gts ?? f.gts!, o.brId ?? f.brId!, o.grant ?? f.grant!);
  return encodeKey(prefix, f.sealed!);
}

const ROGUE_NET = new Uint8Array(16).fill(0xee);
const stored = (p: Party<any>) => p.stores.has(KEY_FILE);

for (const curve of [CURVE_P256, CURVE_SECP160K1]) {
  describe('the node refuses a KEY without the AC\'s grant, curve ' + curve, () => {
    it('a stranger who knows the node\'s public key sends a correct ECIES KEY for its request: E_GRANT, no ECDH, no state change', () => {
      const w = makeWorld({ curve });
      const node = w.addNode('1', curve);
      const spy = counting(curve);
      node.core = makeNodeCore(spy.suite);
      w.apply(node, { t: 'boot' });
      const join = w.frames.shift()!.bytes;
      const rh = cloudSuite(curve)!.sha256(join);
      const s0 = node.st;
      for (const g of [new Uint8Array(16), seeded('guess')(16)]) {
        const r = w.apply(node, { t: 'frame', from: new Uint8Array([2, 0x66, 0, 0, 0, 1]), bytes: handKey(curve, node.st.id.pub, rh, ROGUE_NET, g) });
        expect(r.code).toBe(E_GRANT);
        expect(node.st).toBe(s0);
      }
      expect(spy.dh()).toBe(0);
      expect(stored(node)).toBe(false);
      expect(node.reports.filter((x) => x.code === E_GRANT).length).toBe(2);
    });

    it('a rogue running the real BR core with its own key pair and its own AC (which "trusts" the node) is refused; the genuine BR then provisions the node', () => {
      const w = makeWorld({ curve });
      const node = w.addNode('1', curve);
      // The rogue's AC: its own key, the node's public key and MAC, and a grant point of its own making
      // (it cannot have the node's: K_an needs the real AC's private key or the node's identity file).
      const rogueAcPriv = seeded('rogue ac')(32);
      const rogueAcPub = p256.getPublicKey(rogueAcPriv, false);
      const rogueAc = makeAcStub({ acId: 'ac-1', acPriv: rogueAcPriv, now: () => CLOCK * 1000 + w.now, trustFor: 60 });
      const fake = issueGrantKey(cloudSuite(CURVE_P256)!, rogueAcPub, node.st.id.sn, seeded('rogue f'));
      rogueAc.addNode({ sn: node.st.id.sn, mac: toHex(node.st.id.mac), pub: toHex(node.st.id.pub), curve: curve === CURVE_P256 ? 'p256' : 'secp160k1', gpub: toHex(fake.gpub), revoked: false });
      const rogue = w.addBr('R', 0xe0, { ac: rogueAc, acPub: rogueAcPub, register: true });
      w.apply(node, { t: 'boot' });
      w.pump();
      expect(rogueAc.log.map((l) => l.code)).toEqual(['OK']); // its AC said yes and granted, under the wrong key
      expect(rogue.st.sessions['s:' + node.st.id.sn].keyFrame).toBeTruthy();
      expect(node.codes).toContain(E_GRANT);
      expect(node.st.ph).toBe(N_JOINING);
      expect(node.st.req!.keyTries).toBe(0);
      expect(stored(node)).toBe(false);
      expect(w.ac.log.length).toBe(0); // the real AC was never asked
      // The genuine BR comes in range: the same request goes through the real AC and in.
      const brA = w.addBr('A');
      w.fire(node, 'join');
      w.pump();
      w.wifi(node, OK);
      w.pump();
      expect(node.st.ph).toBe(N_DONE);
      expect(node.st.key!.netKey).toEqual(brA.st.id.netKey);
      expect(brA.audits.map((a: any) => a.code)).toEqual([OK]);
    });

    it('a rogue BR core unknown to the real AC gets no yes and sends no KEY (E_AC_UNKNOWN_BR); a revoked BR likewise (E_AC_BR_REVOKED)', () => {
      const w = makeWorld({ curve });
      const node = w.addNode('1', curve);
      const stranger = w.addBr('U', 0xe1, { ac: w.ac, acPub: w.acPub, register: false });
      w.apply(node, { t: 'boot' });
      w.pump();
      expect(stranger.audits.map((a: any) => a.code)).toEqual([E_AC_UNKNOWN_BR]);
      expect(w.frames.length).toBe(0);
      expect(stored(node)).toBe(false);
      w.parties.splice(w.parties.indexOf(stranger), 1);
      const revoked = w.addBr('V');
      w.ac.revokeBr(revoked.st.id.brId);
      w.fire(node, 'join');
      w.pump();
      expect(revoked.audits.map((a: any) => a.code)).toEqual([E_AC_BR_REVOKED]);
      expect(stored(node)).toBe(false);
      expect(node.st.ph).toBe(N_JOINING);
    });

    it('a genuine grant is good for one request, one BR id, one R, one time: any other is E_GRANT with no state change', () => {
      const w = makeWorld({ curve });
      const brA = w.addBr('A');
      const node = w.addNode('1', curve);
      const spy = counting(curve);
      node.core = makeNodeCore(spy.suite);
      w.dropWhen((p, b) => p === node && b[2] === T_KEY);
      w.apply(node, { t: 'boot' });
      w.pump();
      const key = brA.st.sessions['s:' + node.st.id.sn].keyFrame!;
      const f = decodeFrame(key).frame!;
      const s = cloudSuite(curve)!;
      const otherE = s.keyPair(drbg(s, seeded('other E')(32))).pub;
      const flipped = f.grant!.slice();
      flipped[0] ^= 1;
      const s0 = node.st;
      for (const [what, bytes] of [
        ['another BR id', alterKey(key, { brId: 'br-B' })],
        ['another R (the grant lifted onto the rogue\'s own ephemeral key)', alterKey(key, { E: otherE })],
        ['another time (a clock pushed ahead)', alterKey(key, { gts: f.gts! + 3600 })],
        ['a flipped grant bit', alterKey(key, { grant: flipped })],
      ] as [string, Uint8Array][]) {
        expect(w.apply(node, { t: 'frame', from: brA.mac, bytes }).code, what).toBe(E_GRANT);
        expect(node.st, what).toBe(s0);
      }
      expect(spy.dh()).toBe(0);
      // The genuine grant with the BR's R but a ciphertext of someone without e: one ECDH, E_KEY_OPEN, counted.
      const forged = key.slice();
      forged.set(seeded('forged seal')(24), key.length - 24);
      expect(w.apply(node, { t: 'frame', from: brA.mac, bytes: forged }).code).toBe(E_KEY_OPEN);
      expect(spy.dh()).toBe(1);
      // The genuine KEY opens.
      w.dropWhen(null);
      expect(w.apply(node, { t: 'frame', from: brA.mac, bytes: key }).code).toBe(0);
      expect(node.reports.some((x) => x.code === I_KEY_STORED)).toBe(true);
      w.pump();
      w.wifi(node, OK);
      w.pump();
      expect(node.st.ph).toBe(N_DONE);
      // A replayed grant: the KEY of that request, sent to the node's next request, is refused.
      w.dropWhen((p, b) => p === node && b[2] === T_KEY);
      w.apply(node, { t: 'boot' });
      const s1 = node.st;
      expect(w.apply(node, { t: 'frame', from: brA.mac, bytes: key }).code).toBe(E_GRANT);
      expect(node.st).toBe(s1);
    });
  });
}
