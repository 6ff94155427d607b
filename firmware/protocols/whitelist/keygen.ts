/**
 * Key material for the whitelist protocol (README.md §1, §6),
 * for the host CLI at keygen and for an app at first boot. Private keys come in
 * as 32 random bytes from the caller (the protocol code draws no randomness).
 *
 * `enrolleeIdentity` is THE derivation of an enrollee's identity: the CLI's
 * identity files (configurator/cli/device-files.ts), the simulator's batch
 * (configurator/batch/whitelist-batch.ts) and the tests all call it, so the
 * three can never disagree. ES5-safe, on the firmware's own crypto.
 */
import { copyBytes } from '../../bytes/bytes.ts';
import { WhitelistSuiteCrypto } from './suite.ts';
import { firmwareSuite } from './suite-x25519.ts';
import { EnrolleeIdentity, ConfiguratorIdentity, WhitelistEntry, encodeIdentity } from './records.ts';
import { isLowOrder25519 } from '../../crypto/x25519-low-order.ts';

function key32(k: Uint8Array, name: string): Uint8Array {
  if (!(k instanceof Uint8Array) || k.length !== 32) throw new Error('E_FIELD: ' + name + ' must be 32 bytes');
  return copyBytes(k);
}

export function configuratorIdentityFrom(suite: WhitelistSuiteCrypto, c: Uint8Array): ConfiguratorIdentity {
  var cc = key32(c, 'c');
  return { c: cc, C: suite.dhPub(cc) };
}

/** e, E = X25519(e, 9), the pinned C, and the cached ss = X25519(e, C) (throws E_FIELD on a low-order C). */
export function enrolleeIdentityFrom(suite: WhitelistSuiteCrypto, e: Uint8Array, C: Uint8Array): EnrolleeIdentity {
  var ee = key32(e, 'e');
  var CC = key32(C, 'C');
  if (isLowOrder25519(CC)) throw new Error('E_FIELD: C is a low-order point');
  return { e: ee, E: suite.dhPub(ee), C: CC, ss: suite.dh(ee, CC) };
}

/** The enrollee identity from its private key and the pinned configurator key, with the firmware's crypto. */
export function enrolleeIdentity(e: Uint8Array, C: Uint8Array): EnrolleeIdentity {
  return enrolleeIdentityFrom(firmwareSuite(), e, C);
}

/** The identity file (records.ts encodeIdentity) of that identity. */
export function enrolleeIdentityFile(e: Uint8Array, C: Uint8Array): Uint8Array {
  return encodeIdentity(enrolleeIdentity(e, C));
}

/** The configurator's entry for an enrollee: SHA-256(E) and, when c is given, the cached ss = X25519(c, E). */
export function whitelistEntryFor(suite: WhitelistSuiteCrypto, E: Uint8Array, group: string, c?: Uint8Array): WhitelistEntry {
  var EE = key32(E, 'E');
  return { hash: suite.sha256(EE), ss: c ? suite.dh(key32(c, 'c'), EE) : null, group: group, revoked: false };
}
