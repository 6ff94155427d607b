/**
 * HKDF with HMAC-SHA-256, RFC 5869 §2.2 (extract) and §2.3 (expand).
 * An empty salt means HashLen zero bytes (§2.2); HMAC's zero padding of short keys
 * makes that identical to passing the empty key, but we pass the zeros explicitly.
 */
import { hmacSha256, hmacSha256Key, hmacSha256KeyWipe, hmacSha256WithKey } from './hmac-sha256.ts';

var HASH_LEN = 32;

/** PRK = HMAC-Hash(salt, IKM). */
export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmacSha256(salt.length ? salt : new Uint8Array(HASH_LEN), ikm);
}

/**
 * OKM = first `length` bytes of T(1) || T(2) || ..., T(i) = HMAC(PRK, T(i-1) || info || i).
 * §2.3: length <= 255 * HashLen, else E_HKDF_LENGTH.
 */
export function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!(length >= 0 && length <= 255 * HASH_LEN && length === Math.floor(length))) {
    throw new Error('E_HKDF_LENGTH length ' + length + ' outside 0..' + 255 * HASH_LEN);
  }
  var out = new Uint8Array(length);
  var t: Uint8Array = new Uint8Array(0), ctr = new Uint8Array(1), off = 0, i;
  // PRK is the HMAC key of every T(i): prepare it once (saves 2 compressions per block after the first).
  var k = hmacSha256Key(prk);
  for (i = 1; off < length; i++) {
    ctr[0] = i;
    var nt = hmacSha256WithKey(k, [t, info, ctr]);
    // T(i-1) is key material: clear it before dropping it.
    for (var j = 0; j < t.length; j++) t[j] = 0;
    t = nt;
    var n = length - off < HASH_LEN ? length - off : HASH_LEN;
    out.set(n === HASH_LEN ? t : t.subarray(0, n), off);
    off += n;
  }
  for (i = 0; i < t.length; i++) t[i] = 0;
  hmacSha256KeyWipe(k);
  return out;
}

/** Extract then expand; the PRK is wiped. */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!(length >= 0 && length <= 255 * HASH_LEN && length === Math.floor(length))) {
    throw new Error('E_HKDF_LENGTH length ' + length + ' outside 0..' + 255 * HASH_LEN);
  }
  var prk = hkdfExtract(salt, ikm);
  var okm = hkdfExpand(prk, info, length);
  for (var i = 0; i < prk.length; i++) prk[i] = 0;
  return okm;
}
