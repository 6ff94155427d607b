/**
 * SBI, the enrollee of psk-oob (README.md "Flow"; paper 001's SBI): a board
 * with the installer's ID, NID and IK, and AES only. It sends flight 1
 * (RN_i, under its current key) over the out-of-band channel, checks that
 * flight 4 returns its RN_i under K_f4 (only someone the SBS vouched for has
 * K_f4: that authenticates the SBR), derives the new PSK, stores it before
 * anything else, answers flight 5 over the OOB channel, and then takes its
 * configuration over ESP-NOW under PSK-derived keys: commit on a successful
 * Wi-Fi join, an authenticated ACK either way (as the whitelist protocol).
 *
 * A pure core: `next(state, event) → { state, effects, tr, code }`; no timers,
 * I/O or randomness of its own; never throws; a rejected input returns the
 * caller's state unchanged with a non-zero code.
 */
import { ctEqual, equalBytes, copyBytes, concatBytes, writeU32, toHex } from '../../bytes/bytes.ts';
import { OK, CONFIG_FORMAT, CONFIG_STALE, E_STATE, E_NO_SESSION, E_AUTH_CONFIG, E_NO_RAND, E_TIMEOUT, E_CRYPTO, E_DUPLICATE, E_EVENT, E_STALE_TIMER, E_FIELD, E_COMMAND, I_SESSION, I_PROVISIONED, I_JOIN_FAILED } from '../../codec/codes.ts';
import { DeviceConfig, decodeConfig, storedConfigOf } from '../../codec/config-record.ts';
import { PROTO_PSK_OOB } from '../../codec/protocol-ids.ts';
import { FrameEvent, OobEvent, TimerEvent, Role } from '../../runtime/events.ts';
import {
  decodeFrame, f1Aad, f5Aad, withSealed, flightNonce, bandNonce, ackHeader,
  T_F1, T_F4, T_F5, T_CONFIG, T_ACK, TYPE_NAMES, TAG_LEN, RN_LEN, NONCE_LEN, PoFrame,
} from './frames.ts';
import { E_AUTH_F4, E_DEVICE_ID, I_REKEYED, enrolleeCodeName as codeName } from './codes.ts';
import { PskOobSuite } from './suite.ts';
import { keyF1, keyF4, newPsk, sessionKeys } from './keys.ts';
import { encodeKeyFile, PoIdentity, PoKey } from './records.ts';
import { PoEvent, PoEffect, PoStep, PoCommand, clone, report, randOf, isMac } from './common.ts';

export var SBI_OFF = 0;
export var SBI_IDLE = 1;
export var SBI_WAIT_F4 = 2;
export var SBI_WAIT_CONFIG = 3;
export var SBI_JOINING = 4;
export var SBI_STATE_NAMES = ['OFF', 'IDLE', 'WAIT_F4', 'WAIT_CONFIG', 'JOINING'];

export var TIMER_F1 = 'f1';
export var TIMER_SESSION = 'session';
export var TIMER_JOIN = 'join';
/** Storage: the proven configuration (firmware/codec/config-record.ts) and the current PSK (records.ts). */
export var CONFIG_FILE = 'nb.config';
export var KEY_FILE = 'nb.psk';
/** Random bytes on every event: RN_i (16) ‖ a flight nonce (12). */
export var SBI_RAND = RN_LEN + NONCE_LEN;

export interface SbiOptions {
  /** interval between sends of the same flight 1 */
  f1Ms: number;
  /** sends of one flight 1 before a fresh RN_i */
  f1Tries: number;
  /** wait for the configuration after flight 5 (refreshed per fragment) */
  sessionMs: number;
  /** guard in case the Wi-Fi port never answers; fires as WIFI_TIMEOUT */
  joinMs: number;
}

export var SBI_DEFAULTS: SbiOptions = { f1Ms: 5000, f1Tries: 6, sessionMs: 20000, joinMs: 20000 };

export interface SbiSession {
  tid: number;
  idc: Uint8Array;
  /** the accepted flight 4 (a byte-identical copy re-sends flight 5) and our flight 5 */
  f4: Uint8Array;
  f5: Uint8Array;
  c2e: Uint8Array;
  e2c: Uint8Array;
  count: number;
  frags: (Uint8Array | null)[];
  got: number;
  pending: DeviceConfig | null;
  /** the record's bytes as received: stored as they are (no encoder on the board) */
  rec: Uint8Array | null;
  join: number;
  /** where the authentic CONFIG came from: the ACK goes there (a MAC is routing only) */
  peer: Uint8Array;
}

