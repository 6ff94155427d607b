/**
 * Seeded PRNG for the simulator: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counting generator, 128-bit state, from PractRand). It needs only 32-bit
 * add, xor and shifts, so it runs unchanged on Duktape and Espruino (no
 * Math.imul: the seed hash multiplies with 16-bit halves instead).
 *
 * Every random choice the simulator makes comes from one of these, so the same
 * seed gives the same run. `fork(label)` derives an independent stream (one per
 * board, one for the medium) so that a board drawing more E.hwRand() values
 * does not shift the medium's loss draws.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */

/** Low 32 bits of a*b, both taken as uint32, exact (no Math.imul). */
export function mul32(a: number, b: number): number {
  var aHi = (a >>> 16) & 0xffff;
  var aLo = a & 0xffff;
  var bHi = (b >>> 16) & 0xffff;
  var bLo = b & 0xffff;
  // The high-half cross terms only matter modulo 2^16 once shifted by 16.
  var cross = ((aHi * bLo + aLo * bHi) & 0xffff) * 65536;
  return (aLo * bLo + cross) >>> 0;
}

/** FNV-1a over the UTF-16 code units of a string: a stable seed from a name. */
export function hashString(s: string): number {
  var h = 0x811c9dc5;
  for (var i = 0; i < s.length; i++) {
    h = (h ^ s.charCodeAt(i)) >>> 0;
    h = mul32(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Rng {
  /** The seed this stream was made from (printed when a test fails). */
  seed: string;
  /** Uniform uint32. */
  u32(): number;
  /** Uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  /** Uniform float in [lo, hi). */
  range(lo: number, hi: number): number;
  /** A signed 32-bit integer, like Espruino's E.hwRand(). */
  i32(): number;
  /** An independent stream derived from this seed and a label. */
  fork(label: string): Rng;
}

/** seed: a number (its decimal text is hashed) or any string. */
export function makeRng(seed: number | string): Rng {
  var seedText = typeof seed === 'number' ? 'n:' + seed : 's:' + seed;
  var a = hashString(seedText);
  var b = hashString(seedText + '#b');
  var c = hashString(seedText + '#c');
  var d = 1;
  function u32(): number {
    // sfc32 step.
    var t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = (b ^ (b >>> 9)) >>> 0;
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  }
  // Discard the first outputs: sfc32's state mixes poorly right after seeding.
  for (var i = 0; i < 15; i++) u32();
  var rng: Rng = {
    seed: String(seed),
    u32: u32,
    next: function () {
      return u32() / 4294967296;
    },
    int: function (n: number) {
      return Math.floor((u32() / 4294967296) * n);
    },
    chance: function (p: number) {
      if (p <= 0) return false;
      if (p >= 1) return true;
      return u32() / 4294967296 < p;
    },
    range: function (lo: number, hi: number) {
      return lo + (u32() / 4294967296) * (hi - lo);
    },
    i32: function () {
      return u32() | 0;
    },
    fork: function (label: string) {
      return makeRng(seedText + '/' + label);
    },
  };
  return rng;
}
