/**
 * ECQV suites built from the firmware primitives: SEC 4 ECQV over SEC 1
 * curves (firmware/crypto/ecqv.ts, weierstrass.ts), SHA-256 (FIPS 180-4),
 * HMAC-SHA256 (RFC 2104), HKDF-SHA256 (RFC 5869), AES-128-CCM (RFC 3610),
 * ECDSA with RFC 6979 nonces (ecdsa.ts). ES5-safe; what ships on the boards.
 * Suite 1 is P-256, suite 2 secp160k1 (both with SHA-256).
 */
import { sha256 } from '../../crypto/sha256.ts';
import { hmacSha256 } from '../../crypto/hmac-sha256.ts';
import { hkdfSha256 } from '../../crypto/hkdf-sha256.ts';
import { ccmSeal, ccmOpen } from '../../crypto/aes-ccm.ts';
import { p256 } from '../../crypto/p256.ts';
import { Curve, makeCurve, getPublicKey } from '../../crypto/weierstrass.ts';
import { SECP160K1_PARAMS } from '../../crypto/curve-params.ts';
import { ecqvRequest, ecqvIssue, ecqvReceive, ecqvCacheCa, ecqvAgree } from '../../crypto/ecqv.ts';
import { ecdsaSignHash, ecdsaVerifyHash } from '../../crypto/ecdsa.ts';
import { SUITE_P256, SUITE_SECP160K1 } from './frames.ts';
import { EcqvSuite } from './suite.ts';

var k160: Curve | null = null;

function curveOf(id: number): Curve {
  if (id === SUITE_P256) return p256();
  if (id === SUITE_SECP160K1) {
    if (!k160) k160 = makeCurve(SECP160K1_PARAMS);
    return k160;
  }
  throw new Error('E_SUITE: unknown suite ' + id);
}

function notHere(): never {
  throw new Error('E_SUITE: CA operation on a device suite');
}

/**
 * What a device (enrollee and peer) runs: no issuance, no signing, so the
 * enrollee bundle carries neither ecqvIssue nor RFC 6979 (id default 1, P-256).
 */
export function ecqvDeviceSuite(id?: number): EcqvSuite {
  var sid = id === undefined ? SUITE_P256 : id;
  var C = curveOf(sid);
  return {
    id: sid,
    pt: 1 + C.pB,
    sc: C.nB,
    sha256: sha256,
    hmac: hmacSha256,
    hkdf: hkdfSha256,
    seal: ccmSeal,
    open: ccmOpen,
    request: function (rand) {
      return ecqvRequest(C, rand);
    },
    issue: notHere,
    receive: function (kU, cert, s, caPub) {
      return { dU: ecqvReceive(C, kU, cert, s, caPub).dU };
    },
    cacheCa: function (d, caPub) {
      return ecqvCacheCa(C, d, caPub);
    },
    agree: function (d, dQca, cert) {
      return ecqvAgree(C, d, dQca, cert);
    },
    sign: notHere,
    verify: function (pub, msg, sig) {
      return ecdsaVerifyHash(C, sig, sha256(msg), pub);
    },
    publicKey: function (priv) {
      return getPublicKey(C, priv, true);
    },
  };
}

/** The whole suite, CA operations included (the configurator, keygen, tests). */
export function ecqvFirmwareSuite(id?: number): EcqvSuite {
  var s = ecqvDeviceSuite(id);
  var C = curveOf(s.id);
  s.issue = function (dCA, RU, meta, rand) {
    var r = ecqvIssue(C, dCA, RU, meta, rand);
    return { cert: r.cert, s: r.r };
  };
  s.sign = function (priv, msg) {
    return ecdsaSignHash(C, sha256(msg), priv);
  };
  return s;
}
