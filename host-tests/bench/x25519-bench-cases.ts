/**
 * Benchmark cases for Curve25519 / Ed25519 (RFC 7748 §5, RFC 8032 §5.1) and the
 * reference they are measured against: tweetnacl's X25519 base-point
 * multiplication, timed in the same run on the same engine. Bundled for the
 * small engines (ES5 rules of docs/firmware-rules.md); inputs fixed and
 * computed before timing.
 *
 * The baseline is handed in (setTweetnaclBaseline): the bundle entry loads
 * tweetnacl with require() after ./tweetnacl-env.ts has run (esbuild's ESM
 * interop for a CommonJS default import uses getters, wrong on Espruino);
 * run-benches.ts imports it on Node.
 */
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { fe, feMul, feSqr } from '../../firmware/crypto/field25519.ts';
import { x25519, x25519Base } from '../../firmware/crypto/x25519.ts';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519ForgetKey } from '../../firmware/crypto/ed25519.ts';
import { sha512 } from '../../firmware/crypto/sha512.ts';
import { fromHex, toHex } from '../../firmware/bytes/bytes.ts';
import type { BenchCase } from './bench-runner.ts';

/** RFC 7748 §6.1 and RFC 8032 §7.1 inputs (only their shapes matter here). */
var SK_A = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
var SK_B = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
var PUB_B = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
var SEED = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
var MSG = fromHex('48656c6c6f2c206e6f77626f61726421'); // 16 bytes
var MSG1K = new Uint8Array(1024);
for (var i = 0; i < 1024; i++) MSG1K[i] = (i * 7 + 3) & 255;

var FA = fe(), FB = fe(), FR = fe();
for (i = 0; i < 16; i++) {
  FA[i] = (i * 40503 + 12345) & 0x7fff;
  FB[i] = (i * 9973 + 777) & 0x7fff;
}

var edState: { pub: Uint8Array; sig: Uint8Array } | null = null;
function ed(): { pub: Uint8Array; sig: Uint8Array } {
  if (!edState) edState = { pub: ed25519PublicKey(SEED), sig: ed25519Sign(MSG, SEED) };
  return edState;
}

/** tweetnacl's nacl.scalarMult.base (nacl-fast.js), set by whoever loaded tweetnacl. */
var naclBase: ((n: Uint8Array) => Uint8Array) | null = null;

export function setTweetnaclBaseline(scalarMultBase: (n: Uint8Array) => Uint8Array): void {
  naclBase = scalarMultBase;
}

/** The native convolution the Espruino entry installed, so one case can measure pure JS beside it. */
var installed: ((a: Float64Array, b: Float64Array, off: number) => number) | null = null;

/** Tell the cases which E.convolve-like native is installed (null: none). */
export function setInstalledConvolve(fn: ((a: Float64Array, b: Float64Array, off: number) => number) | null): void {
  installed = fn;
  installEngineHooks({ convolve: fn });
}

/**
 * true if, on this engine, x25519Base agrees with tweetnacl on two scalars and
 * ed25519Sign gives RFC 8032 §7.1 TEST 1's signature (checked before timing).
 */
export function x25519SelfCheck(naclScalarMultBase: (n: Uint8Array) => Uint8Array): boolean {
  var ok = toHex(ed25519Sign(new Uint8Array(0), SEED)) ===
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';
  var ks = [SK_A, SK_B];
  for (var j = 0; j < ks.length; j++) {
    var a = x25519Base(ks[j]), b = naclScalarMultBase(ks[j]);
    for (var k = 0; k < 32; k++) if (a[k] !== b[k]) ok = false;
  }
  return ok;
}

export var x25519BenchCases: BenchCase[] = [
  {
    name: 'x25519 field multiplication',
    iterations: 2000,
    run: function () {
      feMul(FR, FA, FB);
    },
  },
  {
    name: 'x25519 field squaring',
    iterations: 2000,
    run: function () {
      feSqr(FR, FA);
    },
  },
  {
    name: 'x25519 base',
    iterations: 50,
    run: function () {
      x25519Base(SK_A);
    },
  },
  {
    name: 'x25519 var (variable-base)',
    iterations: 50,
    run: function () {
      x25519(SK_A, PUB_B);
    },
  },
  {
    name: 'x25519 ECDH (keygen + shared)',
    iterations: 50,
    run: function () {
      var pub = x25519Base(SK_B);
      x25519(SK_A, pub);
    },
  },
  {
    name: 'ed25519 public key',
    iterations: 50,
    run: function () {
      ed25519ForgetKey(); // measure the base-point multiplication, not the one-key cache
      ed25519PublicKey(SEED);
    },
  },
  {
    // The device's own key: its public key comes from ed25519.ts' one-key cache.
    name: 'ed25519 sign',
    iterations: 50,
    run: function () {
      ed25519Sign(MSG, SEED);
    },
  },
  {
    name: 'ed25519 verify',
    iterations: 50,
    setup: function () {
      ed();
    },
    run: function () {
      var s = ed();
      if (!ed25519Verify(s.sig, MSG, s.pub)) throw new Error('bench: ed25519Verify rejected its own signature');
    },
  },
  {
    name: 'sha512 1KB',
    iterations: 200,
    run: function () {
      sha512(MSG1K);
    },
  },
  {
    // Only differs from 'x25519 base' where a native convolution is installed (Espruino).
    name: 'x25519 base (pure-JS field)',
    iterations: 50,
    run: function () {
      var cv = installed;
      installEngineHooks({});
      try {
        x25519Base(SK_A);
      } finally {
        installEngineHooks({ convolve: cv });
      }
    },
  },
  {
    name: 'tweetnacl x25519 base',
    iterations: 50,
    run: function () {
      if (!naclBase) throw new Error('bench: tweetnacl baseline not loaded');
      naclBase(SK_A);
    },
  },
];
