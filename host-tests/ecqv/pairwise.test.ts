/**
 * Pairwise keys between certified boards with the CA off (README §3.2, §4.2,
 * §5): the happy path, the cost (one multiplication per new peer, counted),
 * and every attack rejected with a typed code and no state change: expired,
 * revoked (CRL), forged (another CA key), invalid peer point, replayed
 * exchange, a relay swapping certificates, app-message replay and tampering,
 * and a bad CRL.
 */
import { describe, it, expect } from 'vitest';
import { p256 as nobleP256 } from '@noble/curves/nist.js';
import { sha256 as nobleSha } from '@noble/hashes/sha2.js';
import { T_P_HELLO, T_P_RESP, T_P_FIN, T_APP, T_CRL, decodeFrame, encodePHello, encodeCrlBody, withSig } from '../../firmware/protocols/ecqv/frames.ts';
import { encodeCertMeta } from '../../firmware/protocols/ecqv/cert.ts';
import { caIdOf } from '../../firmware/protocols/ecqv/keys.ts';
import { PAIR_HELLO_TIMER, CRL_FILE } from '../../firmware/protocols/ecqv/peer.ts';
import * as K from '../../firmware/protocols/ecqv/codes.ts';
import * as C from '../../firmware/codec/codes.ts';
import { toHex, concatBytes } from '../../firmware/bytes/bytes.ts';
import { lab, Lab, issueAll, sentOfType, flip, typeOf } from './fixtures.ts';
import { key, rng, macOf, same, Node, T0 } from './driver.ts';

/** Issue to every board (no peers listed), then hand boards their peer lists by hand. */
function certified(o: Parameters<typeof lab>[0] = {}): Lab {
  const L = lab({ boards: 3, ...o });
  expect(issueAll(L)).toBe(true);
  L.net.inflight = [];
  for (const b of L.boards) for (const id of Object.keys(b.timers)) if (id.startsWith('p:')) delete b.timers[id];
  return L;
}

const hx = (L: Lab, i: number) => toHex(L.ids[i].U);

/** Give board i the peer list (its credential again): what the board does after a configuration with `peers`. */
function want(L: Lab, i: number, peers: number[]): void {
  const b = L.boards[i];
  L.net.command(b, { op: 'credential', cred: b.state.en.cred, want: peers.map((p) => hx(L, p)) });
}

/** Boards ordered by id: pairwise, the smaller id initiates. */
function byId(L: Lab): number[] {
  return L.boards.map((_, i) => i).sort((a, b) => (hx(L, a) < hx(L, b) ? -1 : 1));
}

function refused(L: Lab, to: Node, from: Uint8Array, bytes: Uint8Array, code: number) {
  const prev = to.state;
  const r = L.net.inject(to, from, bytes);
  expect(r.code, K.codeName(r.code)).toBe(code);
  expect(r.state).toBe(prev);
  expect(r.effects.filter((e) => e.t === 'send' && typeOf(e.bytes) !== T_CRL)).toEqual([]);
  return r;
}

/** The initiator's next P_HELLO towards `target` (fires its hello timer). */
function pHello(L: Lab, ini: number, target: number): Uint8Array {
  L.net.fire(L.boards[ini], PAIR_HELLO_TIMER);
  const f = L.net.inflight.find((x) => typeOf(x.bytes) === T_P_HELLO && same(decodeFrame(x.bytes).frame!.U!, L.ids[target].U))!;
  L.net.inflight = [];
  return f.bytes;
}

