/**
 * The cloud protocol's stored files (README §6), each behind a 4-byte magic.
 * Encoders throw Error('E_FIELD: …') on values the format cannot hold;
 * decoders never throw and return a code (firmware/codec/codes.ts).
 *
 *   node identity  "NCI" 2 ‖ curve u8 ‖ snLen u8 ‖ sn ‖ mac(6) ‖ clock u32 ‖ d (nB) ‖ Q (1 + 2·pB) ‖ K_an(32)
 *   node key       "NCK" 1 ‖ network key(16) ‖ border router MAC(6) ‖ time u32 (seconds, when stored)
 *   BR identity    "NCB" 1 ‖ idLen u8 ‖ id ‖ d_BR(32) ‖ Q_BR(65) ‖ acLen u8 ‖ acId ‖ Q_AC(65) ‖ network key(16) ‖ clock u32
 *
 * `clock` is the wall time (seconds since the epoch) at the board's first boot:
 * a board without a real-time clock counts from it (§4.3).
 */
import { copyBytes, readU32, writeU32, utf8Encode, concatBytes } from '../../bytes/bytes.ts';
import { E_FILE_MAGIC, E_FILE_LENGTH, E_FILE_FIELD } from '../../codec/codes.ts';
import { withMagic, hasMagic, utf8OrNull } from '../../codec/config-record.ts';
import { MAC_BYTES, GRANT_KEY_LEN } from './ac-api.ts';
import { curveSize, pointLen, validSn, NETKEY_LEN } from './frames.ts';

// Version 2 adds the grant key K_an (README §4.4); a version-1 file is refused (E_FILE_MAGIC): re-run keygen.
var MAGIC_NODE = [0x4e, 0x43, 0x49, 2];
var MAGIC_KEY = [0x4e, 0x43, 0x4b, 1];
var MAGIC_BR = [0x4e, 0x43, 0x42, 1];

export interface NodeIdentity {
  curve: number;
  sn: string;
  mac: Uint8Array;
  clock: number;
  priv: Uint8Array;
  pub: Uint8Array;
  /** K_an, shared with the AC: checks the AC's grant in every KEY (README §4.4) */
  grantKey: Uint8Array;
}

export interface NodeKey {
  netKey: Uint8Array;
  br: Uint8Array;
  time: number;
}

export interface BrIdentity {
  brId: string;
  priv: Uint8Array;
  pub: Uint8Array;
  acId: string;
  acPub: Uint8Array;
  netKey: Uint8Array;
  clock: number;
}

function u32(v: number, name: string): Uint8Array {
  if (typeof v !== 'number' || v < 0 || v > 0xffffffff || v % 1 !== 0) throw new Error('E_FIELD: ' + name + ' must be a u32');
  var b = new Uint8Array(4);
  writeU32(b, 0, v);
  return b;
}

