/**
 * AES-CMAC, RFC 4493 (= NIST SP 800-38B with AES-128): subkeys K1, K2 from
 * L = AES-K(0^128) by a left shift with the constant 0x87 on carry (§2.3),
 * CBC-MAC over the message with the last block XORed with K1 when it is
 * complete, else padded with 10* and XORed with K2 (§2.4). Output: the full
 * 16-byte tag (callers that send a truncated one compare a prefix).
 *
 * The one MAC and PRF of the AES-only protocol (psk-oob): its key
 * derivation (kdf-cmac.ts) runs on it, so an enrollee needs AES and nothing
 * else. A key that is not 16 bytes throws E_KEY_LENGTH (from aes128.ts).
 */
import { aesExpandKey, aesEncryptBlock, aesWipeSchedule } from './aes128.ts';

/** Doubling in GF(2^128) as RFC 4493 §2.3 defines it: shift left one bit, 0x87 into the last byte on carry. */
function dbl(src: Uint8Array, dst: Uint8Array): void {
  var carry = src[0] >> 7;
  for (var i = 0; i < 15; i++) dst[i] = ((src[i] << 1) | (src[i + 1] >> 7)) & 255;
  dst[15] = ((src[15] << 1) & 255) ^ (carry ? 0x87 : 0);
}

/** AES-CMAC(key, msg) → 16-byte tag (RFC 4493 §2.4). */
export function aesCmac(key: Uint8Array, msg: Uint8Array): Uint8Array {
  var ks = aesExpandKey(key);
  var x = new Uint8Array(16);
  var k = new Uint8Array(16);
  var i, j;
  // L = AES-K(0) in k, then K1 = dbl(L); K2 = dbl(K1) only when needed.
  aesEncryptBlock(ks, x, k);
  dbl(k, k);
  var n = msg.length;
  // Number of blocks; an empty message is one (padded) block (§2.4 step 3).
  var blocks = n === 0 ? 1 : Math.ceil(n / 16);
  var complete = n > 0 && n % 16 === 0;
  if (!complete) dbl(k, k);
  for (i = 0; i < blocks - 1; i++) {
    for (j = 0; j < 16; j++) x[j] ^= msg[16 * i + j];
    aesEncryptBlock(ks, x, x);
  }
  var off = 16 * (blocks - 1);
  for (j = 0; j < 16; j++) {
    var m = off + j < n ? msg[off + j] : off + j === n ? 0x80 : 0;
    x[j] ^= m ^ k[j];
  }
  aesEncryptBlock(ks, x, x);
  for (j = 0; j < 16; j++) k[j] = 0;
  aesWipeSchedule(ks);
  return x;
}
