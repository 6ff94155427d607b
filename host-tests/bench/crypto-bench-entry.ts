/**
 * Entry of dist/bench/crypto-bench.js: the crypto benchmark that runs unchanged on
 * Espruino, JerryScript and Duktape (and Node) and prints seconds per operation
 * with the engine's own clock, then everything as a ratio to tweetnacl's X25519
 * base-point multiplication timed in the same run (the reference to beat).
 *
 * On Espruino the field products use the native dot product E.convolve, installed
 * here the way the Espruino binding installs it (installConvolve25519,
 * installConvolveP); SHA-256 and AES stay pure JS here (the binding would use
 * require("crypto"), which is not part of this bundle's allow-list).
 * ES5 rules of docs/firmware-rules.md apply (this file is bundled).
 */
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { tweetnaclEnvReady } from './tweetnacl-env.ts'; // first: before tweetnacl loads
import { runBench, BenchCase } from './bench-runner.ts';
import { x25519BenchCases, setInstalledConvolve, setTweetnaclBaseline, x25519SelfCheck } from './x25519-bench-cases.ts';
import { symBenchCases } from './sym-bench-cases.ts';
import { p256BenchCases, p256SelfCheck } from './p256-bench-cases.ts';
import { enrolleeHandshakeCrypto } from '../../firmware/protocols/whitelist/handshake-cost.ts';
import { runEcqvBench } from './ecqv-bench-cases.ts';


declare var E: { convolve?: (a: Float64Array, b: Float64Array, off: number) => number } | undefined;
declare var print: undefined | ((s: string) => void);

// CommonJS require, resolved by esbuild at bundle time (no ESM interop helpers);
// tweetnacl-env.ts above has already given it a `self` to find.
var nacl = require('tweetnacl') as { scalarMult: { base: (n: Uint8Array) => Uint8Array } };
setTweetnaclBaseline(nacl.scalarMult.base);

var say = typeof print === 'function' ? print : function (s: string) { console.log(s); };

var native = null as ((a: Float64Array, b: Float64Array, off: number) => number) | null;
if (typeof E !== 'undefined' && E && typeof E.convolve === 'function') native = E.convolve;
setInstalledConvolve(native);
installEngineHooks({ convolve: native });
say('crypto bench' + (native ? ' (Espruino: E.convolve installed for GF(2^255-19) and P-256 products; SHA-256/AES pure JS)' : '') + (tweetnaclEnvReady ? '' : '!'));

// The numbers mean nothing if the results are wrong on this engine: check first.
say('self-check: ' + (x25519SelfCheck(nacl.scalarMult.base) ? 'x25519 equals tweetnacl, ed25519 signs the RFC 8032 vector' : 'WRONG RESULTS on this engine (x25519 vs tweetnacl or ed25519 vs RFC 8032)'));
say('self-check: ' + (p256SelfCheck() ? 'p256 key and ECDSA signature equal RFC 6979 A.2.5' : 'WRONG RESULTS on this engine (p256 vs RFC 6979 A.2.5)'));

var cases: BenchCase[] = [];
var i;
for (i = 0; i < x25519BenchCases.length; i++) cases.push(x25519BenchCases[i]);
for (i = 0; i < symBenchCases.length; i++) cases.push(symBenchCases[i]);
for (i = 0; i < p256BenchCases.length; i++) cases.push(p256BenchCases[i]);
cases.push({
  name: 'enrollee handshake crypto',
  iterations: 20,
  run: enrolleeHandshakeCrypto,
});
runBench(cases, say);
runEcqvBench(say);
