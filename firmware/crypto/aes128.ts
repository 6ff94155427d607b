/**
 * AES-128 encryption, FIPS 197 (§5.1 Cipher, §5.2 KeyExpansion), in the 32-bit
 * "T-table" form FIPS 197 §5.1 permits as an implementation of SubBytes +
 * ShiftRows + MixColumns (Daemen & Rijmen, "The Design of Rijndael", §4.2).
 * Encryption only: CCM (and CTR, CMAC) never run the inverse cipher.
 *
 * Why T-tables: one round is 16 table reads + 16 XORs + shifts/masks per block,
 * about half the interpreted operations of the byte-wise S-box + xtime form, and
 * on Espruino every operation is an interpreted token. Cost: 4 Int32Array(256)
 * tables + a 256-byte S-box = 4.25 KB of RAM, built on first use (not at boot,
 * and never if a native AES is installed) from GF(2^8) log/antilog tables rather
 * than stored as 1 KB literals in the source Espruino keeps in RAM.
 *
 * Cache timing: secret-indexed table reads leak through a data cache shared with
 * an attacker who can time or evict lines (Bernstein 2005; Osvik-Shamir-Tromer
 * 2006). On the ESP32 the interpreter's heap is in internal SRAM, which has no
 * data cache (only flash/PSRAM go through the MMU cache); with PSRAM-backed
 * Espruino heaps the lookups do go through the cache, but nobody else runs code
 * on the board and a radio peer sees only frame timing, where an interpreted
 * block takes milliseconds with interpreter/GC jitter far above a cache miss.
 * So it is not a practical concern here; on a host with co-tenants it would be
 * (the configurator runs on Node and uses node:crypto's AES instead of this).
 * The native path (ESP32's AES peripheral via Espruino's crypto) has no tables.
 */
import { work } from './work-counters.ts';
import { natives, nativeWork } from './crypto-natives.ts';

/** Opaque key schedule: k = copy of the key (for a native AES), r = 44 round-key words (pure, lazily). */
export interface AesSchedule {
  k: Uint8Array;
  r: Int32Array | null;
}

var SBOX: Uint8Array | null = null;
var T0: Int32Array, T1: Int32Array, T2: Int32Array, T3: Int32Array;

/** S-box (§5.1.1: multiplicative inverse in GF(2^8) then the affine map) and the four T-tables. */
function buildTables(): Uint8Array {
  var exp = new Uint8Array(256), log = new Uint8Array(256), x = 1, i;
  // 3 generates GF(2^8)*: x <- x * 3 = x ^ xtime(x).
  for (i = 0; i < 255; i++) {
    exp[i] = x;
    log[x] = i;
    x ^= ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 255;
  }
  // 3^255 = 1, so the inverse of 1 (log 0) reads exp[255].
  exp[255] = 1;
  var s = new Uint8Array(256);
  T0 = new Int32Array(256);
  T1 = new Int32Array(256);
  T2 = new Int32Array(256);
  T3 = new Int32Array(256);
  for (i = 0; i < 256; i++) {
    var b = i ? exp[255 - log[i]] : 0;
    // Affine map: b ^ rotl(b,1) ^ rotl(b,2) ^ rotl(b,3) ^ rotl(b,4) ^ 0x63.
    var r = b | (b << 8);
    var v = (b ^ (r >> 7) ^ (r >> 6) ^ (r >> 5) ^ (r >> 4) ^ 0x63) & 255;
    s[i] = v;
    var v2 = ((v << 1) ^ (v & 0x80 ? 0x1b : 0)) & 255;
    // Column (2v, v, v, 3v) of MixColumns applied to a row-0 byte, big-endian.
    var t = (v2 << 24) | (v << 16) | (v << 8) | (v2 ^ v);
    T0[i] = t;
    T1[i] = (t >>> 8) | (t << 24);
    T2[i] = (t >>> 16) | (t << 16);
    T3[i] = (t >>> 24) | (t << 8);
  }
  SBOX = s;
  return s;
}

