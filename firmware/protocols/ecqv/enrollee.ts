/**
 * Enrollee role of the ECQV protocol (README.md §2, §7.1; paper 002 §4.3, its
 * figure 1): HELLO → the CA's cookie → a certificate request authenticated with
 * the device's own request key → the CA's implicit certificate and s → the
 * private key d_U reconstructed and checked (d_U·G = e·P_U + Q_CA) → FINISHED
 * (proves d_U) → the configuration, encrypted under keys bound to the new
 * certificate → Wi-Fi join → the certificate and configuration are kept only
 * if the join works (commit on success, THREATS #13) → authenticated ACK.
 *
 * A pure core: `next(state, event) → { state, effects, tr, code }`; no timers,
 * I/O or randomness of its own (nonces and key seeds come from `event.rand`).
 * It never mutates the state it is given and never throws: a crypto throw
 * becomes E_BAD_POINT / E_ECQV_CHECK / E_CRYPTO, and a refused frame returns the
 * very state object it was given.
 */
import { equalBytes, ctEqual, concatBytes, copyBytes, writeU32, toHex, macToString, wipe } from '../../bytes/bytes.ts';
import {
  decodeFrame, encodeHello, encodeRequestBody, withTag, encodeFinished, ackHeader, withSealed,
  T_HELLO_VERIFY, T_RESPONSE, T_CONFIG, T_FINISHED, TYPE_NAMES, TAG_LEN, CONFIG_HDR_LEN, AEAD_TAG_LEN, EcqvFrame,
} from './frames.ts';
import {
  OK, CONFIG_FORMAT, CONFIG_STALE, E_STATE, E_NO_SESSION, E_PEER, E_BAD_POINT, E_AUTH_CONFIG, E_RATE, E_NO_RAND, E_CRYPTO,
  E_DUPLICATE, E_EVENT, E_STALE_TIMER, E_SUITE, E_FIELD, E_TIMEOUT, I_PRESENCE, I_SESSION, I_PROVISIONED, I_JOIN_FAILED,
} from '../../codec/codes.ts';
import { E_AUTH_RESPONSE, E_ECQV_CHECK, E_CERT, E_CA_ID, I_CERTIFIED, codeName } from './codes.ts';
import { EcqvSuite } from './suite.ts';
import { caIdOf, issueTh0, requestTag, issueTh1, responseTag, chain, issueKeys, finTag, ccmNonce, randStream, IssueKeys, DIR_C2U, DIR_U2C } from './keys.ts';
import { parseCert } from './cert.ts';
import { EcqvIdentity, Credential, encodeCredential } from './records.ts';
import { DeviceConfig, decodeConfig } from '../../codec/config-record.ts';
import { EcqvEvent, EcqvEffect, EcqvStep, EcqvCommand, clone, report, randOf, isMac, BROADCAST_MAC, ecCode } from './common.ts';
import { FrameEvent, TimerEvent, Role } from '../../runtime/events.ts';
import { PROTO_ECQV } from '../../codec/protocol-ids.ts';

export var EN_OFF = 0;
export var EN_HELLO = 1;
export var EN_REQUEST = 2;
export var EN_AWAIT_CONFIG = 3;
export var EN_JOINING = 4;
export var EN_STATE_NAMES = ['OFF', 'HELLO', 'REQUEST', 'AWAIT_CONFIG', 'JOINING'];

export var TIMER_HELLO = 'hello';
export var TIMER_SESSION = 'session';
export var TIMER_JOIN = 'join';
/** Storage file holding the certificate, key and proven configuration (records.ts encodeCredential). */
export var CRED_FILE = 'nb.ecqv';
/** Random bytes on every event: nonce 16, jitter 2, seed of r_U 32 (ample for a peer too). */
export var ENROLLEE_RAND = 64;
/** Capability bits in HELLO (informational; bound into the request MAC through the cookie). */
export var CAP_WIFI = 1;
export var CAP_SETTINGS = 2;
export var CAP_PAIRWISE = 4;

