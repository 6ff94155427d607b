/**
 * Cloud suites built from the firmware primitives (README §4): ECDSA with
 * RFC 6979 nonces (firmware/crypto/ecdsa.ts) and ECDH (SEC 1 §3.3.1) on P-256
 * or secp160k1 (weierstrass.ts), SHA-256, HKDF-SHA256 (RFC 5869),
 * AES-128-CCM (RFC 3610). ES5-safe; what ships on the boards.
 */
import { sha256 } from '../../crypto/sha256.ts';
import { hkdfSha256 } from '../../crypto/hkdf-sha256.ts';
import { hmacSha256 } from '../../crypto/hmac-sha256.ts';
import { ccmSeal, ccmOpen } from '../../crypto/aes-ccm.ts';
import { p256 } from '../../crypto/p256.ts';
import { Curve, makeCurve, keyGen, ecdh, decodePoint } from '../../crypto/weierstrass.ts';
import { SECP160K1_PARAMS } from '../../crypto/curve-params.ts';
import { ecdsaSignHash, ecdsaVerifyHash } from '../../crypto/ecdsa.ts';
import { CURVE_P256, CURVE_SECP160K1 } from './ac-api.ts';
import { pointLen } from './frames.ts';
import { CloudSuite } from './suite.ts';

var k160: Curve | null = null;

function curveOf(id: number): Curve | null {
  if (id === CURVE_P256) return p256();
  if (id === CURVE_SECP160K1) {
    if (!k160) k160 = makeCurve(SECP160K1_PARAMS);
    return k160;
  }
  return null;
}

var cache: { [id: number]: CloudSuite } = {};

/** The suite of a curve id, or null for a curve this build does not know. */
export function cloudSuite(id: number): CloudSuite | null {
  if (cache[id]) return cache[id];
  var C = curveOf(id);
  if (!C) return null;
  var c = C;
  var s: CloudSuite = {
    curve: id,
    pB: c.pB,
    nB: c.nB,
    sha256: sha256,
    hmac: hmacSha256,
    hkdf: hkdfSha256,
    seal: ccmSeal,
    open: ccmOpen,
    sign: function (priv, msg) {
      return ecdsaSignHash(c, sha256(msg), priv);
    },
    verify: function (pub, msg, sig) {
      try {
        return ecdsaVerifyHash(c, sig, sha256(msg), pub);
      } catch (e) {
        return false;
      }
    },
    keyPair: function (rand) {
      return keyGen(c, rand, false);
    },
    dh: function (priv, peer) {
      return ecdh(c, priv, peer);
    },
    validPub: function (pub) {
      if (!(pub instanceof Uint8Array) || pub.length !== pointLen(id) || pub[0] !== 4) return false;
      try {
        decodePoint(c, pub);
        return true;
      } catch (e) {
        return false;
      }
    },
  };
  cache[id] = s;
  return s;
}
