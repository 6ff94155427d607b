/**
 * SHA-512 (firmware/crypto/sha512.ts): FIPS 180-4 example vectors, then every
 * length 0..700 (all padding boundaries: 111, 112, 127, 128, 239, 240...) and
 * random long messages against @noble/hashes.
 */
import { describe, it, expect } from 'vitest';
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { sha512 } from '../../firmware/crypto/sha512.ts';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
function ascii(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'latin1'));
}

describe('sha512', function () {
  it('FIPS 180-4 examples: "abc", empty, the two-block message', function () {
    expect(hex(sha512(ascii('abc')))).toBe('ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
    expect(hex(sha512(new Uint8Array(0)))).toBe('cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e');
    expect(hex(sha512(ascii('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'))))
      .toBe('8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909');
  });

  it('every length 0..700 equals @noble/hashes', function () {
    var seed = 12345;
    for (var n = 0; n <= 700; n++) {
      var m = new Uint8Array(n);
      for (var i = 0; i < n; i++) { seed = (seed * 1103515245 + 12345) >>> 0; m[i] = seed >>> 24; }
      expect(hex(sha512(m)), 'length ' + n).toBe(hex(nobleSha512(m)));
    }
  });

  it('a 100 KB message and a subarray view with an offset', function () {
    var big = new Uint8Array(100000);
    for (var i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 8)) & 255;
    expect(hex(sha512(big))).toBe(hex(nobleSha512(big)));
    var view = big.subarray(3, 3 + 1000);
    expect(hex(sha512(view))).toBe(hex(nobleSha512(view.slice())));
  });
});
