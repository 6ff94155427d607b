/**
 * Entry of dist/espruino/calibrate.js, the calibration bench a user uploads to
 * a real ESP32 running Espruino (`nowboard calibrate` prints how): it hands
 * the engine's clock, print, E.convolve and require("crypto") to
 * firmware/apps/calibrate.ts, which prints one `NOWBOARD {"ev":"calibrate",...}`
 * line for `nowboard calibrate --from`.
 *
 * The same bundle runs in Duktape and node:vm (the tests feed their line to
 * the command): without getTime() it times with Date.now(), without print()
 * with console.log, and without setTimeout it runs the measurements in one go.
 * NOWBOARD_CALIBRATE_MIN_S (a global, optional) shortens each timed loop.
 */
import { runCalibration } from '../../apps/calibrate.ts';
import { espruinoCryptoNatives } from './crypto-adapter.ts';
import { ConvolveFn } from '../../crypto/engine-hooks.ts';
import { NativeCrypto } from '../../crypto/crypto-natives.ts';

declare var __nbRequire: undefined | ((name: string) => any);
declare var E: undefined | { convolve?: ConvolveFn };
declare var getTime: undefined | (() => number);
declare var print: undefined | ((s: string) => void);
declare var setTimeout: undefined | ((fn: () => void, ms: number) => number);
declare var process: undefined | { version?: string; env?: { BOARD?: string } };
declare var Duktape: undefined | { version?: number };
declare var NOWBOARD_CALIBRATE_MIN_S: undefined | number;

function engineName(): string {
  if (typeof process !== 'undefined' && process && typeof process.version === 'string') {
    var board = process.env && process.env.BOARD ? ' ' + process.env.BOARD : '';
    // Espruino's process.version is "2v29.277"; Node's starts with "v".
    return (process.version.charAt(0) === 'v' ? 'node ' : 'Espruino ') + process.version + board;
  }
  if (typeof Duktape !== 'undefined' && Duktape) return 'Duktape ' + Duktape.version;
  return 'unknown engine';
}

function cryptoNatives(): NativeCrypto | null {
  if (typeof __nbRequire !== 'function') return null;
  try {
    var n = espruinoCryptoNatives(__nbRequire('crypto'));
    return n.sha256 || n.aesEncryptBlock ? n : null;
  } catch (e) {
    return null;
  }
}

var hasGetTime = typeof getTime === 'function';
runCalibration({
  now: hasGetTime
    ? (getTime as () => number)
    : function () {
        return Date.now() / 1000;
      },
  clock: hasGetTime ? 'getTime' : 'Date.now',
  print: typeof print === 'function' ? (print as (s: string) => void) : function (s: string) { console.log(s); },
  engine: engineName(),
  convolve: typeof E !== 'undefined' && E && typeof E.convolve === 'function' ? E.convolve : null,
  natives: cryptoNatives(),
  minSeconds: typeof NOWBOARD_CALIBRATE_MIN_S === 'number' ? NOWBOARD_CALIBRATE_MIN_S : undefined,
  defer: typeof setTimeout === 'function'
    ? function (fn: () => void) {
        (setTimeout as (fn: () => void, ms: number) => number)(fn, 1);
      }
    : null,
});
