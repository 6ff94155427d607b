/**
 * Issuance (README §3.1, §4.2): the happy path between the cores, and every
 * bad input and attack on it rejected with a typed code and no state change
 * (the very state object comes back): cookie flood at zero multiplications,
 * request MAC failure, replayed request, a device key used for another id,
 * forged certificate (wrong CA key), R_U / P_U off the curve, at infinity or
 * with x ≥ p, a d_U that fails the d_U·G check, revoked and unknown devices,
 * the shared-key option's warning, commit on success.
 */
import { describe, it, expect } from 'vitest';
import { p256 as nobleP256 } from '@noble/curves/nist.js';
import { sha256 as nobleSha } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import {
  T_HELLO, T_HELLO_VERIFY, T_REQUEST, T_RESPONSE, T_FINISHED, T_CONFIG, T_ACK, T_CRL, decodeFrame, encodeRequestBody, encodeResponseBody, withTag, encodeHello, TAG_LEN,
} from '../../firmware/protocols/ecqv/frames.ts';
import { cookieOf, issueTh0, requestTag, issueTh1, responseTag, KEYMODE_SHARED, requestKey } from '../../firmware/protocols/ecqv/keys.ts';
import { decodeCredential } from '../../firmware/protocols/ecqv/records.ts';
import { CRED_FILE } from '../../firmware/protocols/ecqv/enrollee.ts';
import { parseCert } from '../../firmware/protocols/ecqv/cert.ts';
import * as K from '../../firmware/protocols/ecqv/codes.ts';
import * as C from '../../firmware/codec/codes.ts';
import { toHex, concatBytes, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { lab, Lab, sentOfType, issueAll, flip, typeOf, CONFIG } from './fixtures.ts';
import { mults, zeroCounts, key, rng, macOf, same, Node } from './driver.ts';

/** Deliver until the next frame in flight is of `type` (answering joins on the way); returns it, undelivered. */
function advanceTo(L: Lab, type: number, max = 200): Uint8Array {
  for (let i = 0; i < max; i++) {
    const f = L.net.inflight[0];
    if (f && typeOf(f.bytes) === type) return f.bytes;
    if (f) L.net.deliverOne();
    else if (!L.net.resolveJoins()) throw new Error('nothing in flight before type ' + type);
  }
  throw new Error('no frame of type ' + type);
}

function start(L: Lab): void {
  L.net.boot(L.caNode);
  for (const b of L.boards) L.net.boot(b);
}

/** Feed one frame and expect it refused: typed code, the same state object, no sends. */
function refused(L: Lab, to: Node, from: Uint8Array, bytes: Uint8Array, code: number) {
  const prev = to.state;
  const r = L.net.inject(to, from, bytes);
  expect(r.code, 'code ' + C.commonCodeName(r.code)).toBe(code);
  expect(r.state).toBe(prev);
  expect(r.effects.filter((e) => e.t === 'send' || e.t === 'store')).toEqual([]);
  return r;
}

/** A REQUEST from `from` for id U with request key kU, with a valid cookie from the CA's state. */
function craftRequest(L: Lab, from: Uint8Array, U: Uint8Array, kU: Uint8Array, RU: Uint8Array, nonce?: Uint8Array, epochShift = 0): Uint8Array {
  const st = L.caNode.state;
  const nu = nonce || rng(99)(16);
  const cookie = cookieOf(L.s, st.ck, from, U, nu, 0, Math.floor(L.net.now / st.opt.cookieMs) + epochShift);
  const body = encodeRequestBody(L.s.id, U, nu, 0, cookie, RU);
  return withTag(body, requestTag(L.s, kU, issueTh0(L.s, L.ca.caPub, body)));
}

describe('ecqv issuance: happy path', () => {
  it('certifies and provisions: the stored credential reconstructs a key the CA certified (checked with @noble/curves)', () => {
    const L = lab({ boards: 2 });
    expect(issueAll(L)).toBe(true);
    for (let i = 0; i < 2; i++) {
      const b = L.boards[i];
      const store = b.stores.find((x) => x.file === CRED_FILE)!;
      const d = decodeCredential(store.bytes);
      expect(d.code).toBe(0);
      expect(d.cfg).toEqual(CONFIG);
      const pc = parseCert(d.cred!.cert, 1, 33).c!;
      expect(toHex(pc.U)).toBe(toHex(L.ids[i].U));
      // Independently: Q_U = e·P_U + Q_CA with e = the leftmost 255 bits of SHA-256(Cert_U), and d_U·G = Q_U.
      const e = BigInt('0x' + toHex(nobleSha(d.cred!.cert))) >> 1n;
      const QU = nobleP256.Point.fromBytes(pc.PU).multiply(e).add(nobleP256.Point.fromBytes(L.ca.caPub));
      expect(QU.equals(nobleP256.Point.BASE.multiply(BigInt('0x' + toHex(d.cred!.dU))))).toBe(true);
      expect(toHex(d.cred!.dQca)).toBe(toHex(nobleP256.Point.fromBytes(L.ca.caPub).multiply(BigInt('0x' + toHex(d.cred!.dU))).toBytes(false)));
      expect(pc.T).toBeGreaterThanOrEqual(L.ca.clockBase);
      expect(pc.T).toBeLessThanOrEqual(L.ca.clockBase + Math.ceil(L.net.now / 1000));
      expect(pc.hours).toBe(L.ca.hours);
    }
    expect(L.caNode.audits.filter((a) => a.code === 0).map((a) => a.device).sort()).toEqual(L.ids.map((x) => toHex(x.U)).sort());
    // Enrollee cost per certificate: one request, one receive (Straus + base), one cache; CA: one issue, one agree (+ one cache at boot).
    for (const c of L.counts) expect(c).toMatchObject({ request: 1, receive: 1, cacheCa: 1, agree: 0, issue: 0 });
    expect(L.caCounts).toMatchObject({ issue: 2, agree: 2, cacheCa: 1, request: 0 });
  });

  it('every issuance frame fits ESP-NOW and has the size of the spec table, on both suites', () => {
    for (const [suite, want] of [[1, { 1: 37, 2: 48, 3: 101, 4: 124, 5: 24, 7: 21 }], [2, { 1: 37, 2: 48, 3: 89, 4: 101, 5: 24, 7: 21 }]] as const) {
      const L = lab({ suite });
      expect(issueAll(L)).toBe(true);
      for (const [t, n] of Object.entries(want)) for (const f of sentOfType(L.net, Number(t))) expect(f.length, 'type ' + t).toBe(n);
      for (const f of L.net.sent) expect(f.bytes.length).toBeLessThanOrEqual(250);
    }
  });
});

describe('ecqv issuance: the cookie', () => {
  it('a flood of requests without a valid cookie costs zero scalar multiplications and changes nothing; the device still completes', () => {
    const L = lab();
    start(L);
    const r = rng(5);
    const U = L.ids[0].U;
    const attacker = macOf(200);
    const before = { ...L.caCounts };
    let n = 0;
    for (let i = 0; i < 300; i++) {
      // Random cookies, a valid cookie for another MAC, one from a stale epoch, and garbage in every field.
      const kind = i % 4;
      let req: Uint8Array;
      if (kind === 0) req = withTag(encodeRequestBody(1, U, r(16), 0, r(16), L.s.publicKey(key(L.s, 'x' + i))), r(16));
      else if (kind === 1) req = craftRequest(L, macOf(201), U, L.ids[0].kU, L.s.publicKey(key(L.s, 'y')), r(16));
      else if (kind === 2) req = craftRequest(L, attacker, U, L.ids[0].kU, L.s.publicKey(key(L.s, 'z')), r(16), -2);
      else req = withTag(encodeRequestBody(1, r(8), r(16), i, r(16), flip(L.s.publicKey(key(L.s, 'w')), 5)), r(16));
      refused(L, L.caNode, attacker, req, K.E_COOKIE);
      n++;
    }
    expect(n).toBe(300);
    expect(mults(L.caCounts) - mults(before)).toBe(0);
    // HELLOs cost a HMAC and leave the state as it was (the cookie lives in the enrollee).
    for (let i = 0; i < 50; i++) {
      const prev = L.caNode.state;
      const s = L.net.inject(L.caNode, macOf(300 + i), encodeHello(1, U, r(16), 0, 7));
      expect(s.state).toBe(prev);
      expect(s.effects.map((e) => e.t)).toEqual(['send']);
      expect(typeOf((s.effects[0] as any).bytes)).toBe(T_HELLO_VERIFY);
    }
    expect(mults(L.caCounts) - mults(before)).toBe(0);
    L.net.inflight = L.net.inflight.filter((f) => typeOf(f.bytes) !== T_HELLO_VERIFY || same(f.to, L.boards[0].mac));
    expect(L.net.run(() => L.caNode.audits.some((a) => a.code === 0), 2000)).toBe(true);
  });

  it('a valid cookie and a bad request MAC: E_AUTH_REQUEST, zero multiplications; a device key cannot request for another id', () => {
    const L = lab({ boards: 2 });
    start(L);
    const from = macOf(77);
    const RU = L.s.publicKey(key(L.s, 'r'));
    refused(L, L.caNode, from, flip(craftRequest(L, from, L.ids[0].U, L.ids[0].kU, RU), 100), K.E_AUTH_REQUEST);
    // Board 1's key, board 0's id (per-device keys: one leaked board cannot speak for another).
    refused(L, L.caNode, from, craftRequest(L, from, L.ids[0].U, L.ids[1].kU, RU), K.E_AUTH_REQUEST);
    // ...but its own id works: that is all a leaked K_U gives.
    const ok = L.net.inject(L.caNode, from, craftRequest(L, from, L.ids[1].U, L.ids[1].kU, RU));
    expect(ok.code).toBe(0);
    expect(typeOf((ok.effects.find((e) => e.t === 'send') as any).bytes)).toBe(T_RESPONSE);
    expect(L.caCounts.issue).toBe(1);
  });

  it('a cookie expires after two epochs', () => {
    const L = lab();
    start(L);
    const from = macOf(78);
    const req = craftRequest(L, from, L.ids[0].U, L.ids[0].kU, L.s.publicKey(key(L.s, 'r')));
    L.net.now += 2 * L.caNode.state.opt.cookieMs;
    refused(L, L.caNode, from, req, K.E_COOKIE);
  });
});

describe('ecqv issuance: replay, MAC failures, forged certificates', () => {
  it('a replayed REQUEST after the session: E_REPLAY, zero multiplications, no state change', () => {
    const L = lab({ caOpt: { cookieMs: 3_600_000 } });
    expect(issueAll(L)).toBe(true);
    const req = sentOfType(L.net, T_REQUEST, L.boards[0])[0];
    const before = mults(L.caCounts);
    refused(L, L.caNode, L.boards[0].mac, req, K.E_REPLAY);
    expect(mults(L.caCounts)).toBe(before);
  });

  it('a duplicate REQUEST during its session gets the same RESPONSE bytes, no new work', () => {
    const L = lab();
    start(L);
    const req = advanceTo(L, T_REQUEST);
    L.net.deliverOne();
    const resp = L.net.inflight[0].bytes;
    expect(typeOf(resp)).toBe(T_RESPONSE);
    const issued = L.caCounts.issue;
    const prev = L.caNode.state;
    const again = L.net.inject(L.caNode, L.boards[0].mac, req);
    expect(again.state).toBe(prev);
    expect((again.effects[0] as any).bytes).toEqual(resp);
    expect(L.caCounts.issue).toBe(issued);
  });

  it('REQUEST and RESPONSE with a flipped MAC byte, or an old RESPONSE: refused, nothing changes', () => {
    const L = lab();
    start(L);
    const req = advanceTo(L, T_REQUEST);
    refused(L, L.caNode, L.boards[0].mac, flip(req, req.length - 1), K.E_AUTH_REQUEST);
    L.net.deliverOne();
    const resp = advanceTo(L, T_RESPONSE);
    const caMac = L.caNode.mac;
    refused(L, L.boards[0], caMac, flip(resp, resp.length - 3), K.E_AUTH_RESPONSE);
    refused(L, L.boards[0], caMac, flip(resp, 30), K.E_AUTH_RESPONSE); // inside the certificate
    refused(L, L.boards[0], macOf(99), resp, C.E_PEER);
    L.net.deliverOne();
    expect(L.net.run(() => L.caNode.audits.some((a) => a.code === 0), 500)).toBe(true);
    // A RESPONSE from that finished session, replayed into the next one: its MAC is over another request.
    L.caNode.state.dev = {};
    L.caNode.state.grp = { '': { ...CONFIG, version: 2 } };
    expect(L.net.run(() => L.boards[0].state.en.ph === 2, 500)).toBe(true);
    refused(L, L.boards[0], caMac, resp, K.E_AUTH_RESPONSE);
  });

  it('forged certificate with our CA id, signed-off by the right MAC: the d_U·G check fails (E_ECQV_CHECK)', () => {
    const L = lab();
    const rogueD = key(L.s, 'rogue ca');
    start(L);
    advanceTo(L, T_REQUEST);
    L.net.deliverOne();
    const resp = advanceTo(L, T_RESPONSE);
    const f = decodeFrame(resp).frame!;
    const en = L.boards[0].state.en;
    // Re-issue for the same R_U and meta with another CA key, and MAC it with K_U as the real CA would.
    const meta = f.cert!.slice(33);
    const iss = L.s.issue(rogueD, en.req.RU, meta, rng(3));
    const body = encodeResponseBody(1, f.sid, f.nonce!, iss.cert, iss.s);
    const forged = withTag(body, responseTag(L.s, L.ids[0].kU, issueTh1(L.s, en.rq.th0, en.rq.tagQ, body)));
    refused(L, L.boards[0], L.caNode.mac, forged, K.E_ECQV_CHECK);
    // s changed by one: the same check catches it.
    const body2 = encodeResponseBody(1, f.sid, f.nonce!, f.cert!, flip(f.s!, 31));
    const bad = withTag(body2, responseTag(L.s, L.ids[0].kU, issueTh1(L.s, en.rq.th0, en.rq.tagQ, body2)));
    refused(L, L.boards[0], L.caNode.mac, bad, K.E_ECQV_CHECK);
    // A certificate naming another CA is refused before any EC work.
    const meta3 = meta.slice();
    meta3[meta3.length - 1] ^= 1;
    const iss3 = L.s.issue(rogueD, en.req.RU, meta3, rng(4));
    const body3 = encodeResponseBody(1, f.sid, f.nonce!, iss3.cert, iss3.s);
    const before = L.counts[0].receive;
    refused(L, L.boards[0], L.caNode.mac, withTag(body3, responseTag(L.s, L.ids[0].kU, issueTh1(L.s, en.rq.th0, en.rq.tagQ, body3))), K.E_CA_ID);
    expect(L.counts[0].receive).toBe(before);
    // and the real one still works afterwards
    expect(L.net.inject(L.boards[0], L.caNode.mac, resp).code).toBe(0);
  });
});

describe('ecqv issuance: invalid points', () => {
  const P = BigInt('0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff');
  const hex32 = (v: bigint) => v.toString(16).padStart(64, '0');
  /** x with no point on P-256 (x³ − 3x + b not a square), found with @noble's field. */
  function offCurveX(): Uint8Array {
    const Fp = nobleP256.Point.Fp;
    const b = BigInt('0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b');
    for (let x = 1n; ; x++) {
      const rhs = Fp.add(Fp.sub(Fp.mul(Fp.mul(x, x), x), Fp.mul(3n, x)), b);
      if (Fp.pow(rhs, (P - 1n) / 2n) !== 1n) return Uint8Array.from(Buffer.from(hex32(x), 'hex'));
    }
  }
  const badPoints: [string, Uint8Array][] = [
    ['off the curve', concatBytes([new Uint8Array([2]), offCurveX()])],
    ['x = p', concatBytes([new Uint8Array([2]), Uint8Array.from(Buffer.from(hex32(P), 'hex'))])],
    ['x > p (all 0xff)', concatBytes([new Uint8Array([3]), new Uint8Array(32).fill(255)])],
    ['infinity (prefix 0)', new Uint8Array(33)],
    ['bad prefix 4 at compressed length', concatBytes([new Uint8Array([4]), new Uint8Array(32).fill(1)])],
  ];

  it.each(badPoints)('R_U %s: the CA refuses with E_BAD_POINT, no state change, no RESPONSE', (_n, RU) => {
    const L = lab();
    start(L);
    refused(L, L.caNode, macOf(90), craftRequest(L, macOf(90), L.ids[0].U, L.ids[0].kU, RU), C.E_BAD_POINT);
  });

  it.each(badPoints)('P_U %s in an authentic RESPONSE: the enrollee refuses with E_BAD_POINT, no state change', (_n, PU) => {
    const L = lab();
    start(L);
    advanceTo(L, T_REQUEST);
    L.net.deliverOne();
    const f = decodeFrame(advanceTo(L, T_RESPONSE)).frame!;
    const en = L.boards[0].state.en;
    const cert = concatBytes([PU, f.cert!.slice(33)]);
    const body = encodeResponseBody(1, f.sid, f.nonce!, cert, f.s!);
    const resp = withTag(body, responseTag(L.s, L.ids[0].kU, issueTh1(L.s, en.rq.th0, en.rq.tagQ, body)));
    refused(L, L.boards[0], L.caNode.mac, resp, C.E_BAD_POINT);
  });
});

describe('ecqv issuance: device list, key modes, commit on success', () => {
  it('a revoked device: its HELLO gets nothing, its REQUEST E_REVOKED; an unlisted one E_UNKNOWN_DEVICE — all silent, no multiplications', () => {
    const L = lab({ boards: 2, revoked: [0], unlisted: [1] });
    start(L);
    for (const i of [0, 1]) {
      const prev = L.caNode.state;
      const h = L.net.inject(L.caNode, L.boards[i].mac, encodeHello(1, L.ids[i].U, rng(i)(16), 0, 7));
      expect(h.effects).toEqual([]);
      expect(h.state).toBe(prev);
      expect(h.code).toBe(i === 0 ? C.E_REVOKED : K.E_UNKNOWN_DEVICE);
    }
    refused(L, L.caNode, macOf(91), craftRequest(L, macOf(91), L.ids[0].U, L.ids[0].kU, L.s.publicKey(key(L.s, 'q'))), C.E_REVOKED);
    refused(L, L.caNode, macOf(91), craftRequest(L, macOf(91), L.ids[1].U, L.ids[1].kU, L.s.publicKey(key(L.s, 'q'))), K.E_UNKNOWN_DEVICE);
    expect(L.caCounts).toMatchObject({ issue: 0, agree: 0, cacheCa: 1, sign: 1 }); // boot: d_CA·Q_CA and the CRL signature
  });

  it("the paper's shared request key works but the CA warns at every boot (W_SHARED_KEY)", () => {
    const L = lab({ boards: 2, ca: { mode: KEYMODE_SHARED } });
    for (const id of L.ids) expect(id.kU).toEqual(L.ca.master); // every device holds the same K
    expect(issueAll(L)).toBe(true);
    expect(L.caNode.reports.filter((r) => r.code === K.W_SHARED_KEY)).toHaveLength(1);
    // ...and here is why it warns: device 1's key makes a valid request for device 0.
    const L2 = lab({ boards: 2, ca: { mode: KEYMODE_SHARED } });
    start(L2);
    const ok = L2.net.inject(L2.caNode, macOf(9), craftRequest(L2, macOf(9), L2.ids[0].U, L2.ids[1].kU, L2.s.publicKey(key(L2.s, 'k'))));
    expect(ok.code).toBe(0);
  });

  it('the request key is HMAC-SHA256(master, label ‖ U) (checked with @noble/hashes)', () => {
    const L = lab();
    const want = hmac(nobleSha, L.ca.master, concatBytes([utf8Encode('nowboard ecqv2 request key'), L.ids[0].U]));
    expect(toHex(L.ids[0].kU)).toBe(toHex(want));
    expect(toHex(requestKey(L.s, L.ca.master, L.ids[0].U, 1))).toBe(toHex(want));
  });

  it('commit on success: a wrong PSK stores nothing, the ACK reports the Wi-Fi code, the CA audits it', () => {
    const L = lab();
    L.net.aps = { lab: 'another passphrase' };
    start(L);
    expect(L.net.run(() => L.caNode.audits.length > 0, 500)).toBe(true);
    expect(L.caNode.audits[0].code).toBe(C.WIFI_AUTH_FAIL);
    expect(L.boards[0].stores).toEqual([]);
    expect(L.boards[0].state.en.cred).toBeNull();
    expect(L.boards[0].reports.some((r) => r.code === C.I_JOIN_FAILED)).toBe(true);
  });

  it('after issuance the CA sends the enrollee its signed CRL, which the board verifies and adopts', () => {
    const L = lab({ boards: 2, revoked: [1] });
    expect(issueAllOnly(L, 0)).toBe(true);
    const unicast = L.net.sent.filter((f) => typeOf(f.bytes) === T_CRL && same(f.to, L.boards[0].mac));
    expect(unicast.length).toBe(1);
    expect(L.boards[0].state.pw.crl.version).toBe(1);
    expect(Object.keys(L.boards[0].state.pw.crl.ids)).toEqual([toHex(L.ids[1].U)]);
  });
});

function issueAllOnly(L: Lab, i: number): boolean {
  L.net.boot(L.caNode);
  L.net.boot(L.boards[i]);
  const ok = L.net.run(() => L.caNode.audits.some((a) => a.code === 0), 2000);
  L.net.deliverAll();
  return ok;
}

void T_HELLO; void T_FINISHED; void T_CONFIG; void T_ACK; void TAG_LEN; void zeroCounts;
