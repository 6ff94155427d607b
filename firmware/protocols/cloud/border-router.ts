/**
 * Border-router (configurator) role of the cloud protocol (README §2, §8.2;
 * paper 000 §III-B messages 2, 5, 6 and 7): hears a node's signed JOIN, asks
 * the Authentication Cloud (AC) over the uplink unless it already trusts the
 * node, keeps the AC's answer in its trusted list for `trustFor` seconds,
 * hands the node the network key by ECIES bound to its request, with the AC's
 * grant for that request (README §4.4: the node refuses a KEY without one),
 * then its Wi-Fi and app configuration, and audits the outcome.
 *
 * A pure core: the AC request is an `uplink` effect whose envelope the core
 * signs itself (ECDSA P-256 with RFC 6979 nonces is deterministic, so signing
 * is a pure function of the key and the bytes; the request id comes from
 * `event.rand`); the answer comes back as an `uplink` event and is believed
 * only if it carries the pinned AC key's signature over this request's id.
 * No timers, I/O or randomness of its own; never mutates its input; never throws.
 */
import { equalBytes, concatBytes, copyBytes, readU32, toHex, fromHex, utf8Encode, macToString } from '../../bytes/bytes.ts';
import {
  OK, E_STATE, E_NO_SESSION, E_BAD_POINT, E_AUTH_ACK, E_BUSY, E_NO_RAND, E_TIMEOUT, E_CRYPTO, E_EVENT, E_STALE_TIMER,
  E_SUITE, E_NO_CONFIG, E_COMMAND, I_CONFIRMED,
} from '../../codec/codes.ts';
import { DeviceConfig, encodeConfig } from '../../codec/config-record.ts';
import { CoreEffect, FrameEvent, TimerEvent, UplinkEvent, Role } from '../../runtime/events.ts';
import { PROTO_CLOUD } from '../../codec/protocol-ids.ts';
import {
  AC_API_VERSION, AC_JOIN_PATH, AC_CHECK_PATH, CURVE_NAMES, CURVE_P256, NodeJoin, JoinVerdict, BrRequest, AcResponse,
  brRequestSignedText, acResponseSignedText, isLowerHex, GRANT_LEN,
} from './ac-api.ts';
import {
  decodeFrame, sidHeader, keyPrefix, encodeKey, configHeader, encodeConfig as encodeConfigFrame, CloudFrame,
  T_JOIN, T_KEY, T_KEYACK, T_CONFIG, T_ACK, TYPE_NAMES, SID_HDR_LEN, AEAD_TAG_LEN, FRAG_MAX, MAX_FRAGS,
} from './frames.ts';
import {
  E_AC_RESPONSE, E_AC_DB, E_AC_UNKNOWN_SN, E_AC_SN_REVOKED, E_JOIN_MAC, E_JOIN_TS, E_JOIN_REPLAY, E_AC_UNREACHABLE, I_TRUSTED, I_RECHECK, I_UNTRUSTED, codeName,
} from './codes.ts';
import { CloudSuite } from './suite.ts';
import { requestHash, eciesKeys, ccmNonce, drbg } from './keys.ts';
import { BrIdentity } from './records.ts';
import { CloudEvent, CloudStep, CloudCommand, clone, report, randOf, isMac, wallSeconds } from './common.ts';

export var B_OFF = 0;
export var B_ON = 1;
export var B_STATE_NAMES = ['OFF', 'ON'];

/** Session phases: waiting for the AC, KEY sent (await KEYACK), CONFIG sent (await ACK). */
export var S_AC = 1;
export var S_KEY = 2;
export var S_CONFIG = 3;
export var S_NAMES = ['?', 'AC', 'KEY', 'CONFIG'];

/** Random bytes per event: sid 4, ephemeral-key seed 32 (drawn at the JOIN, README §4.4), request id 16. */
export var BR_RAND = 52;

