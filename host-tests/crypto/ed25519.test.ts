/**
 * Ed25519 (firmware/crypto/ed25519.ts): RFC 8032 §7.1 tests 1-3, every Wycheproof
 * ed25519_test.json vector (with both field variants), and seeded random keys and
 * messages: public keys and signatures bit-exact equal to @noble/curves, our
 * signatures verified by noble and tweetnacl, theirs by us, tampered ones rejected.
 */
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect, afterAll } from 'vitest';
import nacl from 'tweetnacl';
import { ed25519 as nobleEd } from '@noble/curves/ed25519.js';
import { ed25519PublicKey, ed25519Sign, ed25519Verify, ed25519ForgetKey } from '../../firmware/crypto/ed25519.ts';

import { runWycheproof, hexBytes } from './wycheproof-loader.ts';

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}
function rng(seed: number) {
  var s = seed >>> 0 || 1;
  return function () {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s & 255;
  };
}
function randomBytes(r: () => number, n: number): Uint8Array {
  var b = new Uint8Array(n);
  for (var i = 0; i < n; i++) b[i] = r();
  return b;
}
/** Espruino's E.convolve (src/jswrap_espruino.c): sum_i arr1[i] * arr2[(i + offset) % arr2.length]. */
function convolveModel(a1: ArrayLike<number>, a2: ArrayLike<number>, offset: number): number {
  var l = a2.length, off = offset % l, v = 0;
  if (off < 0) off += l;
  for (var i = 0; i < a1.length; i++) {
    v += a1[i] * a2[off];
    if (++off >= l) off = 0;
  }
  return v;
}

afterAll(function () { installEngineHooks({}); });

