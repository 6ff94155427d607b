/**
 * SBR, the configurator (controller) of psk-oob (README.md "Flow"; paper
 * 001's SBR). It takes flight 1 from the OOB channel, wraps it into flight 2
 * for the SBS under SK_cs (with a fresh RN_c, TID and TS), builds flight 4
 * from the SBS's flight 3, checks flight 5 (RN_c under the new PSK), and then
 * delivers the configuration over ESP-NOW under PSK-derived keys with
 * retransmissions until an authenticated ACK, which it audits.
 *
 * The SBR never holds the device's key (the paper hands it IK_i in flight 3):
 * the SBS gives it K_f4 for this transaction and the new PSK only.
 *
 * A pure core: never throws, never mutates its input, no timers or I/O of its own.
 */
import { ctEqual, equalBytes, copyBytes, concatBytes, readU32, toHex, macToString, utf8Encode } from '../../bytes/bytes.ts';
import { toBase64, fromBase64 } from '../../bytes/base64.ts';
import { OK, E_STATE, E_NO_SESSION, E_AUTH_ACK, E_RATE, E_NO_RAND, E_TIMEOUT, E_CRYPTO, E_NO_CONFIG, E_EVENT, E_STALE_TIMER, E_FIELD, E_COMMAND, I_SESSION, I_CONFIRMED, I_NOT_PROVISIONED } from '../../codec/codes.ts';
import { DeviceConfig, encodeConfig, RESERVED_SETTING_KEY } from '../../codec/config-record.ts';
import { PROTO_PSK_OOB } from '../../codec/protocol-ids.ts';
import { FrameEvent, OobEvent, TimerEvent, UplinkEvent, CommandEvent, Role } from '../../runtime/events.ts';
import {
  decodeFrame, f2Aad, f4Aad, withSealed, flightNonce, bandNonce, configHeader,
  T_F1, T_F2, T_F3, T_F4, T_F5, T_CONFIG, T_ACK, TYPE_NAMES, TAG_LEN, RN_LEN, NONCE_LEN, FRAG_MAX, PoFrame,
} from './frames.ts';
import { E_AUTH_F3, E_AUTH_F5, E_DEVICE_ID, E_NID, E_SBS, codeName } from './codes.ts';
import { PskOobSuite } from './suite.ts';
import { linkKeys, sessionKeys, LinkKeys, SessionKeys } from './keys.ts';
import { readF3 } from './sbs.ts';
import { SbrIdentity } from './records.ts';
import { PoEvent, PoEffect, PoStep, PoCommand, clone, has, report, randOf, nowOf, isMac } from './common.ts';

export var SBR_OFF = 0;
export var SBR_RUN = 1;
export var SBR_STATE_NAMES = ['OFF', 'RUN'];

export var SS_WAIT_SBS = 1;
export var SS_WAIT_F5 = 2;
export var SS_WAIT_ACK = 3;
export var SS_NAMES = ['-', 'WAIT_SBS', 'WAIT_F5', 'WAIT_ACK'];

/** The SBS's path on the uplink (the SBR ↔ SBS link): JSON {"f2": base64} → {"f3": base64} | {"code": n}. */
export var SBS_PATH = '/psk-oob/rekey';
/** Session timers are SESSION_TIMER + TID. */
export var SESSION_TIMER = 's:';
/** Random bytes on every event: RN_c (16) ‖ TID (4) ‖ nonce (12). */
export var SBR_RAND = RN_LEN + 4 + NONCE_LEN;

export interface SbrOptions {
  /** wait for the SBS's flight 3 */
  sbsMs: number;
  /** wait for flight 5 after flight 4, per try; flight 4 is re-sent f5Tries − 1 times */
  f5Ms: number;
  f5Tries: number;
  /** wait for the ACK after the CONFIG fragments, per try */
  ackMs: number;
  ackTries: number;
  /** sessions at once */
  maxSessions: number;
}

export var SBR_DEFAULTS: SbrOptions = { sbsMs: 5000, f5Ms: 8000, f5Tries: 6, ackMs: 4000, ackTries: 8, maxSessions: 16 };

