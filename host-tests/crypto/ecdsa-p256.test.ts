// ECDSA P-256 / SHA-256: RFC 6979 A.2.5 known answers, an independent RFC 6979
// nonce reference (incl. nonces with leading zero bytes), bit-exact equality with
// @noble/curves (lowS) on random cases, low-S policy, strict DER, and 100% of the
// Wycheproof P1363 and DER vector files.
import { describe, it, expect } from 'vitest';
import { p256 as nob } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 as nsha256 } from '@noble/hashes/sha2.js';
import { p256, p256Sign, p256Verify, p256SignDer, p256VerifyDer, p256GetPublicKey } from '../../firmware/crypto/p256.ts';
import { ecdsaSignHash, ecdsaVerifyHash, sigToDer, sigFromDer } from '../../firmware/crypto/ecdsa.ts';
import { mulBaseCT, encodePoint } from '../../firmware/crypto/weierstrass.ts';
import { toHex, fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { runWycheproof, hexBytes } from './wycheproof-loader.ts';

var C = p256();
var n = nob.Point.Fn.ORDER;

function rng(seed: number) {
  var s = seed >>> 0 || 1;
  return function () {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}
function randBytes(r: () => number, len: number): Uint8Array {
  var b = new Uint8Array(len);
  for (var i = 0; i < len; i++) b[i] = r() & 255;
  return b;
}
function b2n(b: Uint8Array): bigint {
  var v = 0n;
  for (var i = 0; i < b.length; i++) v = (v << 8n) | BigInt(b[i]);
  return v;
}
function n2b(v: bigint, len: number): Uint8Array {
  var b = new Uint8Array(len);
  for (var i = len - 1; i >= 0; i--) { b[i] = Number(v & 255n); v >>= 8n; }
  return b;
}
function cat(...parts: Uint8Array[]): Uint8Array {
  var L = 0;
  for (var p of parts) L += p.length;
  var o = new Uint8Array(L), off = 0;
  for (var q of parts) { o.set(q, off); off += q.length; }
  return o;
}

/** RFC 6979 §3.2 first candidate k for P-256/SHA-256, in BigInt, with noble's HMAC (independent of firmware). */
function refNonce(priv: Uint8Array, h1: Uint8Array): bigint {
  var x = n2b(b2n(priv), 32), bo = n2b(b2n(h1) % n, 32);
  var V = new Uint8Array(32).fill(1), K = new Uint8Array(32);
  K = hmac(nsha256, K, cat(V, new Uint8Array([0]), x, bo));
  V = hmac(nsha256, K, V);
  K = hmac(nsha256, K, cat(V, new Uint8Array([1]), x, bo));
  V = hmac(nsha256, K, V);
  for (;;) {
    V = hmac(nsha256, K, V);
    var k = b2n(V);
    if (k >= 1n && k < n) return k;
    K = hmac(nsha256, K, cat(V, new Uint8Array([0])));
    V = hmac(nsha256, K, V);
  }
}

describe('RFC 6979 A.2.5 (P-256, SHA-256) known answers', () => {
  var x = fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
  var Ux = '60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6';
  var Uy = '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299';
  var cases = [
    ['sample', 'a6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60',
      'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716',
      'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8'],
    ['test', 'd16b6ae827f17175e040871a1c7ec3500192c4c92677336ec2537acaee0008e0',
      'f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367',
      '019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083'],
  ];
  it('public key', () => {
    expect(toHex(p256GetPublicKey(x))).toBe('04' + Ux + Uy);
  });
  for (var c of cases) {
    (function (msg: string, k: string, r: string, s: string) {
      it('message "' + msg + '": k, r, and s (normalized to low-S)', () => {
        expect(refNonce(x, nsha256(utf8Encode(msg))).toString(16)).toBe(k.replace(/^0+/, ''));
        var sig = p256Sign(utf8Encode(msg), x);
        var sv = BigInt('0x' + s);
        var sLow = sv > n / 2n ? n - sv : sv;
        expect(toHex(sig)).toBe(r + toHex(n2b(sLow, 32)));
        expect(p256Verify(sig, utf8Encode(msg), fromHex('04' + Ux + Uy))).toBe(true);
        // the RFC's own (possibly high-S) s verifies by default, and not under lowS when high
        var rfcSig = fromHex(r + s);
        expect(p256Verify(rfcSig, utf8Encode(msg), fromHex('04' + Ux + Uy))).toBe(true);
        expect(p256Verify(rfcSig, utf8Encode(msg), fromHex('04' + Ux + Uy), { lowS: true })).toBe(sv <= n / 2n);
      });
    })(c[0], c[1], c[2], c[3]);
  }
});

describe('ECDSA sign/verify vs noble', () => {
  it('1000 random (key, message): signatures bit-identical to noble (RFC 6979, lowS), verified both ways', () => {
    var r = rng(41);
    for (var i = 0; i < 1000; i++) {
      var priv = n2b((b2n(randBytes(r, 32)) % (n - 1n)) + 1n, 32);
      if (i === 0) priv = n2b(1n, 32); // leading zero bytes in the key
      if (i === 1) priv = n2b(n - 1n, 32);
      var msg = randBytes(r, r() % 100);
      var pub = nob.getPublicKey(priv, i % 2 === 0);
      var sig = p256Sign(msg, priv);
      expect(toHex(sig)).toBe(toHex(nob.sign(msg, priv)));
      expect(nob.verify(sig, msg, pub)).toBe(true);
      expect(p256Verify(sig, msg, pub, { lowS: true })).toBe(true);
      // a tampered message, r, s or key fails
      var m2 = cat(msg, new Uint8Array([1]));
      expect(p256Verify(sig, m2, pub)).toBe(false);
      var s2 = sig.slice(); s2[i % 64] ^= 1 << (i % 8);
      expect(p256Verify(s2, msg, pub)).toBe(false);
      // noble signatures of other messages verify here
      var m3 = randBytes(r, 32);
      expect(p256Verify(nob.sign(m3, priv), m3, pub)).toBe(true);
    }
  });

  it('nonces with leading zero bytes: fixed-width int2octets/bits2octets (THREATS #6)', () => {
    var priv = fromHex('0000000000000000000000000000000000000000000000000000000000000abc');
    var found = 0;
    for (var i = 0; found < 3 && i < 5000; i++) {
      var msg = utf8Encode('lz-' + i);
      var k = refNonce(priv, nsha256(msg));
      if (k >= (1n << 248n)) continue; // want k < 2^248: its first octet is zero
      found++;
      var sig = p256Sign(msg, priv);
      var R = mulBaseCT(C, n2b(k, 32));
      expect(toHex(sig.subarray(0, 32))).toBe(toHex(n2b(b2n(encodePoint(C, R, false).subarray(1, 33)) % n, 32)));
      expect(toHex(sig)).toBe(toHex(nob.sign(msg, priv)));
    }
    expect(found).toBe(3);
  });

  it('different messages give different r (no nonce reuse)', () => {
    var priv = fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
    var seen: { [r: string]: boolean } = {};
    for (var i = 0; i < 50; i++) {
      var r = toHex(p256Sign(utf8Encode('m' + i), priv).subarray(0, 32));
      expect(seen[r]).toBeUndefined();
      seen[r] = true;
    }
  });

  it('low-S policy: high-S twin accepted by default, rejected with {lowS: true}', () => {
    var r = rng(42);
    for (var i = 0; i < 20; i++) {
      var priv = n2b((b2n(randBytes(r, 32)) % (n - 1n)) + 1n, 32);
      var msg = randBytes(r, 10), pub = nob.getPublicKey(priv, false);
      var sig = p256Sign(msg, priv);
      var s = b2n(sig.subarray(32));
      expect(s <= n / 2n).toBe(true);
      var high = cat(sig.subarray(0, 32), n2b(n - s, 32));
      expect(p256Verify(high, msg, pub)).toBe(true);
      expect(p256Verify(high, msg, pub, { lowS: true })).toBe(false);
    }
  });

  it('range checks: r = 0, s = 0, r = n, s = n, wrong lengths, bad keys', () => {
    var priv = fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
    var msg = utf8Encode('sample'), pub = p256GetPublicKey(priv);
    var sig = p256Sign(msg, priv);
    var z = new Uint8Array(32), nn = n2b(n, 32);
    expect(p256Verify(cat(z, z), msg, pub)).toBe(false);
    expect(p256Verify(cat(z, sig.subarray(32)), msg, pub)).toBe(false);
    expect(p256Verify(cat(sig.subarray(0, 32), z), msg, pub)).toBe(false);
    expect(p256Verify(cat(nn, sig.subarray(32)), msg, pub)).toBe(false);
    expect(p256Verify(cat(sig.subarray(0, 32), nn), msg, pub)).toBe(false);
    // r + n (mod 2^256 wraps nowhere: r < 2^256 − n here?) must not alias r
    var rPlusN = b2n(sig.subarray(0, 32)) + n;
    if (rPlusN < 1n << 256n) expect(p256Verify(cat(n2b(rPlusN, 32), sig.subarray(32)), msg, pub)).toBe(false);
    expect(p256Verify(sig.subarray(0, 63), msg, pub)).toBe(false);
    expect(p256Verify(cat(sig, new Uint8Array(1)), msg, pub)).toBe(false);
    var badPub = pub.slice(); badPub[64] ^= 1;
    expect(p256Verify(sig, msg, badPub)).toBe(false);
    expect(p256Verify(sig, msg, new Uint8Array([0]))).toBe(false);
    expect(() => p256Sign(msg, z)).toThrow(/E_SCALAR/);
    expect(() => p256Sign(msg, nn)).toThrow(/E_SCALAR/);
  });

  it('hash longer than n is truncated to its leftmost 256 bits (bits2int), equal to noble prehash:false', () => {
    var r = rng(43);
    for (var i = 0; i < 10; i++) {
      var priv = n2b((b2n(randBytes(r, 32)) % (n - 1n)) + 1n, 32);
      var h = randBytes(r, 48);
      var sig = ecdsaSignHash(C, h, priv);
      expect(toHex(sig)).toBe(toHex(nob.sign(h, priv, { prehash: false })));
      expect(ecdsaVerifyHash(C, sig, h, nob.getPublicKey(priv))).toBe(true);
    }
  });
});

describe('strict DER', () => {
  it('round trip and equality with noble DER for 100 signatures', () => {
    var r = rng(44);
    for (var i = 0; i < 100; i++) {
      var priv = n2b((b2n(randBytes(r, 32)) % (n - 1n)) + 1n, 32);
      var msg = randBytes(r, 8);
      var der = p256SignDer(msg, priv);
      expect(toHex(der)).toBe(toHex(nob.sign(msg, priv, { format: 'der' })));
      expect(toHex(sigFromDer(der, 32))).toBe(toHex(p256Sign(msg, priv)));
      expect(p256VerifyDer(der, msg, nob.getPublicKey(priv))).toBe(true);
    }
    // small r and s: minimal encodings
    var small = cat(n2b(1n, 32), n2b(0x80n, 32));
    expect(toHex(sigToDer(small))).toBe('3007020101020200' + '80');
  });
  it('rejects BER and malformed forms', () => {
    var bad = [
      '', '30', '3000', '3006020101020101ff', // trailing byte
      '308106020101020101', // long-form length
      '3006020101020100'.slice(0, 14), // truncated
      '30060201010201ff', // negative s
      '300702020001020101', // non-minimal r
      '3006020001020101'.replace('020001', '0200'), // zero-length r
      '3106020101020101', // not a SEQUENCE
      '3006030101020101', // not an INTEGER
      '3007020101020101', // sequence length too long
      '3027022200' + 'ff'.repeat(33) + '020101', // r of 34 bytes
    ];
    for (var h of bad) expect(() => sigFromDer(fromHex(h), 32), h).toThrow(/E_DER/);
    expect(toHex(sigFromDer(fromHex('3006020101020101'), 32))).toBe('00'.repeat(31) + '01' + '00'.repeat(31) + '01');
  });
});

describe('Wycheproof ECDSA P-256 SHA-256', () => {
  it('ecdsa_secp256r1_sha256_p1363_test.json: every valid accepted, every invalid rejected', () => {
    var tally = runWycheproof('ecdsa_secp256r1_sha256_p1363_test.json', function (t, g) {
      var pub = hexBytes(g.publicKey.uncompressed);
      var ok = p256Verify(hexBytes(t.sig), hexBytes(t.msg), pub);
      return { accepted: ok };
    });
    tally.assertAllPassed();
    expect(tally.validAccepted).toBe(173);
    expect(tally.invalidRejected).toBe(89);
  });
  it('ecdsa_secp256r1_sha256_test.json (DER): every valid accepted, every invalid rejected', () => {
    var tally = runWycheproof('ecdsa_secp256r1_sha256_test.json', function (t, g) {
      var pub = hexBytes(g.publicKey.uncompressed);
      var ok = p256VerifyDer(hexBytes(t.sig), hexBytes(t.msg), pub);
      return { accepted: ok };
    });
    tally.assertAllPassed();
    expect(tally.validAccepted).toBe(174);
    expect(tally.invalidRejected).toBe(310);
  });
});
