/**
 * Enrollee role of the whitelist provisioning protocol (README.md
 * §2, §8.1; after paper 003's flow: announce a public key, answer the
 * configurator's challenge, receive Wi-Fi settings).
 *
 * A pure core: `next(state, event) → { state, effects, tr, code }`. No timers,
 * no I/O, no randomness of its own (nonces and jitter come from `event.rand`).
 * It never mutates the state it is given and never throws: a crypto throw
 * becomes E_BAD_POINT / E_CRYPTO.
 *
 * Crypto per handshake (the speed budget, §4.3): one X25519 (es = X25519(e, X)),
 * since ss = X25519(e, C) is cached in the identity file. A CHALLENGE must pass
 * its static tag (tag_S, an HMAC under ss) before that X25519 is spent or a try
 * is counted, so a forged CHALLENGE costs one HMAC and changes nothing (§4.1).
 * Every PRESENCE carries a counter that never decreases over the device's life
 * (reserved in blocks in Storage, `store nb.ctr`) and a tag under ss, so only
 * this enrollee can announce itself and old PRESENCEs are recognisable.
 *
 * Duty cycle (issue 14, README §2.1): the receiver is on only for the window
 * each PRESENCE announces (`win` ms), off while the X25519 runs (state KEYING,
 * entered on an authentic CHALLENGE and left by a zero-delay timer, so the
 * multiplication runs in its own step with the radio already off), and the
 * board light-sleeps between announcements (`radio` and `sleep` effects).
 */
import { equalBytes, ctEqual, concatBytes, copyBytes, writeU32, macToString, wipe } from '../../bytes/bytes.ts';
import {
  decodeFrame, encodePresenceBody, encodePresence, encodeProof, ackHeader, encodeAck,
  T_CHALLENGE, T_CONFIG, TYPE_NAMES, SUITE_STRICT, CHALLENGE_BODY_LEN, TAG_LEN, CONFIG_HDR_LEN, AEAD_TAG_LEN, CAP_WIFI, CAP_SETTINGS, WlFrame,
  WIN_MAX, GAP_MAX,
} from './frames.ts';
import { OK, CONFIG_FORMAT, CONFIG_STALE, E_STATE, E_NO_SESSION, E_REFLECT, E_BAD_POINT, E_AUTH_CONFIG, E_RATE, E_NO_RAND, E_TIMEOUT, E_CRYPTO, E_DUPLICATE, E_EVENT, E_STALE_TIMER, E_SUITE, E_FIELD, I_PRESENCE, I_SESSION, I_PROVISIONED, I_JOIN_FAILED } from '../../codec/codes.ts';
import { E_AUTH_CHALLENGE, E_KEY_CONFIRM, codeName } from './codes.ts';
import { WhitelistSuiteCrypto } from './suite.ts';
import { transcriptH1, deriveKeys, macTag, chainHash, ccmNonce, presenceTag, staticTag, DIR_C2E, DIR_E2C } from './keys.ts';
import { WlConfig, EnrolleeIdentity, decodeConfig, encodeStoredConfig, encodeCounter } from './records.ts';
import { isLowOrder25519 } from '../../crypto/x25519-low-order.ts';
import { WlEvent, WlEffect, WlStep, WlCommand, clone, report, randOf, isMac } from './common.ts';
import { FrameEvent, TimerEvent, Role } from '../../runtime/events.ts';
import { PROTO_WHITELIST } from '../../codec/protocol-ids.ts';

export var EN_OFF = 0;
export var EN_ANNOUNCE = 1;
export var EN_AWAIT_CONFIG = 2;
export var EN_JOINING = 3;
/** An authentic CHALLENGE is being answered: the X25519 runs, the receiver is off (issue 14). */
export var EN_KEYING = 4;
export var EN_STATE_NAMES = ['OFF', 'ANNOUNCE', 'AWAIT_CONFIG', 'JOINING', 'KEYING'];

