/**
 * The one place where an engine's accelerations enter the crypto (issue 8:
 * no hidden mutable globals that callers must reset). The pure-JS code is the
 * default; a binding (firmware/apps/engine-accel.ts, at boot) or a test hands
 * in what its engine offers:
 *
 *  - `crypto`: native SHA-256 and AES-128 block (crypto-natives.ts), e.g.
 *    Espruino's require("crypto");
 *  - `convolve`: a native dot product with E.convolve's semantics, used for
 *    the limb products of 2^255-19 (field25519.ts) and of the 16-limb
 *    Weierstrass fields (bignum-limbs.ts).
 *
 * Every call sets every hook — an absent one goes back to pure JS — so a
 * second call replaces the first instead of merging with it, and
 * `installEngineHooks({})` is the reset. Every accelerated path is proven
 * equal to the pure one in host-tests/crypto/; host-tests/crypto/engine-hooks.test.ts
 * checks that no module exports another way in.
 *
 * This module imports nothing at run time, so every crypto module can depend on it.
 */
import type { NativeCrypto } from './crypto-natives.ts';

/** A native dot product with E.convolve's semantics: sum over i of a[i] * b[(i + off) % b.length]. */
export type ConvolveFn = (a: Float64Array, b: Float64Array, off: number) => number;

export interface EngineHooks {
  crypto?: NativeCrypto | null;
  convolve?: ConvolveFn | null;
}

/**
 * Each accelerated module subscribes when it is loaded, so a bundle carries
 * (and installs into) only the modules it uses: an AES-only enrollee never
 * loads the field arithmetic just because hooks exist for it.
 */
var listeners: ((h: EngineHooks) => void)[] = [];
var current: EngineHooks = {};

/** Called once by each accelerated module at load; it is told the hooks now and at every install. */
export function onEngineHooks(fn: (h: EngineHooks) => void): void {
  listeners.push(fn);
  fn(current);
}

/** Install exactly these hooks (absent ones off) into every loaded module; returns the names now active. */
export function installEngineHooks(h: EngineHooks): string[] {
  current = { crypto: h.crypto || null, convolve: h.convolve || null };
  for (var i = 0; i < listeners.length; i++) listeners[i](current);
  return activeEngineHooks();
}

/** Names of the hooks installed now ([] = pure JS everywhere). */
export function activeEngineHooks(): string[] {
  var out: string[] = [];
  var c = current.crypto;
  if (c && c.sha256) out.push('sha256');
  if (c && c.aesEncryptBlock) out.push('aes');
  if (current.convolve) out.push('convolve');
  return out;
}
