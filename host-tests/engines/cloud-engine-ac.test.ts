/**
 * The engine suite's AC (cloud-engine-ac.ts, firmware primitives) against the
 * in-memory stub (configurator/sim/ac-stub.ts, @noble/curves): the same
 * requests in the same order to both give the same decisions and byte-equal
 * answers (RFC 6979 on both sides), each decision is the one expected, and the
 * grant of an accepted join is what @noble computes from the AC key and F and
 * what the node computes from its own grant key (README §4.4).
 */
import { describe, it, expect } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { toHex, fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { keyGen, makeCurve } from '../../firmware/crypto/weierstrass.ts';
import { p256 as fwP256 } from '../../firmware/crypto/p256.ts';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import {
  AC_API_VERSION, AC_JOIN_PATH, AC_CHECK_PATH, CURVE_P256, CURVE_SECP160K1, CURVE_NAMES, BrRequest, AcResponse, JoinVerdict, NodeJoin,
  brRequestSignedText, acResponseSignedText, joinStatementBytes, grantKeyInfo, grantMessage, isLowerHex, GRANT_KEY_LEN, GRANT_LEN,
} from '../../firmware/protocols/cloud/ac-api.ts';
import { encodeJoin } from '../../firmware/protocols/cloud/frames.ts';
import { cloudSuite } from '../../firmware/protocols/cloud/suite-firmware.ts';
import { grantTag } from '../../firmware/protocols/cloud/keys.ts';
import { makeAcStub } from '../../configurator/sim/ac-stub.ts';
import { trustRow } from '../../configurator/batch/cloud-batch.ts';
import { makeEngineAc, engineSimAc } from './cloud-engine-ac.ts';
import { cloudEngineBatch, ENGINE_SECP160K1_NODES } from './cloud-engine-batch.ts';
import { seeded, nodeIdentity, brIdentity, CLOCK } from '../cloud/harness.ts';

const acPriv = keyGen(fwP256(), seeded('engine ac'), false).priv;
const acPub = p256.getPublicKey(acPriv, false);
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

function world() {
  let nowMs = CLOCK * 1000 + 5000;
  const o = { acId: 'ac-1', acPriv, trustFor: 60, now: () => nowMs };
  const stub = makeAcStub(o);
  const eng = makeEngineAc(o);
  const br = brIdentity('e1', acPub);
  const br2 = brIdentity('e2', acPub);
  const n1 = nodeIdentity('p1', acPub);
  const n2 = nodeIdentity('k1', acPub, CURVE_SECP160K1, new Uint8Array([2, 0, 0, 0, 0, 2]));
  const n3 = nodeIdentity('p3', acPub, CURVE_P256, new Uint8Array([2, 0, 0, 0, 0, 3]));
  for (const ac of [stub, eng]) {
    ac.addBr(br.brId, br.pub);
    ac.addBr(br2.brId, br2.pub);
    for (const n of [n1, n2, n3]) ac.addNode(trustRow(n.id, n.gpub));
  }
  let ridCtr = 0;
  const rand = seeded('requests');
  /** A BR envelope around body, signed by `by` (default br). */
  function envelope(path: string, body: string, by = br, over?: Partial<BrRequest>): string {
    const r: BrRequest = { v: AC_API_VERSION, br: by.brId, rid: toHex(seeded('rid ' + ridCtr++)(16)), ts: nowMs, path, body, sig: '' };
    Object.assign(r, over);
    r.sig = toHex(p256.sign(utf8Encode(brRequestSignedText(r)), by.priv));
    return JSON.stringify(r);
  }
  /** A node's message 1 as the BR forwards it (fresh nonce, signed by the node). */
  function join(n: typeof n1, over?: Partial<NodeJoin>, tsS = Math.floor(nowMs / 1000)): NodeJoin {
    const nonce = rand(8);
    const stmt = joinStatementBytes(n.id.sn, n.id.mac, tsS, nonce, n.id.curve);
    const sig = cloudSuite(n.id.curve)!.sign(n.id.priv, stmt);
    const C = n.id.curve === CURVE_P256 ? fwP256() : makeCurve(SECP160K1_PARAMS);
    const eph = keyGen(C, rand, false).pub;
    return Object.assign({ sn: n.id.sn, mac: toHex(n.id.mac), ts: tsS, nonce: toHex(nonce), curve: CURVE_NAMES[n.id.curve], sig: toHex(sig), eph: toHex(eph) }, over);
  }
  /** Both ACs answer the same request: equal answers (status, body, signature) and equal logs; returns the parsed answer. */
  function ask(path: string, json: string): { status: number; res: AcResponse; v: JoinVerdict } {
    const a = stub.handle(path, json);
    const b = eng.handle(path, json);
    expect(b).toEqual(a);
    expect(eng.log).toEqual(stub.log);
    const res = JSON.parse(b.json) as AcResponse;
    // the answer is the AC's: @noble verifies it under the AC's public key
    expect(p256.verify(fromHex(res.sig), utf8Encode(acResponseSignedText(res)), acPub)).toBe(true);
    return { status: b.status, res, v: JSON.parse(res.body) };
  }
  return { stub, eng, br, br2, n1, n2, n3, envelope, join, ask, tick: (ms: number) => (nowMs += ms), now: () => nowMs };
}

describe('engine AC (firmware primitives) = AC stub (@noble)', () => {
  it('accepts a P-256 join: same answer as the stub, and the grant is what @noble and the node compute', () => {
    const w = world();
    const j = w.join(w.n1);
    const { status, v } = w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(j)));
    expect(status).toBe(200);
    expect(v).toMatchObject({ ok: true, sn: w.n1.id.sn, pub: toHex(w.n1.id.pub), curve: 'p256', trustFor: 60 });
    expect(v.gts).toBe(Math.floor(w.now() / 1000));
    // @noble oracle: K_an = HKDF(x(d_AC·F)), grant = HMAC(K_an, grantMessage(rh, BR, R, gts))[0..16)
    const F = w.n1.gpub;
    const kan = hkdf(sha256, p256.getSharedSecret(acPriv, F, true).subarray(1), new Uint8Array(0), grantKeyInfo(w.n1.id.sn, F), GRANT_KEY_LEN);
    const rh = sha256(encodeJoin(CURVE_P256, j.sn, fromHex(j.mac), j.ts, fromHex(j.nonce), fromHex(j.sig)));
    const want = hmac(sha256, kan, grantMessage(rh, w.br.brId, fromHex(j.eph), v.gts!)).subarray(0, GRANT_LEN);
    expect(v.grant).toBe(toHex(want));
    // the node's side: its grant key from keygen (f·Q_AC) gives the same tag
    expect(toHex(kan)).toBe(toHex(w.n1.id.grantKey));
    expect(toHex(grantTag(cloudSuite(CURVE_P256)!, w.n1.id.grantKey, rh, w.br.brId, fromHex(j.eph), v.gts!))).toBe(v.grant);
  });

  it('accepts a secp160k1 join (the paper curve) and a /check of a known node', () => {
    const w = world();
    const a = w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(w.join(w.n2))));
    expect(a.status).toBe(200);
    expect(a.v).toMatchObject({ ok: true, curve: 'secp160k1' });
    expect(a.v.grant).toMatch(/^[0-9a-f]{32}$/);
    const c = w.ask(AC_CHECK_PATH, w.envelope(AC_CHECK_PATH, JSON.stringify({ sn: w.n2.id.sn })));
    expect(c.status).toBe(200);
    expect(c.v).toMatchObject({ ok: true, sn: w.n2.id.sn });
    expect(c.v.grant).toBeUndefined();
  });

  it('refuses replays: the same envelope (E_AC_BR_REPLAY), the same node nonce in a new envelope (E_AC_REPLAY)', () => {
    const w = world();
    const j = w.join(w.n1);
    const env = w.envelope(AC_JOIN_PATH, JSON.stringify(j));
    expect(w.ask(AC_JOIN_PATH, env).status).toBe(200);
    const again = w.ask(AC_JOIN_PATH, env);
    expect([again.status, again.v.code]).toEqual([409, 'E_AC_BR_REPLAY']);
    const renewed = w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(j)));
    expect([renewed.status, renewed.v.code]).toEqual([409, 'E_AC_REPLAY']);
    // an envelope older than the BR window
    const old = w.envelope(AC_JOIN_PATH, JSON.stringify(w.join(w.n1)));
    w.tick(300001);
    expect(w.ask(AC_JOIN_PATH, old).v.code).toBe('E_AC_BR_REPLAY');
  });

  it('refuses an unknown serial number, a revoked one (join and check), a node time outside the window', () => {
    const w = world();
    const ghost = w.join(w.n1, { sn: 'SN-ghost' });
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(ghost))).v.code).toBe('E_AC_UNKNOWN_SN');
    expect(w.ask(AC_CHECK_PATH, w.envelope(AC_CHECK_PATH, JSON.stringify({ sn: 'SN-ghost' }))).status).toBe(404);
    w.stub.revoke(w.n3.id.sn);
    w.eng.revoke(w.n3.id.sn);
    const r = w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(w.join(w.n3))));
    expect([r.status, r.v.code, r.v.codeNum]).toEqual([403, 'E_AC_SN_REVOKED', expect.any(Number)]);
    expect(r.v.grant).toBeUndefined();
    expect(w.ask(AC_CHECK_PATH, w.envelope(AC_CHECK_PATH, JSON.stringify({ sn: w.n3.id.sn }))).v.code).toBe('E_AC_SN_REVOKED');
    const late = w.join(w.n1, undefined, Math.floor(w.now() / 1000) - 301);
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(late))).v.code).toBe('E_AC_TS_WINDOW');
  });

  it('refuses a bad node signature: a flipped byte, a high-S twin, the wrong curve, another MAC', () => {
    const w = world();
    const j = w.join(w.n1);
    const flipped = fromHex(j.sig);
    flipped[10] ^= 1;
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, sig: toHex(flipped) }))).v.code).toBe('E_AC_NODE_SIG');
    // (r, n − s) verifies mathematically; both ACs refuse high S
    const j2 = w.join(w.n1);
    const sig2 = fromHex(j2.sig);
    const high2 = toHex(sig2.subarray(0, 32)) + (P256_ORDER - BigInt('0x' + toHex(sig2.subarray(32)))).toString(16).padStart(64, '0');
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j2, sig: high2 }))).v.code).toBe('E_AC_NODE_SIG');
    // a P-256 node claiming secp160k1
    const j3 = w.join(w.n1);
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j3, curve: 'secp160k1' }))).v.code).toBe('E_AC_NODE_SIG');
    // signed for one MAC, forwarded with another: the signature no longer covers it
    const j4 = w.join(w.n1);
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j4, mac: '020000000009' }))).v.code).toBe('E_AC_NODE_SIG');
    // a good signature over another MAC than the trust list's
    const moved = w.join(w.n1, undefined);
    const stmt = joinStatementBytes(w.n1.id.sn, fromHex('020000000009'), moved.ts, fromHex(moved.nonce), CURVE_P256);
    const other = { ...moved, mac: '020000000009', sig: toHex(cloudSuite(CURVE_P256)!.sign(w.n1.id.priv, stmt)) };
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(other))).v.code).toBe('E_AC_MAC');
    // none of these consumed the nonce of j: it is still accepted
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, JSON.stringify(j))).status).toBe(200);
  });

  it('refuses a bad BR: wrong signature, another BR\'s key, unknown, revoked', () => {
    const w = world();
    const body = JSON.stringify(w.join(w.n1));
    const env = JSON.parse(w.envelope(AC_JOIN_PATH, body));
    const bad = fromHex(env.sig);
    bad[3] ^= 0x80;
    expect(w.ask(AC_JOIN_PATH, JSON.stringify({ ...env, sig: toHex(bad) })).v.code).toBe('E_AC_BR_SIG');
    expect(w.ask(AC_JOIN_PATH, JSON.stringify({ ...env, sig: 'zz' + env.sig.slice(2) })).v.code).toBe('E_AC_BR_SIG');
    // signed by br2's key but naming br
    const forged = JSON.parse(w.envelope(AC_JOIN_PATH, body, w.br2));
    expect(w.ask(AC_JOIN_PATH, JSON.stringify({ ...forged, br: w.br.brId })).v.code).toBe('E_AC_BR_SIG');
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, body, brIdentity('stranger', acPub))).v.code).toBe('E_AC_UNKNOWN_BR');
    w.stub.revokeBr(w.br2.brId);
    w.eng.revokeBr(w.br2.brId);
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, body, w.br2)).v.code).toBe('E_AC_BR_REVOKED');
    // the tampered envelopes did not use up the request: the join still goes through
    expect(w.ask(AC_JOIN_PATH, w.envelope(AC_JOIN_PATH, body)).status).toBe(200);
  });

  it('refuses malformed requests the same way (shapes the stub checks with RegExps)', () => {
    const w = world();
    const j = w.join(w.n1);
    const cases: [string, string][] = [
      ['not json', '{'],
      ['rid upper case', w.envelope(AC_JOIN_PATH, JSON.stringify(j), w.br, { rid: 'A'.repeat(32) })],
      ['rid short', w.envelope(AC_JOIN_PATH, JSON.stringify(j), w.br, { rid: 'a'.repeat(30) })],
      ['path mismatch', w.envelope(AC_CHECK_PATH, JSON.stringify(j))],
      ['mac short', w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, mac: j.mac.slice(2) }))],
      ['nonce upper', w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, nonce: j.nonce.toUpperCase() + '' }))],
      ['eph not 04', w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, eph: '02' + j.eph.slice(2) }))],
      ['eph odd', w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, eph: j.eph + 'a' }))],
      ['eph bare 04', w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, eph: '04' }))],
      ['curve', w.envelope(AC_JOIN_PATH, JSON.stringify({ ...j, curve: 'p384' }))],
      ['body not json', w.envelope(AC_JOIN_PATH, '{sn')],
      ['too large', 'x'.repeat(5000)],
    ];
    for (const [what, json] of cases) {
      const a = w.ask(AC_JOIN_PATH, json);
      expect(a.v.ok, what).toBe(false);
      expect(a.v.code, what).toBe(what === 'too large' ? 'E_AC_TOO_LARGE' : 'E_AC_BAD_REQUEST');
    }
    // an unknown path after a good envelope
    expect(w.ask('/v1/nope', w.envelope('/v1/nope', '{}')).status).toBe(404);
    expect(w.stub.log.length).toBe(cases.length + 1);
  });

  it('isLowerHex: what the stub\'s RegExps accept, without a RegExp', () => {
    const re = (s: string, n: number) => new RegExp('^[0-9a-f]{' + 2 * n + '}$').test(s);
    for (const s of ['', '0', '00', 'ab', 'AB', '0g', '0123456789abcdef', '0123456789abcdeF', ' 01', '01 ', 'zz', 'ffff']) {
      for (const n of [1, 2, 8]) expect(isLowerHex(s, n), JSON.stringify([s, n])).toBe(re(s, n));
      expect(isLowerHex(s, -1), s).toBe(/^([0-9a-f]{2})+$/.test(s));
    }
    expect(isLowerHex(12 as any, 1)).toBe(false);
  });

  it('engineSimAc: the batch\'s AC answers synchronously on a whole-millisecond clock', () => {
    let t = 12345.678;
    const ac = engineSimAc({ acId: 'ac-1', acPriv, trustFor: 60, now: () => CLOCK * 1000 + t });
    const a = ac.endpoint('/v1/check', '{') as { status: number; json: string };
    expect(typeof (a as any).then).toBe('undefined');
    expect(a.status).toBe(400);
    expect(JSON.parse(a.json).ts).toBe(CLOCK * 1000 + 12345);
  });

  it('cloudEngineBatch: node 3 on secp160k1, the engine AC loaded with every BR and node', () => {
    const b = cloudEngineBatch.makeBatch({ enrollees: 3, configurators: 1, random: seeded('batch') });
    expect(ENGINE_SECP160K1_NODES).toEqual([2]);
    expect(b.enrollees.map((n) => n.id.curve)).toEqual([CURVE_P256, CURVE_P256, CURVE_SECP160K1]);
    expect(b.ac.name).toMatch(/cloud-engine-ac\.ts/);
    const br = b.configurators[0].id;
    for (const n of b.enrollees) {
      const r: BrRequest = { v: AC_API_VERSION, br: br.brId, rid: toHex(seeded('r ' + n.device)(16)), ts: CLOCK * 1000, path: AC_CHECK_PATH, body: JSON.stringify({ sn: n.device }), sig: '' };
      r.sig = toHex(p256.sign(utf8Encode(brRequestSignedText(r)), br.priv));
      const a = b.ac.endpoint(AC_CHECK_PATH, JSON.stringify(r)) as { status: number; json: string };
      expect([n.device, a.status]).toEqual([n.device, 200]);
    }
  });
});
