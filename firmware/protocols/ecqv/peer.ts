/**
 * Peer role of the ECQV protocol (README.md §3.3, §7.3; paper 002 §4.4, its
 * figure 2): two certified boards agree a pairwise key with no CA online.
 *
 *   initiator I (smaller id)                          responder R
 *   P_HELLO  target R, N_I, crl version, Cert_I  ──►  (broadcast; R is found by id)
 *            ◄──  P_RESP  sid, N_R, crl version, Cert_R, tag_R   (R's Finished)
 *   P_FIN    tag_I  ──►                                          (I's Finished)
 *   APP      counter, AES-CCM(message)  ◄──►
 *
 * Each side computes Z = x(d·Q_peer) with ONE variable-base multiplication
 * (cached d·Q_CA, firmware/crypto/ecqv.ts ecqvAgree) and derives session keys
 * from Z and the whole transcript (both nonces, both certificates), confirmed
 * by the two Finished tags: a replayed or relayed exchange ends at a Finished
 * that does not verify. Peers are chosen by the `peers` app setting (board.ts);
 * the cheap checks (CA id, peer list, CRL, validity, replay, rate) come before
 * the multiplication. Revocation: a CA-signed CRL (§5), verified once per
 * version and passed on between boards (gossip in P_HELLO / P_RESP).
 *
 * Pure core; never mutates its input state, never throws.
 */
import { equalBytes, ctEqual, concatBytes, copyBytes, toHex, fromHex, utf8Encode, wipe } from '../../bytes/bytes.ts';
import { utf8OrNull } from '../../codec/config-record.ts';
import {
  decodeFrame, encodePHello, encodePRespBody, withTag, encodeFinished, appHeader, withSealed,
  T_P_HELLO, T_P_RESP, T_P_FIN, T_APP, T_CRL, TYPE_NAMES, TAG_LEN, APP_HDR_LEN, AEAD_TAG_LEN, APP_MAX_TEXT, EcqvFrame,
} from './frames.ts';
import {
  E_STATE, E_NO_SESSION, E_REFLECT, E_BAD_POINT, E_RATE, E_NO_RAND, E_REVOKED, E_CRYPTO, E_EVENT, E_STALE_TIMER, E_SUITE, E_FIELD,
  E_COMMAND, E_UP_TO_DATE, E_DUPLICATE, E_TIMEOUT,
} from '../../codec/codes.ts';
import { E_AUTH_FINISHED, E_CERT, E_CA_ID, E_EXPIRED, E_REPLAY, E_UNKNOWN_PEER, E_CRL, E_AUTH_APP, I_PAIRED, I_APP_MESSAGE, I_CRL, codeName } from './codes.ts';
import { EcqvSuite } from './suite.ts';
import { pairTh1, pairKeys, finTag, chain, ccmNonce, randStream, PairKeys, DIR_I2R, DIR_R2I } from './keys.ts';
import { parseCert, certNotAfter, CertFields } from './cert.ts';
import { EcqvIdentity, Credential, encodeCrlFile } from './records.ts';
import { EcqvEvent, EcqvEffect, EcqvStep, EcqvCommand, clone, has, report, randOf, isMac, nowOf, BROADCAST_MAC, ecCode } from './common.ts';
import { FrameEvent, TimerEvent, CommandEvent, Role } from '../../runtime/events.ts';
import { PROTO_ECQV } from '../../codec/protocol-ids.ts';

export var PW_IDLE = 0;
export var PW_READY = 1;
export var PW_STATE_NAMES = ['IDLE', 'READY'];

/** Timer ids: the initiator's P_HELLO round, and a responder's P_RESP re-send ('p:r:' + hex id). */
export var PAIR_HELLO_TIMER = 'p:hello';
export var PAIR_RESP_TIMER = 'p:r:';
/** Storage file holding the last verified CRL frame. */
export var CRL_FILE = 'nb.crl';
export var PEER_RAND = 32;

