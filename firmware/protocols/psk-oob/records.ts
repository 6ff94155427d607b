/**
 * Stored files of psk-oob (README.md "Stored files"): encoders throw
 * Error('E_FIELD: ...') on values the format cannot hold; decoders never
 * throw and return a code (firmware/codec/codes.ts).
 *
 *   nb-id   (enrollee, written by `nowboard installer imprint`)  "N4I" 1 | ID 8 | NID u32 | IK 16
 *   nb.psk  (enrollee, written by the core after a re-key)       "N4K" 1 | gen u32 | PSK 16
 *   nb-sbr  (configurator)                                        "N4C" 1 | ID_c 8 | NID u32 | SK_cs 16
 *   nb-sbs  (the SBS's trust list, on the configurator of a small network)
 *           "N4S" 1 | nSbr u16 | (ID_c 8 | SK_cs 16)* | nDev u16 |
 *           (ID 8 | NID u32 | gen u32 | key 16 | nPend u8 | (TID u32 | key 16)*)*
 */
import { copyBytes, readU16, readU32, writeU16, writeU32, toHex, concatBytes } from '../../bytes/bytes.ts';
import { hasMagic, withMagic } from '../../codec/config-record.ts';
import { E_FILE_MAGIC, E_FILE_LENGTH, E_FILE_FIELD } from '../../codec/codes.ts';
import { ID_LEN, KEY_LEN } from './frames.ts';

var MAGIC_ID = [0x4e, 0x34, 0x49, 1];
var MAGIC_PSK = [0x4e, 0x34, 0x4b, 1];
var MAGIC_SBR = [0x4e, 0x34, 0x43, 1];
var MAGIC_SBS = [0x4e, 0x34, 0x53, 1];

/** Pending keys the SBS keeps per device (README "SBS"): one per re-key the SBI may have adopted. */
export var MAX_PENDING = 4;

export interface PoIdentity {
  id: Uint8Array;
  nid: number;
  ik: Uint8Array;
}

export interface PoKey {
  gen: number;
  key: Uint8Array;
}

export interface SbrIdentity {
  idc: Uint8Array;
  nid: number;
  kcs: Uint8Array;
}

export interface SbsPending {
  tid: number;
  key: Uint8Array;
}

export interface SbsDevice {
  id: Uint8Array;
  nid: number;
  gen: number;
  key: Uint8Array;
  /** keys of generation gen + 1 derived by re-keys the SBI has not yet proven it adopted */
  pend: SbsPending[];
}

export interface SbsDb {
  sbr: { idc: Uint8Array; kcs: Uint8Array }[];
  dev: SbsDevice[];
}