/** Timer ids the enrollee arms. */
export var TIMER_PRESENCE = 'presence';
export var TIMER_SESSION = 'session';
export var TIMER_JOIN = 'join';
/** End of the listen window after a PRESENCE: receiver off, light sleep until the next one. */
export var TIMER_LISTEN = 'listen';
/** Zero-delay timer that runs the X25519 of KEYING in a step of its own, radio off. */
export var TIMER_KEYING = 'keying';
/** Storage file holding the proven configuration (encodeStoredConfig). */
export var CONFIG_FILE = 'nb.config';
/** Storage file holding the presence-counter reservation (encodeCounter, README §6). */
export var COUNTER_FILE = 'nb.ctr';
/** Counters reserved per write of COUNTER_FILE: one flash write per boot and per this many nonces. */
export var CTR_BLOCK = 16;
/** The largest counter; an enrollee that reaches it keeps using it (never wraps to a smaller one). */
export var CTR_MAX = 0xffffffff;
/** Random bytes the enrollee needs on boot and presence-timer events (nonce 16 + jitter 2). */
export var ENROLLEE_RAND = 18;
/** Suite 2 also draws its ephemeral private key y (32). */
export var ENROLLEE_RAND_STRICT = 50;

export interface EnrolleeOptions {
  /** First presence interval while unprovisioned; doubles per presence up to presenceMaxMs. */
  presenceBaseMs: number;
  presenceMaxMs: number;
  /** Presence interval once a configuration is held (re-provisioning stays possible). */
  presenceSlowMs: number;
  /** Deadline for the configurator's CONFIG after our PROOF (refreshed per fragment). */
  sessionMs: number;
  /** Guard in case the Wi-Fi port never answers; fires as WIFI_TIMEOUT. */
  joinMs: number;
  /** Challenges (each costing one X25519) accepted per enrollee nonce; then wait for a fresh nonce. */
  maxChallenges: number;
  caps: number;
  /**
   * Listen window after each PRESENCE, in ms (announced in it as `win`, README
   * §2.1): the receiver is on that long, then off until the next PRESENCE, and
   * the board light-sleeps. 0: the receiver stays on all the time (no duty cycle).
   */
  listenMs: number;
}

export var ENROLLEE_DEFAULTS: EnrolleeOptions = {
  presenceBaseMs: 1000,
  presenceMaxMs: 16000,
  presenceSlowMs: 60000,
  sessionMs: 5000,
  joinMs: 20000,
  maxChallenges: 3,
  caps: CAP_WIFI | CAP_SETTINGS,
  // Long enough for a configurator that has its CHALLENGE ready (a repeat PRESENCE,
  // or the host-driven one: milliseconds) to answer after its own callback cost
  // (≈ 60 ms on the configurator bundle) and the airtime; short enough that the
  // windows cost less than the enrollee's one X25519 (docs/power-model.md).
  listenMs: 120,
};

export interface EnrolleeSession {
  sid: number;
  peer: Uint8Array;
  /** the accepted CHALLENGE frame (a byte-identical duplicate re-sends the PROOF) */
  chal: Uint8Array;
  proof: Uint8Array;
  /** configurator→enrollee and enrollee→configurator AEAD keys */
  ce: Uint8Array;
  ee: Uint8Array;
  h3: Uint8Array;
  /** fragment count (0 until the first authentic fragment) and the fragments */
  count: number;
  frags: (Uint8Array | null)[];
  got: number;
  /** complete, authentic config being proven by the Wi-Fi join */
  pending: WlConfig | null;
  /** id of the Wi-Fi join proving `pending`: a result of any other join is stale */
  join: number;
}

