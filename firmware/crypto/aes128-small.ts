/**
 * AES-128 encryption, FIPS 197 (§5.1 Cipher, §5.2 KeyExpansion), in the plain
 * byte-wise form: SubBytes via a 256-byte S-box, ShiftRows by index, MixColumns
 * with xtime (§4.2.1). Same API as aes128.ts; the build substitutes it for
 * aes128.ts in the psk-oob enrollee only (build/pipeline.ts), which runs a few
 * dozen blocks per enrollment, so bundle size matters there and speed does not.
 * No T-tables: 256 bytes of RAM instead of 4.25 KB, about 1.6 KB less source.
 * Encryption only: CCM and CMAC (SP 800-38C, 800-38B) never run the inverse.
 */
import { work } from './work-counters.ts';
import { natives, nativeWork } from './crypto-natives.ts';

/** Opaque key schedule: k = copy of the key (for a native AES), r = 176 round-key bytes (pure, lazily). */
export interface AesSchedule {
  k: Uint8Array;
  r: Uint8Array | null;
}

var SBOX: Uint8Array | null = null;

/** xtime (§4.2.1): multiply by x in GF(2^8) mod x^8+x^4+x^3+x+1. */
function xt(v: number): number {
  return ((v << 1) ^ (v & 0x80 ? 0x1b : 0)) & 255;
}

/** S-box (§5.1.1): inverse in GF(2^8) from log/antilog tables, then the affine map. */
function sbox(): Uint8Array {
  if (SBOX) return SBOX;
  var exp = new Uint8Array(256), log = new Uint8Array(256), x = 1, i;
  for (i = 0; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= xt(x);
  }
  exp[255] = 1;
  var s = new Uint8Array(256);
  for (i = 0; i < 256; i++) {
    var b = i ? exp[255 - log[i]] : 0;
    var r = b | (b << 8);
    s[i] = (b ^ (r >> 7) ^ (r >> 6) ^ (r >> 5) ^ (r >> 4) ^ 0x63) & 255;
  }
  return (SBOX = s);
}

/** §5.2 KeyExpansion for Nk = 4, as 176 bytes. */
function expand(key: Uint8Array): Uint8Array {
  var s = sbox(), w = new Uint8Array(176), i, rc = 1;
  w.set(key);
  for (i = 16; i < 176; i++) {
    var t = w[i - 4];
    if ((i & 15) < 4) {
      // SubWord(RotWord(.)) ^ Rcon on the word's bytes.
      t = s[w[(i & ~3) - 4 + ((i + 1) & 3)]];
      if ((i & 15) === 0) {
        t ^= rc;
        rc = xt(rc);
      }
    }
    w[i] = w[i - 16] ^ t;
  }
  return w;
}

/** Key schedule for a 16-byte key; other lengths throw E_KEY_LENGTH (boards use AES-128 only). */
export function aesExpandKey(key16: Uint8Array): AesSchedule {
  if (!key16 || key16.length !== 16) throw new Error('E_KEY_LENGTH key must be 16 bytes, got ' + (key16 ? key16.length : key16));
  var k = new Uint8Array(16);
  k.set(key16);
  return { k: k, r: natives.a ? null : expand(k) };
}

/** Clears a schedule's key material. */
export function aesWipeSchedule(ks: AesSchedule): void {
  var i;
  for (i = 0; i < 16; i++) ks.k[i] = 0;
  if (ks.r) for (i = 0; i < 176; i++) ks.r[i] = 0;
}

/** Encrypts the 16 bytes `inp` into `out` (they may be the same array). Native AES when installed. */
export function aesEncryptBlock(ks: AesSchedule, inp: Uint8Array, out: Uint8Array): void {
  var nat = natives.a;
  if (nat) {
    var o = nat(ks.k, inp);
    if (o) {
      nativeWork.aesBlock++;
      out.set(o);
      return;
    }
  }
  var w = ks.r || (ks.r = expand(ks.k));
  var s = sbox(), st = new Uint8Array(16), tm = new Uint8Array(16), i, c, rnd;
  for (i = 0; i < 16; i++) st[i] = inp[i] ^ w[i];
  for (rnd = 1; rnd < 11; rnd++) {
    // SubBytes + ShiftRows (§5.1.1-2): row r of column c comes from column c + r.
    for (i = 0; i < 16; i++) tm[i] = s[st[(i + 4 * (i & 3)) & 15]];
    for (c = 0; c < 16; c += 4) {
      var a0 = tm[c], a1 = tm[c + 1], a2 = tm[c + 2], a3 = tm[c + 3];
      if (rnd < 10) {
        // MixColumns (§5.1.3): b_i = a_i ^ all ^ xtime(a_i ^ a_{i+1}).
        var all = a0 ^ a1 ^ a2 ^ a3;
        tm[c] = a0 ^ all ^ xt(a0 ^ a1);
        tm[c + 1] = a1 ^ all ^ xt(a1 ^ a2);
        tm[c + 2] = a2 ^ all ^ xt(a2 ^ a3);
        tm[c + 3] = a3 ^ all ^ xt(a3 ^ a0);
      }
    }
    for (i = 0; i < 16; i++) st[i] = tm[i] ^ w[16 * rnd + i];
  }
  out.set(st);
  work.aesBlock++;
}