var RFC = [
  { sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', msg: '',
    sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b' },
  { sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb', pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c', msg: '72',
    sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00' },
  { sk: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7', pk: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025', msg: 'af82',
    sig: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a' },
];

describe('ed25519 RFC 8032 §7.1', function () {
  for (var i = 0; i < RFC.length; i++) {
    (function (v, n) {
      it('TEST ' + n + ': public key, signature, verification', function () {
        var sk = hexBytes(v.sk), msg = hexBytes(v.msg);
        expect(hex(ed25519PublicKey(sk))).toBe(v.pk);
        var sig = ed25519Sign(msg, sk);
        expect(hex(sig)).toBe(v.sig);
        expect(ed25519Verify(sig, msg, hexBytes(v.pk))).toBe(true);
        var bad = hexBytes(v.sig);
        bad[63] ^= 0x01;
        expect(ed25519Verify(bad, msg, hexBytes(v.pk))).toBe(false);
      });
    })(RFC[i], i + 1);
  }
});

function wycheproofRun() {
  var tally = runWycheproof('ed25519_test.json', function (t, g) {
    var ok = ed25519Verify(hexBytes(t.sig), hexBytes(t.msg), hexBytes(g.publicKey.pk));
    return { accepted: ok };
  });
  tally.assertAllPassed();
  expect(tally.validAccepted).toBe(88);
  expect(tally.invalidRejected).toBe(63);
}

describe('ed25519 Wycheproof', function () {
  it('ed25519_test.json, pure JS field', function () {
    installEngineHooks({});
    wycheproofRun();
  });
  it('ed25519_test.json, E.convolve model', function () {
    installEngineHooks({ convolve: convolveModel });
    wycheproofRun();
    installEngineHooks({});
  });
});

describe('ed25519 differential', function () {
  it('1000 seeded random seeds/messages: public key and signature equal noble; cross-verification with tweetnacl (every 5th); tampering rejected', function () {
    var r = rng(0xED25519);
    for (var i = 0; i < 1000; i++) {
      var seed = randomBytes(r, 32), msg = randomBytes(r, i % 97);
      var pub = ed25519PublicKey(seed);
      expect(hex(pub), 'case ' + i).toBe(hex(nobleEd.getPublicKey(seed)));
      var sig = ed25519Sign(msg, seed);
      expect(hex(sig), 'case ' + i).toBe(hex(nobleEd.sign(msg, seed)));
      expect(ed25519Verify(sig, msg, pub)).toBe(true);
      if (i % 5 === 0) {
        // tweetnacl is slow on Node: every 5th case, it verifies ours and signs for us
        expect(nacl.sign.detached.verify(msg, sig, pub)).toBe(true);
        var kp = nacl.sign.keyPair.fromSeed(seed.map(function (x) { return x ^ 0x5a; }));
        var sig2 = nacl.sign.detached(msg, kp.secretKey);
        expect(ed25519Verify(sig2, msg, kp.publicKey)).toBe(true);
      }
      // flip one bit of the signature, the message or the key: rejected
      var which = i % 3;
      var s2 = sig.slice(), m2 = msg.slice(), p2 = pub.slice();
      if (which === 0) s2[r() & 63] ^= 1 << (r() & 7);
      else if (which === 1 && m2.length) m2[r() % m2.length] ^= 1 << (r() & 7);
      else p2[r() & 31] ^= 1 << (r() & 7);
      if (which === 1 && !m2.length) m2 = new Uint8Array([0]);
      expect(ed25519Verify(s2, m2, p2), 'tampered case ' + i).toBe(false);
    }
  });

  it('the E.convolve variant signs identically (30 cases)', function () {
    var r = rng(31337);
    installEngineHooks({ convolve: convolveModel });
    for (var i = 0; i < 30; i++) {
      var seed = randomBytes(r, 32), msg = randomBytes(r, i * 5);
      expect(hex(ed25519Sign(msg, seed))).toBe(hex(nobleEd.sign(msg, seed)));
    }
    installEngineHooks({});
  });

  it('the one-key public-key cache: alternating seeds, and after ed25519ForgetKey, still sign like noble', function () {
    var a = new Uint8Array(32).fill(1), b = new Uint8Array(32).fill(2), msg = new Uint8Array([9, 9]);
    var seq = [a, b, a, a, b];
    for (var i = 0; i < seq.length; i++) {
      if (i === 3) ed25519ForgetKey();
      expect(hex(ed25519Sign(msg, seq[i])), 'step ' + i).toBe(hex(nobleEd.sign(msg, seq[i])));
      expect(hex(ed25519PublicKey(seq[i]))).toBe(hex(nobleEd.getPublicKey(seq[i])));
    }
    // the returned public key is a copy: changing it does not poison the cache
    var pk = ed25519PublicKey(a);
    pk[0] ^= 1;
    expect(hex(ed25519Sign(msg, a))).toBe(hex(nobleEd.sign(msg, a)));
  });

  it('rejects S >= L (S + L of a valid signature), wrong lengths, and a non-canonical public key', function () {
    var seed = new Uint8Array(32).fill(7), msg = new Uint8Array([1, 2, 3]);
    var sig = ed25519Sign(msg, seed), pub = ed25519PublicKey(seed);
    // S + L as little-endian bytes
    var L = hexBytes('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
    var s2 = sig.slice(), c = 0;
    for (var i = 0; i < 32; i++) { var v = s2[32 + i] + L[i] + c; s2[32 + i] = v & 255; c = v >> 8; }
    if (c === 0) expect(ed25519Verify(s2, msg, pub)).toBe(false);
    expect(ed25519Verify(sig.subarray(0, 63), msg, pub)).toBe(false);
    expect(ed25519Verify(sig, msg, pub.subarray(0, 31))).toBe(false);
    // y = p + 1 (non-canonical encoding of y = 1, a valid point's y)
    var yp1 = hexBytes('eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    expect(ed25519Verify(sig, msg, yp1)).toBe(false);
    expect(function () { ed25519Sign(msg, new Uint8Array(31)); }).toThrow('E_ED25519_ARG');
  });
});
