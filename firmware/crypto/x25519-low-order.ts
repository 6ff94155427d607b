/**
 * The X25519 public values of small order (RFC 7748 §6.1 "Checking for all-zero
 * output"; Bernstein, "Curve25519: new Diffie-Hellman speed records", §3 and
 * the list of points whose multiple is the identity). A u-coordinate of a point
 * whose order divides 8 (on the curve or on its twist) makes X25519(k, u) the
 * all-zero output for every clamped k, because clamping makes k a multiple of 8.
 *
 * There are exactly seven such values once the top bit is masked (RFC 7748 §5
 * decodeUCoordinate ignores bit 255): 0, 1, the two order-8 points on the curve,
 * p − 1, and the non-canonical encodings p and p + 1 of 0 and 1 (so the list
 * also holds them). Comparing against the list costs 7 × 32 byte comparisons
 * and no field work: a protocol can refuse such a key BEFORE it spends a scalar
 * multiplication on it (THREATS.md row 5), instead of finding out afterwards
 * from the all-zero output. The test (host-tests/crypto/x25519-low-order.test.ts)
 * checks every entry against @noble/curves: each gives the all-zero output for
 * random scalars, with and without the top bit set.
 *
 * ES5-safe: an array of byte arrays built once, a plain loop.
 */

/** The seven values, little-endian, top bit clear. */
var HEX = [
  '0000000000000000000000000000000000000000000000000000000000000000', // 0 (order 2 point (0, 0) / order 4 on the twist)
  '0100000000000000000000000000000000000000000000000000000000000000', // 1 (order 4)
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800', // order 8
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157', // order 8
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p − 1 (order 2 on the twist)
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p ≡ 0
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // p + 1 ≡ 1
];

var LOW: Uint8Array[] = [];

function build(): void {
  for (var i = 0; i < HEX.length; i++) {
    var b = new Uint8Array(32);
    for (var j = 0; j < 32; j++) b[j] = parseInt(HEX[i].substr(2 * j, 2), 16);
    LOW.push(b);
  }
}

/** The list as byte arrays (copies), for tests and documentation. */
export function x25519LowOrderPoints(): Uint8Array[] {
  if (!LOW.length) build();
  var out: Uint8Array[] = [];
  for (var i = 0; i < LOW.length; i++) {
    var c = new Uint8Array(32);
    c.set(LOW[i]);
    out.push(c);
  }
  return out;
}

/**
 * True when `u` (32 bytes) is a small-order X25519 public value, bit 255 ignored
 * as X25519 itself ignores it; also true for anything that is not 32 bytes, so a
 * caller can refuse on `true` without checking the length first.
 */
export function isLowOrder25519(u: Uint8Array): boolean {
  if (!(u instanceof Uint8Array) || u.length !== 32) return true;
  if (!LOW.length) build();
  for (var i = 0; i < LOW.length; i++) {
    var p = LOW[i];
    var d = (u[31] & 127) ^ p[31];
    for (var j = 0; j < 31; j++) d |= u[j] ^ p[j];
    if (d === 0) return true;
  }
  return false;
}
