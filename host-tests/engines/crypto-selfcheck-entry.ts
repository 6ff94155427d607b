/**
 * Entry of dist/engines/crypto-selfcheck.js: the crypto bench's self-checks
 * (host-tests/bench/) without the timing, for `npm run test:engines` on every
 * engine. On Espruino the field products go through E.convolve, installed the
 * way the Espruino binding installs it, so the accelerated path is the one
 * checked there. Prints one line per check, then `NOWBOARD-ENGINE PASS crypto`
 * or `NOWBOARD-ENGINE FAIL crypto ...` (and throws).
 *
 * ES5 rules of docs/firmware-rules.md apply (this file is bundled).
 */
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { tweetnaclEnvReady } from '../bench/tweetnacl-env.ts'; // first: before tweetnacl loads
import { x25519SelfCheck } from '../bench/x25519-bench-cases.ts';
import { p256SelfCheck } from '../bench/p256-bench-cases.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { aesExpandKey, aesEncryptBlock } from '../../firmware/crypto/aes128.ts';
import { fromHex, toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';

declare var E: { convolve?: (a: Float64Array, b: Float64Array, off: number) => number } | undefined;
declare var print: (s: string) => void;

// CommonJS require, resolved by esbuild at bundle time (see crypto-bench-entry.ts).
var nacl = require('tweetnacl') as { scalarMult: { base: (n: Uint8Array) => Uint8Array } };

var native = null as ((a: Float64Array, b: Float64Array, off: number) => number) | null;
if (typeof E !== 'undefined' && E && typeof E.convolve === 'function') native = E.convolve;
installEngineHooks({ convolve: native });

/** AES-128 of FIPS-197 Appendix C.1. */
function aesCheck(): boolean {
  var out = new Uint8Array(16);
  aesEncryptBlock(aesExpandKey(fromHex('000102030405060708090a0b0c0d0e0f')), fromHex('00112233445566778899aabbccddeeff'), out);
  return toHex(out) === '69c4e0d86a7b0430d8cdb78070b4c55a';
}

var checks: { name: string; run: () => boolean }[] = [
  { name: 'sha256("abc") (FIPS 180-4 example)', run: function () { return toHex(sha256(utf8Encode('abc'))) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'; } },
  { name: 'aes128 block (FIPS-197 C.1)', run: aesCheck },
  { name: 'x25519 equals tweetnacl, ed25519 signs RFC 8032 7.1 TEST 1', run: function () { return x25519SelfCheck(nacl.scalarMult.base); } },
  { name: 'p256 key and ECDSA signature of RFC 6979 A.2.5', run: p256SelfCheck },
];

print('NOWBOARD-ENGINE START crypto' + (native ? ' (E.convolve installed)' : ' (pure JS fields)') + (tweetnaclEnvReady ? '' : '!'));
var failed: string[] = [];
for (var i = 0; i < checks.length; i++) {
  var ok = false;
  var why = '';
  try {
    ok = checks[i].run();
  } catch (e) {
    why = ' (threw ' + (e && (e as Error).message !== undefined ? (e as Error).message : String(e)) + ')';
  }
  print((ok ? 'ok    ' : 'WRONG ') + checks[i].name + why);
  if (!ok) failed.push(checks[i].name);
}
if (failed.length) {
  print('NOWBOARD-ENGINE FAIL crypto: ' + failed.join('; '));
  throw new Error('crypto self-check failed');
}
print('NOWBOARD-ENGINE PASS crypto ' + checks.length + ' checks' + (native ? ' (E.convolve)' : ''));
