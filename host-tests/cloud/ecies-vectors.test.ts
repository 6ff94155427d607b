// The KEY frame's ECIES (README §4) re-derived independently: @noble/curves for
// the ECDH and the node's signature, node:crypto for SHA-256, HKDF-SHA256 and
// AES-128-CCM. Both directions: what the border router seals, node:crypto opens;
// what node:crypto seals, the node core opens; KEYACK and CONFIG under k_up/k_down.
// The AC's grant (README §4.4) too: K_an from the AC's private key and the node's
// grant point with node:crypto ECDH + HKDF, the grant with node:crypto HMAC over
// bytes laid out here by hand (not ac-api.ts grantMessage).
import { describe, it, expect } from 'vitest';
import { createHash, hkdfSync, createDecipheriv, createCipheriv, createECDH, createHmac } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { weierstrass, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { readU32, concatBytes } from '../../firmware/bytes/bytes.ts';
import { CURVE_P256, CURVE_SECP160K1 } from '../../firmware/protocols/cloud/ac-api.ts';
import { decodeFrame, T_KEY, T_KEYACK, T_CONFIG, sidHeader, encodeKey, pointLen } from '../../firmware/protocols/cloud/frames.ts';
import { E_GRANT } from '../../firmware/protocols/cloud/codes.ts';
import { N_PROVING, N_KEYED } from '../../firmware/protocols/cloud/node.ts';
import { decodeConfig } from '../../firmware/codec/config-record.ts';
import { makeWorld, CONFIG } from './harness.ts';

const big = (h: string) => BigInt('0x' + h);
const k160 = ecdsa(weierstrass({
  p: big(SECP160K1_PARAMS.p), n: big(SECP160K1_PARAMS.n), h: 1n,
  a: big(SECP160K1_PARAMS.a), b: big(SECP160K1_PARAMS.b), Gx: big(SECP160K1_PARAMS.gx), Gy: big(SECP160K1_PARAMS.gy),
}), sha256);
const lib = (curve: number) => (curve === CURVE_P256 ? p256 : k160);

const INFO = Buffer.from('nowboard/cloud/1 ecies');
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
function nonce(type: number, sid: number, idx: number) {
  const n = Buffer.alloc(13);
  n[0] = type;
  n.writeUInt32BE(sid, 1);
  n[5] = idx;
  return n;
}
function keys(z: Uint8Array, rh: Uint8Array, hdr: Uint8Array, E: Uint8Array, pub: Uint8Array) {
  const okm = new Uint8Array(hkdfSync('sha256', z, rh, Buffer.concat([INFO, hdr, E, pub]), 48));
  return { wrap: okm.subarray(0, 16), down: okm.subarray(16, 32), up: okm.subarray(32, 48) };
}
function ccmOpen(key: Uint8Array, n: Uint8Array, sealed: Uint8Array, aad: Uint8Array) {
  const d = createDecipheriv('aes-128-ccm', key, n, { authTagLength: 8 });
  d.setAuthTag(sealed.subarray(sealed.length - 8));
  d.setAAD(aad, { plaintextLength: sealed.length - 8 });
  return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 8)), d.final()]));
}
/** K_an on the AC's side: HKDF-SHA256(x(d_AC·F), salt empty, "nowboard-cloud/1 grant key" ‖ snLen ‖ SN ‖ F, 32). */
function grantKeyRef(acPriv: Uint8Array, sn: string, F: Uint8Array) {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(acPriv));
  const z = ecdh.computeSecret(Buffer.from(F));
  const info = Buffer.concat([Buffer.from('nowboard-cloud/1 grant key'), Buffer.from([sn.length]), Buffer.from(sn), Buffer.from(F)]);
  return new Uint8Array(hkdfSync('sha256', z, Buffer.alloc(0), info, 32));
}
/** grant = HMAC-SHA256(K_an, "nowboard-cloud/1 grant" ‖ rh ‖ idLen ‖ BR id ‖ RLen ‖ R ‖ gts u32)[0..16). */
function grantRef(kan: Uint8Array, rh: Uint8Array, brId: string, R: Uint8Array, gts: number) {
  const t = Buffer.alloc(4);
  t.writeUInt32BE(gts);
  const m = Buffer.concat([Buffer.from('nowboard-cloud/1 grant'), rh, Buffer.from([brId.length]), Buffer.from(brId), Buffer.from([R.length]), R, t]);
  return new Uint8Array(createHmac('sha256', kan).update(m).digest().subarray(0, 16));
}
function ccmSeal(key: Uint8Array, n: Uint8Array, pt: Uint8Array, aad: Uint8Array) {
  const c = createCipheriv('aes-128-ccm', key, n, { authTagLength: 8 });
  c.setAAD(aad, { plaintextLength: pt.length });
  return new Uint8Array(Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]));
}

