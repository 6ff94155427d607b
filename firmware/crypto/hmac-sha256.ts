/**
 * HMAC-SHA-256, RFC 2104 §2 (with FIPS 198-1 key handling): keys longer than the
 * 64-byte block are hashed first, shorter ones zero-padded;
 * HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)).
 *
 * A key can be prepared once (hmacSha256Key) and used for many messages: the
 * pure path then keeps the SHA-256 states after the ipad and opad blocks and
 * saves 2 of the >= 4 compressions per MAC (HKDF-Expand uses this for T(2), T(3)...).
 *
 * Two paths with identical results:
 * - pure: streams the message parts through the incremental SHA-256 (no copy);
 * - native SHA-256 installed: it is one-shot, so the inner input is concatenated
 *   once and each hash is a single native call.
 * Padded key blocks and intermediate digests are wiped after use.
 */
import { natives } from './crypto-natives.ts';
import { sha256, sha256Init, sha256Update, sha256Final, sha256Clone, Sha256State } from './sha256.ts';

var IPAD = 0x36;
var OPAD = 0x5c;

/** A prepared key: padded blocks (for the native path) and lazily the pure states after them. */
export interface HmacSha256Key {
  ip: Uint8Array;
  op: Uint8Array;
  si: Sha256State | null;
  so: Sha256State | null;
}

/** Prepare `key` for several MACs; hmacSha256KeyWipe() it when done. */
export function hmacSha256Key(key: Uint8Array): HmacSha256Key {
  var k0 = key.length > 64 ? sha256(key) : key;
  var ip = new Uint8Array(64), op = new Uint8Array(64), i, n = k0.length;
  for (i = 0; i < n; i++) {
    ip[i] = k0[i] ^ IPAD;
    op[i] = k0[i] ^ OPAD;
  }
  for (; i < 64; i++) {
    ip[i] = IPAD;
    op[i] = OPAD;
  }
  if (k0 !== key) for (i = 0; i < 32; i++) k0[i] = 0;
  return { ip: ip, op: op, si: null, so: null };
}

/** Clears a prepared key. */
export function hmacSha256KeyWipe(k: HmacSha256Key): void {
  var i;
  for (i = 0; i < 64; i++) {
    k.ip[i] = 0;
    k.op[i] = 0;
  }
  if (k.si) for (i = 0; i < 8; i++) k.si.h[i] = 0;
  if (k.so) for (i = 0; i < 8; i++) k.so.h[i] = 0;
}

/** HMAC-SHA-256 under a prepared key over the concatenation of `parts`. */
export function hmacSha256WithKey(k: HmacSha256Key, parts: Uint8Array[]): Uint8Array {
  var i, inner: Uint8Array, out: Uint8Array;
  if (natives.s) {
    var len = 64;
    for (i = 0; i < parts.length; i++) len += parts[i].length;
    var buf = new Uint8Array(len), off = 64;
    buf.set(k.ip, 0);
    for (i = 0; i < parts.length; i++) {
      buf.set(parts[i], off);
      off += parts[i].length;
    }
    inner = sha256(buf);
    for (i = 0; i < len; i++) buf[i] = 0;
    var ob = new Uint8Array(96);
    ob.set(k.op, 0);
    ob.set(inner, 64);
    out = sha256(ob);
    for (i = 0; i < 96; i++) ob[i] = 0;
  } else {
    if (!k.si) {
      k.si = sha256Init();
      sha256Update(k.si, k.ip);
      k.so = sha256Init();
      sha256Update(k.so, k.op);
    }
    var st = sha256Clone(k.si);
    for (i = 0; i < parts.length; i++) sha256Update(st, parts[i]);
    inner = sha256Final(st);
    st = sha256Clone(k.so as Sha256State);
    sha256Update(st, inner);
    out = sha256Final(st);
    for (i = 0; i < 8; i++) st.h[i] = 0;
  }
  for (i = 0; i < 32; i++) inner[i] = 0;
  return out;
}

/** HMAC-SHA-256 over the concatenation of `parts` (saves callers a concat). */
export function hmacSha256Parts(key: Uint8Array, parts: Uint8Array[]): Uint8Array {
  var k = hmacSha256Key(key);
  // One-shot: stream straight through fresh states instead of preparing and cloning them.
  var out: Uint8Array;
  if (natives.s) out = hmacSha256WithKey(k, parts);
  else {
    var st = sha256Init(), i;
    sha256Update(st, k.ip);
    for (i = 0; i < parts.length; i++) sha256Update(st, parts[i]);
    var inner = sha256Final(st);
    st = sha256Init();
    sha256Update(st, k.op);
    sha256Update(st, inner);
    out = sha256Final(st);
    for (i = 0; i < 8; i++) st.h[i] = 0;
    for (i = 0; i < 32; i++) inner[i] = 0;
  }
  hmacSha256KeyWipe(k);
  return out;
}

/** HMAC-SHA-256(key, msg) → 32 bytes. */
export function hmacSha256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmacSha256Parts(key, [msg]);
}
