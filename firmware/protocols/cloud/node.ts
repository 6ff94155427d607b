/**
 * Node (enrollee) role of the cloud protocol (README §2, §8.1; paper 000
 * §III-B messages 1, 7 and 8): sign a join request, take the network key the
 * border router encrypts to our public key, store it, acknowledge, then take the
 * Wi-Fi and app configuration under the session keys with commit on success.
 *
 * A pure core: no timers, I/O or randomness of its own (the nonce and jitter
 * come from `event.rand`, time from `event.now`); it never mutates the state
 * it is given and never throws.
 *
 * Cost (the paper's Table III rows): one ECDSA signature per request (the
 * request and its bytes stay the same while the node repeats it), one HMAC per
 * KEY (the Authentication Cloud's grant, README §4.4: a KEY without the AC's
 * grant for this request is refused before any ECDH), one ECDH per granted
 * KEY, at most `maxKeyTries` per request.
 */
import { equalBytes, ctEqual, concatBytes, copyBytes, writeU32, macToString } from '../../bytes/bytes.ts';
import {
  OK, CONFIG_FORMAT, CONFIG_STALE, E_STATE, E_NO_SESSION, E_BAD_POINT, E_AUTH_CONFIG, E_RATE, E_NO_RAND, E_TIMEOUT,
  E_CRYPTO, E_DUPLICATE, E_EVENT, E_STALE_TIMER, E_SUITE, E_FIELD, I_PROVISIONED, I_JOIN_FAILED,
} from '../../codec/codes.ts';
import { DeviceConfig, decodeConfig, encodeStoredConfig } from '../../codec/config-record.ts';
import { CoreEffect, FrameEvent, TimerEvent, Role } from '../../runtime/events.ts';
import { PROTO_CLOUD } from '../../codec/protocol-ids.ts';
import { joinStatementBytes } from './ac-api.ts';
import {
  decodeFrame, encodeJoin, sidHeader, encodeKeyAck, encodeAck, CloudFrame, T_KEY, T_KEYACK, T_CONFIG, T_ACK, TYPE_NAMES,
  SID_HDR_LEN, CONFIG_HDR_LEN, AEAD_TAG_LEN, NETKEY_LEN, KEY_PT_LEN,
} from './frames.ts';
import { E_KEY_OPEN, E_GRANT, I_KEY_STORED, I_JOIN, codeName } from './codes.ts';
import { CloudSuite } from './suite.ts';
import { requestHash, eciesKeys, ccmNonce, grantTag } from './keys.ts';
import { NodeIdentity, NodeKey, encodeNodeKey } from './records.ts';
import { CloudEvent, CloudStep, CloudCommand, clone, report, randOf, isMac, wallSeconds } from './common.ts';

export var N_OFF = 0;
export var N_JOINING = 1;
export var N_KEYED = 2;
export var N_PROVING = 3;
export var N_DONE = 4;
export var N_STATE_NAMES = ['OFF', 'JOINING', 'KEYED', 'PROVING', 'DONE'];

export var TIMER_JOIN = 'join';
export var TIMER_SESSION = 'session';
export var TIMER_WIFI = 'wifi';
/** Storage: the network key (records.ts encodeNodeKey) and the proven configuration. */
export var KEY_FILE = 'nb.netkey';
export var CONFIG_FILE = 'nb.config';
/** Random bytes per event: nonce 8, jitter 2. */
export var NODE_RAND = 10;

export interface NodeOptions {
  /** first JOIN interval; doubles per repeat up to joinMaxMs (plus up to 25 % jitter) */
  joinBaseMs: number;
  joinMaxMs: number;
  /** repeats of one request before the node signs a fresh one (its TS would leave the AC's window) */
  renewAfter: number;
  /** deadline for the configuration after our KEYACK (refreshed per fragment) */
  sessionMs: number;
  /** guard in case the Wi-Fi port never answers (fires as WIFI_TIMEOUT) */
  wifiMs: number;
  /** KEY frames (one ECDH each) tried per request */
  maxKeyTries: number;
}

export var NODE_DEFAULTS: NodeOptions = {
  joinBaseMs: 2000,
  joinMaxMs: 32000,
  renewAfter: 8,
  sessionMs: 60000,
  wifiMs: 20000,
  maxKeyTries: 3,
};