export interface EnrolleeOptions {
  helloBaseMs: number;
  helloMaxMs: number;
  /** HELLO interval once provisioned (a newer configuration can still come) */
  helloSlowMs: number;
  /** wait for RESPONSE after REQUEST, per try */
  requestMs: number;
  requestTries: number;
  /** wait for CONFIG after FINISHED (refreshed per fragment) */
  sessionMs: number;
  joinMs: number;
  /** cookies acted on per HELLO nonce */
  maxVerifies: number;
  caps: number;
}

export var ENROLLEE_DEFAULTS: EnrolleeOptions = {
  helloBaseMs: 1000,
  helloMaxMs: 16000,
  helloSlowMs: 60000,
  requestMs: 3000,
  requestTries: 3,
  sessionMs: 5000,
  joinMs: 20000,
  maxVerifies: 3,
  caps: CAP_WIFI | CAP_SETTINGS | CAP_PAIRWISE,
};

/** The REQUEST in flight: enough to re-send it and to check the RESPONSE's MAC. */
export interface SentRequest {
  peer: Uint8Array;
  cookie: Uint8Array;
  bytes: Uint8Array;
  th0: Uint8Array;
  tagQ: Uint8Array;
  tries: number;
}

export interface EnrolleeSession {
  sid: number;
  peer: Uint8Array;
  /** the accepted RESPONSE (a byte-identical copy re-sends FINISHED) and our FINISHED */
  resp: Uint8Array;
  fin: Uint8Array;
  th3: Uint8Array;
  k: IssueKeys;
  /** the new credential, kept only after a good join */
  cred: Credential;
  count: number;
  frags: (Uint8Array | null)[];
  got: number;
  pending: DeviceConfig | null;
  join: number;
}

export interface EnrolleeState {
  ph: number;
  id: EcqvIdentity;
  caId: Uint8Array;
  /** proven credential and configuration, or null */
  cred: Credential | null;
  cfg: DeviceConfig | null;
  nu: Uint8Array | null;
  hello: Uint8Array | null;
  /** HELLOs sent with this nonce (backoff) and cookies acted on (rate limit) */
  n: number;
  hv: number;
  /** r_U and R_U: kept across HELLO rounds until a certificate is accepted (one base multiplication per certificate) */
  req: { kU: Uint8Array; RU: Uint8Array } | null;
  rq: SentRequest | null;
  se: EnrolleeSession | null;
  last: { sid: number; peer: Uint8Array; ce: Uint8Array; th3: Uint8Array; ack: Uint8Array } | null;
  joins: number;
  opt: EnrolleeOptions;
}

/** `caId` is SHA-256(Q_CA)[0..4) (keys.ts caIdOf); the app computes it once at load. */
export function enrolleeInitial(id: EcqvIdentity, caId: Uint8Array, cred: Credential | null, cfg: DeviceConfig | null, opt?: EnrolleeOptions): EnrolleeState {
  return {
    ph: EN_OFF, id: id, caId: caId, cred: cred, cfg: cfg, nu: null, hello: null, n: 0, hv: 0, req: null, rq: null, se: null, last: null, joins: 0,
    opt: opt || ENROLLEE_DEFAULTS,
  };
}

export type EnrolleeCore = Role<EnrolleeState, EcqvCommand>;

function heldVersion(st: EnrolleeState): number {
  return st.cfg && st.cred ? st.cfg.version : 0;
}

export function helloDelay(st: EnrolleeState, r16: number): number {
  var o = st.opt;
  var base: number;
  if (st.cfg && st.cred) base = o.helloSlowMs;
  else {
    base = o.helloBaseMs;
    for (var i = 0; i < st.n && base < o.helloMaxMs; i++) base *= 2;
    if (base > o.helloMaxMs) base = o.helloMaxMs;
  }
  var span = Math.floor(base / 4);
  return base + (span > 0 ? r16 % (span + 1) : 0);
}