describe('ecqv pairwise: happy path and cost', () => {
  it('every pair among 4 boards agrees one key (the same 32 bytes on both sides) and exchanges an app message each way', () => {
    const L = lab({ boards: 4, pairers: 4 });
    expect(issueAll(L)).toBe(true);
    expect(L.net.run(() => L.boards.every((b) => b.pairwise.length === 3), 5000)).toBe(true);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        if (i === j) continue;
        const a = L.boards[i].pairwise.find((p) => p.peer === hx(L, j))!;
        const b = L.boards[j].pairwise.find((p) => p.peer === hx(L, i))!;
        expect(toHex(a.key)).toBe(toHex(b.key));
        expect(same(a.mac, L.boards[j].mac)).toBe(true);
      }
      // Cost: exactly one agreement (one variable-base multiplication) per new peer; the rest is the issuance's.
      expect(L.counts[i]).toMatchObject({ agree: 3, request: 1, receive: 1, cacheCa: 1, issue: 0, sign: 0 });
    }
    // Keys differ between pairs.
    const keys = new Set(L.boards.flatMap((b) => b.pairwise.map((p) => toHex(p.key))));
    expect(keys.size).toBe(6);
    for (let i = 0; i < 4; i++) for (const p of L.boards[i].pairwise) L.net.command(L.boards[i], { op: 'send', peer: p.peer, text: 'hi ' + i });
    L.net.deliverAll();
    for (let i = 0; i < 4; i++) {
      const got = L.boards[i].reports.filter((r) => r.code === K.I_APP_MESSAGE).map((r) => r.detail).sort();
      expect(got).toEqual([0, 1, 2, 3].filter((j) => j !== i).map((j) => hx(L, j) + ' hi ' + j).sort());
    }
    for (const f of L.net.sent) expect(f.bytes.length).toBeLessThanOrEqual(250);
    expect(sentOfType(L.net, T_P_HELLO)[0].length).toBe(88);
    expect(sentOfType(L.net, T_P_RESP)[0].length).toBe(96);
    expect(sentOfType(L.net, T_P_FIN)[0].length).toBe(24);
  });

  it('the shared secret under the session keys is x(d_I·Q_R), computed with @noble/curves from the certificates alone', () => {
    const L = certified({ boards: 2 });
    const [a, b] = byId(L);
    want(L, a, [b]);
    want(L, b, [a]);
    expect(L.net.run(() => L.boards[a].pairwise.length === 1 && L.boards[b].pairwise.length === 1, 200)).toBe(true);
    const credA = L.boards[a].state.en.cred, credB = L.boards[b].state.en.cred;
    const QB = nobleP256.Point.fromBytes(credB.cert.subarray(0, 33)).multiply(BigInt('0x' + toHex(nobleSha(credB.cert))) >> 1n).add(nobleP256.Point.fromBytes(L.ca.caPub));
    const z = QB.multiply(BigInt('0x' + toHex(credA.dU))).toBytes(true).subarray(1);
    expect(toHex(L.s.agree(credA.dU, credA.dQca, credB.cert))).toBe(toHex(z));
  });
});

