/**
 * SBS, the authentication server of psk-oob (README.md "SBS"; paper 001's
 * SBS): holds each device's current key (the installer's IK until the first
 * re-key) and SK_cs of each controller (SBR). It answers flight 2 with
 * flight 3. On a small network it runs inside the configurator
 * (sbs-link.ts `localSbsUplink`); the Authentication Cloud service can host
 * the same core behind its HTTP API (`SbsService`).
 *
 * Pure: `handle(state, f2, now, rand12)` → the next state, the HTTP-like
 * status, flight 3 (or null) and a code. Never throws, never mutates its input.
 *
 * Checks, in order: decode; SBR known; flight 2's CCM under K_c2s (so
 * nothing below is reachable without SK_cs); TS within ±windowS of the SBS's
 * clock; TID not seen from that SBR within the window (replay). The TID is
 * spent from here on. Then flight 1 inside: device known, same NID, key
 * generation current or pending, flight 1's CCM under that key. Refusals after
 * flight 2 authenticated are answered inside an authenticated flight 3
 * (result ≠ 0), so the SBR can tell them from a forged answer.
 */
import { toHex, copyBytes, concatBytes, writeU16, writeU32, readU16, readU32 } from '../../bytes/bytes.ts';
import { E_FIELD, E_TYPE, E_CRYPTO } from '../../codec/codes.ts';
import {
  decodeFrame, flightNonce, f2Aad, T_F1, T_F2, T_F3, TAG_LEN, RN_LEN, F1_LEN, F3_PT_LEN, NONCE_LEN, PoFrame,
} from './frames.ts';
import { E_AUTH_F1, E_AUTH_F2, E_DEVICE_UNKNOWN, E_SBR_UNKNOWN, E_F2_TS, E_TID_REPLAY, E_NID, E_KEY_GEN } from './codes.ts';
import { PskOobSuite } from './suite.ts';
import { keyF1, keyF4, newPsk, linkKeys, LinkKeys } from './keys.ts';
import { SbsDb, SbsDevice, MAX_PENDING } from './records.ts';
import { has, clone } from './common.ts';

export interface SbsOptions {
  /** accepted |TS − now| in seconds (README "Replay") */
  windowS: number;
}

export var SBS_DEFAULTS: SbsOptions = { windowS: 30 };

export interface SbsState {
  sbr: { [hx: string]: { idc: Uint8Array; kcs: Uint8Array; k: LinkKeys } };
  dev: { [hx: string]: SbsDevice };
  /** "idc:tid" → ms until which that TID is remembered (2 windows) */
  tids: { [k: string]: number };
  opt: SbsOptions;
}

export interface SbsResult {
  state: SbsState;
  /** 200 with flight 3; 400 malformed; 401 not authentic or stale; 403 unknown SBR; 409 replayed TID */
  status: number;
  f3: Uint8Array | null;
  /** 0, or why (also inside flight 3 when it is a refusal) */
  code: number;
  /** the device table changed: persist it (sbsDbOf) */
  changed: boolean;
}

export interface SbsCore {
  handle(st: SbsState, f2: Uint8Array, now: number, rand12: Uint8Array): SbsResult;
}

export function sbsInitial(s: PskOobSuite, db: SbsDb, opt?: SbsOptions): SbsState {
  var st: SbsState = { sbr: {}, dev: {}, tids: {}, opt: opt || SBS_DEFAULTS };
  for (var i = 0; i < db.sbr.length; i++) {
    var r = db.sbr[i];
    st.sbr[toHex(r.idc)] = { idc: r.idc, kcs: r.kcs, k: linkKeys(s, r.kcs, r.idc) };
  }
  for (var j = 0; j < db.dev.length; j++) st.dev[toHex(db.dev[j].id)] = db.dev[j];
  return st;
}

/** The device and SBR tables as the stored database (records.ts encodeSbsDb). */
export function sbsDbOf(st: SbsState): SbsDb {
  var db: SbsDb = { sbr: [], dev: [] };
  var ks: string[] = [];
  var k: string;
  for (k in st.sbr) if (has(st.sbr, k)) ks.push(k);
  ks.sort();
  for (var i = 0; i < ks.length; i++) db.sbr.push({ idc: st.sbr[ks[i]].idc, kcs: st.sbr[ks[i]].kcs });
  var ds: string[] = [];
  for (k in st.dev) if (has(st.dev, k)) ds.push(k);
  ds.sort();
  for (var j = 0; j < ds.length; j++) db.dev.push(st.dev[ds[j]]);
  return db;
}

