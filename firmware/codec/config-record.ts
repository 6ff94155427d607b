/**
 * The configuration record every protocol delivers (docs/protocols.md): the
 * Wi-Fi credentials and app settings an enrollee proves by a join and keeps,
 * as the CONFIG plaintext on the wire and, behind a magic, the enrollee's
 * stored configuration file. Encoders throw Error('E_FIELD: ...') on values
 * the format cannot hold; decoders never throw and return a code
 * (firmware/codec/codes.ts). Layout: firmware/protocols/whitelist/README.md §5.
 */
import { utf8Encode, utf8Decode, readU32, writeU32, concatBytes } from '../bytes/bytes.ts';
import { E_FIELD, E_LONG, E_SHORT, E_FILE_MAGIC, E_FILE_FIELD } from './codes.ts';

/** Largest encoded record: what 8 whitelist CONFIG fragments carry (every protocol keeps to it). */
export var CONFIG_MAX = 1856;

/** What a configurator hands an enrollee. `version` > 0 (0 means "none held"). */
export interface DeviceConfig {
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
 * A setting key a decoder could not hold as an own property of a plain object
 * (`o["__proto__"] = v` sets the prototype instead): refused on both sides.
 */
export var RESERVED_SETTING_KEY = '__proto__';

/**
 * version u32 ‖ TLV(SSID) ‖ TLV(PSK) ‖ TLV(SETTING)* with settings in sorted
 * key order, so equal configs encode to equal bytes. Every field must have its
 * type: a number where a string belongs is refused, never coerced (a numeric PSK
 * must not become the empty PSK of an open network).
 */
export function encodeConfig(c: DeviceConfig): Uint8Array {
  if (!c || typeof c !== 'object') throw new Error('E_FIELD: config must be an object');
  if (typeof c.version !== 'number' || c.version < 1 || c.version > 0xffffffff || c.version % 1 !== 0)
    throw new Error('E_FIELD: version must be 1..2^32-1');
  if (typeof c.ssid !== 'string') throw new Error('E_FIELD: ssid must be a string');
  if (typeof c.psk !== 'string') throw new Error('E_FIELD: psk must be a string');
  var st = c.settings;
  if (!st || typeof st !== 'object' || Array.isArray(st)) {
    throw new Error('E_FIELD: settings must be an object of strings');
  }
  var ssid = utf8Encode(c.ssid);
  if (ssid.length < 1 || ssid.length > 32) throw new Error('E_FIELD: ssid must be 1..32 bytes');
  var psk = utf8Encode(c.psk);
  if (psk.length > 64) throw new Error('E_FIELD: psk must be 0..64 bytes');
  var head = new Uint8Array(4);
  writeU32(head, 0, c.version);
  var parts = [head, tlv(TLV_SSID, ssid), tlv(TLV_PSK, psk)];
  var keys: string[] = [];
  for (var k in st) if (Object.prototype.hasOwnProperty.call(st, k)) keys.push(k);
  keys.sort();
  for (var i = 0; i < keys.length; i++) {
    if (keys[i] === RESERVED_SETTING_KEY) throw new Error('E_FIELD: setting key ' + RESERVED_SETTING_KEY + ' is reserved');
    if (typeof st[keys[i]] !== 'string') throw new Error('E_FIELD: setting ' + keys[i] + ' must be a string');
    var kb = utf8Encode(keys[i]);
    var vb = utf8Encode(st[keys[i]]);
    if (kb.length < 1 || kb.length > 64) throw new Error('E_FIELD: setting key must be 1..64 bytes');
    parts.push(tlv(TLV_SETTING, concatBytes([new Uint8Array([kb.length]), kb, vb])));
  }
  var out = concatBytes(parts);
  if (out.length > CONFIG_MAX) throw new Error('E_FIELD: config larger than ' + CONFIG_MAX + ' bytes');
  return out;
}

export interface ConfigDecode {
  code: number;
  config: DeviceConfig | null;
}

export function utf8OrNull(b: Uint8Array): string | null {
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
      if (key === RESERVED_SETTING_KEY || Object.prototype.hasOwnProperty.call(settings, key)) return bad;
      settings[key] = val;
    } else if (t < 128) return bad;
  }
  if (ssid === null) return bad;
  return { code: 0, config: { version: version, ssid: ssid, psk: psk === null ? '' : psk, settings: settings } };
}

// ---- stored files -------------------------------------------------------

/** The proven configuration as an enrollee stores it: magic "NWC" v1 ‖ record. */
var MAGIC_CONFIG = [0x4e, 0x57, 0x43, 1];

export function withMagic(m: number[], body: Uint8Array): Uint8Array {
  var b = new Uint8Array(4 + body.length);
  for (var i = 0; i < 4; i++) b[i] = m[i];
  b.set(body, 4);
  return b;
}

export function hasMagic(m: number[], b: Uint8Array): boolean {
  if (!(b instanceof Uint8Array) || b.length < 4) return false;
  for (var i = 0; i < 4; i++) if (b[i] !== m[i]) return false;
  return true;
}

/** The enrollee's stored configuration file: magic ‖ config record. */
export function encodeStoredConfig(c: DeviceConfig): Uint8Array {
  return withMagic(MAGIC_CONFIG, encodeConfig(c));
}

/**
 * The stored file from a record already received and decoded (decodeConfig):
 * its own bytes, so a board that only receives configurations need not carry
 * the encoder (the AES-only psk-oob enrollee).
 */
export function storedConfigOf(record: Uint8Array): Uint8Array {
  return withMagic(MAGIC_CONFIG, record);
}

export function decodeStoredConfig(b: Uint8Array): ConfigDecode {
  if (!hasMagic(MAGIC_CONFIG, b)) return { code: E_FILE_MAGIC, config: null };
  var r = decodeConfig(b.subarray(4));
  return r.code ? { code: E_FILE_FIELD, config: null } : r;
}

