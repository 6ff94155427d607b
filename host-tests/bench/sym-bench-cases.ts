/**
 * Benchmark cases for the symmetric primitives (firmware/crypto: SHA-256 per
 * FIPS 180-4, AES-128-CCM per RFC 3610), bundled for the small engines by the
 * bench runner, so this file follows docs/firmware-rules.md (ES5, typed arrays,
 * no platform globals). Inputs are fixed (a small LCG), allocated once outside
 * run(), so a case measures the primitive and not the set-up.
 *
 * Shapes: 1 KB of SHA-256 = 17 compressions (the handshake hashes transcripts of
 * a few hundred bytes to ~1 KB); CCM 64 B with 13-byte nonce, 8-byte tag and
 * 16 bytes of additional data = one protocol record: 2 + 2 + 2*4 = 12 AES blocks.
 * iterations: enough for a measurable time on Espruino without taking minutes;
 * the runner may scale them.
 */
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { ccmSeal, ccmOpen } from '../../firmware/crypto/aes-ccm.ts';

function fixedBytes(n: number, seed: number): Uint8Array {
  var b = new Uint8Array(n), x = seed;
  for (var i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

var msg1k = fixedBytes(1024, 1);
var key = fixedBytes(16, 2);
var nonce = fixedBytes(13, 3);
var aad = fixedBytes(16, 4);
var pt64 = fixedBytes(64, 5);
var sealed64 = ccmSeal(key, nonce, pt64, aad, 8);

export var symBenchCases: { name: string; iterations: number; run: () => void }[] = [
  {
    name: 'sha256 1KB',
    iterations: 20,
    run: function () {
      sha256(msg1k);
    },
  },
  {
    name: 'aes-ccm seal 64B',
    iterations: 20,
    run: function () {
      ccmSeal(key, nonce, pt64, aad, 8);
    },
  },
  {
    name: 'aes-ccm open 64B',
    iterations: 20,
    run: function () {
      // A failed open would measure the wrong path: fail loudly instead.
      if (!ccmOpen(key, nonce, sealed64, aad, 8)) throw new Error('bench: ccmOpen rejected its own record');
    },
  },
];
