// ECQV implicit certificates (SEC 4) on P-256 (and secp160k1, the curve of paper
// 000): firmware vs the BigInt reference (host-tests/crypto/ecqv-reference.ts),
// Q_U = e·P_U + Q_CA = d_U·G, and tampering caught on receipt (THREATS #5).
import { describe, it, expect } from 'vitest';
import { p256 as nob } from '@noble/curves/nist.js';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { p256 } from '../../firmware/crypto/p256.ts';
import { makeCurve, getPublicKey, Curve } from '../../firmware/crypto/weierstrass.ts';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import {
  ecqvRequest, ecqvIssue, ecqvReceive, ecqvExtractPublic, ecqvHashToInt, ecqvParseCert, ecqvCacheCa, ecqvAgree,
} from '../../firmware/crypto/ecqv.ts';
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { RefCurve, b2n, refHn, refIssue, refReconstruct, refExtract } from './ecqv-reference.ts';

function rng(seed: number) {
  var s = seed >>> 0 || 1;
  return function () {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s;
  };
}
function n2b(v: bigint, len: number): Uint8Array {
  var b = new Uint8Array(len);
  for (var i = len - 1; i >= 0; i--) { b[i] = Number(v & 255n); v >>= 8n; }
  return b;
}
/** A recording byte source: the test replays the same draws into the reference. */
function source(seed: number) {
  var r = rng(seed), log: Uint8Array[] = [];
  return {
    fn: function (len: number) {
      var b = new Uint8Array(len);
      for (var i = 0; i < len; i++) b[i] = r() & 255;
      log.push(b.slice());
      return b;
    },
    log: log,
  };
}

function big(h: string) { return BigInt('0x' + h); }
var P160 = weierstrass({
  p: big(SECP160K1_PARAMS.p), n: big(SECP160K1_PARAMS.n), h: 1n,
  a: big(SECP160K1_PARAMS.a), b: big(SECP160K1_PARAMS.b), Gx: big(SECP160K1_PARAMS.gx), Gy: big(SECP160K1_PARAMS.gy),
});

function refOf(Pt: any, nBits: number): RefCurve {
  return { BASE: Pt.BASE, ZERO: Pt.ZERO, fromBytes: function (b: Uint8Array) { return Pt.fromBytes(b); }, n: Pt.Fn.ORDER, nBits: nBits };
}