export interface NodeRequest {
  frame: Uint8Array;
  rh: Uint8Array;
  /** JOINs sent with this request, and KEYs tried */
  n: number;
  keyTries: number;
}

export interface NodeSession {
  sid: number;
  peer: Uint8Array;
  /** the accepted KEY (a byte-identical repeat re-sends the KEYACK) and our KEYACK */
  keyFrame: Uint8Array;
  keyAck: Uint8Array;
  down: Uint8Array;
  up: Uint8Array;
  rh: Uint8Array;
  /** a new network: configuration versions start again */
  fresh: boolean;
  count: number;
  frags: (Uint8Array | null)[];
  got: number;
  pending: DeviceConfig | null;
  join: number;
}

export interface NodeState {
  ph: number;
  id: NodeIdentity;
  key: NodeKey | null;
  cfg: DeviceConfig | null;
  req: NodeRequest | null;
  se: NodeSession | null;
  /** the session that ended with our ACK: a retransmitted CONFIG of it gets the same ACK */
  last: { sid: number; down: Uint8Array; rh: Uint8Array; ack: Uint8Array } | null;
  joins: number;
  opt: NodeOptions;
}

export function nodeInitial(id: NodeIdentity, key: NodeKey | null, cfg: DeviceConfig | null, opt?: NodeOptions): NodeState {
  return { ph: N_OFF, id: id, key: key, cfg: cfg, req: null, se: null, last: null, joins: 0, opt: opt || NODE_DEFAULTS };
}

export type NodeCore = Role<NodeState, CloudCommand>;

var BROADCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);

export function joinDelay(opt: NodeOptions, n: number, r16: number): number {
  var base = opt.joinBaseMs;
  for (var i = 0; i < n && base < opt.joinMaxMs; i++) base *= 2;
  if (base > opt.joinMaxMs) base = opt.joinMaxMs;
  var span = Math.floor(base / 4);
  return base + (span > 0 ? r16 % (span + 1) : 0);
}

