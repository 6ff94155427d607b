/**
 * Installs whatever accelerations the binding found (native SHA-256/AES, a
 * native dot product for limb products) behind the pure crypto API. Every
 * accelerated path is proven equal to the pure one in host-tests/crypto/.
 */
import { installNativeCrypto, NativeCrypto, nativeWork } from '../crypto/crypto-natives.ts';
import { ExtraCounter } from '../runtime/runtime.ts';
import { installConvolve25519 } from '../crypto/field25519.ts';
import { installConvolveP } from '../crypto/bignum-limbs.ts';

export interface EngineNatives {
  crypto?: NativeCrypto;
  convolve?: (a: Float64Array, b: Float64Array, off: number) => number;
}

export function installAccelerations(n: EngineNatives): string[] {
  var used: string[] = [];
  if (n.crypto) {
    installNativeCrypto(n.crypto);
    if (n.crypto.sha256) used.push('sha256');
    if (n.crypto.aesEncryptBlock) used.push('aes');
  }
  if (n.convolve) {
    installConvolve25519(n.convolve);
    installConvolveP(n.convolve);
    used.push('convolve');
  }
  return used;
}

/** Native SHA/AES work, counted apart from pure work: the power model costs it differently. */
export var NATIVE_COUNTERS: ExtraCounter[] = [
  { src: nativeWork as unknown as { [k: string]: number }, key: 'shaBlock', unit: 'shaBlockNative' },
  { src: nativeWork as unknown as { [k: string]: number }, key: 'aesBlock', unit: 'aesBlockNative' },
];

/** A copy of `defaults` with `over` on top (no object spread on the boards: ENGINES.md). */
export function withDefaults<T>(defaults: T, over: Partial<T>): T {
  var out: any = {};
  var d: any = defaults;
  var o: any = over;
  for (var k in d) out[k] = d[k];
  for (var j in o) out[j] = o[j];
  return out as T;
}
