/**
 * Stored files of the ECQV protocol (README.md §6), shared by the apps, the
 * simulator's batch and the host CLI. The configuration record itself is the
 * one every protocol delivers (firmware/codec/config-record.ts). Encoders throw
 * Error('E_FIELD: ...') on values the format cannot hold; decoders never throw
 * and return E_FILE_MAGIC, E_FILE_LENGTH or E_FILE_FIELD.
 */
import { utf8Encode, readU32, writeU32, readU16, writeU16, copyBytes, concatBytes, toHex } from '../../bytes/bytes.ts';
import { DeviceConfig, withMagic, hasMagic, utf8OrNull, encodeConfig, decodeConfig } from '../../codec/config-record.ts';
import { E_FILE_MAGIC, E_FILE_LENGTH, E_FILE_FIELD } from '../../codec/codes.ts';
import { sizesOf } from './frames.ts';
import { ID_LEN } from './cert.ts';
import { KEYMODE_PER_DEVICE, KEYMODE_SHARED } from './keys.ts';

var MAGIC_IDENTITY = [0x4e, 0x57, 0x45, 1]; // "NWE" v1: enrollee identity
var MAGIC_CREDENTIAL = [0x4e, 0x57, 0x51, 1]; // "NWQ" v1: certificate, key and configuration
var MAGIC_CA = [0x4e, 0x57, 0x41, 1]; // "NWA" v1: CA key
var MAGIC_DEVICES = [0x4e, 0x57, 0x44, 1]; // "NWD" v1: CA device list
var MAGIC_CRL = [0x4e, 0x57, 0x52, 1]; // "NWR" v1: last verified CRL frame

/** Written once by keygen: the device's id, its request key and the pinned CA key. */
export interface EcqvIdentity {
  suite: number;
  U: Uint8Array;
  /** per-device request key K_U (or the paper's shared K) */
  kU: Uint8Array;
  /** Q_CA, compressed */
  caPub: Uint8Array;
}

function len(b: Uint8Array | null | undefined, n: number, name: string): Uint8Array {
  if (!(b instanceof Uint8Array) || b.length !== n) throw new Error('E_FIELD: ' + name + ' must be ' + n + ' bytes');
  return b;
}

export function encodeIdentity(id: EcqvIdentity): Uint8Array {
  var z = sizesOf(id.suite);
  if (!z) throw new Error('E_FIELD: unknown suite');
  return withMagic(MAGIC_IDENTITY, concatBytes([new Uint8Array([id.suite]), len(id.U, ID_LEN, 'U'), len(id.kU, 32, 'K_U'), len(id.caPub, z.pt, 'Q_CA')]));
}