/** The node core over its own curve's suite (suite-firmware.ts cloudSuite(identity.curve)). */
export function makeNode(suite: CloudSuite): NodeCore {
  function step(st: NodeState, effects: CoreEffect[], tr: string, code: number): CloudStep<NodeState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: NodeState, code: number, what: string, quiet?: boolean): CloudStep<NodeState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], N_STATE_NAMES[st.ph] + ' -x ' + what, code);
  }

  function held(st: NodeState): number {
    return st.cfg ? st.cfg.version : 0;
  }

  /** Message 1: SN ‖ MAC ‖ TS ‖ nonce signed (ac-api.ts joinStatementBytes); one signature per request. */
  function newRequest(st: NodeState, now: number, rand: Uint8Array): NodeRequest {
    var id = st.id;
    var ts = wallSeconds(id.clock, st.key ? st.key.time : 0, now);
    var nonce = copyBytes(rand, 0, 8);
    var sig = suite.sign(id.priv, joinStatementBytes(id.sn, id.mac, ts, nonce, id.curve));
    var frame = encodeJoin(id.curve, id.sn, id.mac, ts, nonce, sig);
    return { frame: frame, rh: requestHash(suite, frame), n: 0, keyTries: 0 };
  }

  /** Send the current request (a fresh one if none, or if this one is worn out) and arm the next repeat. */
  function announce(st0: NodeState, now: number, rand: Uint8Array, tr: string): CloudStep<NodeState> {
    var st = clone(st0);
    var effects: CoreEffect[] = [];
    if (!st.req || st.req.n >= st.opt.renewAfter) {
      st.req = newRequest(st, now, rand);
      effects.push(report(I_JOIN, 'sn ' + st.id.sn + ' held ' + held(st)));
    }
    var req = clone(st.req as NodeRequest);
    var delay = joinDelay(st.opt, req.n, (rand[8] << 8) | rand[9]);
    req.n = req.n + 1;
    st.req = req;
    st.ph = N_JOINING;
    effects.push({ t: 'send', to: BROADCAST, bytes: req.frame });
    effects.push({ t: 'arm', id: TIMER_JOIN, ms: delay });
    return step(st, effects, tr, 0);
  }

  /** Message 7 → 8: decrypt the network key bound to our request, store it, acknowledge. */
  function onKey(st: NodeState, f: CloudFrame, from: Uint8Array, bytes: Uint8Array, now: number): CloudStep<NodeState> {
    if (st.se && st.ph === N_KEYED && equalBytes(bytes, st.se.keyFrame)) {
      // Our KEYACK was lost and the border router repeated its KEY: repeat the KEYACK, no crypto.
      return step(st, [{ t: 'send', to: copyBytes(from), bytes: st.se.keyAck }], 'KEYED -resend keyack-> KEYED', 0);
    }
    if (st.ph !== N_JOINING || !st.req) return reject(st, E_STATE, 'KEY', true);
    if (f.curve !== st.id.curve) return reject(st, E_SUITE, 'KEY');
    var req = st.req;
    var E = f.E as Uint8Array;
    var gts = f.gts as number;
    // README §4.4: the AC granted this request to this BR id, this E and this time — or the KEY
    // is refused here, before the ECDH, with no state change (one HMAC; nothing to count).
    if (!ctEqual(grantTag(suite, st.id.grantKey, req.rh, f.brId as string, E, gts), f.grant as Uint8Array)) return reject(st, E_GRANT, 'KEY');
    if (req.keyTries >= st.opt.maxKeyTries) return reject(st, E_RATE, 'KEY');
    var counted = clone(st);
    var creq = clone(req);
    creq.keyTries = req.keyTries + 1;
    counted.req = creq;
    var z: Uint8Array;
    try {
      z = suite.dh(st.id.priv, E);
    } catch (e) {
      return reject(counted, E_BAD_POINT, 'KEY');
    }
    var hdr = copyBytes(bytes, 0, SID_HDR_LEN);
    var k = eciesKeys(suite, z, req.rh, hdr, E, st.id.pub);
    var prefix = copyBytes(bytes, 0, bytes.length - KEY_PT_LEN - AEAD_TAG_LEN);
    var pt = suite.open(k.wrap, ccmNonce(T_KEY, f.sid, 0), f.sealed as Uint8Array, concatBytes([prefix, req.rh]), AEAD_TAG_LEN);
    if (!pt) return reject(counted, E_KEY_OPEN, 'KEY');
    var netKey = copyBytes(pt, 0, NETKEY_LEN);
    // The time to adopt is the AC's, under its grant (a BR cannot move the node's clock).
    var brTime = gts;
    var mine = wallSeconds(st.id.clock, st.key ? st.key.time : 0, now);
    var nk: NodeKey = { netKey: netKey, br: copyBytes(from), time: brTime > mine ? brTime : mine };
    var fresh = !st.key || !equalBytes(st.key.netKey, netKey);
    var ackHdr = sidHeader(T_KEYACK, st.id.curve, f.sid);
    var sealed = suite.seal(k.up, ccmNonce(T_KEYACK, f.sid, 0), new Uint8Array([OK]), concatBytes([ackHdr, req.rh]), AEAD_TAG_LEN);
    var keyAck = encodeKeyAck(ackHdr, sealed);
    var nst = clone(counted);
    nst.key = nk;
    nst.ph = N_KEYED;
    nst.last = null;
    nst.se = {
      sid: f.sid, peer: copyBytes(from), keyFrame: copyBytes(bytes), keyAck: keyAck, down: k.down, up: k.up, rh: req.rh, fresh: fresh,
      count: 0, frags: [], got: 0, pending: null, join: 0,
    };
    return step(nst, [
      { t: 'cancel', id: TIMER_JOIN },
      // Store before acknowledging: an ACKed key is a stored key (two-slot store, atomic).
      { t: 'store', file: KEY_FILE, bytes: encodeNodeKey(nk) },
      { t: 'send', to: copyBytes(from), bytes: keyAck },
      { t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs },
      report(I_KEY_STORED, 'from ' + macToString(from) + ' (' + f.brId + ')' + (fresh ? ' (new network)' : '')),
    ], 'JOINING -key-> KEYED', 0);
  }

  function sealAck(st: NodeState, se: NodeSession, result: number, version: number): Uint8Array {
    var hdr = sidHeader(T_ACK, st.id.curve, se.sid);
    var pt = new Uint8Array(5);
    pt[0] = result;
    writeU32(pt, 1, version);
    var ack = encodeAck(hdr, suite.seal(se.up, ccmNonce(T_ACK, se.sid, 0), pt, concatBytes([hdr, se.rh]), AEAD_TAG_LEN));
    return ack;
  }

  /** Session over (success or not): forget the session keys, keep the ACK for a retransmitted CONFIG, go quiet. */
  function endSession(st0: NodeState, se: NodeSession, ack: Uint8Array, effects: CoreEffect[], tr: string, code: number, rejoin: boolean): CloudStep<NodeState> {
    var st = clone(st0);
    st.se = null;
    st.req = null;
    st.last = { sid: se.sid, down: se.down, rh: se.rh, ack: ack };
    st.ph = rejoin ? N_JOINING : N_DONE;
    effects.push({ t: 'send', to: se.peer, bytes: ack });
    effects.push({ t: 'cancel', id: TIMER_SESSION });
    effects.push({ t: 'cancel', id: TIMER_WIFI });
    // Not provisioned after all: ask again later with a fresh request.
    if (rejoin) effects.push({ t: 'arm', id: TIMER_JOIN, ms: st.opt.joinMaxMs });
    return step(st, effects, tr, code);
  }

  function onConfig(st: NodeState, f: CloudFrame, from: Uint8Array, bytes: Uint8Array): CloudStep<NodeState> {
    var se = st.se;
    var aadHdr = copyBytes(bytes, 0, CONFIG_HDR_LEN);
    var idx = f.idx as number;
    if ((!se || f.sid !== se.sid) && st.last && f.sid === st.last.sid) {
      var l = st.last;
      if (!suite.open(l.down, ccmNonce(T_CONFIG, l.sid, idx), f.sealed as Uint8Array, concatBytes([aadHdr, l.rh]), AEAD_TAG_LEN)) {
        return reject(st, E_AUTH_CONFIG, 'CONFIG');
      }
      return step(st, [{ t: 'send', to: copyBytes(from), bytes: l.ack }], N_STATE_NAMES[st.ph] + ' -resend ack-> ' + N_STATE_NAMES[st.ph], 0);
    }
    if (!se || f.sid !== se.sid) return reject(st, E_NO_SESSION, 'CONFIG');
    if (st.ph !== N_KEYED) return reject(st, E_STATE, 'CONFIG', true);
    if (f.curve !== st.id.curve) return reject(st, E_SUITE, 'CONFIG');
    var count = f.count as number;
    var pt = suite.open(se.down, ccmNonce(T_CONFIG, se.sid, idx), f.sealed as Uint8Array, concatBytes([aadHdr, se.rh]), AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_CONFIG, 'CONFIG');
    if (se.count && count !== se.count) return reject(st, E_FIELD, 'CONFIG');
    if (se.frags[idx]) return reject(st, E_DUPLICATE, 'CONFIG', true);
    var nse = clone(se);
    nse.peer = copyBytes(from);
    nse.count = count;
    nse.frags = se.frags.slice(0);
    nse.frags[idx] = pt;
    nse.got = se.got + 1;
    var nst = clone(st);
    nst.se = nse;
    if (nse.got < count) return step(nst, [{ t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs }], 'KEYED -fragment-> KEYED', 0);
    var parts: Uint8Array[] = [];
    for (var i = 0; i < count; i++) parts.push(nse.frags[i] as Uint8Array);
    var d = decodeConfig(concatBytes(parts));
    if (!d.config) {
      return endSession(nst, nse, sealAck(nst, nse, CONFIG_FORMAT, 0), [report(CONFIG_FORMAT, 'configuration refused')], 'KEYED -bad config-> JOINING', CONFIG_FORMAT, true);
    }
    var v = d.config.version;
    if (!nse.fresh && v <= held(st)) {
      // Same network, nothing newer: the configuration held is the current one.
      var code = v === held(st) ? OK : CONFIG_STALE;
      return endSession(nst, nse, sealAck(nst, nse, code, v), code ? [report(code, 'configuration refused')] : [], 'KEYED -up to date-> DONE', code, false);
    }
    nse.pending = d.config;
    nse.frags = [];
    nse.join = st.joins + 1;
    nst.joins = nse.join;
    nst.ph = N_PROVING;
    return step(nst, [
      { t: 'cancel', id: TIMER_SESSION },
      { t: 'join', ssid: d.config.ssid, psk: d.config.psk, join: nse.join },
      { t: 'arm', id: TIMER_WIFI, ms: st.opt.wifiMs },
    ], 'KEYED -config complete-> PROVING', 0);
  }

  /** Commit on success only (THREATS 13): store and adopt the configuration after a good Wi-Fi join. */
  function onJoined(st: NodeState, result: number): CloudStep<NodeState> {
    var se = st.se as NodeSession;
    var cfg = se.pending as DeviceConfig;
    var effects: CoreEffect[] = [];
    var nst = clone(st);
    if (result === OK) {
      nst.cfg = cfg;
      effects.push({ t: 'store', file: CONFIG_FILE, bytes: encodeStoredConfig(cfg) });
      effects.push(report(I_PROVISIONED, 'version ' + cfg.version + ' ssid ' + cfg.ssid));
    } else {
      effects.push(report(I_JOIN_FAILED, codeName(result) + '; keeping version ' + held(st)));
    }
    var ack = sealAck(nst, se, result, cfg.version);
    return endSession(nst, se, ack, effects, result === OK ? 'PROVING -joined-> DONE' : 'PROVING -join failed-> JOINING', result, result !== OK);
  }

  function onFrame(st: NodeState, ev: FrameEvent): CloudStep<NodeState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame', true);
    var f = d.frame;
    if (f.type === T_KEY) return onKey(st, f, ev.from, ev.bytes, typeof ev.now === 'number' ? ev.now : 0);
    if (f.type === T_CONFIG) return onConfig(st, f, ev.from, ev.bytes);
    // Other nodes' JOINs, KEYACKs and ACKs are normal traffic, never for us.
    return reject(st, E_STATE, TYPE_NAMES[f.type], true);
  }

  function onTimer(st: NodeState, ev: TimerEvent): CloudStep<NodeState> {
    if (ev.id === TIMER_JOIN && st.ph === N_JOINING) {
      var r = randOf(ev, NODE_RAND);
      if (!r) return reject(st, E_NO_RAND, 'timer');
      return announce(st, typeof ev.now === 'number' ? ev.now : 0, r, 'JOINING -repeat-> JOINING');
    }
    if (ev.id === TIMER_SESSION && st.ph === N_KEYED) {
      var s = clone(st);
      s.se = null;
      s.req = null;
      s.ph = N_JOINING;
      return step(s, [report(E_TIMEOUT, 'no configuration'), { t: 'arm', id: TIMER_JOIN, ms: st.opt.joinBaseMs }], 'KEYED -timeout-> JOINING', E_TIMEOUT);
    }
    if (ev.id === TIMER_WIFI && st.ph === N_PROVING) return onJoined(st, 3 /* WIFI_TIMEOUT */);
    return reject(st, E_STALE_TIMER, 'timer ' + ev.id, true);
  }

  function next(st: NodeState, ev: CloudEvent): CloudStep<NodeState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') {
        var r = randOf(ev, NODE_RAND);
        if (!r) return reject(st, E_NO_RAND, 'boot');
        var b = clone(st);
        b.se = null;
        b.req = null;
        b.last = null;
        // Every boot asks again (README §2.3): a node that moved finds the border router in range,
        // and a revoked node is refused once its border router's trust has expired.
        return announce(b, typeof ev.now === 'number' ? ev.now : 0, r, N_STATE_NAMES[st.ph] + ' -boot-> JOINING');
      }
      if (st.ph === N_OFF) return reject(st, E_STATE, ev.t);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      if (ev.t === 'wifi') {
        if (st.ph !== N_PROVING) return reject(st, E_STATE, 'wifi', true);
        if (ev.join !== (st.se as NodeSession).join) return reject(st, E_STALE_TIMER, 'wifi result of join ' + ev.join, true);
        var res = ev.result;
        if (typeof res !== 'number' || res < 0 || res > 15 || res % 1 !== 0) return reject(st, E_EVENT, 'wifi');
        return onJoined(st, res);
      }
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_CLOUD, name: 'cloud/node', randBytes: NODE_RAND, next: next };
}
