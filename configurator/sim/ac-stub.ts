/**
 * A minimal Authentication Cloud in memory, on the contract of
 * firmware/protocols/cloud/ac-api.ts: the border-router tests' counterpart,
 * and the simulator's AC when no other is given. It makes the same decisions
 * as paper 000 §III-B steps 3–5 (TS window, replay, trust list, signature, MAC)
 * behind the same signed envelopes, with plain objects for tables. The real
 * service (configurator/cloud/, SQL on PGlite or PostgreSQL) is what users run;
 * this stub has no persistence, no audit and one process. Its decisions are
 * ac-stub-core.ts, shared with the engine suite's AC; this file gives them
 * @noble/curves and an asynchronous endpoint.
 *
 * Host code: @noble/curves for the signatures (never on a board).
 */
import { p256 } from '@noble/curves/nist.js';
import { weierstrass, ecdsa } from '@noble/curves/abstract/weierstrass.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { CURVE_NAMES } from '../../firmware/protocols/cloud/ac-api.ts';
import { makeAcDecisions, AcDecisions, AcStubOptions, AcAnswer, AcStubCrypto } from './ac-stub-core.ts';

export type { AcAnswer, StubNode, AcStubOptions } from './ac-stub-core.ts';

/** How the simulator and the BR's host uplink call an AC: in-process, asynchronous like the real one. */
export type AcEndpoint = (path: string, json: string) => Promise<AcAnswer>;

function big(h: string): bigint {
  return BigInt('0x' + h);
}

var k160 = ecdsa(
  weierstrass({
    p: big(SECP160K1_PARAMS.p), n: big(SECP160K1_PARAMS.n), h: BigInt(1),
    a: big(SECP160K1_PARAMS.a), b: big(SECP160K1_PARAMS.b), Gx: big(SECP160K1_PARAMS.gx), Gy: big(SECP160K1_PARAMS.gy),
  }),
  sha256,
);

/** ECDSA over SHA-256 of msg, r ‖ s, on a node's curve (by name). */
export function nodeVerify(curve: string, sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  try {
    if (curve === 'p256') return p256.verify(sig, msg, pub);
    if (curve === 'secp160k1') return k160.verify(sig, msg, pub);
  } catch (e) {
    return false;
  }
  return false;
}

/** @noble's primitives for the AC's decisions (RFC 6979 and low S are its defaults). */
var nobleCrypto: AcStubCrypto = {
  signP256: function (msg, priv) {
    return p256.sign(msg, priv);
  },
  verifyP256: function (sig, msg, pub) {
    return p256.verify(sig, msg, pub);
  },
  verifyNode: nodeVerify,
  ecdhP256: function (priv, F) {
    return p256.getSharedSecret(priv, F, true).subarray(1);
  },
  hkdfSha256: function (ikm, salt, info, len) {
    return hkdf(sha256, ikm, salt, info, len);
  },
  hmacSha256: function (key, msg) {
    return hmac(sha256, key, msg);
  },
  sha256: function (msg) {
    return sha256(msg);
  },
};

export interface AcStub extends AcDecisions {
  endpoint: AcEndpoint;
}

export function makeAcStub(o: AcStubOptions): AcStub {
  var d = makeAcDecisions(o, nobleCrypto);
  return {
    handle: d.handle,
    endpoint: function (path: string, json: string) {
      return Promise.resolve(d.handle(path, json));
    },
    addBr: d.addBr,
    revokeBr: d.revokeBr,
    addNode: d.addNode,
    revoke: d.revoke,
    log: d.log,
  };
}

/** The curve name of a curve id (ac-api.ts CURVE_NAMES). */
export function curveName(id: number): string {
  return CURVE_NAMES[id];
}