export interface SbrSession {
  st: number;
  /** the enrollee's ID (hex is its key in byDev and the audit log's device name) */
  id: Uint8Array;
  hx: string;
  tid: number;
  ts: number;
  /** the flight 1 this session answers (a byte-identical copy re-sends flight 4) */
  f1: Uint8Array;
  rnc: Uint8Array;
  f4: Uint8Array | null;
  f5: Uint8Array | null;
  k: SessionKeys | null;
  mac: Uint8Array | null;
  target: DeviceConfig;
  frames: Uint8Array[];
  tries: number;
}

export interface SbrState {
  ph: number;
  me: SbrIdentity;
  link: LinkKeys;
  dev: { [hx: string]: DeviceConfig };
  grp: { [g: string]: DeviceConfig };
  /** sessions by TID (decimal) and the TID of each device's session */
  sess: { [tid: string]: SbrSession };
  byDev: { [hx: string]: string };
  opt: SbrOptions;
}

export function configuratorInitial(s: PskOobSuite, me: SbrIdentity, opt?: SbrOptions): SbrState {
  return { ph: SBR_OFF, me: me, link: linkKeys(s, me.kcs, me.idc), dev: {}, grp: {}, sess: {}, byDev: {}, opt: opt || SBR_DEFAULTS };
}

export function configFor(st: SbrState, hx: string): DeviceConfig | null {
  if (has(st.dev, hx)) return st.dev[hx];
  if (has(st.grp, '')) return st.grp[''];
  return null;
}

export type SbrCore = Role<SbrState, PoCommand>;