export interface SbiState {
  ph: number;
  id: Uint8Array;
  nid: number;
  /** the current key and its generation (0 = the installer's IK) */
  key: Uint8Array;
  gen: number;
  /** our radio MAC, told to the SBR in flight 5 (where the CONFIG goes) */
  mac: Uint8Array;
  cfg: DeviceConfig | null;
  rni: Uint8Array | null;
  f1: Uint8Array | null;
  sends: number;
  se: SbiSession | null;
  last: { tid: number; c2e: Uint8Array; ack: Uint8Array } | null;
  joins: number;
  opt: SbiOptions;
}

/** `key` is the stored PSK when there is one, else the installer's IK at generation 0. */
export function enrolleeInitial(idn: PoIdentity, key: PoKey | null, mac: Uint8Array, cfg: DeviceConfig | null, opt?: SbiOptions): SbiState {
  return {
    ph: SBI_OFF, id: idn.id, nid: idn.nid, key: key ? key.key : idn.ik, gen: key ? key.gen : 0, mac: mac, cfg: cfg,
    rni: null, f1: null, sends: 0, se: null, last: null, joins: 0, opt: opt || SBI_DEFAULTS,
  };
}

export type SbiCore = Role<SbiState, PoCommand>;

function held(st: SbiState): number {
  return st.cfg ? st.cfg.version : 0;
}