function len(a: Uint8Array, n: number, name: string): Uint8Array {
  if (!(a instanceof Uint8Array) || a.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
  return a;
}

function shortString(s: string, name: string): Uint8Array {
  var b = utf8Encode(s);
  if (b.length < 1 || b.length > 64) throw new Error('E_FIELD: ' + name + ' must be 1..64 bytes');
  return concatBytes([new Uint8Array([b.length]), b]);
}

export function encodeNodeIdentity(id: NodeIdentity): Uint8Array {
  var sz = curveSize(id.curve);
  if (!sz) throw new Error('E_FIELD: unknown curve');
  if (!validSn(id.sn)) throw new Error('E_FIELD: serial number');
  return withMagic(MAGIC_NODE, concatBytes([
    new Uint8Array([id.curve, id.sn.length]), utf8Encode(id.sn), len(id.mac, MAC_BYTES, 'mac'), u32(id.clock, 'clock'),
    len(id.priv, sz.nB, 'priv'), len(id.pub, pointLen(id.curve), 'pub'), len(id.grantKey, GRANT_KEY_LEN, 'grantKey'),
  ]));
}

export function decodeNodeIdentity(b: Uint8Array): { code: number; identity: NodeIdentity | null } {
  if (!hasMagic(MAGIC_NODE, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length < 6) return { code: E_FILE_LENGTH, identity: null };
  var curve = b[4];
  var sz = curveSize(curve);
  if (!sz) return { code: E_FILE_FIELD, identity: null };
  var snLen = b[5];
  var want = 6 + snLen + MAC_BYTES + 4 + sz.nB + pointLen(curve) + GRANT_KEY_LEN;
  if (b.length !== want) return { code: E_FILE_LENGTH, identity: null };
  var sn = utf8OrNull(b.subarray(6, 6 + snLen));
  if (sn === null || !validSn(sn)) return { code: E_FILE_FIELD, identity: null };
  var o = 6 + snLen;
  var mac = copyBytes(b, o, o + MAC_BYTES);
  o += MAC_BYTES;
  var clock = readU32(b, o);
  o += 4;
  var priv = copyBytes(b, o, o + sz.nB);
  o += sz.nB;
  var pub = copyBytes(b, o, o + pointLen(curve));
  o += pointLen(curve);
  if (pub[0] !== 4) return { code: E_FILE_FIELD, identity: null };
  var grantKey = copyBytes(b, o, want);
  return { code: 0, identity: { curve: curve, sn: sn, mac: mac, clock: clock, priv: priv, pub: pub, grantKey: grantKey } };
}

export function encodeNodeKey(k: NodeKey): Uint8Array {
  return withMagic(MAGIC_KEY, concatBytes([len(k.netKey, NETKEY_LEN, 'netKey'), len(k.br, MAC_BYTES, 'br'), u32(k.time, 'time')]));
}

export function decodeNodeKey(b: Uint8Array): { code: number; key: NodeKey | null } {
  if (!hasMagic(MAGIC_KEY, b)) return { code: E_FILE_MAGIC, key: null };
  if (b.length !== 4 + NETKEY_LEN + MAC_BYTES + 4) return { code: E_FILE_LENGTH, key: null };
  return { code: 0, key: { netKey: copyBytes(b, 4, 20), br: copyBytes(b, 20, 26), time: readU32(b, 26) } };
}

export function encodeBrIdentity(id: BrIdentity): Uint8Array {
  return withMagic(MAGIC_BR, concatBytes([
    shortString(id.brId, 'brId'), len(id.priv, 32, 'priv'), len(id.pub, 65, 'pub'), shortString(id.acId, 'acId'),
    len(id.acPub, 65, 'acPub'), len(id.netKey, NETKEY_LEN, 'netKey'), u32(id.clock, 'clock'),
  ]));
}

export function decodeBrIdentity(b: Uint8Array): { code: number; identity: BrIdentity | null } {
  var bad = { code: E_FILE_LENGTH, identity: null };
  if (!hasMagic(MAGIC_BR, b)) return { code: E_FILE_MAGIC, identity: null };
  var o = 4;
  if (o + 1 > b.length) return bad;
  var il = b[o++];
  if (il < 1 || il > 64 || o + il + 97 + 1 > b.length) return bad;
  var brId = utf8OrNull(b.subarray(o, o + il));
  o += il;
  var priv = copyBytes(b, o, o + 32);
  o += 32;
  var pub = copyBytes(b, o, o + 65);
  o += 65;
  var al = b[o++];
  if (al < 1 || al > 64 || o + al + 65 + NETKEY_LEN + 4 !== b.length) return bad;
  var acId = utf8OrNull(b.subarray(o, o + al));
  o += al;
  var acPub = copyBytes(b, o, o + 65);
  o += 65;
  var netKey = copyBytes(b, o, o + NETKEY_LEN);
  o += NETKEY_LEN;
  var clock = readU32(b, o);
  if (brId === null || acId === null || pub[0] !== 4 || acPub[0] !== 4) return { code: E_FILE_FIELD, identity: null };
  return { code: 0, identity: { brId: brId, priv: priv, pub: pub, acId: acId, acPub: acPub, netKey: netKey, clock: clock } };
}
