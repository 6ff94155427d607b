/**
 * Byte encodings the apps and the CLI share (README.md §5, §6):
 * the configuration record (CONFIG plaintext and the enrollee's stored config),
 * the enrollee identity file, the configurator identity file and the whitelist
 * file. Encoders throw Error('E_FIELD: ...') on values the format cannot hold;
 * decoders never throw and return a code from firmware/codec/codes.ts.
 */
import { utf8Encode, utf8Decode, readU32, writeU32, readU16, writeU16, copyBytes, concatBytes, toHex } from '../../bytes/bytes.ts';
import { CONFIG_MAX } from './frames.ts';
import { E_FIELD, E_LONG, E_SHORT, E_FILE_MAGIC, E_FILE_LENGTH, E_FILE_FIELD } from '../../codec/codes.ts';

/** What a configurator hands an enrollee. `version` > 0 (0 means "none held"). */
export interface WlConfig {
  version: number;
  ssid: string;
  psk: string;
  /** Application settings, key → value (UTF-8 strings). */
  settings: { [k: string]: string };
}

export var TLV_SSID = 1;
export var TLV_PSK = 2;
export var TLV_SETTING = 3;

function tlv(type: number, v: Uint8Array): Uint8Array {
  if (v.length > 255) throw new Error('E_FIELD: TLV ' + type + ' longer than 255 bytes');
  var b = new Uint8Array(2 + v.length);
  b[0] = type;
  b[1] = v.length;
  b.set(v, 2);
  return b;
}

/**
 * version u32 ‖ TLV(SSID) ‖ TLV(PSK) ‖ TLV(SETTING)* with settings in sorted
 * key order, so equal configs encode to equal bytes.
 */
export function encodeConfig(c: WlConfig): Uint8Array {
  if (typeof c.version !== 'number' || c.version < 1 || c.version > 0xffffffff || c.version % 1 !== 0)
    throw new Error('E_FIELD: version must be 1..2^32-1');
  var ssid = utf8Encode(c.ssid);
  if (ssid.length < 1 || ssid.length > 32) throw new Error('E_FIELD: ssid must be 1..32 bytes');
  var psk = utf8Encode(c.psk);
  if (psk.length > 64) throw new Error('E_FIELD: psk must be 0..64 bytes');
  var head = new Uint8Array(4);
  writeU32(head, 0, c.version);
  var parts = [head, tlv(TLV_SSID, ssid), tlv(TLV_PSK, psk)];
  var keys: string[] = [];
  for (var k in c.settings) if (Object.prototype.hasOwnProperty.call(c.settings, k)) keys.push(k);
  keys.sort();
  for (var i = 0; i < keys.length; i++) {
    var kb = utf8Encode(keys[i]);
    var vb = utf8Encode(c.settings[keys[i]]);
    if (kb.length < 1 || kb.length > 64) throw new Error('E_FIELD: setting key must be 1..64 bytes');
    parts.push(tlv(TLV_SETTING, concatBytes([new Uint8Array([kb.length]), kb, vb])));
  }
  var out = concatBytes(parts);
  if (out.length > CONFIG_MAX) throw new Error('E_FIELD: config larger than ' + CONFIG_MAX + ' bytes');
  return out;
}

export interface ConfigDecode {
  code: number;
  config: WlConfig | null;
}

function utf8OrNull(b: Uint8Array): string | null {
  try {
    return utf8Decode(b);
  } catch (e) {
    return null;
  }
}