export function makeEnrollee(s: PskOobSuite): SbiCore {
  function step(st: SbiState, effects: PoEffect[], tr: string, code: number): PoStep<SbiState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: SbiState, code: number, what: string, quiet?: boolean): PoStep<SbiState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], SBI_STATE_NAMES[st.ph] + ' -x ' + what, code);
  }

  /** Flight 1 with a fresh RN_i under the current key, over the OOB channel. */
  function sendF1(st0: SbiState, rand: Uint8Array, effects: PoEffect[], tr: string): PoStep<SbiState> {
    var st = clone(st0);
    st.rni = copyBytes(rand, 0, RN_LEN);
    var nonce = copyBytes(rand, RN_LEN, RN_LEN + NONCE_LEN);
    var aad = f1Aad(st.id, st.nid, st.gen, nonce);
    st.f1 = withSealed(aad, s.seal(keyF1(s, st.key, st.id, st.nid, st.gen), flightNonce(T_F1, nonce), st.rni, aad, TAG_LEN));
    st.sends = 1;
    st.ph = SBI_WAIT_F4;
    st.se = null;
    effects.push({ t: 'oob', bytes: st.f1 });
    effects.push({ t: 'arm', id: TIMER_F1, ms: st.opt.f1Ms });
    return step(st, effects, tr, 0);
  }

  /** After a session: idle with a proven configuration, else a new flight 1 after f1Ms. */
  function endSession(st0: SbiState, effects: PoEffect[], tr: string, code: number): PoStep<SbiState> {
    var st = clone(st0);
    st.se = null;
    st.rni = null;
    st.f1 = null;
    st.sends = 0;
    effects.push({ t: 'cancel', id: TIMER_SESSION });
    effects.push({ t: 'cancel', id: TIMER_JOIN });
    if (st.cfg) st.ph = SBI_IDLE;
    else {
      st.ph = SBI_WAIT_F4;
      effects.push({ t: 'arm', id: TIMER_F1, ms: st.opt.f1Ms });
    }
    return step(st, effects, tr, code);
  }

  function onF4(st: SbiState, f: PoFrame, bytes: Uint8Array, rand: Uint8Array): PoStep<SbiState> {
    if (st.ph === SBI_WAIT_CONFIG && st.se && equalBytes(bytes, st.se.f4)) {
      // Our flight 5 was lost and the SBR re-sent flight 4: repeat flight 5, no crypto.
      return step(st, [{ t: 'oob', bytes: st.se.f5 }], 'WAIT_CONFIG -resend F5-> WAIT_CONFIG', 0);
    }
    if (st.ph !== SBI_WAIT_F4 || !st.rni) return reject(st, E_STATE, 'F4');
    if (!equalBytes(f.id as Uint8Array, st.id)) return reject(st, E_DEVICE_ID, 'F4');
    if (f.gen !== st.gen) return reject(st, E_AUTH_F4, 'F4');
    var idc = f.idc as Uint8Array;
    var tid = f.tid as number;
    var k4 = keyF4(s, st.key, st.id, st.nid, st.gen, idc, tid);
    var pt = s.open(k4, flightNonce(T_F4, f.nonce as Uint8Array), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN);
    // RN_i back proves the sender holds K_f4, which only the SBS (holding our key) can give out.
    if (!pt || !ctEqual(copyBytes(pt, 0, RN_LEN), st.rni)) return reject(st, E_AUTH_F4, 'F4');
    var rnc = copyBytes(pt, RN_LEN, 2 * RN_LEN);
    var psk = newPsk(s, st.key, st.id, st.nid, st.gen, idc, tid, st.rni, rnc);
    var gen = st.gen + 1;
    var k = sessionKeys(s, psk, st.id, st.nid, idc, tid);
    var nonce = copyBytes(rand, RN_LEN, RN_LEN + NONCE_LEN);
    var aad = f5Aad(st.id, tid, st.mac, nonce);
    var f5 = withSealed(aad, s.seal(k.f5, flightNonce(T_F5, nonce), rnc, aad, TAG_LEN));
    var nst = clone(st);
    nst.key = psk;
    nst.gen = gen;
    nst.rni = null;
    nst.f1 = null;
    nst.ph = SBI_WAIT_CONFIG;
    nst.last = null;
    nst.se = { tid: tid, idc: idc, f4: copyBytes(bytes), f5: f5, c2e: k.c2e, e2c: k.e2c, count: 0, frags: [], got: 0, pending: null, rec: null, join: 0, peer: new Uint8Array([255, 255, 255, 255, 255, 255]) };
    return step(nst, [
      // The new key is stored before anything is sent under it: after a reboot
      // we speak generation gen, which the SBS holds as pending (README "SBS").
      { t: 'store', file: KEY_FILE, bytes: encodeKeyFile({ gen: gen, key: psk }) },
      { t: 'cancel', id: TIMER_F1 },
      { t: 'oob', bytes: f5 },
      { t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs },
      report(I_SESSION, 'controller ' + toHex(idc)),
      report(I_REKEYED, 'generation ' + gen),
    ], 'WAIT_F4 -F4-> WAIT_CONFIG', 0);
  }

  function sendAck(st: SbiState, se: SbiSession, result: number, version: number, effects: PoEffect[]): void {
    var hdr = ackHeader(se.tid);
    var pt = new Uint8Array(5);
    pt[0] = result;
    writeU32(pt, 1, version);
    var ack = withSealed(hdr, s.seal(se.e2c, bandNonce(T_ACK, se.tid, 0), pt, hdr, TAG_LEN));
    st.last = { tid: se.tid, c2e: se.c2e, ack: ack };
    effects.push({ t: 'send', to: se.peer, bytes: ack });
  }

  function onConfig(st: SbiState, f: PoFrame, from: Uint8Array): PoStep<SbiState> {
    var se = st.se;
    var tid = f.tid as number;
    var idx = f.idx as number;
    if ((!se || se.tid !== tid) && st.last && st.last.tid === tid) {
      // A CONFIG of the session we acknowledged: our ACK was lost. Same ACK again if authentic.
      if (!s.open(st.last.c2e, bandNonce(T_CONFIG, tid, idx), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN)) return reject(st, E_AUTH_CONFIG, 'CONFIG');
      return step(st, [{ t: 'send', to: copyBytes(from), bytes: st.last.ack }], SBI_STATE_NAMES[st.ph] + ' -resend ack', 0);
    }
    if (!se || se.tid !== tid) return reject(st, E_NO_SESSION, 'CONFIG', true);
    if (st.ph !== SBI_WAIT_CONFIG) return reject(st, E_STATE, 'CONFIG', true);
    var pt = s.open(se.c2e, bandNonce(T_CONFIG, tid, idx), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN);
    if (!pt) return reject(st, E_AUTH_CONFIG, 'CONFIG');
    var count = f.count as number;
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
    if (nse.got < count) return step(nst, [{ t: 'arm', id: TIMER_SESSION, ms: st.opt.sessionMs }], 'WAIT_CONFIG -fragment', 0);
    var parts: Uint8Array[] = [];
    for (var i = 0; i < count; i++) parts.push(nse.frags[i] as Uint8Array);
    var rec = concatBytes(parts);
    var d = decodeConfig(rec);
    var effects: PoEffect[] = [];
    // After a re-key the same version may come again (proven again by a join); an older one never.
    if (!d.config || d.config.version < held(st)) {
      var why = d.config ? CONFIG_STALE : CONFIG_FORMAT;
      sendAck(nst, nse, why, d.config ? d.config.version : 0, effects);
      effects.push(report(why, 'configuration refused'));
      return endSession(nst, effects, 'WAIT_CONFIG -bad config', why);
    }
    nse.pending = d.config;
    nse.rec = rec;
    nse.frags = [];
    nse.join = st.joins + 1;
    nst.joins = nse.join;
    nst.ph = SBI_JOINING;
    return step(nst, [
      { t: 'cancel', id: TIMER_SESSION },
      { t: 'join', ssid: d.config.ssid, psk: d.config.psk, join: nse.join },
      { t: 'arm', id: TIMER_JOIN, ms: st.opt.joinMs },
    ], 'WAIT_CONFIG -config complete-> JOINING', 0);
  }

  /** Commit on success only (THREATS 13): store and adopt the configuration after a good join. */
  function onJoined(st: SbiState, result: number): PoStep<SbiState> {
    var se = st.se as SbiSession;
    var cfg = se.pending as DeviceConfig;
    var effects: PoEffect[] = [];
    var nst = clone(st);
    if (result === OK) {
      nst.cfg = cfg;
      effects.push({ t: 'store', file: CONFIG_FILE, bytes: storedConfigOf(se.rec as Uint8Array) });
      effects.push(report(I_PROVISIONED, 'version ' + cfg.version + ' ssid ' + cfg.ssid));
    } else effects.push(report(I_JOIN_FAILED, codeName(result) + '; keeping version ' + held(st)));
    sendAck(nst, se, result, cfg.version, effects);
    return endSession(nst, effects, result === OK ? 'JOINING -joined-> IDLE' : 'JOINING -join failed', result);
  }

  function onOob(st: SbiState, ev: OobEvent): PoStep<SbiState> {
    if (!(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'oob');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'oob');
    if (d.frame.type !== T_F4) return reject(st, E_STATE, TYPE_NAMES[d.frame.type], true);
    var r = randOf(ev, SBI_RAND);
    if (!r) return reject(st, E_NO_RAND, 'F4');
    return onF4(st, d.frame, ev.bytes, r);
  }

  function onFrame(st: SbiState, ev: FrameEvent): PoStep<SbiState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame');
    if (d.frame.type === T_CONFIG) return onConfig(st, d.frame, ev.from);
    // Only CONFIG travels to an enrollee in band; flights belong on the OOB channel or the SBS link.
    return reject(st, E_STATE, TYPE_NAMES[d.frame.type], true);
  }

  function onTimer(st: SbiState, ev: TimerEvent, r: Uint8Array): PoStep<SbiState> {
    if (ev.id === TIMER_F1 && st.ph === SBI_WAIT_F4) {
      if (st.f1 && st.sends < st.opt.f1Tries) {
        var nst = clone(st);
        nst.sends = st.sends + 1;
        return step(nst, [{ t: 'oob', bytes: st.f1 }, { t: 'arm', id: TIMER_F1, ms: st.opt.f1Ms }], 'WAIT_F4 -resend F1', 0);
      }
      return sendF1(st, r, [], 'WAIT_F4 -fresh F1');
    }
    if (ev.id === TIMER_SESSION && st.ph === SBI_WAIT_CONFIG) return endSession(st, [report(E_TIMEOUT, 'no configuration')], 'WAIT_CONFIG -timeout', E_TIMEOUT);
    if (ev.id === TIMER_JOIN && st.ph === SBI_JOINING) return onJoined(st, 3 /* WIFI_TIMEOUT */);
    return reject(st, E_STALE_TIMER, 'timer ' + ev.id, true);
  }

  function next(st: SbiState, ev: PoEvent): PoStep<SbiState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      var r = randOf(ev, SBI_RAND);
      if (ev.t === 'boot') {
        if (!r) return reject(st, E_NO_RAND, 'boot');
        var b = clone(st);
        b.se = null;
        b.last = null;
        if (st.cfg) {
          b.ph = SBI_IDLE;
          return step(b, [], 'boot -> IDLE', 0);
        }
        return sendF1(b, r, [], 'boot -> WAIT_F4');
      }
      if (st.ph === SBI_OFF) return reject(st, E_STATE, ev.t);
      if (ev.t === 'command') {
        // A later re-key: the same flow under the current PSK (paper 001 §4, "re-keying").
        if (ev.op !== 'rekey') return reject(st, E_COMMAND, String(ev.op));
        if (st.ph !== SBI_IDLE) return reject(st, E_STATE, 'rekey');
        if (!r) return reject(st, E_NO_RAND, 'rekey');
        return sendF1(st, r, [], 'IDLE -rekey-> WAIT_F4');
      }
      if (ev.t === 'oob') return onOob(st, ev);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') {
        if (!r) return reject(st, E_NO_RAND, 'timer');
        return onTimer(st, ev, r);
      }
      if (ev.t === 'wifi') {
        if (st.ph !== SBI_JOINING) return reject(st, E_STATE, 'wifi', true);
        if (ev.join !== (st.se as SbiSession).join) return reject(st, E_STALE_TIMER, 'wifi result of join ' + ev.join, true);
        var res = ev.result;
        if (typeof res !== 'number' || res < 0 || res > 15 || res % 1 !== 0) return reject(st, E_EVENT, 'wifi');
        return onJoined(st, res);
      }
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_PSK_OOB, name: 'psk-oob/enrollee', randBytes: SBI_RAND, next: next };
}