export function decodeIdentity(b: Uint8Array): { code: number; identity: EcqvIdentity | null } {
  if (!hasMagic(MAGIC_IDENTITY, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length < 5) return { code: E_FILE_LENGTH, identity: null };
  var z = sizesOf(b[4]);
  if (!z) return { code: E_FILE_FIELD, identity: null };
  if (b.length !== 5 + ID_LEN + 32 + z.pt) return { code: E_FILE_LENGTH, identity: null };
  return {
    code: 0,
    identity: { suite: b[4], U: copyBytes(b, 5, 13), kU: copyBytes(b, 13, 45), caPub: copyBytes(b, 45, 45 + z.pt) },
  };
}

/** What issuance leaves the device: its certificate, d_U and the cached d_U·Q_CA (uncompressed). */
export interface Credential {
  cert: Uint8Array;
  dU: Uint8Array;
  dQca: Uint8Array;
}

/**
 * The proven state of a provisioned device, one file so one atomic replace
 * commits the certificate and the configuration together (commit on success):
 * magic ‖ suite ‖ cert ‖ d_U ‖ d_U·Q_CA ‖ configuration record.
 */
export function encodeCredential(suite: number, cred: Credential, cfg: DeviceConfig): Uint8Array {
  var z = sizesOf(suite);
  if (!z) throw new Error('E_FIELD: unknown suite');
  return withMagic(MAGIC_CREDENTIAL, concatBytes([
    new Uint8Array([suite]), len(cred.cert, z.cert, 'cert'), len(cred.dU, z.sc, 'd_U'), len(cred.dQca, 2 * z.pt - 1, 'd_U·Q_CA'), encodeConfig(cfg),
  ]));
}

export function decodeCredential(b: Uint8Array): { code: number; suite: number; cred: Credential | null; cfg: DeviceConfig | null } {
  var bad = function (code: number) {
    return { code: code, suite: 0, cred: null, cfg: null };
  };
  if (!hasMagic(MAGIC_CREDENTIAL, b)) return bad(E_FILE_MAGIC);
  if (b.length < 5) return bad(E_FILE_LENGTH);
  var z = sizesOf(b[4]);
  if (!z) return bad(E_FILE_FIELD);
  var o = 5;
  var end = o + z.cert + z.sc + 2 * z.pt - 1;
  if (b.length <= end) return bad(E_FILE_LENGTH);
  var d = decodeConfig(b.subarray(end));
  if (d.code || !d.config) return bad(E_FILE_FIELD);
  return {
    code: 0,
    suite: b[4],
    cred: { cert: copyBytes(b, o, o + z.cert), dU: copyBytes(b, o + z.cert, o + z.cert + z.sc), dQca: copyBytes(b, o + z.cert + z.sc, end) },
    cfg: d.config,
  };
}

/** The CA's key file (keygen): suite, key mode, certificate validity, clock base, d_CA, Q_CA, master secret. */
export interface CaIdentity {
  suite: number;
  /** KEYMODE_PER_DEVICE (default) or KEYMODE_SHARED (the paper's K; warns) */
  mode: number;
  /** validity of issued certificates, hours */
  hours: number;
  /** the CA's clock at its boot, seconds (set when flashed; README §4.3) */
  clockBase: number;
  dCA: Uint8Array;
  caPub: Uint8Array;
  master: Uint8Array;
}

export function encodeCaIdentity(id: CaIdentity): Uint8Array {
  var z = sizesOf(id.suite);
  if (!z) throw new Error('E_FIELD: unknown suite');
  if (id.mode !== KEYMODE_PER_DEVICE && id.mode !== KEYMODE_SHARED) throw new Error('E_FIELD: key mode must be 1 or 2');
  if (!(id.hours >= 1 && id.hours <= 65535 && id.hours % 1 === 0)) throw new Error('E_FIELD: validity must be 1..65535 hours');
  if (!(id.clockBase >= 0 && id.clockBase <= 0xffffffff && id.clockBase % 1 === 0)) throw new Error('E_FIELD: clock base must be a u32');
  var h = new Uint8Array(8);
  h[0] = id.suite;
  h[1] = id.mode;
  writeU16(h, 2, id.hours);
  writeU32(h, 4, id.clockBase);
  return withMagic(MAGIC_CA, concatBytes([h, len(id.dCA, z.sc, 'd_CA'), len(id.caPub, z.pt, 'Q_CA'), len(id.master, 32, 'master')]));
}

export function decodeCaIdentity(b: Uint8Array): { code: number; identity: CaIdentity | null } {
  if (!hasMagic(MAGIC_CA, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length < 12) return { code: E_FILE_LENGTH, identity: null };
  var z = sizesOf(b[4]);
  var mode = b[5];
  var hours = readU16(b, 6);
  if (!z || (mode !== KEYMODE_PER_DEVICE && mode !== KEYMODE_SHARED) || hours < 1) return { code: E_FILE_FIELD, identity: null };
  if (b.length !== 12 + z.sc + z.pt + 32) return { code: E_FILE_LENGTH, identity: null };
  var o = 12;
  return {
    code: 0,
    identity: {
      suite: b[4], mode: mode, hours: hours, clockBase: readU32(b, 8),
      dCA: copyBytes(b, o, o + z.sc), caPub: copyBytes(b, o + z.sc, o + z.sc + z.pt), master: copyBytes(b, o + z.sc + z.pt, b.length),
    },
  };
}

/** One device on the CA's list. */
export interface DeviceEntry {
  U: Uint8Array;
  group: string;
  revoked: boolean;
}

/** magic ‖ CRL version u32 ‖ count u16 ‖ (U 8 ‖ flags u8 [bit0 revoked] ‖ glen u8 ‖ group)*. */
export function encodeDevices(crlVersion: number, entries: DeviceEntry[]): Uint8Array {
  if (entries.length > 65535) throw new Error('E_FIELD: too many devices');
  var head = new Uint8Array(6);
  writeU32(head, 0, crlVersion);
  writeU16(head, 4, entries.length);
  var parts: Uint8Array[] = [head];
  for (var i = 0; i < entries.length; i++) {
    var g = utf8Encode(entries[i].group);
    if (g.length > 32) throw new Error('E_FIELD: group must be 0..32 bytes');
    parts.push(len(entries[i].U, ID_LEN, 'U'));
    parts.push(new Uint8Array([entries[i].revoked ? 1 : 0, g.length]));
    parts.push(g);
  }
  return withMagic(MAGIC_DEVICES, concatBytes(parts));
}

export function decodeDevices(b: Uint8Array): { code: number; crl: number; entries: DeviceEntry[] | null } {
  var bad = function (code: number) {
    return { code: code, crl: 0, entries: null };
  };
  if (!hasMagic(MAGIC_DEVICES, b)) return bad(E_FILE_MAGIC);
  if (b.length < 10) return bad(E_FILE_LENGTH);
  var crl = readU32(b, 4);
  var n = readU16(b, 8);
  var off = 10;
  var out: DeviceEntry[] = [];
  var seen: { [h: string]: boolean } = {};
  for (var i = 0; i < n; i++) {
    if (off + ID_LEN + 2 > b.length) return bad(E_FILE_LENGTH);
    var U = copyBytes(b, off, off + ID_LEN);
    var flags = b[off + ID_LEN];
    var gl = b[off + ID_LEN + 1];
    off += ID_LEN + 2;
    if (flags & ~1 || gl > 32) return bad(E_FILE_FIELD);
    if (off + gl > b.length) return bad(E_FILE_LENGTH);
    var group = utf8OrNull(b.subarray(off, off + gl));
    off += gl;
    if (group === null || seen[toHex(U)]) return bad(E_FILE_FIELD);
    seen[toHex(U)] = true;
    out.push({ U: U, group: group, revoked: (flags & 1) !== 0 });
  }
  if (off !== b.length) return bad(E_FILE_LENGTH);
  return { code: 0, crl: crl, entries: out };
}

/** The last CRL frame a board verified, as received (README §5). */
export function encodeCrlFile(frame: Uint8Array): Uint8Array {
  return withMagic(MAGIC_CRL, frame);
}

export function decodeCrlFile(b: Uint8Array): { code: number; frame: Uint8Array | null } {
  if (!hasMagic(MAGIC_CRL, b)) return { code: E_FILE_MAGIC, frame: null };
  if (b.length < 5) return { code: E_FILE_LENGTH, frame: null };
  return { code: 0, frame: copyBytes(b, 4) };
}
