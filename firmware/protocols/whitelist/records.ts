/**
 * Byte encodings the apps and the CLI share (README.md §5, §6): the
 * configuration record (re-exported from firmware/codec/config-record.ts), the
 * enrollee identity file, the configurator identity file and the whitelist
 * file. Encoders throw Error('E_FIELD: ...') on values the format cannot hold;
 * decoders never throw and return a code from firmware/codec/codes.ts.
 */
import { utf8Encode, utf8Decode, readU32, writeU32, readU16, writeU16, copyBytes, concatBytes, toHex } from '../../bytes/bytes.ts';
import { DeviceConfig, withMagic, hasMagic, utf8OrNull } from '../../codec/config-record.ts';
export { encodeConfig, decodeConfig, encodeStoredConfig, decodeStoredConfig, TLV_SSID, TLV_PSK, TLV_SETTING } from '../../codec/config-record.ts';
export type { ConfigDecode } from '../../codec/config-record.ts';
import { E_FIELD, E_LONG, E_SHORT, E_FILE_MAGIC, E_FILE_LENGTH, E_FILE_FIELD } from '../../codec/codes.ts';

/** What a configurator hands an enrollee (firmware/codec/config-record.ts). */
export type WlConfig = DeviceConfig;

var MAGIC_IDENTITY = [0x4e, 0x57, 0x49, 1]; // "NWI" v1
var MAGIC_CONFIGURATOR = [0x4e, 0x57, 0x4b, 1]; // "NWK" v1
var MAGIC_WHITELIST = [0x4e, 0x57, 0x4c, 1]; // "NWL" v1
var MAGIC_COUNTER = [0x4e, 0x57, 0x4e, 1]; // "NWN" v1

/**
 * The enrollee's presence-counter reservation (README §6): every PRESENCE counter
 * the enrollee uses is at most the value stored here, so after a reboot it
 * starts above every counter it ever sent (a configurator refuses older ones as
 * replays, §4.1). magic ‖ u32.
 */
export function encodeCounter(n: number): Uint8Array {
  if (typeof n !== 'number' || n < 0 || n > 0xffffffff || n % 1 !== 0) throw new Error('E_FIELD: counter must be 0..2^32-1');
  var b = new Uint8Array(4);
  writeU32(b, 0, n);
  return withMagic(MAGIC_COUNTER, b);
}

export function decodeCounter(b: Uint8Array): { code: number; value: number } {
  if (!hasMagic(MAGIC_COUNTER, b)) return { code: E_FILE_MAGIC, value: 0 };
  if (b.length !== 8) return { code: E_FILE_LENGTH, value: 0 };
  return { code: 0, value: readU32(b, 4) };
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