export interface PeerOptions {
  helloBaseMs: number;
  helloMaxMs: number;
  /** P_HELLOs sent with one nonce before a fresh one */
  nonceTries: number;
  /** responder: re-send P_RESP after this long without P_FIN, this many times */
  respMs: number;
  respTries: number;
  /** token bucket for agreements and CRL verifications (each costs a multiplication) */
  bucketSize: number;
  bucketMs: number;
  /** nonces of finished exchanges remembered per peer (replay) */
  seenKeep: number;
}

export var PEER_DEFAULTS: PeerOptions = {
  helloBaseMs: 2000,
  helloMaxMs: 30000,
  nonceTries: 4,
  respMs: 3000,
  respTries: 4,
  bucketSize: 4,
  bucketMs: 2000,
  seenKeep: 8,
};

/** An established pair: keys per direction, the confirmed transcript, message counters. */
export interface Pair {
  hx: string;
  mac: Uint8Array;
  sid: number;
  /** 'i' we initiated, 'r' we responded */
  role: string;
  ks: Uint8Array;
  kr: Uint8Array;
  th3: Uint8Array;
  sctr: number;
  rctr: number;
  /** initiator only: the accepted P_RESP and our P_FIN (a byte-identical P_RESP re-sends it) */
  resp: Uint8Array | null;
  fin: Uint8Array | null;
}

export interface PairSession {
  role: string;
  hx: string;
  /** initiator: our nonce; responder: the initiator's (hex) */
  nonce: string;
  /** initiator: the P_HELLO we send; responder: the one we answered */
  hello: Uint8Array;
  tries: number;
  /** responder only */
  mac: Uint8Array | null;
  sid: number;
  resp: Uint8Array | null;
  th2: Uint8Array | null;
  k: PairKeys | null;
  /** responder: the initiator's certificate issue time (moves the time base on success) */
  peerT: number;
}

export interface PeerState {
  ph: number;
  id: EcqvIdentity;
  caId: Uint8Array;
  cred: Credential | null;
  /** our own certificate's fields (null without a credential) */
  own: CertFields | null;
  /** ids (hex) this board pairs with (the `peers` setting) */
  want: string[];
  pairs: { [hx: string]: Pair };
  /** pending handshakes by role + ':' + hex id */
  sess: { [key: string]: PairSession };
  seen: { [hx: string]: string[] };
  crl: { version: number; ids: { [hx: string]: boolean }; frame: Uint8Array | null };
  /** network time base: `net` seconds (CA clock) at board time `at` ms (README §4.3) */
  tb: { net: number; at: number };
  tok: number;
  tokAt: number;
  /** P_HELLO rounds since the last pairing (backoff) */
  n: number;
  opt: PeerOptions;
}

/** A CRL as it stands in a verified frame (decoded by the caller). */
export interface CrlView {
  version: number;
  ids: Uint8Array[];
  frame: Uint8Array;
}

export function peerInitial(id: EcqvIdentity, caId: Uint8Array, cred: Credential | null, want: string[], crl: CrlView | null, opt?: PeerOptions): PeerState {
  var ids: { [hx: string]: boolean } = {};
  if (crl) for (var i = 0; i < crl.ids.length; i++) ids[toHex(crl.ids[i])] = true;
  var o = opt || PEER_DEFAULTS;
  var st: PeerState = {
    ph: PW_IDLE, id: id, caId: caId, cred: null, own: null, want: [], pairs: {}, sess: {}, seen: {},
    crl: { version: crl ? crl.version : 0, ids: ids, frame: crl ? crl.frame : null }, tb: { net: 0, at: 0 }, tok: o.bucketSize, tokAt: 0, n: 0, opt: o,
  };
  return cred ? withCredential(st, cred, want, 0) : st;
}

var HEXDIGITS = '0123456789abcdef';

/** true for a device id in hex: 16 lowercase hex digits (no RegExp: Espruino's is partial). */
export function isHexId(s: string): boolean {
  if (typeof s !== 'string' || s.length !== 16) return false;
  for (var i = 0; i < 16; i++) if (HEXDIGITS.indexOf(s.charAt(i)) < 0) return false;
  return true;
}

