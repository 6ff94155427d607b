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
 * checks that nothing else installs hooks.
 */
import { installNativeCrypto, NativeCrypto } from './crypto-natives.ts';
import { installConvolve25519 } from './field25519.ts';
import { installConvolveP, ConvolveFn } from './bignum-limbs.ts';

export interface EngineHooks {
  crypto?: NativeCrypto | null;
  convolve?: ConvolveFn | null;
}

var active: string[] = [];

/** Install exactly these hooks (absent ones off); returns the names now active. */
export function installEngineHooks(h: EngineHooks): string[] {
  var c = h.crypto || {};
  installNativeCrypto(c);
  installConvolve25519(h.convolve || null);
  installConvolveP(h.convolve || null);
  active = [];
  if (c.sha256) active.push('sha256');
  if (c.aesEncryptBlock) active.push('aes');
  if (h.convolve) active.push('convolve');
  return active.slice(0);
}

/** Names of the hooks installed now ([] = pure JS everywhere). */
export function activeEngineHooks(): string[] {
  return active.slice(0);
}