describe('ecqv pairwise: attacks, each refused before any multiplication where it can be', () => {
  it('an expired certificate: E_EXPIRED at the responder and at the initiator, zero multiplications', () => {
    const L = certified({ boards: 2, ca: { hours: 1 } });
    const [a, b] = byId(L);
    want(L, a, [b]);
    want(L, b, [a]);
    const hello = pHello(L, a, b);
    const rb = L.net.inject(L.boards[b], L.boards[a].mac, hello); // still valid: b answers
    const resp = (rb.effects.find((e) => e.t === 'send' && typeOf(e.bytes) === T_P_RESP) as any).bytes;
    L.net.inflight = [];
    L.net.now += 2 * 3600 * 1000;
    const before = [L.counts[a].agree, L.counts[b].agree];
    refused(L, L.boards[b], L.boards[a].mac, hello, K.E_EXPIRED);
    refused(L, L.boards[a], L.boards[b].mac, resp, K.E_EXPIRED);
    expect([L.counts[a].agree, L.counts[b].agree]).toEqual(before);
  });

  it('a revoked peer (CRL from the CA): E_REVOKED, zero multiplications; the CRL also drops an existing pair', () => {
    const L = certified({ boards: 3 });
    const [a, b, c] = byId(L);
    want(L, a, [b, c]);
    want(L, b, [a, c]);
    want(L, c, [a, b]);
    expect(L.net.run(() => L.boards.every((x) => x.pairwise.length === 2), 2000)).toBe(true);
    L.net.inflight = [];
    const helloA = sentOfType(L.net, T_P_HELLO, L.boards[a]).find((f) => same(decodeFrame(f).frame!.U!, L.ids[c].U))!;
    L.net.command(L.caNode, { op: 'revoke', id: L.ids[a].U });
    const crl = L.net.inflight.find((f) => typeOf(f.bytes) === T_CRL)!.bytes;
    L.net.deliverAll();
    for (const i of [b, c]) {
      expect(L.boards[i].state.pw.crl.version).toBe(1);
      expect(L.boards[i].state.pw.pairs[hx(L, a)]).toBeUndefined();
      expect(L.boards[i].stores.some((s) => s.file === CRL_FILE)).toBe(true);
    }
    const before = L.counts[c].agree;
    refused(L, L.boards[c], L.boards[a].mac, helloA, C.E_REVOKED);
    expect(L.counts[c].agree).toBe(before);
    // An old CRL (or the same) is ignored without verifying; a tampered one is E_CRL; another CA's is E_CA_ID.
    refused(L, L.boards[b], L.caNode.mac, crl, C.E_UP_TO_DATE);
    const f = decodeFrame(crl).frame!;
    const body2 = encodeCrlBody(1, f.caId!, 2, []);
    refused(L, L.boards[b], macOf(66), withSig(body2, f.sig!), K.E_CRL);
    refused(L, L.boards[b], macOf(66), withSig(encodeCrlBody(1, new Uint8Array([1, 2, 3, 4]), 9, []), f.sig!), K.E_CA_ID);
  });

  it('CRL gossip: a board that announces an older CRL version gets ours', () => {
    const L = certified({ boards: 3 });
    const [a, b, c] = byId(L);
    L.net.command(L.caNode, { op: 'revoke', id: L.ids[c].U });
    const crl = L.net.inflight.find((f) => typeOf(f.bytes) === T_CRL)!.bytes;
    L.net.inflight = [];
    L.net.inject(L.boards[b], L.caNode.mac, crl); // only b hears the CA
    expect(L.boards[a].state.pw.crl.version).toBe(0);
    want(L, a, [b]);
    want(L, b, [a]);
    const hello = pHello(L, a, b);
    const r = L.net.inject(L.boards[b], L.boards[a].mac, hello);
    const sentCrl = r.effects.find((e) => e.t === 'send' && typeOf(e.bytes) === T_CRL) as any;
    expect(sentCrl && same(sentCrl.to, L.boards[a].mac)).toBe(true);
    L.net.inject(L.boards[a], L.boards[b].mac, sentCrl.bytes);
    expect(L.boards[a].state.pw.crl.version).toBe(1);
    expect(Object.keys(L.boards[a].state.pw.crl.ids)).toEqual([hx(L, c)]);
  });

  it('a forged certificate (another CA key, our CA id): the Finished fails on both sides (E_AUTH_FINISHED), no state change', () => {
    const L = certified({ boards: 2 });
    const [a, b] = byId(L);
    // The forger's certificate for id "ff..": issued by a rogue key, naming our CA; its key pair is what a rogue gives it.
    const rogue = key(L.s, 'rogue');
    const req = L.s.request(rng(8));
    const U = new Uint8Array(8).fill(0xff);
    const iss = L.s.issue(rogue, req.RU, encodeCertMeta(1, U, T0, 100, caIdOf(L.s, L.ca.caPub)), rng(9));
    const dF = L.s.receive(req.kU, iss.cert, iss.s, L.s.publicKey(rogue)).dU;
    const forger = L.net.addBoard('forger', { suite: 1, U, kU: new Uint8Array(32), caPub: L.ca.caPub }, {
      cred: { cert: iss.cert, dU: dF, dQca: L.s.cacheCa(dF, L.ca.caPub) }, cfg: L.boards[a].state.en.cfg, want: [hx(L, a)],
    });
    L.net.boot(forger);
    void b;
    L.net.command(L.boards[a], { op: 'credential', cred: L.boards[a].state.en.cred, want: [toHex(U)] });
    // a (smaller id) initiates to the forger; the forger answers with a P_RESP under its (wrong) key.
    L.net.inflight = [];
    L.net.fire(L.boards[a], PAIR_HELLO_TIMER);
    const hello = L.net.inflight.find((x) => typeOf(x.bytes) === T_P_HELLO)!.bytes;
    L.net.inflight = [];
    const rr = L.net.inject(forger, L.boards[a].mac, hello);
    const resp = (rr.effects.find((e) => e.t === 'send' && typeOf(e.bytes) === T_P_RESP) as any).bytes;
    const before = L.boards[a].state;
    const r = L.net.inject(L.boards[a], forger.mac, resp);
    expect(r.code).toBe(K.E_AUTH_FINISHED);
    expect(r.state).toBe(before);
    expect(L.boards[a].pairwise).toHaveLength(0);
  });

  it('a peer point off the curve or with x ≥ p: E_BAD_POINT, no state change', () => {
    const L = certified({ boards: 2 });
    const [a, b] = byId(L);
    want(L, a, [b]);
    want(L, b, [a]);
    const hello = pHello(L, a, b);
    const certOff = 8 + 8 + 16 + 4;
    const xp = hello.slice();
    for (let i = 1; i <= 32; i++) xp[certOff + i] = 0xff;
    refused(L, L.boards[b], L.boards[a].mac, xp, C.E_BAD_POINT);
    const inf = hello.slice();
    inf[certOff] = 0;
    refused(L, L.boards[b], L.boards[a].mac, inf, C.E_BAD_POINT);
    // x with no point: flip the low bit of x until decompression fails
    for (let k = 0; k < 40; k++) {
      const off = hello.slice();
      off[certOff + 32] ^= k + 1;
      try {
        nobleP256.Point.fromBytes(off.subarray(certOff, certOff + 33));
      } catch {
        refused(L, L.boards[b], L.boards[a].mac, off, C.E_BAD_POINT);
        return;
      }
    }
    throw new Error('no off-curve x found');
  });

  it('a replayed exchange: the P_HELLO gets E_REPLAY with zero multiplications; the P_FIN is a duplicate; an old P_RESP fails the new Finished', () => {
    const L = certified({ boards: 2 });
    const [a, b] = byId(L);
    want(L, a, [b]);
    want(L, b, [a]);
    expect(L.net.run(() => L.boards[a].pairwise.length === 1 && L.boards[b].pairwise.length === 1, 200)).toBe(true);
    const hello = sentOfType(L.net, T_P_HELLO, L.boards[a]).slice(-1)[0];
    const resp = sentOfType(L.net, T_P_RESP, L.boards[b]).slice(-1)[0];
    const fin = sentOfType(L.net, T_P_FIN, L.boards[a]).slice(-1)[0];
    L.net.inflight = [];
    const agreeB = L.counts[b].agree;
    refused(L, L.boards[b], L.boards[a].mac, hello, K.E_REPLAY);
    expect(L.counts[b].agree).toBe(agreeB);
    refused(L, L.boards[b], L.boards[a].mac, fin, C.E_DUPLICATE);
    // a starts a new exchange (say it lost its pair): the old P_RESP does not fit the new transcript.
    const st = L.boards[a].state;
    L.boards[a].state = { ...st, pw: { ...st.pw, pairs: {} } };
    pHello(L, a, b);
    refused(L, L.boards[a], L.boards[b].mac, resp, K.E_AUTH_FINISHED);
  });

  it('a relay swapping certificates between two exchanges: each Finished fails (E_AUTH_FINISHED)', () => {
    const L = certified({ boards: 3 });
    const [a, b, c] = byId(L);
    want(L, a, [b, c]);
    want(L, b, [a, c]);
    want(L, c, [a, b]);
    const certOf = (i: number) => L.boards[i].state.en.cred.cert as Uint8Array;
    // 1) a → b, the relay puts c's certificate in the P_HELLO: b answers "c", a cannot verify b's Finished.
    const hello = pHello(L, a, b);
    const fh = decodeFrame(hello).frame!;
    const swapped = encodePHello(1, fh.U!, fh.nonce!, fh.crl!, certOf(c));
    const rb = L.net.inject(L.boards[b], L.boards[a].mac, swapped);
    expect(rb.code).toBe(0);
    const resp = (rb.effects.find((e) => e.t === 'send' && typeOf(e.bytes) === T_P_RESP) as any).bytes;
    refused(L, L.boards[a], L.boards[b].mac, resp, K.E_AUTH_FINISHED);
    // 2) a → c honestly, c's P_RESP with b's certificate spliced in: the tag was made over c's certificate.
    L.net.inflight = [];
    const hello2 = pHello(L, a, c);
    const rc = L.net.inject(L.boards[c], L.boards[a].mac, hello2);
    const resp2 = (rc.effects.find((e) => e.t === 'send' && typeOf(e.bytes) === T_P_RESP) as any).bytes as Uint8Array;
    const spliced = resp2.slice();
    spliced.set(certOf(b), 8 + 16 + 4);
    refused(L, L.boards[a], L.boards[c].mac, spliced, K.E_AUTH_FINISHED); // a's pending exchange with b; the tag is c's
    expect(L.net.inject(L.boards[a], L.boards[c].mac, resp2).code).toBe(0); // the honest one still pairs a and c
    expect(L.boards[a].pairwise.map((p) => p.peer)).toEqual([hx(L, c)]);
  });

  it('app messages: a replayed or tampered APP frame is E_AUTH_APP; an unknown session E_NO_SESSION', () => {
    const L = certified({ boards: 2 });
    const [a, b] = byId(L);
    want(L, a, [b]);
    want(L, b, [a]);
    expect(L.net.run(() => L.boards[a].pairwise.length === 1 && L.boards[b].pairwise.length === 1, 200)).toBe(true);
    L.net.inflight = [];
    L.net.command(L.boards[a], { op: 'send', peer: hx(L, b), text: 'one' });
    const app = L.net.inflight[0].bytes;
    expect(typeOf(app)).toBe(T_APP);
    L.net.deliverAll();
    expect(L.boards[b].reports.filter((r) => r.code === K.I_APP_MESSAGE).map((r) => r.detail)).toEqual([hx(L, a) + ' one']);
    refused(L, L.boards[b], L.boards[a].mac, app, K.E_AUTH_APP);
    L.net.command(L.boards[a], { op: 'send', peer: hx(L, b), text: 'two' });
    const app2 = L.net.inflight.pop()!.bytes;
    refused(L, L.boards[b], L.boards[a].mac, flip(app2, app2.length - 1), K.E_AUTH_APP);
    refused(L, L.boards[b], L.boards[a].mac, flip(app2, 7), C.E_NO_SESSION);
    refused(L, L.boards[b], macOf(55), app2, C.E_NO_SESSION);
    expect(L.net.inject(L.boards[b], L.boards[a].mac, app2).code).toBe(0);
    // a command for a peer without a pair is refused too
    const prev = L.boards[a].state;
    const r = L.net.command(L.boards[a], { op: 'send', peer: 'ffffffffffffffff', text: 'x' });
    expect(r.code).toBe(C.E_NO_SESSION);
    expect(r.state).toBe(prev);
  });

  it('P_HELLOs from ids not in the peer list cost nothing and say nothing (E_UNKNOWN_PEER)', () => {
    const L = certified({ boards: 2 });
    const [a, b] = byId(L);
    want(L, a, [b]);
    want(L, b, []);
    const hello = pHello(L, a, b);
    const before = L.counts[b].agree;
    const r = refused(L, L.boards[b], L.boards[a].mac, hello, K.E_UNKNOWN_PEER);
    expect(r.effects).toEqual([]);
    expect(L.counts[b].agree).toBe(before);
  });
});

void concatBytes;