/** A copy of st holding this credential and peer list (and a time base at least its issue time). */
function withCredential(st0: PeerState, cred: Credential, want: string[], now: number): PeerState {
  var st = clone(st0);
  var pt = st.id.caPub.length;
  var pc = parseCert(cred.cert, st.id.suite, pt);
  st.cred = cred;
  st.own = pc.c;
  st.want = [];
  for (var i = 0; i < want.length; i++) if (isHexId(want[i])) st.want.push(want[i]);
  if (pc.c && pc.c.T > netNow(st, now)) st.tb = { net: pc.c.T, at: now };
  return st;
}

/** Network time in seconds: the latest authentic CA time seen, plus the time since (a lower bound). */
export function netNow(st: PeerState, now: number): number {
  return st.tb.net + Math.floor((now - st.tb.at) / 1000);
}

/** The ids in a `peers` setting: comma-separated hex ids, spaces ignored. */
export function parsePeers(v: string | undefined): string[] {
  var out: string[] = [];
  if (typeof v !== 'string') return out;
  var parts = v.split(',');
  for (var i = 0; i < parts.length; i++) {
    var p = '';
    for (var j = 0; j < parts[i].length; j++) {
      var ch = parts[i].charAt(j);
      if (ch !== ' ' && ch !== '\t' && ch !== '\n') p += ch;
    }
    p = p.toLowerCase();
    if (isHexId(p)) out.push(p);
  }
  return out;
}

export type PeerCore = Role<PeerState, EcqvCommand>;