/** Inverse of encodeConfig. Unknown TLV types >= 128 are skipped (forward compatible); others fail. */
export function decodeConfig(b: Uint8Array): ConfigDecode {
  var bad = { code: E_FIELD, config: null };
  if (b.length < 4) return { code: E_SHORT, config: null };
  if (b.length > CONFIG_MAX) return { code: E_LONG, config: null };
  var version = readU32(b, 0);
  if (version === 0) return bad;
  var ssid: string | null = null;
  var psk: string | null = null;
  var settings: { [k: string]: string } = {};
  var off = 4;
  while (off < b.length) {
    if (off + 2 > b.length) return { code: E_SHORT, config: null };
    var t = b[off];
    var len = b[off + 1];
    if (off + 2 + len > b.length) return { code: E_SHORT, config: null };
    var v = b.subarray(off + 2, off + 2 + len);
    off += 2 + len;
    if (t === TLV_SSID) {
      if (ssid !== null || len < 1 || len > 32) return bad;
      ssid = utf8OrNull(v);
      if (ssid === null) return bad;
    } else if (t === TLV_PSK) {
      if (psk !== null || len > 64) return bad;
      psk = utf8OrNull(v);
      if (psk === null) return bad;
    } else if (t === TLV_SETTING) {
      if (len < 1) return bad;
      var kl = v[0];
      if (kl < 1 || kl > 64 || 1 + kl > len) return bad;
      var key = utf8OrNull(v.subarray(1, 1 + kl));
      var val = utf8OrNull(v.subarray(1 + kl));
      if (key === null || val === null) return bad;
      if (Object.prototype.hasOwnProperty.call(settings, key)) return bad;
      settings[key] = val;
    } else if (t < 128) return bad;
  }
  if (ssid === null) return bad;
  return { code: 0, config: { version: version, ssid: ssid, psk: psk === null ? '' : psk, settings: settings } };
}

// ---- stored files -------------------------------------------------------

var MAGIC_CONFIG = [0x4e, 0x57, 0x43, 1]; // "NWC" v1
var MAGIC_IDENTITY = [0x4e, 0x57, 0x49, 1]; // "NWI" v1
var MAGIC_CONFIGURATOR = [0x4e, 0x57, 0x4b, 1]; // "NWK" v1
var MAGIC_WHITELIST = [0x4e, 0x57, 0x4c, 1]; // "NWL" v1

function withMagic(m: number[], body: Uint8Array): Uint8Array {
  var b = new Uint8Array(4 + body.length);
  for (var i = 0; i < 4; i++) b[i] = m[i];
  b.set(body, 4);
  return b;
}

function hasMagic(m: number[], b: Uint8Array): boolean {
  if (!(b instanceof Uint8Array) || b.length < 4) return false;
  for (var i = 0; i < 4; i++) if (b[i] !== m[i]) return false;
  return true;
}

/** The enrollee's stored configuration file: magic ‖ config record. */
export function encodeStoredConfig(c: WlConfig): Uint8Array {
  return withMagic(MAGIC_CONFIG, encodeConfig(c));
}

export function decodeStoredConfig(b: Uint8Array): ConfigDecode {
  if (!hasMagic(MAGIC_CONFIG, b)) return { code: E_FILE_MAGIC, config: null };
  var r = decodeConfig(b.subarray(4));
  return r.code ? { code: E_FILE_FIELD, config: null } : r;
}

/**
 * Enrollee identity, written once by the host at keygen (§6):
 * e (32) ‖ E = X25519(e, 9) (32) ‖ pinned configurator key C (32) ‖ ss = X25519(e, C) (32).
 * The configuration version is NOT here: it lives in the config record, so a
 * provisioning rewrites one file (atomically) and never touches the secret one.
 */
export interface EnrolleeIdentity {
  e: Uint8Array;
  E: Uint8Array;
  C: Uint8Array;
  ss: Uint8Array;
}

export var IDENTITY_FILE_LEN = 4 + 128;

export function encodeIdentity(id: EnrolleeIdentity): Uint8Array {
  var names = ['e', 'E', 'C', 'ss'];
  var vals = [id.e, id.E, id.C, id.ss];
  for (var i = 0; i < 4; i++) if (!vals[i] || vals[i].length !== 32) throw new Error('E_FIELD: ' + names[i] + ' must be 32 bytes');
  return withMagic(MAGIC_IDENTITY, concatBytes(vals));
}

export interface IdentityDecode {
  code: number;
  identity: EnrolleeIdentity | null;
}