function need(a: Uint8Array, n: number, name: string): void {
  if (!(a instanceof Uint8Array) || a.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
}

function u32ok(v: number): boolean {
  return typeof v === 'number' && v >= 0 && v <= 0xffffffff && v % 1 === 0;
}

export function encodeIdentity(x: PoIdentity): Uint8Array {
  need(x.id, ID_LEN, 'id');
  need(x.ik, KEY_LEN, 'ik');
  if (!u32ok(x.nid)) throw new Error('E_FIELD: nid');
  var b = new Uint8Array(28);
  b.set(x.id, 0);
  writeU32(b, 8, x.nid);
  b.set(x.ik, 12);
  return withMagic(MAGIC_ID, b);
}

export function decodeIdentity(b: Uint8Array): { code: number; identity: PoIdentity | null } {
  if (!hasMagic(MAGIC_ID, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length !== 32) return { code: E_FILE_LENGTH, identity: null };
  return { code: 0, identity: { id: copyBytes(b, 4, 12), nid: readU32(b, 12), ik: copyBytes(b, 16, 32) } };
}

export function encodeKeyFile(k: PoKey): Uint8Array {
  need(k.key, KEY_LEN, 'key');
  if (!u32ok(k.gen) || k.gen < 1) throw new Error('E_FIELD: gen');
  var b = new Uint8Array(20);
  writeU32(b, 0, k.gen);
  b.set(k.key, 4);
  return withMagic(MAGIC_PSK, b);
}

export function decodeKeyFile(b: Uint8Array): { code: number; key: PoKey | null } {
  if (!hasMagic(MAGIC_PSK, b)) return { code: E_FILE_MAGIC, key: null };
  if (b.length !== 24) return { code: E_FILE_LENGTH, key: null };
  var gen = readU32(b, 4);
  if (gen < 1) return { code: E_FILE_FIELD, key: null };
  return { code: 0, key: { gen: gen, key: copyBytes(b, 8, 24) } };
}

export function encodeSbrIdentity(x: SbrIdentity): Uint8Array {
  need(x.idc, ID_LEN, 'idc');
  need(x.kcs, KEY_LEN, 'kcs');
  if (!u32ok(x.nid)) throw new Error('E_FIELD: nid');
  var b = new Uint8Array(28);
  b.set(x.idc, 0);
  writeU32(b, 8, x.nid);
  b.set(x.kcs, 12);
  return withMagic(MAGIC_SBR, b);
}

export function decodeSbrIdentity(b: Uint8Array): { code: number; identity: SbrIdentity | null } {
  if (!hasMagic(MAGIC_SBR, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length !== 32) return { code: E_FILE_LENGTH, identity: null };
  return { code: 0, identity: { idc: copyBytes(b, 4, 12), nid: readU32(b, 12), kcs: copyBytes(b, 16, 32) } };
}

export function encodeSbsDb(db: SbsDb): Uint8Array {
  var parts: Uint8Array[] = [];
  var n = new Uint8Array(2);
  writeU16(n, 0, db.sbr.length);
  parts.push(n);
  for (var i = 0; i < db.sbr.length; i++) {
    need(db.sbr[i].idc, ID_LEN, 'idc');
    need(db.sbr[i].kcs, KEY_LEN, 'kcs');
    parts.push(db.sbr[i].idc, db.sbr[i].kcs);
  }
  var m = new Uint8Array(2);
  writeU16(m, 0, db.dev.length);
  parts.push(m);
  for (var j = 0; j < db.dev.length; j++) {
    var d = db.dev[j];
    need(d.id, ID_LEN, 'id');
    need(d.key, KEY_LEN, 'key');
    if (!u32ok(d.nid) || !u32ok(d.gen) || d.pend.length > MAX_PENDING) throw new Error('E_FIELD: device ' + toHex(d.id));
    var h = new Uint8Array(ID_LEN + 8 + KEY_LEN + 1);
    h.set(d.id, 0);
    writeU32(h, 8, d.nid);
    writeU32(h, 12, d.gen);
    h.set(d.key, 16);
    h[32] = d.pend.length;
    parts.push(h);
    for (var k = 0; k < d.pend.length; k++) {
      need(d.pend[k].key, KEY_LEN, 'pending key');
      var p = new Uint8Array(4 + KEY_LEN);
      writeU32(p, 0, d.pend[k].tid);
      p.set(d.pend[k].key, 4);
      parts.push(p);
    }
  }
  return withMagic(MAGIC_SBS, concatBytes(parts));
}

export function decodeSbsDb(b: Uint8Array): { code: number; db: SbsDb | null } {
  if (!hasMagic(MAGIC_SBS, b)) return { code: E_FILE_MAGIC, db: null };
  var bad = { code: E_FILE_LENGTH, db: null };
  var off = 4;
  if (off + 2 > b.length) return bad;
  var ns = readU16(b, off);
  off += 2;
  var db: SbsDb = { sbr: [], dev: [] };
  var seen: { [h: string]: boolean } = {};
  for (var i = 0; i < ns; i++) {
    if (off + ID_LEN + KEY_LEN > b.length) return bad;
    var idc = copyBytes(b, off, off + ID_LEN);
    if (seen['c' + toHex(idc)]) return { code: E_FILE_FIELD, db: null };
    seen['c' + toHex(idc)] = true;
    db.sbr.push({ idc: idc, kcs: copyBytes(b, off + ID_LEN, off + ID_LEN + KEY_LEN) });
    off += ID_LEN + KEY_LEN;
  }
  if (off + 2 > b.length) return bad;
  var nd = readU16(b, off);
  off += 2;
  for (var j = 0; j < nd; j++) {
    if (off + 33 > b.length) return bad;
    var id = copyBytes(b, off, off + ID_LEN);
    var np = b[off + 32];
    if (np > MAX_PENDING || seen['d' + toHex(id)]) return { code: E_FILE_FIELD, db: null };
    seen['d' + toHex(id)] = true;
    var d: SbsDevice = { id: id, nid: readU32(b, off + 8), gen: readU32(b, off + 12), key: copyBytes(b, off + 16, off + 32), pend: [] };
    off += 33;
    for (var k = 0; k < np; k++) {
      if (off + 4 + KEY_LEN > b.length) return bad;
      d.pend.push({ tid: readU32(b, off), key: copyBytes(b, off + 4, off + 4 + KEY_LEN) });
      off += 4 + KEY_LEN;
    }
    db.dev.push(d);
  }
  if (off !== b.length) return bad;
  return { code: 0, db: db };
}
