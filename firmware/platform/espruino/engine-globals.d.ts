/**
 * Espruino globals the binding reads (and nothing else in firmware/ may).
 * `__nbRequire` is Espruino's `require`, aliased by a one-line prelude the build
 * prepends to board bundles (`var __nbRequire = require;`): esbuild rewrites every
 * direct use of `require` into a Proxy-based shim that no target engine runs.
 */
declare var __nbRequire: (name: string) => any;
declare var E: {
  hwRand(): number;
  convolve(a: ArrayLike<number>, b: ArrayLike<number>, offset: number): number;
  /** optional: standard CRC-32 (radio bridge) */
  CRC32?: (data: ArrayLike<number>) => number;
  setConsole(device: any, opts?: { force?: boolean }): void;
};
declare function getTime(): number;
declare function setTimeout(fn: () => void, ms: number): number;
declare function clearTimeout(id: number): void;
declare function print(s: string): void;
/** Serial objects (radio bridge only: firmware/platform/espruino/serial-line.ts; build profile `espruino-bridge`). */
declare var Serial1: any;
declare var Serial2: any;
declare var USB: any;
declare var LoopbackA: any;
