/**
 * The global namespace one simulated board's bundle sees: Espruino's API
 * surface and nothing from Node. Shared by the node:vm loader (vm-board.ts)
 * and the engine harness (host-tests/engines/engine-scenario.ts); each loader decides how the
 * names become globals (a vm context, or Function parameters that shadow).
 *
 *   getTime()                      seconds (float) of virtual time
 *   setTimeout(fn, ms, args...)    -> id   (callbacks go through the board's CPU model)
 *   clearTimeout(id)               no argument: clears every timer, as Espruino does
 *   setInterval / clearInterval    same ids and rules
 *   print(...), console.log(...)   one output line (NOWBOARD {json} lines are reports)
 *   E.hwRand()                     signed 32-bit int from the board's seeded stream
 *   E.convolve(a, b, offset)       sum_i a[i] * b[(i + offset) mod b.length] (Espruino's definition)
 *   require(name)                  Storage | ESPNOW | Wifi | crypto (optional) | NowMeter | NowBoard;
 *                                  anything else throws Error("Module <name> not found")
 *
 * The module objects themselves come from the board (sim-world.ts) through
 * `BoardServices`; this file only shapes them into globals.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */

export interface BoardServices {
  nowMs(): number;
  /** Schedule fn(args...) into the board after ms; repeat = interval. */
  setTimer(fn: any, ms: number, repeat: boolean, args: any[]): number;
  /** Clear one timer, or all when id is undefined. */
  clearTimer(id: number | undefined): void;
  print(line: string): void;
  hwRand(): number;
  /** Module objects by require() name; a missing name is "not found". */
  modules: { [name: string]: any };
  /**
   * Light sleep for up to ms (issue 14): the receiver is off and the CPU rests at
   * the light-sleep current until the board's next callback or ms, whichever is
   * first. Offered to bindings that have a native for it (JerryScript's
   * nb_light_sleep); stock Espruino has none (docs/bindings.md).
   */
  lightSleep?(ms: number): boolean;
}

/** The names makeEspruinoGlobals defines: what an Espruino bundle may read beyond ES5. */
export var GLOBAL_NAMES = ['getTime', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'print', 'console', 'E', 'require'];

function valueText(v: any): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return 'undefined';
  if (v !== null && typeof v === 'object') {
    try {
      return JSON.stringify(v);
    } catch (e) {
      return String(v);
    }
  }
  return String(v);
}

function joinArgs(args: IArguments): string {
  var parts: string[] = [];
  for (var i = 0; i < args.length; i++) parts.push(valueText(args[i]));
  return parts.join(' ');
}

function restArgs(args: IArguments, from: number): any[] {
  var out: any[] = [];
  for (var i = from; i < args.length; i++) out.push(args[i]);
  return out;
}

/**
 * Espruino's E.convolve: sum_i arr1[i] * arr2[(i + offset) mod arr2.length],
 * offset taken modulo arr2's length (negative wraps); strings count as their
 * character codes. Self-contained on purpose (no helper calls, no outer
 * names): vm-board.ts compiles this very source inside each board's realm, so
 * crypto loops calling it thousands of times do not cross the membrane.
 */
export function convolve(arr1: any, arr2: any, offset: number): number {
  if (!arr1 || !arr2 || typeof arr1.length !== 'number' || typeof arr2.length !== 'number') {
    throw new Error('Expecting first 2 arguments to be iterable');
  }
  var n1 = arr1.length;
  var n2 = arr2.length;
  if (n2 === 0) return n1 === 0 ? 0 : NaN;
  var j = (offset | 0) % n2;
  if (j < 0) j += n2;
  var sum = 0;
  var i: number;
  if (typeof arr1 === 'string' || typeof arr2 === 'string') {
    for (i = 0; i < n1; i++) {
      sum += (typeof arr1 === 'string' ? arr1.charCodeAt(i) : +arr1[i]) * (typeof arr2 === 'string' ? arr2.charCodeAt(j) : +arr2[j]);
      if (++j === n2) j = 0;
    }
    return sum;
  }
  for (i = 0; i < n1; i++) {
    sum += arr1[i] * arr2[j];
    if (++j === n2) j = 0;
  }
  return sum;
}

export function makeEspruinoGlobals(svc: BoardServices): { [name: string]: any } {
  function out(): void {
    svc.print(joinArgs(arguments));
  }
  return {
    getTime: function () {
      return svc.nowMs() / 1000;
    },
    setTimeout: function (fn: any, ms: number) {
      return svc.setTimer(fn, +ms || 0, false, restArgs(arguments, 2));
    },
    clearTimeout: function (id?: number) {
      svc.clearTimer(id);
    },
    setInterval: function (fn: any, ms: number) {
      return svc.setTimer(fn, +ms || 0, true, restArgs(arguments, 2));
    },
    clearInterval: function (id?: number) {
      svc.clearTimer(id);
    },
    print: out,
    console: { log: out },
    E: {
      hwRand: function () {
        return svc.hwRand();
      },
      convolve: convolve,
    },
    require: function (name: string) {
      if (Object.prototype.hasOwnProperty.call(svc.modules, name) && svc.modules[name]) return svc.modules[name];
      throw new Error('Module ' + name + ' not found');
    },
  };
}
