/**
 * Installs whatever accelerations the binding found (native SHA-256/AES, a
 * native dot product for limb products) behind the pure crypto API. Every
 * accelerated path is proven equal to the pure one in host-tests/crypto/.
 */
import { nativeWork } from '../crypto/crypto-natives.ts';
import { ExtraCounter } from '../runtime/runtime.ts';
import { installEngineHooks, EngineHooks } from '../crypto/engine-hooks.ts';

export type EngineNatives = EngineHooks;

/** Install what the binding found (firmware/crypto/engine-hooks.ts); returns the names used, for the boot line. */
export function installAccelerations(n: EngineNatives): string[] {
  return installEngineHooks(n);
}

/** Native SHA/AES work, counted apart from pure work: the power model costs it differently. */
export var NATIVE_COUNTERS: ExtraCounter[] = [
  { src: nativeWork as unknown as { [k: string]: number }, key: 'shaBlock', unit: 'shaBlockNative' },
  { src: nativeWork as unknown as { [k: string]: number }, key: 'aesBlock', unit: 'aesBlockNative' },
];

/** A copy of `defaults` with `over` on top (no object spread on the boards: docs/engines.md). */
export function withDefaults<T>(defaults: T, over: Partial<T>): T {
  var out: any = {};
  var d: any = defaults;
  var o: any = over;
  for (var k in d) out[k] = d[k];
  for (var j in o) out[j] = o[j];
  return out as T;
}
