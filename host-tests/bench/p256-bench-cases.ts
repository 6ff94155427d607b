/**
 * P-256 benchmark cases (bundled for small engines; ES5 rules of
 * docs/firmware-rules.md). Inputs are fixed and computed before timing starts
 * (the first call of each case also builds lazy tables; runners that want steady
 * state run one warm-up iteration). On Espruino the bench entry installs
 * E.convolve for the field products first (as the Espruino binding does), and one
 * case measures the pure-JS path beside it.
 */
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { fromHex, toHex } from '../../firmware/bytes/bytes.ts';
import { p256, p256GetPublicKey, p256Ecdh, p256Sign, p256Verify } from '../../firmware/crypto/p256.ts';
import { fmul, convolveP } from '../../firmware/crypto/bignum-limbs.ts';
import { mulCT, decodePoint } from '../../firmware/crypto/weierstrass.ts';
import { BenchCase } from './bench-runner.ts';

var PRIV = fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
var PRIV2 = fromHex('7d7dc5f71eb29ddaf80d6214632eeae03d9058af1fb6d22ed80badb62bc1a534');
var MSG = fromHex('73616d706c65');

var st: { pub: Uint8Array; pub2: Uint8Array; sig: Uint8Array } | null = null;
/** Inputs of every case, made once; also builds the curve context and the comb table (not timed). */
function setup(): { pub: Uint8Array; pub2: Uint8Array; sig: Uint8Array } {
  if (!st) {
    var pub = p256GetPublicKey(PRIV);
    st = { pub: pub, pub2: p256GetPublicKey(PRIV2), sig: p256Sign(MSG, PRIV) };
  }
  return st;
}

/**
 * true if, on this engine, P-256 gives RFC 6979 §A.2.5's public key and its SHA-256
 * signature of "sample" (s normalized to low-S: n − s), and verifies it: covers the
 * P-256 field (base-point comb, Straus) and the generic field of n (k⁻¹, s⁻¹).
 */
export function p256SelfCheck(): boolean {
  var pub = toHex(p256GetPublicKey(PRIV));
  var sig = p256Sign(MSG, PRIV);
  return pub === '0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299' &&
    toHex(sig) === 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716' + '0834e36ad29a83bf2bc9385e491d6099c8fdf9d1ed67aa7ea5f51f93782857a9' &&
    p256Verify(sig, MSG, fromHex(pub));
}

var fa = new Float64Array(16), fb = new Float64Array(16), fr = new Float64Array(16);
for (var i = 0; i < 16; i++) {
  fa[i] = (i * 40503 + 12345) & 0xffff;
  fb[i] = (i * 9973 + 777) & 0xffff;
}

export var p256BenchCases: BenchCase[] = [
  {
    name: 'p256 field multiplication',
    iterations: 200,
    setup: setup,
    run: function () {
      fmul(p256().F, fr, fa, fb);
    },
  },
  {
    name: 'p256 field squaring',
    iterations: 200,
    run: function () {
      fmul(p256().F, fr, fa, fa);
    },
  },
  {
    name: 'p256 base-point multiplication (public key)',
    iterations: 20,
    run: function () {
      p256GetPublicKey(PRIV);
    },
  },
  {
    name: 'p256 variable-base multiplication',
    iterations: 20,
    run: function () {
      var C = p256();
      mulCT(C, PRIV, decodePoint(C, setup().pub2));
    },
  },
  {
    // Only differs from the case above where a native convolution is installed (Espruino).
    name: 'p256 variable-base (pure-JS field)',
    iterations: 20,
    run: function () {
      var cv = convolveP(), C = p256();
      installEngineHooks({});
      try {
        mulCT(C, PRIV, decodePoint(C, setup().pub2));
      } finally {
        installEngineHooks({ convolve: cv });
      }
    },
  },
  {
    name: 'p256 ECDH (validate + multiply)',
    iterations: 20,
    run: function () {
      p256Ecdh(PRIV, setup().pub2);
    },
  },
  {
    name: 'p256 ECDSA sign (RFC 6979)',
    iterations: 20,
    run: function () {
      p256Sign(MSG, PRIV);
    },
  },
  {
    name: 'p256 ECDSA verify',
    iterations: 20,
    run: function () {
      var s = setup();
      if (!p256Verify(s.sig, MSG, s.pub)) throw new Error('bench: verify failed');
    },
  },
];
