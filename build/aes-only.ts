/**
 * The AES-only enrollee (protocol psk-oob, issue 12): its bundle may carry
 * AES-128 and the modes and derivations built on it, and no other crypto — no
 * SHA, no HMAC/HKDF, no elliptic curve. The proof is the bundle's own inputs
 * (esbuild's metafile, build/pipeline.ts bundleModules): the size report
 * fails the build if a module outside AES_ONLY_ALLOWED is among them, and
 * prints its size beside the whitelist enrollee's and the 12 KB target.
 */
/** Board targets that must be AES-only. */
export var AES_ONLY_BUNDLES = ['espruino/psk-oob/enrollee', 'jerryscript/psk-oob/enrollee'];

/** firmware/crypto modules an AES-only bundle may hold: AES, its modes and KDF, and the shared hooks and counters. */
export var AES_ONLY_ALLOWED = ['aes128', 'aes128-small', 'aes-ccm', 'aes-cmac', 'kdf-cmac', 'crypto-natives', 'engine-hooks', 'work-counters'];

/** The size target of issue 12 for this bundle, minified. */
export var AES_ONLY_TARGET_BYTES = 12 * 1024;

/** The crypto modules (firmware/crypto/<name>.ts, without .ts) of a bundle that break the AES-only rule. */
export function aesOnlyViolations(cryptoModules: readonly string[]): string[] {
  return cryptoModules.filter(function (m) { return AES_ONLY_ALLOWED.indexOf(m) < 0; });
}

export function isAesOnlyBundle(name: string): boolean {
  return AES_ONLY_BUNDLES.indexOf(name) >= 0;
}