export function makePeer(suite: EcqvSuite): PeerCore {
  function step(st: PeerState, effects: EcqvEffect[], tr: string, code: number): EcqvStep<PeerState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: PeerState, code: number, what: string, quiet?: boolean, effects?: EcqvEffect[]): EcqvStep<PeerState> {
    var eff = effects || [];
    if (!quiet) eff.push(report(code, what + ': ' + codeName(code)));
    return step(st, eff, 'peer -x ' + what, code);
  }

  function ownHex(st: PeerState): string {
    return toHex(st.id.U);
  }

  function wanted(st: PeerState, hx: string): boolean {
    for (var i = 0; i < st.want.length; i++) if (st.want[i] === hx) return true;
    return false;
  }

  /** Targets this board initiates with: wanted, larger id than ours, not paired, not revoked. */
  function targets(st: PeerState): string[] {
    var me = ownHex(st);
    var out: string[] = [];
    for (var i = 0; i < st.want.length; i++) {
      var hx = st.want[i];
      if (hx > me && !has(st.pairs, hx) && !st.crl.ids[hx]) out.push(hx);
    }
    return out;
  }

  function helloDelay(st: PeerState, r16: number): number {
    var base = st.opt.helloBaseMs;
    for (var i = 0; i < st.n && base < st.opt.helloMaxMs; i++) base *= 2;
    if (base > st.opt.helloMaxMs) base = st.opt.helloMaxMs;
    return base + (r16 % (Math.floor(base / 4) + 1));
  }

  function takeToken(st: PeerState, now: number): { tok: number; tokAt: number } | null {
    var gained = now > st.tokAt ? Math.floor((now - st.tokAt) / st.opt.bucketMs) : 0;
    var tok = st.tok + gained;
    var tokAt = st.tokAt + gained * st.opt.bucketMs;
    if (tok >= st.opt.bucketSize) {
      tok = st.opt.bucketSize;
      tokAt = now;
    }
    if (tok < 1) return null;
    return { tok: tok - 1, tokAt: tokAt };
  }

  /** Gossip: a peer that announced an older CRL version gets ours (README §5). */
  function gossip(st: PeerState, theirs: number, to: Uint8Array): EcqvEffect[] {
    return st.crl.frame && theirs < st.crl.version ? [{ t: 'send', to: copyBytes(to), bytes: st.crl.frame }] : [];
  }

  /** Checks on a peer certificate that cost no EC work: format, CA, list, CRL, validity. */
  function checkCert(st: PeerState, cert: Uint8Array, now: number): { code: number; c: CertFields | null; hx: string } {
    var pc = parseCert(cert, suite.id, suite.pt);
    if (!pc.c) return { code: pc.code, c: null, hx: '' };
    var c = pc.c;
    if (!equalBytes(c.caId, st.caId)) return { code: E_CA_ID, c: null, hx: '' };
    var hx = toHex(c.U);
    if (hx === ownHex(st)) return { code: E_REFLECT, c: null, hx: hx };
    if (!wanted(st, hx)) return { code: E_UNKNOWN_PEER, c: null, hx: hx };
    if (st.crl.ids[hx]) return { code: E_REVOKED, c: null, hx: hx };
    if (certNotAfter(c) < netNow(st, now)) return { code: E_EXPIRED, c: null, hx: hx };
    return { code: 0, c: c, hx: hx };
  }

  function putSession(st0: PeerState, key: string, s: PairSession | null): PeerState {
    var st = clone(st0);
    st.sess = clone(st.sess);
    if (s) st.sess[key] = s;
    else delete st.sess[key];
    return st;
  }

  function remember(st: PeerState, hx: string, nonce: string): void {
    var old = has(st.seen, hx) ? st.seen[hx] : [];
    var list = old.slice(old.length >= st.opt.seenKeep ? 1 : 0);
    list.push(nonce);
    st.seen = clone(st.seen);
    st.seen[hx] = list;
  }

  function seenBefore(st: PeerState, hx: string, nonce: string): boolean {
    if (!has(st.seen, hx)) return false;
    for (var i = 0; i < st.seen[hx].length; i++) if (st.seen[hx][i] === nonce) return true;
    return false;
  }

  /** st (a fresh copy) gets the pair; the time base moves to the peer's issue time if later. */
  function established(st: PeerState, p: Pair, peerT: number, now: number, effects: EcqvEffect[]): void {
    st.pairs = clone(st.pairs);
    st.pairs[p.hx] = p;
    if (peerT > netNow(st, now)) st.tb = { net: peerT, at: now };
    st.n = 0;
    effects.push({ t: 'pairwise', peer: p.hx, mac: p.mac, key: concatBytes(p.role === 'i' ? [p.ks, p.kr] : [p.kr, p.ks]) });
    effects.push(report(I_PAIRED, p.hx + ' ' + (p.role === 'i' ? 'initiator' : 'responder')));
  }

  /** One P_HELLO round: every target gets its P_HELLO (a fresh nonce after nonceTries sends). */
  function helloRound(st0: PeerState, ev: EcqvEvent, tr: string): EcqvStep<PeerState> {
    var ts = targets(st0);
    if (st0.ph !== PW_READY || !st0.cred || ts.length === 0) return step(st0, [], tr + ' (nothing to pair)', 0);
    var rand = randOf(ev, PEER_RAND);
    if (!rand) return reject(st0, E_NO_RAND, 'pair hello');
    var more = randStream(suite, copyBytes(rand, 0, PEER_RAND));
    var cert = st0.cred.cert;
    var st = clone(st0);
    st.sess = clone(st0.sess);
    var effects: EcqvEffect[] = [];
    for (var i = 0; i < ts.length; i++) {
      var key = 'i:' + ts[i];
      var s = has(st.sess, key) ? st.sess[key] : null;
      if (!s || s.tries >= st.opt.nonceTries) {
        var n = more(16);
        s = {
          role: 'i', hx: ts[i], nonce: toHex(n), tries: 0, mac: null, sid: 0, resp: null, th2: null, k: null, peerT: 0,
          hello: encodePHello(suite.id, fromHex(ts[i]), n, st.crl.version, cert),
        };
      } else s = clone(s);
      s.tries = s.tries + 1;
      st.sess[key] = s;
      effects.push({ t: 'send', to: BROADCAST_MAC, bytes: s.hello });
    }
    var r = more(2);
    effects.push({ t: 'arm', id: PAIR_HELLO_TIMER, ms: helloDelay(st, (r[0] << 8) | r[1]) });
    st.n = st.n + 1;
    return step(st, effects, tr, 0);
  }

  function onPHello(st: PeerState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array, ev: FrameEvent): EcqvStep<PeerState> {
    if (st.ph !== PW_READY || !st.cred) return reject(st, E_STATE, 'P_HELLO', true);
    if (!equalBytes(f.U as Uint8Array, st.id.U)) return reject(st, E_STATE, 'P_HELLO', true); // someone else's pairing
    var now = nowOf(ev);
    var g = gossip(st, f.crl as number, from);
    var cc = checkCert(st, f.cert as Uint8Array, now);
    if (!cc.c) return reject(st, cc.code, 'P_HELLO', cc.code === E_UNKNOWN_PEER, g);
    var hx = cc.hx;
    var nonce = toHex(f.nonce as Uint8Array);
    var key = 'r:' + hx;
    if (has(st.sess, key)) {
      var old = st.sess[key];
      if (old.nonce === nonce && equalBytes(old.mac as Uint8Array, from)) {
        // Our P_RESP was lost: the same P_HELLO gets the same answer, no EC work.
        g.push({ t: 'send', to: old.mac as Uint8Array, bytes: old.resp as Uint8Array });
        return step(st, g, 'P_HELLO again -> resend P_RESP', 0);
      }
    }
    if (seenBefore(st, hx, nonce)) return reject(st, E_REPLAY, 'P_HELLO', false, g);
    var tk = takeToken(st, now);
    if (!tk) return reject(st, E_RATE, 'P_HELLO', false, g);
    var rand = randOf(ev, 20);
    if (!rand) return reject(st, E_NO_RAND, 'P_HELLO', false, g);
    var cred = st.cred;
    var Z: Uint8Array;
    try {
      Z = suite.agree(cred.dU, cred.dQca, f.cert as Uint8Array);
    } catch (e) {
      return reject(st, ecCode(e, E_BAD_POINT, E_BAD_POINT, E_CRYPTO), 'P_HELLO', false, g);
    }
    var sid = 0;
    for (var i = 0; i < 4; i++) sid = sid * 256 + rand[16 + i];
    if (sid === 0) sid = 1;
    var body = encodePRespBody(suite.id, sid, copyBytes(rand, 0, 16), st.crl.version, cred.cert);
    var th1 = pairTh1(suite, bytes, body);
    var k = pairKeys(suite, Z, th1);
    wipe(Z);
    var tagR = finTag(suite, k.rfin, th1);
    var resp = withTag(body, tagR);
    var nst = putSession(st, key, {
      role: 'r', hx: hx, nonce: nonce, hello: copyBytes(bytes), tries: 1, mac: copyBytes(from), sid: sid, resp: resp, th2: chain(suite, th1, tagR), k: k,
      peerT: cc.c.T,
    });
    nst.tok = tk.tok;
    nst.tokAt = tk.tokAt;
    g.push({ t: 'send', to: copyBytes(from), bytes: resp });
    g.push({ t: 'arm', id: PAIR_RESP_TIMER + hx, ms: st.opt.respMs });
    return step(nst, g, 'P_HELLO -> P_RESP (responder ' + hx + ')', 0);
  }

  function onPResp(st: PeerState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array, ev: FrameEvent): EcqvStep<PeerState> {
    if (st.ph !== PW_READY || !st.cred) return reject(st, E_STATE, 'P_RESP', true);
    var now = nowOf(ev);
    var g = gossip(st, f.crl as number, from);
    var pc = parseCert(f.cert as Uint8Array, suite.id, suite.pt);
    if (!pc.c) return reject(st, pc.code, 'P_RESP', false, g);
    var hx0 = toHex(pc.c.U);
    if (has(st.pairs, hx0)) {
      var p = st.pairs[hx0];
      if (p.resp && p.fin && equalBytes(p.resp, bytes) && equalBytes(p.mac, from)) {
        // Our P_FIN was lost and the responder repeated itself: repeat P_FIN, nothing else changes.
        g.push({ t: 'send', to: p.mac, bytes: p.fin });
        return step(st, g, 'P_RESP again -> resend P_FIN', 0);
      }
    }
    var key = 'i:' + hx0;
    if (!has(st.sess, key)) return reject(st, E_NO_SESSION, 'P_RESP', false, g);
    var s = st.sess[key];
    var cc = checkCert(st, f.cert as Uint8Array, now);
    if (!cc.c) return reject(st, cc.code, 'P_RESP', false, g);
    var cred = st.cred;
    var Z: Uint8Array;
    try {
      Z = suite.agree(cred.dU, cred.dQca, f.cert as Uint8Array);
    } catch (e) {
      return reject(st, ecCode(e, E_BAD_POINT, E_BAD_POINT, E_CRYPTO), 'P_RESP', false, g);
    }
    var th1 = pairTh1(suite, s.hello, copyBytes(bytes, 0, bytes.length - TAG_LEN));
    var k = pairKeys(suite, Z, th1);
    wipe(Z);
    var tagR = f.tag as Uint8Array;
    if (!ctEqual(finTag(suite, k.rfin, th1), tagR)) return reject(st, E_AUTH_FINISHED, 'P_RESP', false, g);
    var th2 = chain(suite, th1, tagR);
    var tagI = finTag(suite, k.ifin, th2);
    var fin = encodeFinished(T_P_FIN, suite.id, f.sid, tagI);
    var nst = putSession(st, key, null);
    g.push({ t: 'send', to: copyBytes(from), bytes: fin });
    established(nst, {
      hx: hx0, mac: copyBytes(from), sid: f.sid, role: 'i', ks: k.i2r, kr: k.r2i, th3: chain(suite, th2, tagI), sctr: 0, rctr: 0, resp: copyBytes(bytes), fin: fin,
    }, cc.c.T, now, g);
    return step(nst, g, 'P_RESP -> paired (initiator ' + hx0 + ')', 0);
  }

  function onPFin(st: PeerState, f: EcqvFrame, from: Uint8Array, ev: FrameEvent): EcqvStep<PeerState> {
    if (st.ph !== PW_READY) return reject(st, E_STATE, 'P_FIN', true);
    var s: PairSession | null = null;
    var key = '';
    for (var k in st.sess) {
      if (!has(st.sess, k)) continue;
      var c = st.sess[k];
      if (c.role === 'r' && c.sid === f.sid && equalBytes(c.mac as Uint8Array, from)) {
        s = c;
        key = k;
      }
    }
    if (!s) {
      for (var ph in st.pairs) {
        if (has(st.pairs, ph) && st.pairs[ph].role === 'r' && st.pairs[ph].sid === f.sid && equalBytes(st.pairs[ph].mac, from)) return reject(st, E_DUPLICATE, 'P_FIN', true);
      }
      return reject(st, E_NO_SESSION, 'P_FIN');
    }
    var keys = s.k as PairKeys;
    var tag = f.tag as Uint8Array;
    if (!ctEqual(finTag(suite, keys.ifin, s.th2 as Uint8Array), tag)) return reject(st, E_AUTH_FINISHED, 'P_FIN');
    var now = nowOf(ev);
    var nst = putSession(st, key, null);
    remember(nst, s.hx, s.nonce);
    var effects: EcqvEffect[] = [{ t: 'cancel', id: PAIR_RESP_TIMER + s.hx }];
    established(nst, {
      hx: s.hx, mac: s.mac as Uint8Array, sid: s.sid, role: 'r', ks: keys.r2i, kr: keys.i2r, th3: chain(suite, s.th2 as Uint8Array, tag), sctr: 0, rctr: 0, resp: null, fin: null,
    }, s.peerT, now, effects);
    return step(nst, effects, 'P_FIN -> paired (responder ' + s.hx + ')', 0);
  }

  function pairBySid(st: PeerState, sid: number, from: Uint8Array): Pair | null {
    for (var hx in st.pairs) if (has(st.pairs, hx) && st.pairs[hx].sid === sid && equalBytes(st.pairs[hx].mac, from)) return st.pairs[hx];
    return null;
  }

  function onApp(st: PeerState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array): EcqvStep<PeerState> {
    var p = pairBySid(st, f.sid, from);
    if (!p) return reject(st, E_NO_SESSION, 'APP');
    var ctr = f.ctr as number;
    if (ctr <= p.rctr) return reject(st, E_AUTH_APP, 'APP (counter ' + ctr + ' replayed)');
    var aad = concatBytes([copyBytes(bytes, 0, APP_HDR_LEN), p.th3]);
    var pt = suite.open(p.kr, ccmNonce(p.role === 'i' ? DIR_R2I : DIR_I2R, p.sid, ctr), f.sealed as Uint8Array, aad, AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_APP, 'APP');
    var text = utf8OrNull(pt);
    if (text === null) return reject(st, E_FIELD, 'APP');
    var np = clone(p);
    np.rctr = ctr;
    var nst = clone(st);
    nst.pairs = clone(st.pairs);
    nst.pairs[p.hx] = np;
    return step(nst, [report(I_APP_MESSAGE, p.hx + ' ' + text)], 'APP from ' + p.hx, 0);
  }

  /** A CRL frame: newer, ours, signed by our CA → adopt, store, drop what it revokes. */
  function onCrl(st: PeerState, f: EcqvFrame, bytes: Uint8Array, ev: FrameEvent): EcqvStep<PeerState> {
    if (!equalBytes(f.caId as Uint8Array, st.caId)) return reject(st, E_CA_ID, 'CRL', true);
    var v = f.version as number;
    if (v <= st.crl.version) return reject(st, E_UP_TO_DATE, 'CRL', true);
    var tk = takeToken(st, nowOf(ev));
    if (!tk) return reject(st, E_RATE, 'CRL');
    var sig = f.sig as Uint8Array;
    var ok = false;
    try {
      ok = suite.verify(st.id.caPub, copyBytes(bytes, 0, bytes.length - sig.length), sig);
    } catch (e) {
      ok = false;
    }
    if (!ok) return reject(st, E_CRL, 'CRL');
    var nst = clone(st);
    nst.tok = tk.tok;
    nst.tokAt = tk.tokAt;
    var ids: { [hx: string]: boolean } = {};
    var list = f.ids as Uint8Array[];
    for (var i = 0; i < list.length; i++) ids[toHex(list[i])] = true;
    nst.crl = { version: v, ids: ids, frame: copyBytes(bytes) };
    var effects: EcqvEffect[] = [{ t: 'store', file: CRL_FILE, bytes: encodeCrlFile(bytes) }];
    nst.pairs = clone(st.pairs);
    for (var hx in st.pairs) if (has(st.pairs, hx) && ids[hx]) delete nst.pairs[hx];
    nst.sess = clone(st.sess);
    for (var k in st.sess) {
      if (has(st.sess, k) && ids[st.sess[k].hx]) {
        delete nst.sess[k];
        if (st.sess[k].role === 'r') effects.push({ t: 'cancel', id: PAIR_RESP_TIMER + st.sess[k].hx });
      }
    }
    effects.push(report(I_CRL, 'version ' + v + ', ' + list.length + ' revoked'));
    return step(nst, effects, 'CRL v' + v + ' adopted', 0);
  }

  function onFrame(st: PeerState, ev: FrameEvent): EcqvStep<PeerState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame');
    var f = d.frame;
    var from = ev.from as Uint8Array;
    if (f.type !== T_P_HELLO && f.type !== T_P_RESP && f.type !== T_P_FIN && f.type !== T_APP && f.type !== T_CRL) return reject(st, E_STATE, TYPE_NAMES[f.type], true);
    if (f.suite !== suite.id) return reject(st, E_SUITE, TYPE_NAMES[f.type]);
    if (f.type === T_CRL) return onCrl(st, f, ev.bytes, ev);
    if (f.type === T_P_HELLO) return onPHello(st, f, from, ev.bytes, ev);
    if (f.type === T_P_RESP) return onPResp(st, f, from, ev.bytes, ev);
    if (f.type === T_P_FIN) return onPFin(st, f, from, ev);
    return onApp(st, f, from, ev.bytes);
  }

  function onTimer(st: PeerState, ev: TimerEvent): EcqvStep<PeerState> {
    var id = String(ev.id);
    if (id === PAIR_HELLO_TIMER) return helloRound(st, ev, 'pair hello round');
    if (id.substring(0, PAIR_RESP_TIMER.length) === PAIR_RESP_TIMER) {
      var hx = id.substring(PAIR_RESP_TIMER.length);
      var key = 'r:' + hx;
      if (!has(st.sess, key)) return reject(st, E_STALE_TIMER, 'timer', true);
      var s = st.sess[key];
      if (s.tries >= st.opt.respTries) {
        // Give up; the initiator's nonce is spent (a replay of its P_HELLO gets E_REPLAY).
        var nst = putSession(st, key, null);
        remember(nst, hx, s.nonce);
        return step(nst, [report(E_TIMEOUT, 'no P_FIN from ' + hx)], 'responder ' + hx + ' -timeout', E_TIMEOUT);
      }
      var ns = clone(s);
      ns.tries = s.tries + 1;
      return step(putSession(st, key, ns), [
        { t: 'send', to: s.mac as Uint8Array, bytes: s.resp as Uint8Array },
        { t: 'arm', id: PAIR_RESP_TIMER + hx, ms: st.opt.respMs },
      ], 'responder ' + hx + ' -resend P_RESP', 0);
    }
    return reject(st, E_STALE_TIMER, 'timer ' + id, true);
  }

  function onCommand(st: PeerState, ev: CommandEvent<EcqvCommand>): EcqvStep<PeerState> {
    if (ev.op === 'credential') {
      if (!ev.cred || !(ev.cred.cert instanceof Uint8Array)) return reject(st, E_COMMAND, 'credential');
      var nst = withCredential(st, ev.cred, ev.want || [], nowOf(ev));
      if (!nst.own) return reject(st, E_CERT, 'credential');
      nst.ph = PW_READY;
      nst.n = 0;
      var r = randOf(ev, 2);
      var effects: EcqvEffect[] = [];
      if (targets(nst).length) effects.push({ t: 'arm', id: PAIR_HELLO_TIMER, ms: st.opt.helloBaseMs + (r ? r[0] * 8 : 0) });
      return step(nst, effects, 'credential -> READY', 0);
    }
    if (ev.op === 'send') {
      var hx = typeof ev.peer === 'string' ? ev.peer : '';
      if (!has(st.pairs, hx)) return reject(st, E_NO_SESSION, 'send');
      if (typeof ev.text !== 'string') return reject(st, E_COMMAND, 'send');
      var pt = utf8Encode(ev.text);
      if (pt.length > APP_MAX_TEXT) return reject(st, E_COMMAND, 'send');
      var p = st.pairs[hx];
      var ctr = p.sctr + 1;
      var hdr = appHeader(suite.id, p.sid, ctr);
      var sealed = suite.seal(p.ks, ccmNonce(p.role === 'i' ? DIR_I2R : DIR_R2I, p.sid, ctr), pt, concatBytes([hdr, p.th3]), AEAD_TAG_LEN);
      var np = clone(p);
      np.sctr = ctr;
      var ns = clone(st);
      ns.pairs = clone(st.pairs);
      ns.pairs[hx] = np;
      return step(ns, [{ t: 'send', to: p.mac, bytes: withSealed(hdr, sealed) }], 'send APP to ' + hx, 0);
    }
    return reject(st, E_COMMAND, String(ev.op));
  }

  function next(st: PeerState, ev: EcqvEvent): EcqvStep<PeerState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') {
        var b = clone(st);
        b.ph = st.cred ? PW_READY : PW_IDLE;
        b.pairs = {};
        b.sess = {};
        b.n = 0;
        b.tokAt = nowOf(ev);
        // Time since the last boot is unknown: restart from our own certificate's issue time (a lower bound).
        if (st.own) b.tb = { net: st.own.T > st.tb.net ? st.own.T : st.tb.net, at: nowOf(ev) };
        var eff: EcqvEffect[] = [];
        if (b.ph === PW_READY && targets(b).length) eff.push({ t: 'arm', id: PAIR_HELLO_TIMER, ms: st.opt.helloBaseMs });
        return step(b, eff, 'peer boot -> ' + PW_STATE_NAMES[b.ph], 0);
      }
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      if (ev.t === 'command') return onCommand(st, ev);
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_ECQV, name: 'ecqv/peer', randBytes: PEER_RAND, next: next };
}

