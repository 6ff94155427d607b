/**
 * HMAC-SHA-256, RFC 2104 §2 (with FIPS 198-1 key handling): keys longer than the
 * 64-byte block are hashed first, shorter ones zero-padded;
 * HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)).
 *
 * Two paths with identical results:
 * - pure: streams ipad-key and the message parts through the incremental SHA-256
 *   (no concatenation copy);
 * - native SHA-256 installed: it is one-shot, so the inner input is concatenated
 *   once and each hash is a single native call.
 * Padded key blocks are wiped after use.
 */
import { natives } from './crypto-natives.ts';
import { sha256, sha256Init, sha256Update, sha256Final } from './sha256.ts';

var IPAD = 0x36;
var OPAD = 0x5c;

/** HMAC-SHA-256 over the concatenation of `parts` (saves callers a concat). */
export function hmacSha256Parts(key: Uint8Array, parts: Uint8Array[]): Uint8Array {
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
  var inner: Uint8Array, out: Uint8Array;
  if (natives.s) {
    var len = 64;
    for (i = 0; i < parts.length; i++) len += parts[i].length;
    var buf = new Uint8Array(len), off = 64;
    buf.set(ip, 0);
    for (i = 0; i < parts.length; i++) {
      buf.set(parts[i], off);
      off += parts[i].length;
    }
    inner = sha256(buf);
    for (i = 0; i < len; i++) buf[i] = 0;
    var ob = new Uint8Array(96);
    ob.set(op, 0);
    ob.set(inner, 64);
    out = sha256(ob);
    for (i = 0; i < 96; i++) ob[i] = 0;
  } else {
    var st = sha256Init();
    sha256Update(st, ip);
    for (i = 0; i < parts.length; i++) sha256Update(st, parts[i]);
    inner = sha256Final(st);
    st = sha256Init();
    sha256Update(st, op);
    sha256Update(st, inner);
    out = sha256Final(st);
  }
  for (i = 0; i < 64; i++) {
    ip[i] = 0;
    op[i] = 0;
  }
  if (k0 !== key) for (i = 0; i < 32; i++) k0[i] = 0;
  for (i = 0; i < 32; i++) inner[i] = 0;
  return out;
}

/** HMAC-SHA-256(key, msg) → 32 bytes. */
export function hmacSha256(key: Uint8Array, msg: Uint8Array): Uint8Array {
  return hmacSha256Parts(key, [msg]);
}
