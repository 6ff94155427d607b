/** A seeded xorshift32 source of test inputs, shared by the symmetric-crypto suites (not for keys). */
export function rng(seed: number) {
  var s = seed >>> 0 || 1;
  function next(): number {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  }
  return {
    int: (n: number) => next() % n,
    bytes: (n: number) => {
      var b = new Uint8Array(n);
      for (var i = 0; i < n; i++) b[i] = next() & 255;
      return b;
    },
  };
}
