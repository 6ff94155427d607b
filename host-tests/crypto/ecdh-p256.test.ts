// ECDH P-256: differential vs @noble/curves, validation of the peer point before any
// multiplication (THREATS #5), and 100% of the Wycheproof ECDH files (raw SEC 1
// points; DER SubjectPublicKeyInfo through a small strict parser below).
import { describe, it, expect } from 'vitest';
import { p256 as nob } from '@noble/curves/nist.js';
import { p256, p256Ecdh, p256KeyGen, p256GetPublicKey } from '../../firmware/crypto/p256.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { toHex, fromHex } from '../../firmware/bytes/bytes.ts';
import { runWycheproof, hexBytes } from './wycheproof-loader.ts';

var n = nob.Point.Fn.ORDER;
void p256;

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
function n2b(v: bigint, len: number): Uint8Array {
  var b = new Uint8Array(len);
  for (var i = len - 1; i >= 0; i--) { b[i] = Number(v & 255n); v >>= 8n; }
  return b;
}

/**
 * Strict DER SubjectPublicKeyInfo (RFC 5480 §2) for P-256 only:
 *   SEQUENCE { SEQUENCE { OID id-ecPublicKey, OID prime256v1 }, BIT STRING (0 unused bits) point }
 * Minimal definite lengths, nothing else allowed (explicit curve parameters, other
 * curves, extra fields, trailing bytes → throw). Returns the SEC 1 point bytes.
 */
function parseSpkiP256(der: Uint8Array): Uint8Array {
  var pos = 0;
  function tlv(tag: number): Uint8Array {
    if (pos + 2 > der.length || der[pos] !== tag) throw new Error('SPKI: expected tag ' + tag);
    var len = der[pos + 1], hdr = 2;
    if (len & 0x80) {
      var nb = len & 0x7f;
      if (nb !== 1 && nb !== 2) throw new Error('SPKI: length form');
      if (pos + 2 + nb > der.length) throw new Error('SPKI: truncated');
      len = 0;
      for (var i = 0; i < nb; i++) len = len * 256 + der[pos + 2 + i];
      if (der[pos + 2] === 0 || len < 128) throw new Error('SPKI: non-minimal length');
      hdr = 2 + nb;
    }
    if (pos + hdr + len > der.length) throw new Error('SPKI: truncated');
    var v = der.subarray(pos + hdr, pos + hdr + len);
    pos += hdr + len;
    return v;
  }
  var outer = tlv(0x30);
  if (pos !== der.length) throw new Error('SPKI: trailing bytes');
  var saved = der;
  der = outer;
  pos = 0;
  var alg = tlv(0x30);
  var bits = tlv(0x03);
  if (pos !== der.length) throw new Error('SPKI: extra fields');
  if (toHex(alg) !== '06072a8648ce3d020106082a8648ce3d030107') throw new Error('SPKI: not ecPublicKey/prime256v1');
  if (bits.length < 1 || bits[0] !== 0) throw new Error('SPKI: unused bits');
  void saved;
  return bits.subarray(1);
}

function privFromHex(h: string): Uint8Array {
  var v = BigInt('0x' + (h || '0'));
  return n2b(v, 32);
}

describe('ECDH P-256 vs noble', () => {
  it('1000 random key pairs: same 32-byte secret as noble (x of the shared point), both directions', () => {
    var r = rng(51);
    for (var i = 0; i < 1000; i++) {
      var a = p256KeyGen(function (len) { return randBytes(r, len); }, i % 2 === 0);
      var bPriv = n2b((BigInt('0x' + toHex(randBytes(r, 32))) % (n - 1n)) + 1n, 32);
      var bPub = nob.getPublicKey(bPriv, i % 3 === 0);
      var s1 = p256Ecdh(a.priv, bPub);
      expect(s1.length).toBe(32);
      expect(toHex(s1)).toBe(toHex(nob.getSharedSecret(a.priv, bPub, true).subarray(1)));
      expect(toHex(p256Ecdh(bPriv, a.pub))).toBe(toHex(s1));
    }
  });

  it('invalid peer points throw before any scalar multiplication (THREATS #5)', () => {
    var priv = fromHex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');
    var G = p256GetPublicKey(fromHex('00'.repeat(31) + '01'));
    var offCurve = G.slice(); offCurve[64] ^= 1;
    var zero = new Uint8Array(65); zero[0] = 4;
    var ff = new Uint8Array(65).fill(255); ff[0] = 4;
    var cases = [offCurve, zero, ff, new Uint8Array([0]), G.subarray(0, 33), new Uint8Array(0)];
    for (var c of cases) {
      var m0 = work.fmulP;
      expect(() => p256Ecdh(priv, c)).toThrow(/E_POINT/);
      expect(work.fmulP - m0).toBeLessThan(600); // a validation, not a 3000+ multiplication ladder
    }
    expect(() => p256Ecdh(new Uint8Array(32), G)).toThrow(/E_SCALAR/);
    expect(() => p256Ecdh(n2b(n, 32), G)).toThrow(/E_SCALAR/);
  });
});

describe('Wycheproof ECDH P-256', () => {
  function check(pubBytes: () => Uint8Array) {
    return function (t: any) {
      var shared = p256Ecdh(privFromHex(t.private), pubBytes.call(t));
      var got = toHex(shared);
      return { accepted: true, mismatch: got === t.shared ? undefined : got + ' != ' + t.shared };
    };
  }
  it('ecdh_secp256r1_ecpoint_test.json (raw SEC 1 points)', () => {
    var tally = runWycheproof('ecdh_secp256r1_ecpoint_test.json', check(function (this: any) { return hexBytes(this.public); }));
    tally.assertAllPassed();
    expect(tally.validAccepted).toBe(330);
    expect(tally.invalidRejected).toBe(24);
  });
  it('ecdh_secp256r1_test.json (DER SubjectPublicKeyInfo, strict parser)', () => {
    var tally = runWycheproof('ecdh_secp256r1_test.json', check(function (this: any) { return parseSpkiP256(hexBytes(this.public)); }));
    tally.assertAllPassed();
    expect(tally.validAccepted).toBe(330);
    expect(tally.invalidRejected).toBe(52);
  });
});