export interface BrOptions {
  /** guard on one AC request; the uplink port answers status 0 on its own timeout too */
  acWaitMs: number;
  /** retransmission interval of KEY and CONFIG, and sends before giving up */
  rtMs: number;
  maxTries: number;
  /** node timestamp window (seconds) when the border router checks a trusted node itself */
  tsWindowS: number;
  /** an AC response's time must be within this of ours (ms) */
  acWindowMs: number;
  /** sessions at once (each may cost an AC round trip and an ECIES) */
  maxSessions: number;
  /** nonces remembered per trusted node (replay inside the window) */
  nonceKeep: number;
  /**
   * Ask the AC again (/v1/check) as soon as a node's trust expires, so a
   * revoked node leaves the list without having to try a join. Off on a slow
   * board: each check costs a signature and a verification (README §2.2); the
   * expired entry is then simply not believed, and the next join goes to the AC.
   */
  recheck: boolean;
}

export var BR_DEFAULTS: BrOptions = {
  acWaitMs: 30000,
  rtMs: 3000,
  maxTries: 8,
  tsWindowS: 300,
  acWindowMs: 300000,
  maxSessions: 8,
  nonceKeep: 8,
  recheck: true,
};

export interface Trusted {
  pub: Uint8Array;
  curve: number;
  mac: Uint8Array;
  /** ms (board time) after which the border router asks the AC again */
  until: number;
  nonces: string[];
}

export interface BrSession {
  sn: string;
  ph: number;
  peer: Uint8Array;
  curve: number;
  rh: Uint8Array;
  /** the request's nonce (hex): remembered with the trust so a replay to this router is refused */
  nonce: string;
  /** S_AC: the uplink request id */
  up: number;
  /** the ECIES ephemeral key pair, made before asking the AC (the grant binds its public half) */
  eph: { priv: Uint8Array; pub: Uint8Array } | null;
  sid: number;
  keyFrame: Uint8Array | null;
  down: Uint8Array | null;
  upKey: Uint8Array | null;
  frags: Uint8Array[];
  tries: number;
  version: number;
}

export interface Pending {
  kind: string;
  sn: string;
  rid: string;
  /** the curve of the join asked about (the answer must name it) */
  curve: number;
}

export interface BrState {
  ph: number;
  id: BrIdentity;
  /** keyed 's:' + serial number (a serial number may be any printable string, "__proto__" included) */
  trusted: { [k: string]: Trusted };
  sessions: { [k: string]: BrSession };
  pending: { [id: string]: Pending };
  nextUp: number;
  groups: { [g: string]: DeviceConfig };
  /** keyed by hex SHA-256 of the serial number */
  devices: { [h: string]: DeviceConfig };
  opt: BrOptions;
}

export function brInitial(id: BrIdentity, opt?: BrOptions): BrState {
  return { ph: B_OFF, id: id, trusted: {}, sessions: {}, pending: {}, nextUp: 1, groups: {}, devices: {}, opt: opt || BR_DEFAULTS };
}

export type BrCore = Role<BrState, CloudCommand>;

function key(sn: string): string {
  return 's:' + sn;
}

function copyMap<T>(m: { [k: string]: T }): { [k: string]: T } {
  var r: { [k: string]: T } = {};
  for (var k in m) if (Object.prototype.hasOwnProperty.call(m, k)) r[k] = m[k];
  return r;
}

function curveId(name: any): number {
  for (var k in CURVE_NAMES) if (CURVE_NAMES[k as any] === name) return parseInt(k, 10);
  return 0;
}

/** The AC codes a refusal may carry (ac-api.ts JoinVerdict.codeNum): the AC's range 768 … 799. */
function acCode(n: any): number {
  return typeof n === 'number' && n >= 768 && n < 800 && n % 1 === 0 ? n : E_AC_RESPONSE;
}