export function decodeIdentity(b: Uint8Array): IdentityDecode {
  if (!hasMagic(MAGIC_IDENTITY, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length !== IDENTITY_FILE_LEN) return { code: E_FILE_LENGTH, identity: null };
  return {
    code: 0,
    identity: { e: copyBytes(b, 4, 36), E: copyBytes(b, 36, 68), C: copyBytes(b, 68, 100), ss: copyBytes(b, 100, 132) },
  };
}

/** Configurator identity: c (32) ‖ C (32). */
export interface ConfiguratorIdentity {
  c: Uint8Array;
  C: Uint8Array;
}

export function encodeConfiguratorIdentity(id: ConfiguratorIdentity): Uint8Array {
  if (!id.c || id.c.length !== 32 || !id.C || id.C.length !== 32) throw new Error('E_FIELD: c and C must be 32 bytes');
  return withMagic(MAGIC_CONFIGURATOR, concatBytes([id.c, id.C]));
}

export function decodeConfiguratorIdentity(b: Uint8Array): { code: number; identity: ConfiguratorIdentity | null } {
  if (!hasMagic(MAGIC_CONFIGURATOR, b)) return { code: E_FILE_MAGIC, identity: null };
  if (b.length !== 68) return { code: E_FILE_LENGTH, identity: null };
  return { code: 0, identity: { c: copyBytes(b, 4, 36), C: copyBytes(b, 36, 68) } };
}

/**
 * One whitelist entry (paper 003's whitelist of public-key hashes, extended):
 * hash = SHA-256(E); ss = the cached X25519(c, E) when known (the host computes it
 * at keygen; otherwise the configurator computes it at first contact); group
 * selects the group configuration; revoked entries are kept so a revoke is
 * remembered across a reload of an old manifest.
 */
export interface WhitelistEntry {
  hash: Uint8Array;
  ss: Uint8Array | null;
  group: string;
  revoked: boolean;
}

/** magic ‖ count u16 ‖ (hash 32 ‖ flags u8 [bit0 ss present, bit1 revoked] ‖ [ss 32] ‖ glen u8 ‖ group)*. */
export function encodeWhitelist(entries: WhitelistEntry[]): Uint8Array {
  if (entries.length > 65535) throw new Error('E_FIELD: too many entries');
  var parts: Uint8Array[] = [];
  var cnt = new Uint8Array(2);
  writeU16(cnt, 0, entries.length);
  parts.push(cnt);
  for (var i = 0; i < entries.length; i++) {
    var en = entries[i];
    if (!en.hash || en.hash.length !== 32) throw new Error('E_FIELD: hash must be 32 bytes');
    if (en.ss && en.ss.length !== 32) throw new Error('E_FIELD: ss must be 32 bytes');
    var g = utf8Encode(en.group);
    if (g.length > 32) throw new Error('E_FIELD: group must be 0..32 bytes');
    parts.push(en.hash);
    parts.push(new Uint8Array([(en.ss ? 1 : 0) | (en.revoked ? 2 : 0)]));
    if (en.ss) parts.push(en.ss);
    parts.push(new Uint8Array([g.length]));
    parts.push(g);
  }
  return withMagic(MAGIC_WHITELIST, concatBytes(parts));
}

export function decodeWhitelist(b: Uint8Array): { code: number; entries: WhitelistEntry[] | null } {
  if (!hasMagic(MAGIC_WHITELIST, b)) return { code: E_FILE_MAGIC, entries: null };
  if (b.length < 6) return { code: E_FILE_LENGTH, entries: null };
  var n = readU16(b, 4);
  var off = 6;
  var out: WhitelistEntry[] = [];
  var seen: { [h: string]: boolean } = {};
  for (var i = 0; i < n; i++) {
    if (off + 33 > b.length) return { code: E_FILE_LENGTH, entries: null };
    var hash = copyBytes(b, off, off + 32);
    var flags = b[off + 32];
    off += 33;
    if (flags & ~3) return { code: E_FILE_FIELD, entries: null };
    var ss: Uint8Array | null = null;
    if (flags & 1) {
      if (off + 32 > b.length) return { code: E_FILE_LENGTH, entries: null };
      ss = copyBytes(b, off, off + 32);
      off += 32;
    }
    if (off + 1 > b.length) return { code: E_FILE_LENGTH, entries: null };
    var gl = b[off++];
    if (gl > 32) return { code: E_FILE_FIELD, entries: null };
    if (off + gl > b.length) return { code: E_FILE_LENGTH, entries: null };
    var group = utf8OrNull(b.subarray(off, off + gl));
    off += gl;
    if (group === null) return { code: E_FILE_FIELD, entries: null };
    var hx = toHex(hash);
    if (seen[hx]) return { code: E_FILE_FIELD, entries: null };
    seen[hx] = true;
    out.push({ hash: hash, ss: ss, group: group, revoked: (flags & 2) !== 0 });
  }
  if (off !== b.length) return { code: E_FILE_LENGTH, entries: null };
  return { code: 0, entries: out };
}