export function makeEnrollee(suite: EcqvSuite): EnrolleeCore {
  function step(st: EnrolleeState, effects: EcqvEffect[], tr: string, code: number): EcqvStep<EnrolleeState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: EnrolleeState, code: number, what: string, quiet?: boolean): EcqvStep<EnrolleeState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], EN_STATE_NAMES[st.ph] + ' -x ' + what, code);
  }

  /** Send HELLO (fresh nonce if none) and arm the next. */
  function hello(st0: EnrolleeState, rand: Uint8Array, tr: string): EcqvStep<EnrolleeState> {
    var st = clone(st0);
    if (!st.nu || st.hv >= st.opt.maxVerifies) {
      st.nu = copyBytes(rand, 0, 16);
      st.n = 0;
      st.hv = 0;
    }
    st.hello = encodeHello(suite.id, st.id.U, st.nu, heldVersion(st), st.opt.caps);
    var delay = helloDelay(st, (rand[16] << 8) | rand[17]);
    st.n = st.n + 1;
    st.ph = EN_HELLO;
    st.rq = null;
    return step(st, [{ t: 'send', to: BROADCAST_MAC, bytes: st.hello }, { t: 'arm', id: TIMER_HELLO, ms: delay }], tr, 0);
  }

  /** The one cleanup path: drop the session and its keys, fresh nonce at the next HELLO. */
  function endSession(st0: EnrolleeState, effects: EcqvEffect[], tr: string, code: number): EcqvStep<EnrolleeState> {
    var st = clone(st0);
    st.se = null;
    st.rq = null;
    st.nu = null;
    st.hello = null;
    st.n = 0;
    st.hv = 0;
    st.ph = EN_HELLO;
    effects.push({ t: 'cancel', id: TIMER_SESSION });
    effects.push({ t: 'cancel', id: TIMER_JOIN });
    effects.push({ t: 'arm', id: TIMER_HELLO, ms: st.cfg && st.cred ? st.opt.helloSlowMs : st.opt.helloBaseMs });
    return step(st, effects, tr, code);
  }

  /** HELLO_VERIFY: answer the cookie with a REQUEST (R_U made once per certificate). */
  function onHelloVerify(st: EnrolleeState, f: EcqvFrame, from: Uint8Array, ev: FrameEvent): EcqvStep<EnrolleeState> {
    if ((st.ph !== EN_HELLO && st.ph !== EN_REQUEST) || !st.nu) return reject(st, E_STATE, 'HELLO_VERIFY', true);
    if (!equalBytes(f.U as Uint8Array, st.id.U) || !equalBytes(f.nonce as Uint8Array, st.nu)) return reject(st, E_NO_SESSION, 'HELLO_VERIFY', true);
    var cookie = f.cookie as Uint8Array;
    if (st.rq && equalBytes(st.rq.cookie, cookie) && equalBytes(st.rq.peer, from)) {
      return step(st, [{ t: 'send', to: st.rq.peer, bytes: st.rq.bytes }], 'REQUEST -cookie again-> REQUEST', 0);
    }
    if (st.hv >= st.opt.maxVerifies) return reject(st, E_RATE, 'HELLO_VERIFY');
    var nst = clone(st);
    nst.hv = st.hv + 1;
    if (!st.req) {
      var rand = randOf(ev, 50);
      if (!rand) return reject(st, E_NO_RAND, 'HELLO_VERIFY');
      try {
        nst.req = suite.request(randStream(suite, copyBytes(rand, 18, 50)));
      } catch (e) {
        return reject(st, E_CRYPTO, 'HELLO_VERIFY');
      }
    }
    var req = nst.req as { kU: Uint8Array; RU: Uint8Array };
    var body = encodeRequestBody(suite.id, st.id.U, st.nu, heldVersion(st), cookie, req.RU);
    var th0 = issueTh0(suite, st.id.caPub, body);
    var tagQ = requestTag(suite, st.id.kU, th0);
    var bytes = withTag(body, tagQ);
    nst.rq = { peer: copyBytes(from), cookie: cookie, bytes: bytes, th0: th0, tagQ: tagQ, tries: 1 };
    nst.ph = EN_REQUEST;
    return step(nst, [
      { t: 'cancel', id: TIMER_HELLO },
      { t: 'send', to: nst.rq.peer, bytes: bytes },
      { t: 'arm', id: TIMER_SESSION, ms: st.opt.requestMs },
    ], EN_STATE_NAMES[st.ph] + ' -cookie-> REQUEST', 0);
  }

  /** RESPONSE: check the CA's MAC, the certificate's fields, reconstruct and check d_U, cache d_U·Q_CA, send FINISHED. */
  function onResponse(st: EnrolleeState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array): EcqvStep<EnrolleeState> {
    if (st.ph === EN_AWAIT_CONFIG && st.se && equalBytes(bytes, st.se.resp)) {
      if (!equalBytes(from, st.se.peer)) return reject(st, E_PEER, 'RESPONSE');
      return step(st, [{ t: 'send', to: st.se.peer, bytes: st.se.fin }], 'AWAIT_CONFIG -resend finished-> AWAIT_CONFIG', 0);
    }
    if (st.ph !== EN_REQUEST || !st.rq || !st.req) return reject(st, E_STATE, 'RESPONSE');
    var rq = st.rq;
    if (!equalBytes(from, rq.peer)) return reject(st, E_PEER, 'RESPONSE');
    var th1 = issueTh1(suite, rq.th0, rq.tagQ, copyBytes(bytes, 0, bytes.length - TAG_LEN));
    var tagR = f.tag as Uint8Array;
    if (!ctEqual(responseTag(suite, st.id.kU, th1), tagR)) return reject(st, E_AUTH_RESPONSE, 'RESPONSE');
    var cert = f.cert as Uint8Array;
    var pc = parseCert(cert, suite.id, suite.pt);
    if (!pc.c) return reject(st, pc.code, 'RESPONSE');
    if (!equalBytes(pc.c.caId, st.caId)) return reject(st, E_CA_ID, 'RESPONSE');
    if (!equalBytes(pc.c.U, st.id.U)) return reject(st, E_CERT, 'RESPONSE');
    var dU: Uint8Array;
    var dQca: Uint8Array;
    try {
      // SEC 4 §2.5–2.6: d_U = e·r_U + s, accepted only if d_U·G = e·P_U + Q_CA (THREATS #5).
      dU = suite.receive(st.req.kU, cert, f.s as Uint8Array, st.id.caPub).dU;
      // Cached once: every pairwise key then costs one multiplication (README §4.2).
      dQca = suite.cacheCa(dU, st.id.caPub);
    } catch (e) {
      return reject(st, ecCode(e, E_BAD_POINT, E_ECQV_CHECK, E_CRYPTO), 'RESPONSE');
    }
    var th2 = chain(suite, th1, tagR);
    var Z = copyBytes(dQca, 1, suite.pt); // x(d_U·Q_CA) = x(d_CA·Q_U)
    var k = issueKeys(suite, Z, st.id.kU, th2);
    wipe(Z);
    var tagF = finTag(suite, k.fin, th2);
    var fin = encodeFinished(T_FINISHED, suite.id, f.sid, tagF);
    var nst = clone(st);
    nst.ph = EN_AWAIT_CONFIG;
    nst.last = null;
    nst.se = {
      sid: f.sid, peer: rq.peer, resp: copyBytes(bytes), fin: fin, th3: chain(suite, th2, tagF), k: k,
      cred: { cert: copyBytes(cert), dU: dU, dQca: dQca }, count: 0, frags: [], got: 0, pending: null, join: 0,
    };
    return step(nst, [
      { t: 'send', to: rq.peer, bytes: fin },
      { t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs },
      report(I_SESSION, 'certificate from CA ' + toHex(st.caId) + ' checked (T ' + pc.c.T + ', ' + pc.c.hours + ' h)'),
    ], 'REQUEST -response-> AWAIT_CONFIG', 0);
  }

  function sendAck(st: EnrolleeState, se: EnrolleeSession, result: number, version: number, effects: EcqvEffect[]): void {
    var hdr = ackHeader(suite.id, se.sid);
    var pt = new Uint8Array(5);
    pt[0] = result;
    writeU32(pt, 1, version);
    var ack = withSealed(hdr, suite.seal(se.k.ue, ccmNonce(DIR_U2C, se.sid, 0), pt, concatBytes([hdr, se.th3]), AEAD_TAG_LEN));
    st.last = { sid: se.sid, peer: se.peer, ce: se.k.ce, th3: se.th3, ack: ack };
    effects.push({ t: 'send', to: se.peer, bytes: ack });
  }

  function resendAck(st: EnrolleeState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array): EcqvStep<EnrolleeState> {
    var l = st.last as { sid: number; peer: Uint8Array; ce: Uint8Array; th3: Uint8Array; ack: Uint8Array };
    if (!equalBytes(from, l.peer)) return reject(st, E_PEER, 'CONFIG');
    var aad = concatBytes([copyBytes(bytes, 0, CONFIG_HDR_LEN), l.th3]);
    if (!suite.open(l.ce, ccmNonce(DIR_C2U, l.sid, f.idx as number), f.sealed as Uint8Array, aad, AEAD_TAG_LEN)) return reject(st, E_AUTH_CONFIG, 'CONFIG');
    return step(st, [{ t: 'send', to: l.peer, bytes: l.ack }], EN_STATE_NAMES[st.ph] + ' -resend ack-> ' + EN_STATE_NAMES[st.ph], 0);
  }

  function onConfig(st: EnrolleeState, f: EcqvFrame, from: Uint8Array, bytes: Uint8Array): EcqvStep<EnrolleeState> {
    var se = st.se;
    if ((!se || f.sid !== se.sid) && st.last && f.sid === st.last.sid) return resendAck(st, f, from, bytes);
    if (!se || f.sid !== se.sid) return reject(st, E_NO_SESSION, 'CONFIG');
    if (st.ph !== EN_AWAIT_CONFIG) return reject(st, E_STATE, 'CONFIG', true);
    if (!equalBytes(from, se.peer)) return reject(st, E_PEER, 'CONFIG');
    var idx = f.idx as number;
    var count = f.count as number;
    var aad = concatBytes([copyBytes(bytes, 0, CONFIG_HDR_LEN), se.th3]);
    var pt = suite.open(se.k.ce, ccmNonce(DIR_C2U, se.sid, idx), f.sealed as Uint8Array, aad, AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_CONFIG, 'CONFIG');
    if (se.count && count !== se.count) return reject(st, E_FIELD, 'CONFIG');
    if (se.frags[idx]) return reject(st, E_DUPLICATE, 'CONFIG', true);
    var nse = clone(se);
    nse.count = count;
    nse.frags = se.frags.slice(0);
    nse.frags[idx] = pt;
    nse.got = se.got + 1;
    var nst = clone(st);
    nst.se = nse;
    if (nse.got < count) return step(nst, [{ t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs }], 'AWAIT_CONFIG -fragment-> AWAIT_CONFIG', 0);
    var parts: Uint8Array[] = [];
    for (var i = 0; i < count; i++) parts.push(nse.frags[i] as Uint8Array);
    var d = decodeConfig(concatBytes(parts));
    var effects: EcqvEffect[] = [];
    if (!d.config || d.config.version <= heldVersion(st)) {
      var why = d.config ? CONFIG_STALE : CONFIG_FORMAT;
      sendAck(nst, nse, why, d.config ? d.config.version : 0, effects);
      effects.push(report(why, 'configuration refused'));
      return endSession(nst, effects, 'AWAIT_CONFIG -bad config-> HELLO', why);
    }
    nse.pending = d.config;
    nse.frags = [];
    nse.join = st.joins + 1;
    nst.joins = nse.join;
    nst.ph = EN_JOINING;
    return step(nst, [
      { t: 'cancel', id: TIMER_SESSION },
      { t: 'join', ssid: d.config.ssid, psk: d.config.psk, join: nse.join },
      { t: 'arm', id: TIMER_JOIN, ms: st.opt.joinMs },
    ], 'AWAIT_CONFIG -config complete-> JOINING', 0);
  }

  /** Commit on success only: the certificate and the configuration are kept together after a good join. */
  function onJoined(st: EnrolleeState, result: number): EcqvStep<EnrolleeState> {
    var se = st.se as EnrolleeSession;
    var cfg = se.pending as DeviceConfig;
    var effects: EcqvEffect[] = [];
    var nst = clone(st);
    if (result === OK) {
      nst.cred = se.cred;
      nst.cfg = cfg;
      nst.req = null; // a new certificate needs a new r_U
      effects.push({ t: 'store', file: CRED_FILE, bytes: encodeCredential(suite.id, se.cred, cfg) });
      effects.push(report(I_CERTIFIED, toHex(st.id.U) + ' certificate ' + toHex(se.cred.cert)));
      effects.push(report(I_PROVISIONED, 'version ' + cfg.version + ' ssid ' + cfg.ssid));
    } else {
      effects.push(report(I_JOIN_FAILED, codeName(result) + '; keeping version ' + heldVersion(st)));
    }
    sendAck(nst, se, result, cfg.version, effects);
    return endSession(nst, effects, result === OK ? 'JOINING -joined-> HELLO' : 'JOINING -join failed-> HELLO', result === OK ? 0 : result);
  }

  function onFrame(st: EnrolleeState, ev: FrameEvent): EcqvStep<EnrolleeState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame');
    var f = d.frame;
    var from = ev.from as Uint8Array;
    if (f.type !== T_HELLO_VERIFY && f.type !== T_RESPONSE && f.type !== T_CONFIG) {
      // Other enrollees' HELLOs are normal traffic; REQUEST/FINISHED/ACK are never for us.
      return reject(st, E_STATE, TYPE_NAMES[f.type], true);
    }
    if (f.suite !== suite.id) return reject(st, E_SUITE, TYPE_NAMES[f.type]);
    if (f.type === T_HELLO_VERIFY) return onHelloVerify(st, f, from, ev);
    if (f.type === T_RESPONSE) return onResponse(st, f, from, ev.bytes);
    return onConfig(st, f, from, ev.bytes);
  }

  function onTimer(st: EnrolleeState, ev: TimerEvent): EcqvStep<EnrolleeState> {
    if (ev.id === TIMER_HELLO && st.ph === EN_HELLO) {
      var r = randOf(ev, 18);
      if (!r) return reject(st, E_NO_RAND, 'timer');
      var s = hello(st, r, 'HELLO -hello-> HELLO');
      s.effects.push(report(I_PRESENCE, 'held ' + heldVersion(st)));
      return s;
    }
    if (ev.id === TIMER_SESSION && st.ph === EN_REQUEST && st.rq) {
      if (st.rq.tries < st.opt.requestTries) {
        // The REQUEST or its RESPONSE was lost, or the CA is busy: ask again (the CA answers a duplicate without new work).
        var nst = clone(st);
        nst.rq = clone(st.rq);
        nst.rq.tries = st.rq.tries + 1;
        return step(nst, [{ t: 'send', to: st.rq.peer, bytes: st.rq.bytes }, { t: 'arm', id: TIMER_SESSION, ms: st.opt.requestMs }], 'REQUEST -retransmit-> REQUEST', 0);
      }
      return endSession(st, [report(E_TIMEOUT, 'no certificate')], 'REQUEST -timeout-> HELLO', E_TIMEOUT);
    }
    if (ev.id === TIMER_SESSION && st.ph === EN_AWAIT_CONFIG) {
      return endSession(st, [report(E_TIMEOUT, 'no configuration')], 'AWAIT_CONFIG -timeout-> HELLO', E_TIMEOUT);
    }
    if (ev.id === TIMER_JOIN && st.ph === EN_JOINING) return onJoined(st, 3 /* WIFI_TIMEOUT */);
    return reject(st, E_STALE_TIMER, 'timer ' + ev.id, true);
  }

  function next(st: EnrolleeState, ev: EcqvEvent): EcqvStep<EnrolleeState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') {
        var r = randOf(ev, 18);
        if (!r) return reject(st, E_NO_RAND, 'boot');
        var b = clone(st);
        b.se = null;
        b.nu = null;
        b.last = null;
        b.rq = null;
        return hello(b, r, EN_STATE_NAMES[st.ph] + ' -boot-> HELLO');
      }
      if (st.ph === EN_OFF) return reject(st, E_STATE, ev.t);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      if (ev.t === 'wifi') {
        if (st.ph !== EN_JOINING) return reject(st, E_STATE, 'wifi', true);
        if (ev.join !== (st.se as EnrolleeSession).join) return reject(st, E_STALE_TIMER, 'wifi result of join ' + ev.join, true);
        var res = ev.result;
        if (typeof res !== 'number' || res < 0 || res > 15 || res % 1 !== 0) return reject(st, E_EVENT, 'wifi');
        return onJoined(st, res);
      }
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_ECQV, name: 'ecqv/enrollee', randBytes: ENROLLEE_RAND, next: next };
}

/** The CA id the enrollee expects in its certificate (for the app at load). */
export function enrolleeCaId(suite: EcqvSuite, id: EcqvIdentity): Uint8Array {
  return caIdOf(suite, id.caPub);
}
