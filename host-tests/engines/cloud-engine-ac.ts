/**
 * An Authentication Cloud for the engine suite: the decisions of the in-memory
 * stub (configurator/sim/ac-stub.ts: paper 000 §III-B steps 3–5, README §3.2
 * order of checks, the grant of README §4.4) on the contract of
 * firmware/protocols/cloud/ac-api.ts, computed with the firmware's BigInt-free
 * primitives so it runs inside Duktape, Espruino and JerryScript next to the
 * board bundles. The stub needs @noble/curves (BigInt), which no engine has.
 *
 * Same inputs, same answers: ECDSA with RFC 6979 nonces and low S on both sides
 * (firmware/crypto/ecdsa.ts, @noble's defaults), so an answer of this AC is
 * byte-for-byte the stub's for the same request and clock
 * (cloud-engine-ac.test.ts checks it). Verification refuses high-S signatures,
 * as @noble does by default.
 *
 * The decisions are the stub's own code (configurator/sim/ac-stub-core.ts,
 * ES5-safe); this file gives them the firmware primitives. Answers are
 * synchronous: the simulator's uplink puts them on the virtual clock
 * (configurator/sim/sim-uplink.ts).
 */
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { hmacSha256 } from '../../firmware/crypto/hmac-sha256.ts';
import { hkdfSha256 } from '../../firmware/crypto/hkdf-sha256.ts';
import { p256 } from '../../firmware/crypto/p256.ts';
import { Curve, makeCurve, ecdh } from '../../firmware/crypto/weierstrass.ts';
import { ecdsaSignHash, ecdsaVerifyHash } from '../../firmware/crypto/ecdsa.ts';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { makeAcDecisions, AcDecisions, AcStubCrypto, AcStubOptions } from '../../configurator/sim/ac-stub-core.ts';
import type { SimAc, SimAcSetup } from '../../configurator/batch/cloud-batch-core.ts';

/** The stub's operations, answers synchronous (no `endpoint`: that one returns a Promise). */
export type EngineAc = AcDecisions;

var k160: Curve | null = null;
function nodeCurve(name: string): Curve | null {
  if (name === 'p256') return p256();
  if (name === 'secp160k1') {
    if (!k160) k160 = makeCurve(SECP160K1_PARAMS);
    return k160;
  }
  return null;
}

/** ECDSA over SHA-256 of msg, r ‖ s, low S required, on a node's curve (by name). */
export function engineNodeVerify(curve: string, sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): boolean {
  var C = nodeCurve(curve);
  if (!C) return false;
  try {
    return ecdsaVerifyHash(C, sig, sha256(msg), pub, { lowS: true });
  } catch (e) {
    return false;
  }
}

/** The firmware's primitives for the AC's decisions (RFC 6979 and low S, as @noble's defaults). */
var firmwareCrypto: AcStubCrypto = {
  signP256: function (msg, priv) {
    return ecdsaSignHash(p256(), sha256(msg), priv);
  },
  verifyP256: function (sig, msg, pub) {
    return ecdsaVerifyHash(p256(), sig, sha256(msg), pub, { lowS: true });
  },
  verifyNode: engineNodeVerify,
  ecdhP256: function (priv, F) {
    return ecdh(p256(), priv, F);
  },
  hkdfSha256: hkdfSha256,
  hmacSha256: hmacSha256,
  sha256: sha256,
};

export function makeEngineAc(o: AcStubOptions): EngineAc {
  return makeAcDecisions(o, firmwareCrypto);
}

/**
 * The engine AC as a batch's AC (cloud-batch-core.ts MakeSimAc). Its clock is
 * whole milliseconds: the virtual clock has fractions, and Espruino's
 * number-to-string does not round-trip them (1800000012345.678 prints as
 * 1800000012345.67822265625), which would break the BR's check of the signed
 * `ts` after JSON.parse. The stub's clock is not floored; the real AC's is
 * (configurator/batch/cloud-real-ac.ts).
 */
export function engineSimAc(s: SimAcSetup): SimAc {
  var ac = makeEngineAc({
    acId: s.acId, acPriv: s.acPriv, trustFor: s.trustFor,
    now: function () {
      return Math.floor(s.now());
    },
  });
  return {
    name: 'ES5 AC on the firmware primitives (host-tests/engines/cloud-engine-ac.ts)',
    endpoint: function (path: string, json: string) {
      return ac.handle(path, json);
    },
    addBr: ac.addBr,
    addNode: ac.addNode,
    revoke: ac.revoke,
  };
}