function run(name: string, C: Curve, R: RefCurve, count: number) {
  describe('ECQV ' + name, () => {
    it(count + ' random issuances equal the reference; Q_U = e·P_U + Q_CA = d_U·G', () => {
      for (var i = 0; i < count; i++) {
        var src = source(1000 + i);
        var ca = src.fn(C.nB);
        ca[0] &= (1 << (C.nBits - 8 * (C.nB - 1))) - 1;
        var dCA = b2n(ca) % (R.n - 1n) + 1n;
        var caPriv = n2b(dCA, C.nB);
        var caPub = getPublicKey(C, caPriv, i % 2 === 0);
        var req = ecqvRequest(C, src.fn);
        expect(toHex(req.RU)).toBe(toHex(R.BASE.multiply(b2n(req.kU)).toBytes(true)));
        var meta = utf8Encode('device-' + i + ';valid=2027');
        var before = src.log.length;
        var iss = ecqvIssue(C, caPriv, req.RU, meta, src.fn);
        // the CA's k is the first in-range draw made during issuance
        var k = 0n;
        for (var j = before; j < src.log.length; j++) {
          var cand = src.log[j].slice();
          cand[0] &= (1 << (C.nBits - 8 * (C.nB - 1))) - 1;
          var v = b2n(cand);
          if (v >= 1n && v < R.n) { k = v; break; }
        }
        var ref = refIssue(R, dCA, req.RU, meta, k);
        expect(toHex(iss.cert)).toBe(toHex(ref.cert));
        expect(toHex(iss.r)).toBe(toHex(n2b(ref.r, C.nB)));
        expect(toHex(ecqvHashToInt(C, iss.cert))).toBe(toHex(n2b(refHn(R, iss.cert), C.nB)));
        var got = ecqvReceive(C, req.kU, iss.cert, iss.r, caPub);
        var dU = refReconstruct(R, b2n(req.kU), iss.cert, ref.r);
        expect(toHex(got.dU)).toBe(toHex(n2b(dU, C.nB)));
        var QU = refExtract(R, iss.cert, 1 + C.pB, R.fromBytes(caPub));
        expect(QU.equals(R.BASE.multiply(dU))).toBe(true);
        expect(toHex(got.QU)).toBe(toHex(QU.toBytes(false)));
        expect(toHex(ecqvExtractPublic(C, iss.cert, caPub, true))).toBe(toHex(QU.toBytes(true)));
        expect(toHex(ecqvParseCert(C, iss.cert).meta)).toBe(toHex(meta));
      }
    });

    it('tampering is caught on receipt: meta, P_U, r, CA key, k_U', () => {
      var src = source(77);
      var caPriv = n2b(123456789n, C.nB), caPub = getPublicKey(C, caPriv);
      var req = ecqvRequest(C, src.fn);
      var iss = ecqvIssue(C, caPriv, req.RU, utf8Encode('id=42'), src.fn);
      expect(() => ecqvReceive(C, req.kU, iss.cert, iss.r, caPub)).not.toThrow();
      var c1 = iss.cert.slice(); c1[c1.length - 1] ^= 1;
      expect(() => ecqvReceive(C, req.kU, c1, iss.r, caPub)).toThrow(/E_ECQV/);
      var c2 = iss.cert.slice(); c2[0] ^= 1; // the other root: a different, valid P_U
      expect(() => ecqvReceive(C, req.kU, c2, iss.r, caPub)).toThrow(/E_ECQV|E_POINT/);
      var c3 = iss.cert.slice(); c3[5] ^= 0x10;
      expect(() => ecqvReceive(C, req.kU, c3, iss.r, caPub)).toThrow(/E_ECQV|E_POINT/);
      var r2 = iss.r.slice(); r2[r2.length - 1] ^= 1;
      expect(() => ecqvReceive(C, req.kU, iss.cert, r2, caPub)).toThrow(/E_ECQV/);
      var otherCa = getPublicKey(C, n2b(987654321n, C.nB));
      expect(() => ecqvReceive(C, req.kU, iss.cert, iss.r, otherCa)).toThrow(/E_ECQV/);
      var k2 = req.kU.slice(); k2[k2.length - 1] ^= 2;
      expect(() => ecqvReceive(C, k2, iss.cert, iss.r, caPub)).toThrow(/E_ECQV/);
      // invalid request points never reach the CA's arithmetic
      var badRU = req.RU.slice(); badRU[0] = 4;
      expect(() => ecqvIssue(C, caPriv, badRU, new Uint8Array(0), src.fn)).toThrow(/E_POINT/);
      expect(() => ecqvReceive(C, req.kU, iss.cert.subarray(0, C.pB), iss.r, caPub)).toThrow(/E_ECQV/);
    });

    it('pairwise: ecqvAgree(d_U, d_U·Q_CA, Cert_V) = x(d_U·Q_V) = x(d_V·Q_U), both computed by the reference', () => {
      for (var i = 0; i < Math.max(4, count / 4); i++) {
        var src = source(5000 + i);
        var caPriv = n2b(BigInt(1000003 + i * 7919), C.nB), caPub = getPublicKey(C, caPriv, true);
        var ru = ecqvRequest(C, src.fn), rv = ecqvRequest(C, src.fn);
        var iu = ecqvIssue(C, caPriv, ru.RU, utf8Encode('U' + i), src.fn);
        var iv = ecqvIssue(C, caPriv, rv.RU, utf8Encode('V' + i), src.fn);
        var du = ecqvReceive(C, ru.kU, iu.cert, iu.r, caPub).dU;
        var dv = ecqvReceive(C, rv.kU, iv.cert, iv.r, caPub).dU;
        var QCA = R.fromBytes(caPub);
        var cu = ecqvCacheCa(C, du, caPub);
        expect(toHex(cu)).toBe(toHex(QCA.multiply(b2n(du)).toBytes(false)));
        var kuv = ecqvAgree(C, du, cu, iv.cert);
        var kvu = ecqvAgree(C, dv, ecqvCacheCa(C, dv, caPub), iu.cert);
        var QV = refExtract(R, iv.cert, 1 + C.pB, QCA);
        var want = QV.multiply(b2n(du)).toBytes(false).subarray(1, 1 + C.pB);
        expect(toHex(kuv)).toBe(toHex(want));
        expect(toHex(kvu)).toBe(toHex(want));
        // the CA is a peer too: x(d_CA·Q_U) = x(d_U·Q_CA)
        var kca = ecqvAgree(C, caPriv, ecqvCacheCa(C, caPriv, caPub), iu.cert);
        expect(toHex(kca)).toBe(toHex(cu.subarray(1, 1 + C.pB)));
      }
    });

    it('pairwise refuses a bad peer point, a bad cached point and a zero key', () => {
      var src = source(99);
      var caPriv = n2b(424242n, C.nB), caPub = getPublicKey(C, caPriv, true);
      var r = ecqvRequest(C, src.fn);
      var iss = ecqvIssue(C, caPriv, r.RU, utf8Encode('x'), src.fn);
      var d = ecqvReceive(C, r.kU, iss.cert, iss.r, caPub).dU;
      var cached = ecqvCacheCa(C, d, caPub);
      var bad = iss.cert.slice(); bad[0] = 0; // infinity / bad prefix
      expect(() => ecqvAgree(C, d, cached, bad)).toThrow(/E_POINT/);
      var off = iss.cert.slice(); for (var j = 1; j <= C.pB; j++) off[j] = 0xff; // x >= p
      expect(() => ecqvAgree(C, d, cached, off)).toThrow(/E_POINT/);
      var bc = cached.slice(); bc[bc.length - 1] ^= 1; // off the curve
      expect(() => ecqvAgree(C, d, bc, iss.cert)).toThrow(/E_POINT/);
      expect(() => ecqvAgree(C, new Uint8Array(C.nB), cached, iss.cert)).toThrow(/E_SCALAR/);
    });
  });
}

run('P-256', p256(), refOf(nob.Point, 256), 40);
run('secp160k1', makeCurve(SECP160K1_PARAMS), refOf(P160, 161), 20);