for (const curve of [CURVE_P256, CURVE_SECP160K1]) {
  describe('ECIES of the KEY frame, curve ' + curve, () => {
    it('the node\'s JOIN signature verifies with noble; node:crypto opens the border router\'s KEY, KEYACK and CONFIG', () => {
      const w = makeWorld({ curve });
      const br = w.addBr('A');
      const node = w.addNode('v', curve);
      w.dropWhen((p, b) => p === node && b[2] === T_KEY);
      w.apply(node, { t: 'boot' });
      const join = w.frames[0].bytes;
      const jf = decodeFrame(join).frame!;
      expect(lib(curve).verify(jf.sig!, jf.statement!, node.st.id.pub)).toBe(true);
      w.pump();
      const se = br.st.sessions['s:' + node.st.id.sn];
      const keyFrame = se.keyFrame!;
      const kf = decodeFrame(keyFrame).frame!;
      const rh = sha(join);
      expect(se.rh).toEqual(rh);
      // the grant: K_an as the AC derives it equals the node's; the KEY's grant is the AC's HMAC over this request
      const kan = grantKeyRef(w.acPriv, node.st.id.sn, w.gpubs.get(node.st.id.sn)!);
      expect(kan).toEqual(node.st.id.grantKey);
      expect(kf.brId).toBe(br.st.id.brId);
      expect(kf.gts).toBeGreaterThanOrEqual(1800000000);
      expect(kf.grant).toEqual(grantRef(kan, rh, kf.brId!, kf.E!, kf.gts!));
      expect(kf.grant).not.toEqual(grantRef(kan, sha(rh), kf.brId!, kf.E!, kf.gts!));
      const z = lib(curve).getSharedSecret(node.st.id.priv, kf.E!, true).subarray(1);
      const hdr = keyFrame.subarray(0, 8);
      const prefix = keyFrame.subarray(0, keyFrame.length - 24);
      const k = keys(z, rh, hdr, kf.E!, node.st.id.pub);
      const pt = ccmOpen(k.wrap, nonce(T_KEY, kf.sid, 0), kf.sealed!, concatBytes([prefix, rh]));
      expect(pt).toEqual(br.st.id.netKey);
      // bound to the request: another request hash does not open it
      expect(() => ccmOpen(k.wrap, nonce(T_KEY, kf.sid, 0), kf.sealed!, concatBytes([prefix, sha(rh)]))).toThrow();
      const k2 = keys(z, sha(rh), hdr, kf.E!, node.st.id.pub);
      expect(() => ccmOpen(k2.wrap, nonce(T_KEY, kf.sid, 0), kf.sealed!, concatBytes([prefix, rh]))).toThrow();
      // now let the KEY through: the node's KEYACK opens under k_up, the CONFIG under k_down
      w.dropWhen((p, b) => p === br && b[2] === T_KEYACK);
      w.apply(node, { t: 'frame', from: br.mac, bytes: keyFrame });
      expect(node.st.ph).toBe(N_KEYED);
      const ka = node.st.se!.keyAck;
      expect(ccmOpen(k.up, nonce(T_KEYACK, kf.sid, 0), ka.subarray(8), concatBytes([ka.subarray(0, 8), rh]))).toEqual(new Uint8Array([0]));
      w.frames.length = 0;
      w.dropWhen((p, b) => p === node);
      w.apply(br, { t: 'frame', from: node.mac, bytes: ka });
      const cfgFrame = w.frames.find((f) => f.bytes[2] === T_CONFIG)!.bytes;
      const cf = decodeFrame(cfgFrame).frame!;
      const rec = ccmOpen(k.down, nonce(T_CONFIG, kf.sid, 0), cf.sealed!, concatBytes([cfgFrame.subarray(0, 10), rh]));
      expect(decodeConfig(rec).config).toEqual(CONFIG);
    });

    it('a KEY sealed by node:crypto with a noble ephemeral key and a node:crypto grant opens in the node core (a wrong rh or grant does not)', () => {
      const w = makeWorld({ curve });
      w.addBr('A');
      const node = w.addNode('w', curve);
      w.dropWhen((p, b) => p === node && b[2] === T_KEY);
      w.apply(node, { t: 'boot' });
      const join = w.frames[0].bytes;
      const rh = sha(join);
      const L = lib(curve);
      const e = curve === CURVE_P256 ? new Uint8Array(32).fill(0x42) : new Uint8Array([0, ...new Uint8Array(20).fill(0x42)]);
      const E = L.getPublicKey(e, false);
      expect(E.length).toBe(pointLen(curve));
      const z = L.getSharedSecret(e, node.st.id.pub, true).subarray(1);
      const sid = 0x01020304;
      const hdr = sidHeader(T_KEY, curve, sid);
      const netKey = new Uint8Array(16).fill(0x5a);
      const gts = 1800003600;
      const kan = grantKeyRef(w.acPriv, node.st.id.sn, w.gpubs.get(node.st.id.sn)!);
      // the frame laid out by hand: hdr ‖ E ‖ gts ‖ idLen ‖ id ‖ grant ‖ CCM(K_net), AAD = all before the seal ‖ rh
      const build = (h: Uint8Array, grantRh: Uint8Array, brId = 'br-x') => {
        const k = keys(z, h, hdr, E, node.st.id.pub);
        const t = Buffer.alloc(4);
        t.writeUInt32BE(gts);
        const prefix = new Uint8Array(Buffer.concat([hdr, E, t, Buffer.from([brId.length]), Buffer.from(brId), grantRef(kan, grantRh, brId, E, gts)]));
        return concatBytes([prefix, ccmSeal(k.wrap, nonce(T_KEY, sid, 0), netKey, concatBytes([prefix, h]))]);
      };
      const from = new Uint8Array([2, 0, 0, 0, 0xbb, 0xee]);
      const s0 = node.st;
      expect(w.apply(node, { t: 'frame', from, bytes: build(sha(rh), sha(rh)) }).code).toBe(E_GRANT);
      expect(node.st).toBe(s0);
      expect(w.apply(node, { t: 'frame', from, bytes: build(sha(rh), rh) }).code).not.toBe(0);
      node.st = s0;
      expect(w.apply(node, { t: 'frame', from, bytes: build(rh, rh) }).code).toBe(0);
      expect(node.st.key!.netKey).toEqual(netKey);
      expect(node.st.key!.time).toBe(gts); // the AC's time under its grant, ahead of the node's
      expect(node.st.ph === N_KEYED || node.st.ph === N_PROVING).toBe(true);
    });
  });
}
