/**
 * SHA-256, FIPS 180-4 (§4.1.2 functions, §4.2.2 constants, §5.1.1 padding,
 * §6.2 computation). No BigInt: all words are int32 with `| 0` after additions,
 * which is exact modulo 2^32 on every engine (Espruino turns an overflowing int
 * add into a double; `| 0` folds it back).
 *
 * Speed notes (Espruino re-lexes source as it runs, so every token costs):
 * - message schedule W and state H live in typed arrays allocated once;
 * - the 64 rounds run as 8 passes of 8 rounds written out with the working
 *   variables renamed, so there is no a..h shuffle (7 assignments saved per round);
 * - whole input blocks are compressed straight from the caller's buffer.
 * When a platform installed a native SHA-256 (crypto-natives.ts), the one-shot
 * sha256() uses it; the incremental API stays pure (natives are one-shot).
 */
import { work } from './work-counters.ts';
import { natives, nativeWork } from './crypto-natives.ts';

// §4.2.2: first 32 bits of the fractional parts of the cube roots of the first 64 primes.
var K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

// §5.3.3 initial hash value.
var IV = new Int32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Message schedule, shared by every call (single-threaded engines; nothing re-enters).
var W = new Int32Array(64);

/**
 * One compression (§6.2.2) of the 64-byte block at b[o..o+64) into state h.
 * Σ/σ rotations are written as (x>>>n | x<<(32-n)).
 */
function compress(h: Int32Array, b: Uint8Array, o: number): void {
  var w = W, k = K, i, x, y;
  for (i = 0; i < 16; i++, o += 4) w[i] = (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];
  for (i = 16; i < 64; i++) {
    x = w[i - 2];
    y = w[i - 15];
    w[i] =
      ((((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10)) +
        w[i - 7] +
        (((y >>> 7) | (y << 25)) ^ ((y >>> 18) | (y << 14)) ^ (y >>> 3)) +
        w[i - 16]) | 0;
  }
  var a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7], t;
  // 8 rounds per pass; round r uses (a,b,c,d,e,f,g,h) rotated r places, so each
  // round only writes the new d (= d + T1) and the new h (= T1 + T2).
  for (i = 0; i < 64; i += 8) {
    t = (hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + k[i] + w[i]) | 0;
    d = (d + t) | 0;
    hh = (t + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & bb) | (c & (a | bb)))) | 0;
    t = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + k[i + 1] + w[i + 1]) | 0;
    c = (c + t) | 0;
    g = (t + (((hh >>> 2) | (hh << 30)) ^ ((hh >>> 13) | (hh << 19)) ^ ((hh >>> 22) | (hh << 10))) + ((hh & a) | (bb & (hh | a)))) | 0;
    t = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + k[i + 2] + w[i + 2]) | 0;
    bb = (bb + t) | 0;
    f = (t + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & hh) | (a & (g | hh)))) | 0;
    t = (e + (((bb >>> 6) | (bb << 26)) ^ ((bb >>> 11) | (bb << 21)) ^ ((bb >>> 25) | (bb << 7))) + (d ^ (bb & (c ^ d))) + k[i + 3] + w[i + 3]) | 0;
    a = (a + t) | 0;
    e = (t + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (hh & (f | g)))) | 0;
    t = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (bb ^ c))) + k[i + 4] + w[i + 4]) | 0;
    hh = (hh + t) | 0;
    d = (t + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    t = (c + (((hh >>> 6) | (hh << 26)) ^ ((hh >>> 11) | (hh << 21)) ^ ((hh >>> 25) | (hh << 7))) + (bb ^ (hh & (a ^ bb))) + k[i + 5] + w[i + 5]) | 0;
    g = (g + t) | 0;
    c = (t + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    t = (bb + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (hh ^ a))) + k[i + 6] + w[i + 6]) | 0;
    f = (f + t) | 0;
    bb = (t + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    t = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (hh ^ (f & (g ^ hh))) + k[i + 7] + w[i + 7]) | 0;
    e = (e + t) | 0;
    a = (t + (((bb >>> 2) | (bb << 30)) ^ ((bb >>> 13) | (bb << 19)) ^ ((bb >>> 22) | (bb << 10))) + ((bb & c) | (d & (bb | c)))) | 0;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + bb) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
  h[5] = (h[5] + f) | 0;
  h[6] = (h[6] + g) | 0;
  h[7] = (h[7] + hh) | 0;
  work.shaBlock++;
}

/** Incremental state: h = chaining value, b = partial block, p = bytes in b, n = total bytes. */
export interface Sha256State {
  h: Int32Array;
  b: Uint8Array;
  p: number;
  n: number;
}

export function sha256Init(): Sha256State {
  var h = new Int32Array(8);
  h.set(IV);
  return { h: h, b: new Uint8Array(64), p: 0, n: 0 };
}

/** An independent copy of a state (e.g. HMAC's state after the padded-key block, reused per message). */
export function sha256Clone(st: Sha256State): Sha256State {
  var h = new Int32Array(8), b = new Uint8Array(64);
  h.set(st.h);
  b.set(st.b);
  return { h: h, b: b, p: st.p, n: st.n };
}

export function sha256Update(st: Sha256State, data: Uint8Array): void {
  var len = data.length, i = 0, p = st.p, b = st.b;
  st.n += len;
  if (p > 0) {
    // Top up the pending partial block first.
    var take = 64 - p;
    if (take > len) take = len;
    b.set(take === len ? data : data.subarray(0, take), p);
    p += take;
    i = take;
    if (p < 64) {
      st.p = p;
      return;
    }
    compress(st.h, b, 0);
    p = 0;
  }
  for (; i + 64 <= len; i += 64) compress(st.h, data, i);
  if (i < len) {
    b.set(data.subarray(i, len), 0);
    p = len - i;
  }
  st.p = p;
}

/** Pads (§5.1.1), returns the 32-byte digest; the state must not be used afterwards. */
export function sha256Final(st: Sha256State): Uint8Array {
  var b = st.b, p = st.p, h = st.h, i;
  // Bit length as two 32-bit halves; exact for messages below 2^53 bytes.
  var hi = Math.floor(st.n / 0x20000000), lo = (st.n * 8) >>> 0;
  b[p++] = 0x80;
  if (p > 56) {
    for (i = p; i < 64; i++) b[i] = 0;
    compress(h, b, 0);
    p = 0;
  }
  for (i = p; i < 56; i++) b[i] = 0;
  b[56] = hi >>> 24; b[57] = hi >>> 16; b[58] = hi >>> 8; b[59] = hi;
  b[60] = lo >>> 24; b[61] = lo >>> 16; b[62] = lo >>> 8; b[63] = lo;
  compress(h, b, 0);
  var out = new Uint8Array(32);
  for (i = 0; i < 8; i++) {
    var v = h[i];
    out[4 * i] = v >>> 24;
    out[4 * i + 1] = v >>> 16;
    out[4 * i + 2] = v >>> 8;
    out[4 * i + 3] = v;
  }
  // The partial block may hold secret input (HMAC keys): clear it.
  for (i = 0; i < 64; i++) b[i] = 0;
  return out;
}

/** One-shot SHA-256; uses the native when a platform installed one. */
export function sha256(msg: Uint8Array): Uint8Array {
  var nat = natives.s;
  if (nat) {
    var d = nat(msg);
    if (d) {
      // Count the compressions the native performed: ceil((len + 9) / 64).
      nativeWork.shaBlock += Math.floor((msg.length + 72) / 64);
      return d;
    }
  }
  var st = sha256Init();
  sha256Update(st, msg);
  return sha256Final(st);
}