/** `suiteFor(curve)`: the suite for a node's curve, or null; P-256's also signs and checks the envelopes. */
export function makeBorderRouter(suiteFor: (curve: number) => CloudSuite | null): BrCore {
  var env = suiteFor(CURVE_P256) as CloudSuite;

  function step(st: BrState, effects: CoreEffect[], tr: string, code: number): CloudStep<BrState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: BrState, code: number, what: string, quiet?: boolean): CloudStep<BrState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], B_STATE_NAMES[st.ph] + ' -x ' + what, code);
  }

  function audit(sn: string, mac: Uint8Array, code: number, version: number, now: number): CoreEffect {
    return { t: 'audit', device: sn, mac: macToString(mac), code: code, version: version, now: now };
  }

  function brMs(st: BrState, now: number): number {
    return st.id.clock * 1000 + (now > 0 ? Math.floor(now) : 0);
  }

  /** Message 2: the signed, time-stamped envelope (ac-api.ts BrRequest). */
  function envelope(st: BrState, path: string, body: string, rid: string, now: number): string {
    var r: BrRequest = { v: AC_API_VERSION, br: st.id.brId, rid: rid, ts: brMs(st, now), path: path, body: body, sig: '' };
    r.sig = toHex(env.sign(st.id.priv, utf8Encode(brRequestSignedText(r))));
    return JSON.stringify(r);
  }

  function ask(st: BrState, kind: string, sn: string, curve: number, path: string, body: string, rand: Uint8Array, now: number): { st: BrState; effect: CoreEffect; id: number } {
    var nst = clone(st);
    var id = st.nextUp;
    var rid = toHex(copyBytes(rand, 36, 52));
    nst.nextUp = id + 1;
    nst.pending = copyMap(st.pending);
    nst.pending['u' + id] = { kind: kind, sn: sn, rid: rid, curve: curve };
    return { st: nst, effect: { t: 'uplink', id: id, path: path, json: envelope(st, path, body, rid, now) }, id: id };
  }

  function withSession(st: BrState, se: BrSession | null, sn: string): BrState {
    var nst = clone(st);
    nst.sessions = copyMap(st.sessions);
    if (se) nst.sessions[key(sn)] = se;
    else delete nst.sessions[key(sn)];
    return nst;
  }

  function sessionCount(st: BrState): number {
    var n = 0;
    for (var k in st.sessions) if (Object.prototype.hasOwnProperty.call(st.sessions, k)) n++;
    return n;
  }

  /**
   * Message 7: ECIES to the node's key with the ephemeral drawn at the JOIN,
   * bound to its request hash (keys.ts), carrying the AC's grant (README §4.4).
   */
  function sendKey(st: BrState, s0: BrSession, pub: Uint8Array, grant: Uint8Array, gts: number, rand: Uint8Array, effects: CoreEffect[], tr: string): CloudStep<BrState> {
    var sn = s0.sn;
    var curve = s0.curve;
    var rh = s0.rh;
    var eph = s0.eph as { priv: Uint8Array; pub: Uint8Array };
    var s = suiteFor(curve) as CloudSuite;
    var sid = readU32(rand, 0) || 1;
    var hdr = sidHeader(T_KEY, curve, sid);
    var z: Uint8Array;
    try {
      z = s.dh(eph.priv, pub);
    } catch (e) {
      return reject(withSession(st, null, sn), E_BAD_POINT, 'node key');
    }
    var k = eciesKeys(s, z, rh, hdr, eph.pub, pub);
    var prefix = keyPrefix(hdr, eph.pub, gts, st.id.brId, grant);
    var sealed = s.seal(k.wrap, ccmNonce(T_KEY, sid, 0), st.id.netKey, concatBytes([prefix, rh]), AEAD_TAG_LEN);
    var frame = encodeKey(prefix, sealed);
    var se: BrSession = {
      sn: sn, ph: S_KEY, peer: copyBytes(s0.peer), curve: curve, rh: rh, nonce: s0.nonce, up: 0, eph: null, sid: sid, keyFrame: frame, down: k.down, upKey: k.up,
      frags: [], tries: 1, version: 0,
    };
    effects.push({ t: 'cancel', id: 'ac:' + sn });
    effects.push({ t: 'send', to: se.peer, bytes: frame });
    effects.push({ t: 'arm', id: 'rt:' + sn, ms: st.opt.rtMs });
    return step(withSession(st, se, sn), effects, tr, 0);
  }

  /** Message 1 received (README §3.1 order of checks). */
  function onJoin(st: BrState, f: CloudFrame, from: Uint8Array, bytes: Uint8Array, rand: Uint8Array, now: number): CloudStep<BrState> {
    var s = suiteFor(f.curve);
    if (!s) return reject(st, E_SUITE, 'JOIN');
    if (!equalBytes(from, f.mac as Uint8Array)) return reject(st, E_JOIN_MAC, 'JOIN');
    var sn = f.sn as string;
    var se = st.sessions[key(sn)];
    var rh = requestHash(env, bytes);
    if (se && equalBytes(se.rh, rh)) {
      // The node repeats the request it is waiting on: our KEY was lost, or the AC has not answered yet.
      if (se.ph === S_KEY && se.keyFrame) return step(st, [{ t: 'send', to: copyBytes(from), bytes: se.keyFrame }], 'ON -resend key-> ON', 0);
      return reject(st, E_BUSY, 'JOIN', true);
    }
    if (se && se.ph === S_AC) return reject(st, E_BUSY, 'JOIN', true);
    if (!se && sessionCount(st) >= st.opt.maxSessions) return reject(st, E_BUSY, 'JOIN', true);
    var tr = st.trusted[key(sn)];
    var nonceHex = toHex(f.nonce as Uint8Array);
    if (tr && tr.until > now) {
      // Trusted and fresh (§2.2): refuse cheaply what the AC would refuse — another MAC than the
      // trusted one, a nonce this BR has seen. The signature is the AC's to check.
      if (!equalBytes(tr.mac, f.mac as Uint8Array)) return reject(st, E_JOIN_MAC, 'JOIN');
      for (var i = 0; i < tr.nonces.length; i++) if (tr.nonces[i] === nonceHex) return reject(st, E_JOIN_REPLAY, 'JOIN');
    }
    // Message 2 to the AC, every join (§4.4: only the AC can grant a KEY for this request) — unless
    // the request is already too old (or new) for the AC's window: a key pair, a signature and a
    // verification saved, the node re-signs.
    var tsJ = f.ts as number;
    var nowJ = wallSeconds(st.id.clock, 0, now);
    if (tsJ > nowJ + st.opt.tsWindowS || tsJ + st.opt.tsWindowS < nowJ) return reject(st, E_JOIN_TS, 'JOIN');
    // The ephemeral key before the question: the AC's grant binds its public half R.
    var eph = s.keyPair(drbg(s, copyBytes(rand, 4, 36)));
    var body: NodeJoin = {
      sn: sn, mac: toHex(f.mac as Uint8Array), ts: f.ts as number, nonce: nonceHex, curve: CURVE_NAMES[f.curve], sig: toHex(f.sig as Uint8Array),
      eph: toHex(eph.pub),
    };
    var a = ask(st, 'join', sn, f.curve, AC_JOIN_PATH, JSON.stringify(body), rand, now);
    var nse: BrSession = {
      sn: sn, ph: S_AC, peer: copyBytes(from), curve: f.curve, rh: rh, nonce: nonceHex, up: a.id, eph: eph, sid: 0, keyFrame: null, down: null, upKey: null,
      frags: [], tries: 0, version: 0,
    };
    return step(withSession(a.st, nse, sn), [a.effect, { t: 'arm', id: 'ac:' + sn, ms: st.opt.acWaitMs }], 'ON -join-> AC', 0);
  }

  /**
   * Message 5: believe an answer only when it is the pinned AC's signature over
   * this request's id, at a time near ours, about the serial number asked for.
   */
  function verdictOf(st: BrState, p: Pending, ev: UplinkEvent, now: number): { code: number; v: JoinVerdict | null; pub: Uint8Array | null; grant: Uint8Array | null } {
    if (!ev.status || typeof ev.json !== 'string') return { code: E_AC_UNREACHABLE, v: null, pub: null, grant: null };
    var r: AcResponse;
    try {
      r = JSON.parse(ev.json);
    } catch (e) {
      return { code: E_AC_RESPONSE, v: null, pub: null, grant: null };
    }
    var bad = { code: E_AC_RESPONSE, v: null, pub: null, grant: null };
    if (!r || typeof r !== 'object' || r.v !== AC_API_VERSION || typeof r.ac !== 'string' || typeof r.rid !== 'string' || typeof r.ts !== 'number' ||
      typeof r.status !== 'number' || typeof r.body !== 'string' || typeof r.sig !== 'string') return bad;
    if (r.ac !== st.id.acId || r.rid !== p.rid) return bad;
    var t = brMs(st, now);
    if (r.ts > t + st.opt.acWindowMs || r.ts + st.opt.acWindowMs < t) return bad;
    var sig: Uint8Array;
    try {
      sig = fromHex(r.sig);
    } catch (e) {
      return bad;
    }
    if (sig.length !== 64 || !env.verify(st.id.acPub, utf8Encode(acResponseSignedText(r)), sig)) return bad;
    var v: JoinVerdict;
    try {
      v = JSON.parse(r.body);
    } catch (e) {
      return bad;
    }
    if (!v || typeof v !== 'object' || typeof v.ok !== 'boolean') return bad;
    if (!v.ok) {
      // A signed refusal: the database being down is "try again", anything else the AC's verdict.
      var c = acCode(v.codeNum);
      return { code: c === E_AC_DB || r.status === 503 ? E_AC_DB : c, v: v, pub: null, grant: null };
    }
    if (v.sn !== p.sn || curveId(v.curve) !== p.curve || typeof v.pub !== 'string') return bad;
    var s = suiteFor(p.curve);
    var pub: Uint8Array;
    try {
      pub = fromHex(v.pub);
    } catch (e) {
      return bad;
    }
    if (!s || !s.validPub(pub)) return bad;
    if (p.kind !== 'join') return { code: 0, v: v, pub: pub, grant: null };
    // A yes to a join carries the grant for our ephemeral key (README §4.4); without it no KEY.
    var g = v.grant;
    var gts = v.gts;
    if (typeof g !== 'string' || !isLowerHex(g, GRANT_LEN) || typeof gts !== 'number' || gts < 0 || gts > 0xffffffff || gts % 1 !== 0) return bad;
    return { code: 0, v: v, pub: pub, grant: fromHex(g) };
  }

  function trustMs(v: JoinVerdict): number {
    var t = v.trustFor;
    return typeof t === 'number' && t > 0 && t < 0x7fffffff ? Math.floor(t * 1000) : 0;
  }

  /**
   * A refusal that says the node itself is not (or no longer) trusted: drop it
   * from the list. A refusal of one request (its time, a replay, a bad
   * signature or MAC) may be a stranger's forgery and says nothing of the node.
   */
  function isVerdictRefusal(code: number): boolean {
    return code === E_AC_UNKNOWN_SN || code === E_AC_SN_REVOKED;
  }

  function onUplink(st: BrState, ev: UplinkEvent, rand: Uint8Array, now: number): CloudStep<BrState> {
    var pk = 'u' + ev.id;
    var p = st.pending[pk];
    if (!p) return reject(st, E_STALE_TIMER, 'uplink ' + ev.id, true);
    var nst = clone(st);
    nst.pending = copyMap(st.pending);
    delete nst.pending[pk];
    var d = verdictOf(st, p, ev, now);
    var effects: CoreEffect[] = [];
    var tk = key(p.sn);
    var had = st.trusted[tk];
    if (d.code && had && isVerdictRefusal(d.code)) {
      nst.trusted = copyMap(st.trusted);
      delete nst.trusted[tk];
      effects.push({ t: 'cancel', id: 'exp:' + p.sn });
      effects.push(report(I_UNTRUSTED, p.sn + ': ' + codeName(d.code)));
    }
    var se = st.sessions[tk];
    var live = p.kind === 'join' && se && se.ph === S_AC && se.up === ev.id;
    if (!d.code && (p.kind === 'check' ? !!had : live)) {
      // Message 6: into the trusted list for trustFor, with the MAC the node signed.
      var ms = trustMs(d.v as JoinVerdict);
      nst.trusted = copyMap(nst.trusted);
      nst.trusted[tk] = {
        pub: d.pub as Uint8Array, curve: p.curve, mac: live ? copyBytes(se.peer) : had.mac, until: now + ms,
        nonces: live ? (had ? had.nonces : []).concat([se.nonce]).slice(-st.opt.nonceKeep) : had.nonces,
      };
      if (ms > 0 && st.opt.recheck) effects.push({ t: 'arm', id: 'exp:' + p.sn, ms: ms });
    }
    if (p.kind === 'check') {
      if (d.code) {
        effects.push(report(d.code, 'recheck ' + p.sn));
        if (had && isVerdictRefusal(d.code)) effects.push(audit(p.sn, had.mac, d.code, 0, now));
      }
      return step(nst, effects, 'ON -check answer-> ON', d.code);
    }
    if (!live) return step(nst, effects, 'ON -late answer-> ON', 0);
    if (d.code) {
      effects.push({ t: 'cancel', id: 'ac:' + p.sn });
      effects.push(audit(p.sn, se.peer, d.code, 0, now));
      effects.push(report(d.code, 'join ' + p.sn + ' refused'));
      return step(withSession(nst, null, p.sn), effects, 'AC -refused-> ON', d.code);
    }
    effects.push(report(I_TRUSTED, p.sn + ' for ' + (d.v as JoinVerdict).trustFor + ' s'));
    return sendKey(nst, se, d.pub as Uint8Array, d.grant as Uint8Array, (d.v as JoinVerdict).gts as number, rand, effects, 'AC -verdict-> KEY');
  }

  function configFor(st: BrState, sn: string): DeviceConfig | null {
    var h = toHex(env.sha256(utf8Encode(sn)));
    if (Object.prototype.hasOwnProperty.call(st.devices, h)) return st.devices[h];
    if (Object.prototype.hasOwnProperty.call(st.groups, '')) return st.groups[''];
    return null;
  }

  function findSession(st: BrState, sid: number): BrSession | null {
    for (var k in st.sessions) if (Object.prototype.hasOwnProperty.call(st.sessions, k) && st.sessions[k].sid === sid) return st.sessions[k];
    return null;
  }

  function endSession(st: BrState, se: BrSession, effects: CoreEffect[], tr: string, code: number): CloudStep<BrState> {
    effects.push({ t: 'cancel', id: 'rt:' + se.sn });
    return step(withSession(st, null, se.sn), effects, tr, code);
  }

  function onKeyAck(st: BrState, f: CloudFrame, bytes: Uint8Array, now: number): CloudStep<BrState> {
    var se = findSession(st, f.sid);
    if (!se) return reject(st, E_NO_SESSION, 'KEYACK', true);
    if (se.ph !== S_KEY) return reject(st, E_STATE, 'KEYACK', true);
    var s = suiteFor(se.curve) as CloudSuite;
    var hdr = copyBytes(bytes, 0, SID_HDR_LEN);
    var pt = s.open(se.upKey as Uint8Array, ccmNonce(T_KEYACK, se.sid, 0), f.sealed as Uint8Array, concatBytes([hdr, se.rh]), AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_ACK, 'KEYACK');
    if (pt[0] !== OK) return endSession(st, se, [audit(se.sn, se.peer, pt[0], 0, now)], 'KEY -refused-> ON', pt[0]);
    var cfg = configFor(st, se.sn);
    if (!cfg) return endSession(st, se, [audit(se.sn, se.peer, E_NO_CONFIG, 0, now), report(E_NO_CONFIG, se.sn)], 'KEY -no config-> ON', E_NO_CONFIG);
    var rec = encodeConfig(cfg);
    var count = Math.ceil(rec.length / FRAG_MAX);
    if (count > MAX_FRAGS) return endSession(st, se, [audit(se.sn, se.peer, E_NO_CONFIG, 0, now)], 'KEY -config too large-> ON', E_NO_CONFIG);
    var frags: Uint8Array[] = [];
    var effects: CoreEffect[] = [];
    for (var i = 0; i < count; i++) {
      var ch = configHeader(se.curve, se.sid, i, count);
      var part = copyBytes(rec, i * FRAG_MAX, Math.min(rec.length, (i + 1) * FRAG_MAX));
      var fr = encodeConfigFrame(ch, s.seal(se.down as Uint8Array, ccmNonce(T_CONFIG, se.sid, i), part, concatBytes([ch, se.rh]), AEAD_TAG_LEN));
      frags.push(fr);
      effects.push({ t: 'send', to: se.peer, bytes: fr });
    }
    var nse = clone(se);
    nse.ph = S_CONFIG;
    nse.frags = frags;
    nse.tries = 1;
    nse.version = cfg.version;
    nse.keyFrame = null;
    effects.push({ t: 'arm', id: 'rt:' + se.sn, ms: st.opt.rtMs });
    return step(withSession(st, nse, se.sn), effects, 'KEY -keyack-> CONFIG', 0);
  }

  function onAck(st: BrState, f: CloudFrame, bytes: Uint8Array, now: number): CloudStep<BrState> {
    var se = findSession(st, f.sid);
    if (!se) return reject(st, E_NO_SESSION, 'ACK', true);
    if (se.ph !== S_CONFIG) return reject(st, E_STATE, 'ACK', true);
    var s = suiteFor(se.curve) as CloudSuite;
    var hdr = copyBytes(bytes, 0, SID_HDR_LEN);
    var pt = s.open(se.upKey as Uint8Array, ccmNonce(T_ACK, se.sid, 0), f.sealed as Uint8Array, concatBytes([hdr, se.rh]), AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_ACK, 'ACK');
    var result = pt[0];
    var version = readU32(pt, 1);
    var effects: CoreEffect[] = [audit(se.sn, se.peer, result, version, now)];
    if (result === OK) effects.push(report(I_CONFIRMED, se.sn + ' version ' + version));
    return endSession(st, se, effects, 'CONFIG -ack-> ON', result);
  }

  function onFrame(st: BrState, ev: FrameEvent, rand: Uint8Array, now: number): CloudStep<BrState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame', true);
    var f = d.frame;
    if (f.type === T_JOIN) return onJoin(st, f, ev.from, ev.bytes, rand, now);
    if (f.type === T_KEYACK) return onKeyAck(st, f, ev.bytes, now);
    if (f.type === T_ACK) return onAck(st, f, ev.bytes, now);
    // KEY and CONFIG are another border router's traffic.
    return reject(st, E_STATE, TYPE_NAMES[f.type], true);
  }

  function recheck(st: BrState, sn: string, rand: Uint8Array, now: number, tr: string): CloudStep<BrState> {
    var t = st.trusted[key(sn)];
    if (!t) return reject(st, E_NO_SESSION, 'recheck ' + sn, true);
    var a = ask(st, 'check', sn, t.curve, AC_CHECK_PATH, JSON.stringify({ sn: sn }), rand, now);
    return step(a.st, [a.effect, report(I_RECHECK, sn)], tr, 0);
  }

  function onTimer(st: BrState, ev: TimerEvent, rand: Uint8Array, now: number): CloudStep<BrState> {
    var id = ev.id;
    var colon = id.indexOf(':');
    var kind = colon > 0 ? id.substring(0, colon) : id;
    var sn = colon > 0 ? id.substring(colon + 1) : '';
    if (kind === 'exp') {
      var t = st.trusted[key(sn)];
      if (!t || t.until > now) return reject(st, E_STALE_TIMER, 'timer ' + id, true);
      // Revocation (README §5): trust lasts trustFor, then the AC is asked again.
      return recheck(st, sn, rand, now, 'ON -trust expired-> ON');
    }
    var se = st.sessions[key(sn)];
    if (!se) return reject(st, E_STALE_TIMER, 'timer ' + id, true);
    if (kind === 'ac') {
      if (se.ph !== S_AC) return reject(st, E_STALE_TIMER, 'timer ' + id, true);
      var nst = withSession(st, null, sn);
      nst.pending = copyMap(st.pending);
      delete nst.pending['u' + se.up];
      return step(nst, [audit(sn, se.peer, E_AC_UNREACHABLE, 0, now), report(E_AC_UNREACHABLE, 'join ' + sn)], 'AC -timeout-> ON', E_AC_UNREACHABLE);
    }
    if (kind === 'rt') {
      if (se.ph !== S_KEY && se.ph !== S_CONFIG) return reject(st, E_STALE_TIMER, 'timer ' + id, true);
      if (se.tries >= st.opt.maxTries) {
        return endSession(st, se, [audit(sn, se.peer, E_TIMEOUT, se.version, now), report(E_TIMEOUT, sn + ' in ' + S_NAMES[se.ph])], S_NAMES[se.ph] + ' -timeout-> ON', E_TIMEOUT);
      }
      var nse = clone(se);
      nse.tries = se.tries + 1;
      var effects: CoreEffect[] = [];
      if (se.ph === S_KEY) effects.push({ t: 'send', to: se.peer, bytes: se.keyFrame as Uint8Array });
      else for (var i = 0; i < se.frags.length; i++) effects.push({ t: 'send', to: se.peer, bytes: se.frags[i] });
      effects.push({ t: 'arm', id: 'rt:' + sn, ms: st.opt.rtMs });
      return step(withSession(st, nse, sn), effects, S_NAMES[se.ph] + ' -retransmit-> ' + S_NAMES[se.ph], 0);
    }
    return reject(st, E_STALE_TIMER, 'timer ' + id, true);
  }

  function onCommand(st: BrState, c: CloudCommand, rand: Uint8Array, now: number): CloudStep<BrState> {
    if (c.op === 'config') {
      var cfg = c.config as DeviceConfig;
      try {
        encodeConfig(cfg);
      } catch (e) {
        return reject(st, E_COMMAND, 'config');
      }
      var nst = clone(st);
      if (c.hash instanceof Uint8Array && c.hash.length === 32) {
        nst.devices = copyMap(st.devices);
        nst.devices[toHex(c.hash)] = cfg;
      } else if (typeof c.group === 'string' && c.group !== '__proto__') {
        nst.groups = copyMap(st.groups);
        nst.groups[c.group] = cfg;
      } else return reject(st, E_COMMAND, 'config');
      return step(nst, [], 'ON -config-> ON', 0);
    }
    if (c.op === 'recheck' && typeof c.sn === 'string') return recheck(st, c.sn, rand, now, 'ON -recheck-> ON');
    return reject(st, E_COMMAND, 'command ' + c.op);
  }

  function next(st: BrState, ev: CloudEvent): CloudStep<BrState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      var now = typeof ev.now === 'number' ? ev.now : 0;
      if (ev.t === 'boot') {
        var b = clone(st);
        b.ph = B_ON;
        b.sessions = {};
        b.pending = {};
        return step(b, [], B_STATE_NAMES[st.ph] + ' -boot-> ON', 0);
      }
      if (ev.t === 'command') {
        var rc = randOf(ev, BR_RAND);
        if (!rc) return reject(st, E_NO_RAND, 'command');
        return onCommand(st, ev as unknown as CloudCommand, rc, now);
      }
      if (st.ph === B_OFF) return reject(st, E_STATE, ev.t);
      var r = randOf(ev, BR_RAND);
      if (!r) return reject(st, E_NO_RAND, ev.t);
      if (ev.t === 'frame') return onFrame(st, ev, r, now);
      if (ev.t === 'uplink') return onUplink(st, ev, r, now);
      if (ev.t === 'timer') return onTimer(st, ev, r, now);
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_CLOUD, name: 'cloud/border-router', randBytes: BR_RAND, next: next };
}
