/**
 * Engine acceleration behind the pure crypto API (docs/ARCHITECTURE: "the same API
 * with engine-accelerated variants chosen by the binding").
 *
 * The binding hands natives in through firmware/crypto/engine-hooks.ts (the one
 * install point) once at boot, with whatever its engine offers (Espruino: require("crypto").SHA256 and AES-ECB; the binding adapts
 * them to Uint8Array in / Uint8Array out). sha256() and aesEncryptBlock() then use
 * the native and bump `nativeWork` instead of `work`, because the power model costs
 * a native block (C, maybe the ESP32's AES/SHA peripheral) very differently from an
 * interpreted one. installEngineHooks({}) goes back to the pure code.
 *
 * This module never reads a platform global: natives are handed in.
 */
import { onEngineHooks } from './engine-hooks.ts';


/**
 * A native may return null to decline one call (e.g. an engine quirk on empty
 * input); the pure code then does that call, counted as pure work.
 */
export interface NativeCrypto {
  /** one-shot SHA-256 (FIPS 180-4) of the whole message → 32 bytes */
  sha256?: (msg: Uint8Array) => Uint8Array | null;
  /** AES-128 encryption of one block (FIPS 197) under a 16-byte key → 16 bytes */
  aesEncryptBlock?: (key16: Uint8Array, block16: Uint8Array) => Uint8Array | null;
}

/** Work done by natives: SHA-256 compressions (as if padded: ceil((n+9)/64)) and AES blocks. */
export var nativeWork = { shaBlock: 0, aesBlock: 0 };

/**
 * The installed natives, read by sha256.ts / aes128.ts on each call (a property
 * read is cheap; it lets a test install and remove natives at run time).
 * `s` = sha256, `a` = AES block: short names because Espruino stores source.
 */
export var natives: {
  s: ((msg: Uint8Array) => Uint8Array | null) | null;
  a: ((key16: Uint8Array, block16: Uint8Array) => Uint8Array | null) | null;
} = { s: null, a: null };

// Missing entries mean "use pure JS".
onEngineHooks(function (h) {
  var n = h.crypto || {};
  natives.s = n.sha256 || null;
  natives.a = n.aesEncryptBlock || null;
});