export interface EnrolleeState {
  ph: number;
  id: EnrolleeIdentity;
  /** the proven configuration, or null */
  cfg: WlConfig | null;
  /** current enrollee nonce and the PRESENCE frame built from it */
  ne: Uint8Array | null;
  /** suite 2 only: the ephemeral key pair that goes with this nonce */
  eph: { y: Uint8Array; Y: Uint8Array } | null;
  pres: Uint8Array | null;
  /** presences sent with this nonce (backoff exponent) */
  n: number;
  /** challenges tried with this nonce (rate limit; only those that passed tag_S count) */
  tries: number;
  /** the counter in the current PRESENCE, and the highest counter reserved in COUNTER_FILE */
  ctr: number;
  resv: number;
  se: EnrolleeSession | null;
  /** KEYING: the authentic CHALLENGE whose X25519 runs at the keying timer, and its sender */
  kx: { bytes: Uint8Array; from: Uint8Array } | null;
  /** when the next PRESENCE is due (event time, ms): the light sleep after the window lasts until then */
  due: number;
  /**
   * The session that just ended with an ACK: enough to authenticate a
   * retransmitted CONFIG of it (its ACK was lost) and send the same ACK again.
   */
  last: { sid: number; peer: Uint8Array; ce: Uint8Array; h3: Uint8Array; ack: Uint8Array } | null;
  /** joins asked for so far: the next join's id (a late result carries an older one) */
  joins: number;
  opt: EnrolleeOptions;
}

/**
 * `reserved` is the value of COUNTER_FILE at boot (0 when there is none): every
 * counter this state hands out is above it, reserved in Storage before use.
 */
export function enrolleeInitial(id: EnrolleeIdentity, cfg: WlConfig | null, opt?: EnrolleeOptions, reserved?: number): EnrolleeState {
  var r = typeof reserved === 'number' && reserved >= 0 && reserved <= CTR_MAX && reserved % 1 === 0 ? reserved : 0;
  return {
    ph: EN_OFF, id: id, cfg: cfg, ne: null, eph: null, pres: null, n: 0, tries: 0, ctr: r, resv: r, se: null, kx: null, due: 0, last: null, joins: 0,
    opt: opt || ENROLLEE_DEFAULTS,
  };
}

/** The enrollee as the runtime runs it (firmware/runtime/events.ts Role). */
export type EnrolleeCore = Role<EnrolleeState, WlCommand>;

function heldVersion(st: EnrolleeState): number {
  return st.cfg ? st.cfg.version : 0;
}

/** Presence interval: exponential backoff while unprovisioned, slow once provisioned, plus up to 25 % jitter. */
export function presenceDelay(st: EnrolleeState, r16: number): number {
  var o = st.opt;
  var base: number;
  if (st.cfg) base = o.presenceSlowMs;
  else {
    base = o.presenceBaseMs;
    for (var i = 0; i < st.n && base < o.presenceMaxMs; i++) base *= 2;
    if (base > o.presenceMaxMs) base = o.presenceMaxMs;
  }
  var span = Math.floor(base / 4);
  return base + (span > 0 ? r16 % (span + 1) : 0);
}

/**
 * The `gap` a PRESENCE announces (README §2.1): whole seconds within which the
 * next PRESENCE comes whatever the backoff step and the jitter — the longest
 * interval of the current regime (unprovisioned: the backoff cap; provisioned:
 * the slow interval), plus its 25 % jitter, rounded up. Fixed per regime so the
 * PRESENCE bytes stay the same for a nonce (a configurator recognises repeats).
 */
export function presenceGapS(st: EnrolleeState): number {
  var o = st.opt;
  var base = st.cfg ? o.presenceSlowMs : o.presenceMaxMs;
  var g = Math.ceil((base + Math.floor(base / 4)) / 1000);
  return g > GAP_MAX ? GAP_MAX : g;
}

/** The listen window a PRESENCE announces (ms, README §2.1); 0 = always listening. */
export function listenWindowMs(o: EnrolleeOptions): number {
  var w = typeof o.listenMs === 'number' && o.listenMs > 0 ? Math.floor(o.listenMs) : 0;
  return w > WIN_MAX ? WIN_MAX : w;
}