export function makeSbs(s: PskOobSuite): SbsCore {
  function out(st: SbsState, status: number, f3: Uint8Array | null, code: number, changed: boolean): SbsResult {
    return { state: st, status: status, f3: f3, code: code, changed: changed };
  }

  function seal3(k: LinkKeys, f: PoFrame, rand12: Uint8Array, result: number, gen: number, k4: Uint8Array | null, psk: Uint8Array | null, rni?: Uint8Array): Uint8Array {
    var pt = new Uint8Array(F3_PT_LEN);
    writeU16(pt, 0, result);
    writeU32(pt, 2, gen);
    if (k4) pt.set(k4, 6);
    if (psk) pt.set(psk, 22);
    if (rni) pt.set(rni, 38);
    var nonce = copyBytes(rand12, 0, NONCE_LEN);
    var aad = f2Aad(f.idc as Uint8Array, f.tid as number, f.ts as number, nonce, T_F3);
    return concatBytes([aad, s.seal(k.s2c, flightNonce(T_F3, nonce), pt, aad, TAG_LEN)]);
  }

  function handle(st: SbsState, f2: Uint8Array, now: number, rand12: Uint8Array): SbsResult {
    try {
      var d = decodeFrame(f2);
      if (!d.frame) return out(st, 400, null, d.code, false);
      var f = d.frame;
      if (f.type !== T_F2) return out(st, 400, null, E_TYPE, false);
      if (!(rand12 instanceof Uint8Array) || rand12.length < NONCE_LEN) return out(st, 500, null, E_CRYPTO, false);
      var hx = toHex(f.idc as Uint8Array);
      if (!has(st.sbr, hx)) return out(st, 403, null, E_SBR_UNKNOWN, false);
      var link = st.sbr[hx];
      var pt = s.open(link.k.c2s, flightNonce(T_F2, f.nonce as Uint8Array), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN);
      if (!pt) return out(st, 401, null, E_AUTH_F2, false);
      var nowS = Math.floor(now / 1000);
      var ts = f.ts as number;
      if (ts > nowS + st.opt.windowS || ts + st.opt.windowS < nowS) return out(st, 401, null, E_F2_TS, false);
      var tkey = hx + ':' + f.tid;
      if (has(st.tids, tkey) && st.tids[tkey] > now) return out(st, 409, null, E_TID_REPLAY, false);
      // Authentic and fresh: the TID is spent whatever flight 1 says.
      var nst = clone(st);
      nst.tids = {};
      for (var tk in st.tids) if (has(st.tids, tk) && st.tids[tk] > now) nst.tids[tk] = st.tids[tk];
      nst.tids[tkey] = now + 2000 * st.opt.windowS;
      var rnc = copyBytes(pt, 0, RN_LEN);
      var d1 = decodeFrame(copyBytes(pt, RN_LEN, RN_LEN + F1_LEN));
      if (!d1.frame || d1.frame.type !== T_F1) return out(nst, 200, seal3(link.k, f, rand12, d1.code || E_FIELD, 0, null, null), d1.code || E_FIELD, false);
      var g = d1.frame;
      var id = g.id as Uint8Array;
      var ihx = toHex(id);
      if (!has(st.dev, ihx)) return out(nst, 200, seal3(link.k, f, rand12, E_DEVICE_UNKNOWN, 0, null, null), E_DEVICE_UNKNOWN, false);
      var dev = st.dev[ihx];
      if (g.nid !== dev.nid) return out(nst, 200, seal3(link.k, f, rand12, E_NID, 0, null, null), E_NID, false);
      var gen = g.gen as number;
      var key: Uint8Array | null = null;
      var committed: SbsDevice | null = null;
      var n1 = flightNonce(T_F1, g.nonce as Uint8Array);
      var rni: Uint8Array | null = null;
      if (gen === dev.gen) {
        key = dev.key;
        rni = s.open(keyF1(s, key, id, dev.nid, gen), n1, g.sealed as Uint8Array, g.aad as Uint8Array, TAG_LEN);
      } else if (gen === dev.gen + 1) {
        // The SBI proves it adopted one of the pending keys by using it: that one
        // becomes current and the previous key (the installer's IK at first) is gone.
        for (var i = 0; i < dev.pend.length && !rni; i++) {
          rni = s.open(keyF1(s, dev.pend[i].key, id, dev.nid, gen), n1, g.sealed as Uint8Array, g.aad as Uint8Array, TAG_LEN);
          if (rni) {
            key = dev.pend[i].key;
            committed = { id: dev.id, nid: dev.nid, gen: gen, key: key, pend: [] };
          }
        }
      } else return out(nst, 200, seal3(link.k, f, rand12, E_KEY_GEN, 0, null, null), E_KEY_GEN, false);
      if (!rni || !key) return out(nst, 200, seal3(link.k, f, rand12, E_AUTH_F1, 0, null, null), E_AUTH_F1, false);
      var base = committed || dev;
      var tid = f.tid as number;
      var k4 = keyF4(s, key, id, dev.nid, gen, f.idc as Uint8Array, tid);
      var psk = newPsk(s, key, id, dev.nid, gen, f.idc as Uint8Array, tid, rni, rnc);
      var pend = base.pend.slice(0);
      pend.push({ tid: tid, key: psk });
      while (pend.length > MAX_PENDING) pend.shift();
      nst.dev = clone(st.dev);
      nst.dev[ihx] = { id: base.id, nid: base.nid, gen: base.gen, key: base.key, pend: pend };
      return out(nst, 200, seal3(link.k, f, rand12, 0, gen + 1, k4, psk, rni), 0, true);
    } catch (e) {
      return out(st, 500, null, E_CRYPTO, false);
    }
  }

  return { handle: handle };
}

/** Flight 3's plaintext as the SBR reads it. */
export function readF3(pt: Uint8Array): { result: number; gen: number; k4: Uint8Array; psk: Uint8Array; rni: Uint8Array } {
  return { result: readU16(pt, 0), gen: readU32(pt, 2), k4: copyBytes(pt, 6, 22), psk: copyBytes(pt, 22, 38), rni: copyBytes(pt, 38, 54) };
}