/** §5.2 KeyExpansion for Nk = 4: 44 words. */
function expand(key: Uint8Array): Int32Array {
  var s = SBOX || buildTables();
  var w = new Int32Array(44), i, t, rc = 1;
  for (i = 0; i < 4; i++) w[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
  for (i = 4; i < 44; i++) {
    t = w[i - 1];
    if ((i & 3) === 0) {
      // SubWord(RotWord(t)) ^ Rcon
      t = ((s[(t >>> 16) & 255] << 24) | (s[(t >>> 8) & 255] << 16) | (s[t & 255] << 8) | s[t >>> 24]) ^ (rc << 24);
      rc = ((rc << 1) ^ (rc & 0x80 ? 0x1b : 0)) & 255;
    }
    w[i] = w[i - 4] ^ t;
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
  if (ks.r) for (i = 0; i < 44; i++) ks.r[i] = 0;
}

/**
 * Encrypts the 16 bytes `inp` into `out` (they may be the same array).
 * Native AES when installed, else 9 T-table rounds + a final S-box round.
 */
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
  var t0 = T0, t1 = T1, t2 = T2, t3 = T3;
  var a = ((inp[0] << 24) | (inp[1] << 16) | (inp[2] << 8) | inp[3]) ^ w[0];
  var b = ((inp[4] << 24) | (inp[5] << 16) | (inp[6] << 8) | inp[7]) ^ w[1];
  var c = ((inp[8] << 24) | (inp[9] << 16) | (inp[10] << 8) | inp[11]) ^ w[2];
  var d = ((inp[12] << 24) | (inp[13] << 16) | (inp[14] << 8) | inp[15]) ^ w[3];
  var e, f, g, h, k = 4;
  // Rounds 1..8, two per pass (a..d -> e..h -> a..d) so no state is copied.
  while (k < 36) {
    e = t0[a >>> 24] ^ t1[(b >>> 16) & 255] ^ t2[(c >>> 8) & 255] ^ t3[d & 255] ^ w[k];
    f = t0[b >>> 24] ^ t1[(c >>> 16) & 255] ^ t2[(d >>> 8) & 255] ^ t3[a & 255] ^ w[k + 1];
    g = t0[c >>> 24] ^ t1[(d >>> 16) & 255] ^ t2[(a >>> 8) & 255] ^ t3[b & 255] ^ w[k + 2];
    h = t0[d >>> 24] ^ t1[(a >>> 16) & 255] ^ t2[(b >>> 8) & 255] ^ t3[c & 255] ^ w[k + 3];
    a = t0[e >>> 24] ^ t1[(f >>> 16) & 255] ^ t2[(g >>> 8) & 255] ^ t3[h & 255] ^ w[k + 4];
    b = t0[f >>> 24] ^ t1[(g >>> 16) & 255] ^ t2[(h >>> 8) & 255] ^ t3[e & 255] ^ w[k + 5];
    c = t0[g >>> 24] ^ t1[(h >>> 16) & 255] ^ t2[(e >>> 8) & 255] ^ t3[f & 255] ^ w[k + 6];
    d = t0[h >>> 24] ^ t1[(e >>> 16) & 255] ^ t2[(f >>> 8) & 255] ^ t3[g & 255] ^ w[k + 7];
    k += 8;
  }
  // Round 9.
  e = t0[a >>> 24] ^ t1[(b >>> 16) & 255] ^ t2[(c >>> 8) & 255] ^ t3[d & 255] ^ w[36];
  f = t0[b >>> 24] ^ t1[(c >>> 16) & 255] ^ t2[(d >>> 8) & 255] ^ t3[a & 255] ^ w[37];
  g = t0[c >>> 24] ^ t1[(d >>> 16) & 255] ^ t2[(a >>> 8) & 255] ^ t3[b & 255] ^ w[38];
  h = t0[d >>> 24] ^ t1[(a >>> 16) & 255] ^ t2[(b >>> 8) & 255] ^ t3[c & 255] ^ w[39];
  // Round 10: SubBytes + ShiftRows + AddRoundKey (no MixColumns), written bytewise.
  var s = SBOX as Uint8Array;
  a = w[40];
  b = w[41];
  c = w[42];
  d = w[43];
  out[0] = s[e >>> 24] ^ (a >>> 24);
  out[1] = s[(f >>> 16) & 255] ^ (a >>> 16);
  out[2] = s[(g >>> 8) & 255] ^ (a >>> 8);
  out[3] = s[h & 255] ^ a;
  out[4] = s[f >>> 24] ^ (b >>> 24);
  out[5] = s[(g >>> 16) & 255] ^ (b >>> 16);
  out[6] = s[(h >>> 8) & 255] ^ (b >>> 8);
  out[7] = s[e & 255] ^ b;
  out[8] = s[g >>> 24] ^ (c >>> 24);
  out[9] = s[(h >>> 16) & 255] ^ (c >>> 16);
  out[10] = s[(e >>> 8) & 255] ^ (c >>> 8);
  out[11] = s[f & 255] ^ c;
  out[12] = s[h >>> 24] ^ (d >>> 24);
  out[13] = s[(e >>> 16) & 255] ^ (d >>> 16);
  out[14] = s[(f >>> 8) & 255] ^ (d >>> 8);
  out[15] = s[g & 255] ^ d;
  work.aesBlock++;
}