export function makeConfigurator(s: PskOobSuite): SbrCore {
  function step(st: SbrState, effects: PoEffect[], tr: string, code: number): PoStep<SbrState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: SbrState, code: number, what: string, quiet?: boolean): PoStep<SbrState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], what + ' -x', code);
  }

  function endSession(st0: SbrState, tid: number, effects: PoEffect[]): SbrState {
    var st = clone(st0);
    var key = String(tid);
    var se = st.sess[key];
    st.sess = clone(st.sess);
    delete st.sess[key];
    if (se && st.byDev[se.hx] === key) {
      st.byDev = clone(st.byDev);
      delete st.byDev[se.hx];
    }
    effects.push({ t: 'cancel', id: SESSION_TIMER + tid });
    return st;
  }

  function putSession(st0: SbrState, se: SbrSession): SbrState {
    var st = clone(st0);
    st.sess = clone(st.sess);
    st.sess[String(se.tid)] = se;
    st.byDev = clone(st.byDev);
    st.byDev[se.hx] = String(se.tid);
    return st;
  }

  function count(o: any): number {
    var n = 0;
    for (var k in o) if (has(o, k)) n++;
    return n;
  }

  /** Flight 1 from the OOB channel: flight 2 to the SBS (its authenticity is the SBS's to check). */
  function onF1(st: SbrState, f: PoFrame, bytes: Uint8Array, ev: OobEvent): PoStep<SbrState> {
    if (f.nid !== st.me.nid) return reject(st, E_NID, 'F1');
    var id = f.id as Uint8Array;
    var hx = toHex(id);
    var effects: PoEffect[] = [];
    var base = st;
    if (has(st.byDev, hx)) {
      var old = st.sess[st.byDev[hx]];
      if (old && equalBytes(old.f1, bytes)) {
        // A repeat of the flight 1 this session answers: flight 4 again if we have it.
        if (old.f4 && old.st === SS_WAIT_F5) return step(st, [{ t: 'oob', bytes: old.f4 }], 'WAIT_F5 -F1 again-> resend F4', 0);
        return step(st, [], SS_NAMES[old.st] + ' -F1 again', 0);
      }
      // A new flight 1 (a fresh RN_i, or a new key generation): the SBI has moved on.
      if (old) base = endSession(st, old.tid, effects);
    }
    var target = configFor(base, hx);
    if (!target) return step(base, effects.concat([report(E_NO_CONFIG, 'F1 from ' + hx)]), 'F1 -x no config', E_NO_CONFIG);
    if (count(base.sess) >= base.opt.maxSessions) return step(base, effects, 'F1 -x sessions', E_RATE);
    var r = randOf(ev, SBR_RAND);
    if (!r) return step(base, effects.concat([report(E_NO_RAND, 'F1')]), 'F1 -x', E_NO_RAND);
    var rnc = copyBytes(r, 0, RN_LEN);
    var tid = readU32(r, RN_LEN);
    while (tid === 0 || has(base.sess, String(tid))) tid = (tid + 1) >>> 0;
    var nonce = copyBytes(r, RN_LEN + 4, RN_LEN + 4 + NONCE_LEN);
    var ts = Math.floor(nowOf(ev) / 1000);
    var aad = f2Aad(st.me.idc, tid, ts, nonce);
    var f2 = withSealed(aad, s.seal(st.link.c2s, flightNonce(T_F2, nonce), concatBytes([rnc, bytes]), aad, TAG_LEN));
    var se: SbrSession = {
      st: SS_WAIT_SBS, id: id, hx: hx, tid: tid, ts: ts, f1: copyBytes(bytes), rnc: rnc, f4: null, f5: null, k: null, mac: null,
      target: target, frames: [], tries: 1,
    };
    effects.push({ t: 'uplink', id: tid, path: SBS_PATH, json: JSON.stringify({ f2: toBase64(f2) }) });
    effects.push({ t: 'arm', id: SESSION_TIMER + tid, ms: st.opt.sbsMs });
    return step(putSession(base, se), effects, 'F1 -> WAIT_SBS', 0);
  }

  /** Flight 3 (the SBS's answer on the uplink): flight 4 to the SBI over the OOB channel. */
  function onUplink(st: SbrState, ev: UplinkEvent): PoStep<SbrState> {
    var key = String(ev.id);
    if (!has(st.sess, key) || st.sess[key].st !== SS_WAIT_SBS) return reject(st, E_STALE_TIMER, 'uplink ' + key, true);
    var se = st.sess[key];
    var effects: PoEffect[] = [];
    var body: any = null;
    try {
      body = typeof ev.json === 'string' ? JSON.parse(ev.json) : null;
    } catch (e) {
      body = null;
    }
    if (ev.status !== 200 || !body || typeof body.f3 !== 'string') {
      // Not an answer we can authenticate (unreachable, refused before flight 2
      // authenticated, or garbage): the session ends; the SBI's next flight 1 starts over.
      var why = body && typeof body.code === 'number' ? codeName(body.code) : 'status ' + ev.status;
      effects.push(report(E_SBS, 'TID ' + se.tid + ': ' + why));
      return step(endSession(st, se.tid, effects), effects, 'WAIT_SBS -x SBS', E_SBS);
    }
    var raw = fromBase64(body.f3);
    var d = raw ? decodeFrame(raw) : { code: E_FIELD, frame: null };
    if (!d.frame) return reject(st, d.code, 'F3');
    var f = d.frame;
    // Flight 3 must answer this very flight 2: our ID, TID and TS (a replayed old F3 names another).
    if (f.type !== T_F3 || !equalBytes(f.idc as Uint8Array, st.me.idc) || f.tid !== se.tid || f.ts !== se.ts) return reject(st, E_AUTH_F3, 'F3');
    var pt = s.open(st.link.s2c, flightNonce(T_F3, f.nonce as Uint8Array), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN);
    if (!pt) return reject(st, E_AUTH_F3, 'F3');
    var a = readF3(pt);
    if (a.result !== 0) {
      effects.push(report(E_SBS, 'device ' + se.hx + ': ' + codeName(a.result)));
      return step(endSession(st, se.tid, effects), effects, 'WAIT_SBS -refused', a.result);
    }
    var r = randOf(ev, SBR_RAND);
    if (!r) return reject(st, E_NO_RAND, 'F3');
    var nonce = copyBytes(r, RN_LEN + 4, RN_LEN + 4 + NONCE_LEN);
    var aad = f4Aad(se.id, st.me.idc, se.tid, a.gen - 1, nonce);
    var f4 = withSealed(aad, s.seal(a.k4, flightNonce(T_F4, nonce), concatBytes([a.rni, se.rnc]), aad, TAG_LEN));
    var ns = clone(se);
    ns.st = SS_WAIT_F5;
    ns.f4 = f4;
    ns.k = sessionKeys(s, a.psk, se.id, st.me.nid, st.me.idc, se.tid);
    ns.tries = 1;
    effects.push({ t: 'oob', bytes: f4 });
    effects.push({ t: 'arm', id: SESSION_TIMER + se.tid, ms: st.opt.f5Ms });
    return step(putSession(st, ns), effects, 'WAIT_SBS -F3-> WAIT_F5', 0);
  }

  /** Flight 5: RN_c under the new PSK proves the SBI derived it; then the configuration in band. */
  function onF5(st: SbrState, f: PoFrame, bytes: Uint8Array): PoStep<SbrState> {
    var key = String(f.tid);
    if (!has(st.sess, key)) return reject(st, E_NO_SESSION, 'F5');
    var se = st.sess[key];
    if (!equalBytes(f.id as Uint8Array, se.id)) return reject(st, E_DEVICE_ID, 'F5');
    if (se.st === SS_WAIT_ACK && se.f5 && equalBytes(bytes, se.f5)) {
      var again: PoEffect[] = [];
      for (var a = 0; a < se.frames.length; a++) again.push({ t: 'send', to: se.mac as Uint8Array, bytes: se.frames[a] });
      return step(st, again, 'WAIT_ACK -F5 again-> resend CONFIG', 0);
    }
    if (se.st !== SS_WAIT_F5 || !se.k) return reject(st, E_STATE, 'F5');
    var pt = s.open(se.k.f5, flightNonce(T_F5, f.nonce as Uint8Array), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN);
    if (!pt || !ctEqual(pt, se.rnc)) return reject(st, E_AUTH_F5, 'F5');
    var rec = encodeConfig(se.target);
    var n = Math.ceil(rec.length / FRAG_MAX);
    var frames: Uint8Array[] = [];
    for (var i = 0; i < n; i++) {
      var hdr = configHeader(se.tid, i, n);
      var chunk = copyBytes(rec, i * FRAG_MAX, Math.min(rec.length, (i + 1) * FRAG_MAX));
      frames.push(withSealed(hdr, s.seal(se.k.c2e, bandNonce(T_CONFIG, se.tid, i), chunk, hdr, TAG_LEN)));
    }
    var ns = clone(se);
    ns.st = SS_WAIT_ACK;
    ns.f5 = copyBytes(bytes);
    ns.mac = f.mac as Uint8Array;
    ns.frames = frames;
    ns.tries = 1;
    var effects: PoEffect[] = [];
    for (var j = 0; j < frames.length; j++) effects.push({ t: 'send', to: ns.mac as Uint8Array, bytes: frames[j] });
    effects.push({ t: 'arm', id: SESSION_TIMER + se.tid, ms: st.opt.ackMs });
    effects.push(report(I_SESSION, 'device ' + se.hx + ' re-keyed'));
    return step(putSession(st, ns), effects, 'WAIT_F5 -F5-> WAIT_ACK', 0);
  }

  function onAck(st: SbrState, f: PoFrame, from: Uint8Array, ev: FrameEvent): PoStep<SbrState> {
    var key = String(f.tid);
    if (!has(st.sess, key)) return reject(st, E_NO_SESSION, 'ACK', true);
    var se = st.sess[key];
    if (se.st !== SS_WAIT_ACK || !se.k) return reject(st, E_STATE, 'ACK');
    var pt = s.open(se.k.e2c, bandNonce(T_ACK, se.tid, 0), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN);
    if (!pt) return reject(st, E_AUTH_ACK, 'ACK');
    var result = pt[0];
    var version = readU32(pt, 1);
    if (result === OK && version !== se.target.version) return reject(st, E_FIELD, 'ACK');
    var effects: PoEffect[] = [{ t: 'audit', device: se.hx, mac: macToString(from), code: result, version: version, now: nowOf(ev) }];
    var nst = endSession(st, se.tid, effects);
    effects.push(report(result === OK ? I_CONFIRMED : I_NOT_PROVISIONED, 'device ' + se.hx + ' version ' + version + ' ' + codeName(result)));
    return step(nst, effects, 'WAIT_ACK -ack-> done', result);
  }

  function onTimer(st: SbrState, ev: TimerEvent): PoStep<SbrState> {
    var id = String(ev.id);
    if (id.substring(0, SESSION_TIMER.length) !== SESSION_TIMER) return reject(st, E_STALE_TIMER, 'timer', true);
    var key = id.substring(SESSION_TIMER.length);
    if (!has(st.sess, key)) return reject(st, E_STALE_TIMER, 'timer', true);
    var se = st.sess[key];
    var effects: PoEffect[] = [];
    var max = se.st === SS_WAIT_SBS ? 1 : se.st === SS_WAIT_F5 ? st.opt.f5Tries : st.opt.ackTries;
    if (se.tries >= max) {
      // Only a session that reached WAIT_ACK has a device the SBS vouched for and
      // that proved the new PSK: its failure is audited; earlier ones are reported.
      if (se.st === SS_WAIT_ACK) effects.push({ t: 'audit', device: se.hx, mac: macToString(se.mac as Uint8Array), code: E_TIMEOUT, version: se.target.version, now: nowOf(ev) });
      effects.push(report(E_TIMEOUT, SS_NAMES[se.st] + ' ' + se.hx));
      return step(endSession(st, se.tid, effects), effects, SS_NAMES[se.st] + ' -timeout', E_TIMEOUT);
    }
    var ns = clone(se);
    ns.tries = se.tries + 1;
    if (se.st === SS_WAIT_F5) effects.push({ t: 'oob', bytes: se.f4 as Uint8Array });
    else for (var i = 0; i < se.frames.length; i++) effects.push({ t: 'send', to: se.mac as Uint8Array, bytes: se.frames[i] });
    effects.push({ t: 'arm', id: SESSION_TIMER + se.tid, ms: se.st === SS_WAIT_F5 ? st.opt.f5Ms : st.opt.ackMs });
    return step(putSession(st, ns), effects, SS_NAMES[se.st] + ' -retransmit', 0);
  }

  function configOf(v: any): DeviceConfig | null {
    try {
      encodeConfig(v as DeviceConfig);
    } catch (e) {
      return null;
    }
    var set: { [k: string]: string } = {};
    for (var k in v.settings) if (has(v.settings, k)) set[k] = v.settings[k];
    return { version: v.version, ssid: v.ssid, psk: v.psk, settings: set };
  }

  function onCommand(st: SbrState, ev: CommandEvent<PoCommand>): PoStep<SbrState> {
    if (ev.op !== 'config') return reject(st, E_COMMAND, String(ev.op));
    var c = configOf(ev.config);
    if (!c) return reject(st, E_COMMAND, 'config');
    var h = ev.hash;
    var cc = clone(st);
    if (h instanceof Uint8Array && h.length === 8 && ev.group === undefined) {
      cc.dev = clone(st.dev);
      cc.dev[toHex(h)] = c;
    } else if (h === undefined && (ev.group === undefined || (typeof ev.group === 'string' && ev.group !== RESERVED_SETTING_KEY && utf8Encode(ev.group).length <= 32))) {
      cc.grp = clone(st.grp);
      cc.grp[ev.group || ''] = c;
    } else return reject(st, E_COMMAND, 'config');
    return step(cc, [], 'command config', 0);
  }

  function onOob(st: SbrState, ev: OobEvent): PoStep<SbrState> {
    if (!(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'oob');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'oob');
    if (d.frame.type === T_F1) return onF1(st, d.frame, ev.bytes, ev);
    if (d.frame.type === T_F5) return onF5(st, d.frame, ev.bytes);
    return reject(st, E_STATE, TYPE_NAMES[d.frame.type]);
  }

  function onFrame(st: SbrState, ev: FrameEvent): PoStep<SbrState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame', true);
    if (d.frame.type === T_ACK) return onAck(st, d.frame, ev.from, ev);
    // CONFIG is ours (an echo); flights never travel in band.
    return reject(st, E_STATE, TYPE_NAMES[d.frame.type], true);
  }

  function next(st: SbrState, ev: PoEvent): PoStep<SbrState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') {
        var b = clone(st);
        b.ph = SBR_RUN;
        return step(b, [], SBR_STATE_NAMES[st.ph] + ' -boot-> RUN', 0);
      }
      if (ev.t === 'command') return onCommand(st, ev);
      if (st.ph !== SBR_RUN) return reject(st, E_STATE, ev.t);
      if (ev.t === 'oob') return onOob(st, ev);
      if (ev.t === 'uplink') return onUplink(st, ev);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_PSK_OOB, name: 'psk-oob/configurator', randBytes: SBR_RAND, next: next };
}