export function makeEnrollee(suite: WhitelistSuiteCrypto): EnrolleeCore {
  function randNeed(): number {
    return suite.id === SUITE_STRICT ? ENROLLEE_RAND_STRICT : ENROLLEE_RAND;
  }

  function step(st: EnrolleeState, effects: WlEffect[], tr: string, code: number): WlStep<EnrolleeState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  /** A refused frame or event: the caller's state object comes back untouched. */
  function reject(st: EnrolleeState, code: number, what: string, quiet?: boolean): WlStep<EnrolleeState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], EN_STATE_NAMES[st.ph] + ' -x ' + what, code);
  }

  /**
   * Send a PRESENCE (fresh nonce and counter if none) and arm the next one. The
   * PRESENCE bytes stay the same until the nonce changes, so a configurator
   * recognises a repeat and a CHALLENGE answers exactly the bytes we hold.
   */
  function announce(st0: EnrolleeState, rand: Uint8Array, now: number, tr: string): WlStep<EnrolleeState> {
    var st = clone(st0);
    var effects: WlEffect[] = [];
    // A fresh nonce after a session, and after the challenge budget of this one
    // is spent (only a holder of ss can spend it: tag_S comes first).
    if (!st.ne || !st.pres || st.tries >= st.opt.maxChallenges) {
      st.ne = copyBytes(rand, 0, 16);
      st.n = 0;
      st.tries = 0;
      st.eph = null;
      if (suite.id === SUITE_STRICT) {
        // One multiplication per nonce, not per presence (§9).
        var y = copyBytes(rand, 18, 50);
        st.eph = { y: y, Y: suite.dhPub(y) };
      }
      // A new counter per nonce, reserved in Storage BEFORE it goes on the air
      // (the store effect comes first): after any reboot the enrollee starts
      // above every counter it ever sent (§4.1, replays).
      if (st.ctr < CTR_MAX) st.ctr = st.ctr + 1;
      if (st.ctr > st.resv) {
        st.resv = Math.min(CTR_MAX, st.ctr + CTR_BLOCK - 1);
        effects.push({ t: 'store', file: COUNTER_FILE, bytes: encodeCounter(st.resv) });
      }
      var body = encodePresenceBody(suite.id, st.id.E, st.ne, heldVersion(st), st.opt.caps, st.ctr, st.eph ? st.eph.Y : undefined, listenWindowMs(st.opt), presenceGapS(st));
      st.pres = encodePresence(body, presenceTag(suite, st.id.ss, body));
    }
    var delay = presenceDelay(st, (rand[16] << 8) | rand[17]);
    st.n = st.n + 1;
    st.ph = EN_ANNOUNCE;
    st.due = now + delay;
    var win = listenWindowMs(st.opt);
    // The receiver is on before the PRESENCE leaves, so an answer sent at once is heard (§2.1).
    if (win > 0) effects.push({ t: 'radio', on: true });
    effects.push({ t: 'send', to: new Uint8Array([255, 255, 255, 255, 255, 255]), bytes: st.pres as Uint8Array });
    if (win > 0) effects.push({ t: 'arm', id: TIMER_LISTEN, ms: win });
    effects.push({ t: 'arm', id: TIMER_PRESENCE, ms: delay });
    return step(st, effects, tr, 0);
  }

  /**
   * The one cleanup path: forget the session and its keys, take a fresh nonce at
   * the next presence, go back to announcing. Used by success, failure and timeout.
   */
  function endSession(st0: EnrolleeState, effects: WlEffect[], now: number, tr: string, code: number): WlStep<EnrolleeState> {
    // Keys are dropped, not wiped: the caller's previous state still references
    // them and the core never mutates a state it was given.
    var st = clone(st0);
    st.se = null;
    st.kx = null;
    st.ne = null;
    st.eph = null;
    st.pres = null;
    st.n = 0;
    st.tries = 0;
    st.ph = EN_ANNOUNCE;
    var wait = st.cfg ? st.opt.presenceSlowMs : st.opt.presenceBaseMs;
    st.due = now + wait;
    effects.push({ t: 'cancel', id: TIMER_SESSION });
    effects.push({ t: 'cancel', id: TIMER_JOIN });
    effects.push({ t: 'arm', id: TIMER_PRESENCE, ms: wait });
    // Nothing to hear until the next PRESENCE opens a window (§2.1): a lost ACK is
    // settled by that PRESENCE, which carries the new version (§2, "Loss").
    if (listenWindowMs(st.opt) > 0) {
      effects.push({ t: 'radio', on: false });
      effects.push({ t: 'sleep', ms: wait });
    }
    return step(st, effects, tr, code);
  }

  /**
   * A CHALLENGE, checked in this order (README §3.1): state, suite, reflection,
   * low-order X, tag_S (one HMAC under ss) — all before any X25519 and without
   * any state change — then the try budget, then the X25519s and tag_C.
   */
  function onChallenge(st: EnrolleeState, f: WlFrame, from: Uint8Array, bytes: Uint8Array): WlStep<EnrolleeState> {
    if (st.ph === EN_AWAIT_CONFIG && st.se && equalBytes(bytes, st.se.chal)) {
      // Our PROOF was lost and the configurator retransmitted: repeat it, no
      // crypto, to whoever sent the copy (MACs are routing only, §4.1).
      return step(st, [{ t: 'send', to: copyBytes(from), bytes: st.se.proof }], 'AWAIT_CONFIG -resend proof-> AWAIT_CONFIG', 0);
    }
    // A copy of the CHALLENGE being keyed (a board that cannot switch its receiver off hears it).
    if (st.ph === EN_KEYING && st.kx && equalBytes(bytes, st.kx.bytes)) return reject(st, E_STATE, 'CHALLENGE', true);
    if (st.ph !== EN_ANNOUNCE || !st.pres) return reject(st, E_STATE, 'CHALLENGE');
    if (f.suite !== suite.id) return reject(st, E_SUITE, 'CHALLENGE');
    var X = f.X as Uint8Array;
    if (equalBytes(X, st.id.E) || (st.eph && equalBytes(X, st.eph.Y))) return reject(st, E_REFLECT, 'CHALLENGE');
    if (isLowOrder25519(X)) return reject(st, E_BAD_POINT, 'CHALLENGE');
    var body = copyBytes(bytes, 0, CHALLENGE_BODY_LEN);
    var pres = st.pres;
    if (!ctEqual(staticTag(suite, st.id.ss, copyBytes(pres, pres.length - TAG_LEN), copyBytes(bytes, 0, CHALLENGE_BODY_LEN + TAG_LEN)), f.tagS as Uint8Array)) {
      return reject(st, E_AUTH_CHALLENGE, 'CHALLENGE');
    }
    // Only a holder of ss gets here: the budget bounds what even it can make us spend.
    if (st.tries >= st.opt.maxChallenges) return reject(st, E_RATE, 'CHALLENGE');
    // The try is counted now; the X25519 runs in KEYING, at a zero-delay timer,
    // with the receiver off and nothing else to announce meanwhile (§2.1).
    var keying = clone(st);
    keying.tries = st.tries + 1;
    keying.ph = EN_KEYING;
    keying.kx = { bytes: copyBytes(bytes), from: copyBytes(from) };
    var ke: WlEffect[] = [{ t: 'cancel', id: TIMER_PRESENCE }];
    if (listenWindowMs(st.opt) > 0) {
      ke.push({ t: 'cancel', id: TIMER_LISTEN });
      ke.push({ t: 'radio', on: false });
    }
    ke.push({ t: 'arm', id: TIMER_KEYING, ms: 0 });
    return step(keying, ke, 'ANNOUNCE -challenge-> KEYING', 0);
  }

  /**
   * KEYING's timer: the X25519s and tag_C of the CHALLENGE accepted in
   * ANNOUNCE (its tag_S verified, its try counted). A good one: PROOF, receiver
   * on, AWAIT_CONFIG. A bad one: back to ANNOUNCE with the same nonce (§3.1).
   */
  function onKeying(counted: EnrolleeState, ev: TimerEvent): WlStep<EnrolleeState> {
    var kx = counted.kx as { bytes: Uint8Array; from: Uint8Array };
    var bytes = kx.bytes;
    var from = kx.from;
    var f = decodeFrame(bytes).frame as WlFrame;
    var st = counted;
    var X = f.X as Uint8Array;
    var body = copyBytes(bytes, 0, CHALLENGE_BODY_LEN);
    var pres = st.pres as Uint8Array;
    var dhs: Uint8Array[];
    try {
      dhs = [st.id.ss, suite.dh(st.id.e, X)];
      if (st.eph) {
        dhs.push(suite.dh(st.eph.y, st.id.C));
        dhs.push(suite.dh(st.eph.y, X));
      }
    } catch (e) {
      return keyingFailed(counted, ev, E_BAD_POINT);
    }
    var h1 = transcriptH1(suite, st.id.C, pres, body);
    var k = deriveKeys(suite, dhs, h1);
    for (var i = 1; i < dhs.length; i++) wipe(dhs[i]);
    if (!ctEqual(macTag(suite, k.cm, h1), f.tag as Uint8Array)) {
      wipe(k.ce);
      wipe(k.ee);
      return keyingFailed(counted, ev, E_KEY_CONFIRM);
    }
    var h2 = chainHash(suite, h1, f.tag as Uint8Array);
    var ptag = macTag(suite, k.em, h2);
    var proof = encodeProof(suite.id, f.sid, ptag);
    var nst = clone(counted);
    nst.ph = EN_AWAIT_CONFIG;
    nst.kx = null;
    nst.last = null;
    nst.se = {
      sid: f.sid, peer: copyBytes(from), chal: copyBytes(bytes), proof: proof, ce: k.ce, ee: k.ee,
      h3: chainHash(suite, h2, ptag), count: 0, frags: [], got: 0, pending: null, join: 0,
    };
    var pe: WlEffect[] = [];
    // Listen again before the PROOF leaves: the CONFIG follows it at once (§2.1).
    if (listenWindowMs(st.opt) > 0) pe.push({ t: 'radio', on: true });
    pe.push({ t: 'send', to: nst.se.peer, bytes: proof });
    pe.push({ t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs });
    pe.push(report(I_SESSION, 'configurator ' + macToString(from) + ' authenticated'));
    return step(nst, pe, 'KEYING -keyed-> AWAIT_CONFIG', 0);
  }

  /**
   * A CHALLENGE from a holder of ss whose key agreement failed: its try stays
   * counted, the same PRESENCE goes on (a fresh nonce once the tries are spent),
   * the receiver stays off until the next PRESENCE's window.
   */
  function keyingFailed(counted: EnrolleeState, ev: TimerEvent, code: number): WlStep<EnrolleeState> {
    var st = clone(counted);
    st.ph = EN_ANNOUNCE;
    st.kx = null;
    var r = randOf(ev, randNeed());
    var delay = presenceDelay(st, r ? (r[16] << 8) | r[17] : 0);
    var now = typeof ev.now === 'number' ? ev.now : 0;
    st.due = now + delay;
    var effects: WlEffect[] = [report(code, 'CHALLENGE: ' + codeName(code)), { t: 'arm', id: TIMER_PRESENCE, ms: delay }];
    if (listenWindowMs(st.opt) > 0) effects.push({ t: 'sleep', ms: delay });
    return step(st, effects, 'KEYING -x ' + codeName(code) + '-> ANNOUNCE', code);
  }

  /** Seal and send the ACK, and remember it in `st.last` (st is the caller's fresh copy). */
  function sendAck(st: EnrolleeState, se: EnrolleeSession, result: number, version: number, effects: WlEffect[]): void {
    var hdr = ackHeader(suite.id, se.sid);
    var pt = new Uint8Array(5);
    pt[0] = result;
    writeU32(pt, 1, version);
    var sealed = suite.seal(se.ee, ccmNonce(DIR_E2C, se.sid, 0), pt, concatBytes([hdr, se.h3]), AEAD_TAG_LEN);
    var ack = encodeAck(hdr, sealed);
    st.last = { sid: se.sid, peer: se.peer, ce: se.ce, h3: se.h3, ack: ack };
    effects.push({ t: 'send', to: se.peer, bytes: ack });
  }

  /**
   * A CONFIG of the session we already acknowledged: the configurator did not get
   * our ACK. If the fragment is authentic, send the same ACK bytes again (no state change).
   */
  function resendAck(st: EnrolleeState, f: WlFrame, from: Uint8Array, bytes: Uint8Array): WlStep<EnrolleeState> {
    var l = st.last as { sid: number; peer: Uint8Array; ce: Uint8Array; h3: Uint8Array; ack: Uint8Array };
    var aad = concatBytes([copyBytes(bytes, 0, CONFIG_HDR_LEN), l.h3]);
    if (!suite.open(l.ce, ccmNonce(DIR_C2E, l.sid, f.idx as number), f.sealed as Uint8Array, aad, AEAD_TAG_LEN)) {
      return reject(st, E_AUTH_CONFIG, 'CONFIG');
    }
    return step(st, [{ t: 'send', to: copyBytes(from), bytes: l.ack }], EN_STATE_NAMES[st.ph] + ' -resend ack-> ' + EN_STATE_NAMES[st.ph], 0);
  }

  function onConfig(st: EnrolleeState, f: WlFrame, from: Uint8Array, bytes: Uint8Array, ev: FrameEvent): WlStep<EnrolleeState> {
    var se = st.se;
    if ((!se || f.sid !== se.sid) && st.last && f.sid === st.last.sid) return resendAck(st, f, from, bytes);
    if (!se) return reject(st, E_NO_SESSION, 'CONFIG');
    if (f.sid !== se.sid) return reject(st, E_NO_SESSION, 'CONFIG');
    if (st.ph !== EN_AWAIT_CONFIG) return reject(st, E_STATE, 'CONFIG', true);
    if (f.suite !== suite.id) return reject(st, E_SUITE, 'CONFIG');
    var idx = f.idx as number;
    var count = f.count as number;
    var aad = concatBytes([copyBytes(bytes, 0, CONFIG_HDR_LEN), se.h3]);
    var pt = suite.open(se.ce, ccmNonce(DIR_C2E, se.sid, idx), f.sealed as Uint8Array, aad, AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_CONFIG, 'CONFIG');
    // Authentic from here: count is authenticated, but must agree across fragments.
    if (se.count && count !== se.count) return reject(st, E_FIELD, 'CONFIG');
    if (se.frags[idx]) return reject(st, E_DUPLICATE, 'CONFIG', true);
    var nse = clone(se);
    // The ACK goes where authentic CONFIG comes from (a MAC is routing only, §4.1).
    nse.peer = copyBytes(from);
    nse.count = count;
    nse.frags = se.frags.slice(0);
    nse.frags[idx] = pt;
    nse.got = se.got + 1;
    var nst = clone(st);
    nst.se = nse;
    if (nse.got < count) {
      return step(nst, [{ t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs }], 'AWAIT_CONFIG -fragment-> AWAIT_CONFIG', 0);
    }
    var parts: Uint8Array[] = [];
    for (var i = 0; i < count; i++) parts.push(nse.frags[i] as Uint8Array);
    var d = decodeConfig(concatBytes(parts));
    var effects: WlEffect[] = [];
    if (!d.config || d.config.version <= heldVersion(st)) {
      // Authentic but unusable: tell the configurator why, keep what we hold.
      var why = d.config ? CONFIG_STALE : CONFIG_FORMAT;
      sendAck(nst, nse, why, d.config ? d.config.version : 0, effects);
      effects.push(report(why, 'configuration refused'));
      return endSession(nst, effects, nowOf(ev), 'AWAIT_CONFIG -bad config-> ANNOUNCE', why);
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

  /** Commit on success only (threat 13): store and adopt the new config after a good join. */
  function onJoined(st: EnrolleeState, result: number, now: number): WlStep<EnrolleeState> {
    var se = st.se as EnrolleeSession;
    var cfg = se.pending as WlConfig;
    var effects: WlEffect[] = [];
    var nst = clone(st);
    if (result === OK) {
      nst.cfg = cfg;
      effects.push({ t: 'store', file: CONFIG_FILE, bytes: encodeStoredConfig(cfg) });
      effects.push(report(I_PROVISIONED, 'version ' + cfg.version + ' ssid ' + cfg.ssid));
    } else {
      effects.push(report(I_JOIN_FAILED, codeName(result) + '; keeping version ' + heldVersion(st)));
    }
    sendAck(nst, se, result, cfg.version, effects);
    return endSession(nst, effects, now, result === OK ? 'JOINING -joined-> ANNOUNCE' : 'JOINING -join failed-> ANNOUNCE', result === OK ? 0 : result);
  }

  function onFrame(st: EnrolleeState, ev: FrameEvent): WlStep<EnrolleeState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame');
    var f = d.frame;
    if (f.type === T_CHALLENGE) return onChallenge(st, f, ev.from as Uint8Array, ev.bytes);
    if (f.type === T_CONFIG) return onConfig(st, f, ev.from as Uint8Array, ev.bytes, ev);
    // PRESENCE from other enrollees is normal traffic; PROOF/ACK are never for us.
    return reject(st, E_STATE, TYPE_NAMES[f.type], true);
  }

  function onTimer(st: EnrolleeState, ev: TimerEvent): WlStep<EnrolleeState> {
    if (ev.id === TIMER_PRESENCE && st.ph === EN_ANNOUNCE) {
      var r = randOf(ev, randNeed());
      if (!r) return reject(st, E_NO_RAND, 'timer');
      var s = announce(st, r, nowOf(ev), 'ANNOUNCE -presence-> ANNOUNCE');
      s.effects.push(report(I_PRESENCE, 'held ' + heldVersion(st)));
      return s;
    }
    if (ev.id === TIMER_LISTEN && st.ph === EN_ANNOUNCE) {
      // The window is over: receiver off, light sleep until the next PRESENCE (§2.1).
      var left = st.due - nowOf(ev);
      var le: WlEffect[] = [{ t: 'radio', on: false }];
      if (left > 0) le.push({ t: 'sleep', ms: left });
      return step(st, le, 'ANNOUNCE -window over-> ANNOUNCE', 0);
    }
    if (ev.id === TIMER_KEYING && st.ph === EN_KEYING && st.kx) return onKeying(st, ev);
    if (ev.id === TIMER_SESSION && st.ph === EN_AWAIT_CONFIG) {
      return endSession(st, [report(E_TIMEOUT, 'no configuration')], nowOf(ev), 'AWAIT_CONFIG -timeout-> ANNOUNCE', E_TIMEOUT);
    }
    if (ev.id === TIMER_JOIN && st.ph === EN_JOINING) return onJoined(st, 3 /* WIFI_TIMEOUT */, nowOf(ev));
    return reject(st, E_STALE_TIMER, 'timer ' + ev.id, true);
  }

  function nowOf(ev: WlEvent): number {
    return typeof ev.now === 'number' ? ev.now : 0;
  }

  function next(st: EnrolleeState, ev: WlEvent): WlStep<EnrolleeState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') {
        var r = randOf(ev, randNeed());
        if (!r) return reject(st, E_NO_RAND, 'boot');
        var b = clone(st);
        b.se = null;
        b.kx = null;
        b.ne = null;
        b.last = null;
        return announce(b, r, nowOf(ev), EN_STATE_NAMES[st.ph] + ' -boot-> ANNOUNCE');
      }
      if (st.ph === EN_OFF) return reject(st, E_STATE, ev.t);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      if (ev.t === 'wifi') {
        if (st.ph !== EN_JOINING) return reject(st, E_STATE, 'wifi', true);
        // A join that outlasted its guard answers late: that result belongs to
        // an older configuration, never to the one being proven now.
        if (ev.join !== (st.se as EnrolleeSession).join) return reject(st, E_STALE_TIMER, 'wifi result of join ' + ev.join, true);
        var res = ev.result;
        if (typeof res !== 'number' || res < 0 || res > 15 || res % 1 !== 0) return reject(st, E_EVENT, 'wifi');
        return onJoined(st, res, nowOf(ev));
      }
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_WHITELIST, name: 'whitelist/enrollee', randBytes: randNeed(), next: next };
}
