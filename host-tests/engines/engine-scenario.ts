/**
 * The engine scenario: the standard scenario (host-tests/sim/standard-scenario.ts)
 * run inside a real small engine (Duktape, Espruino, JerryScript) on the board
 * bundles the build embeds in front of it as
 *
 *   var NOWBOARD_BUNDLES = {"<platform>/<protocol>/enrollee": "<src>", "<platform>/<protocol>/configurator": "<src>"};
 *
 * The build makes one entry per protocol and platform (build/targets.ts
 * ENGINE_BATCHES) that calls runEngineScenario; the output is
 * dist/engines/<protocol>/scenario-<platform>.js. Espruino bundles get
 * Espruino's globals, JerryScript bundles the nb_* natives
 * (configurator/sim/jerry-globals.ts), both on the simulator's medium, clock
 * and flash. The whole run is synchronous on the virtual clock, so the
 * engine needs no event loop, timers or exit(): JerryScript's command line
 * runs it as it is.
 *
 * Output: `NOWBOARD-ENGINE START ...`, the summary (summaryText, which the
 * runner compares with node:vm's), then exactly one of
 * `NOWBOARD-ENGINE PASS ...` or `NOWBOARD-ENGINE FAIL ...` (then a throw, so
 * the engine exits non-zero where it can; Espruino's exit code is not to be
 * trusted, hence the line).
 *
 * ES5-safe: this file and everything it imports run in the engines.
 */
import { runScenario, summaryText, ScenarioOptions } from '../../configurator/sim/sim-scenario.ts';
import { LoadBundle, BoardPlatform } from '../../configurator/sim/sim-world.ts';
import { BatchProtocol } from '../../configurator/batch/batch-protocol.ts';
import { standardScenario } from '../sim/standard-scenario.ts';
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';

declare var NOWBOARD_BUNDLES: { [name: string]: string };
declare var print: (s: string) => void;
declare var E: { convolve?: (a: Float64Array, b: Float64Array, off: number) => number } | undefined;

/**
 * The harness's own crypto (batch keys, the cloud batch's AC: more P-256 work
 * than the boards' in the cloud scenario) through the engine's native
 * E.convolve where it has one (Espruino), as the crypto self-check does. Speed
 * only: the accelerated field products equal the pure ones (host-tests/crypto/),
 * and harness work is charged to no board, so the summary is the same.
 * The boards are untouched: each bundle has its own crypto and its own `E`.
 */
function installHarnessHooks(): string {
  if (typeof E !== 'undefined' && E && typeof E.convolve === 'function') {
    installEngineHooks({ convolve: E.convolve });
    return ' (harness crypto: E.convolve)';
  }
  return '';
}

/** First word of every line the runner parses. */
export var ENGINE_TAG = 'NOWBOARD-ENGINE';

/**
 * LoadBundle for a real engine: each bundle is compiled once, as a Function
 * whose parameters are the board's global names (they shadow the engine's own
 * print, require...), and every boot of every board calls it with that
 * board's values. Compiling once matters on JerryScript, whose fixed heap
 * would otherwise hold one bytecode copy per board. One argument per
 * parameter name: Espruino's Function constructor takes each argument as one
 * name, so `new Function("a,b,c", body)` would declare a single parameter
 * there. (Function via a local: the ES5 proof allow-lists Function's static
 * members, not calls to it.)
 */
export function functionLoader(): LoadBundle {
  var compiled: { src: string; names: string; fn: any }[] = [];
  return function (src: string, globals: { [name: string]: any }, _boardId: string): void {
    var names: string[] = [];
    var values: any[] = [];
    for (var k in globals) {
      if (Object.prototype.hasOwnProperty.call(globals, k)) {
        names.push(k);
        values.push(globals[k]);
      }
    }
    var key = names.join(',');
    var fn: any = null;
    for (var i = 0; i < compiled.length && !fn; i++) if (compiled[i].src === src && compiled[i].names === key) fn = compiled[i].fn;
    if (!fn) {
      var ctor: any = Function;
      fn = ctor.apply(null, names.concat([src]));
      compiled.push({ src: src, names: key, fn: fn });
    }
    fn.apply(null, values);
  };
}

function bundle(name: string): string {
  if (typeof NOWBOARD_BUNDLES === 'undefined' || typeof NOWBOARD_BUNDLES[name] !== 'string') {
    throw new Error('engine scenario: NOWBOARD_BUNDLES["' + name + '"] is missing (the build prepends it)');
  }
  return NOWBOARD_BUNDLES[name];
}

export interface EngineScenario {
  protocol: string;
  platform: BoardPlatform;
  batch: BatchProtocol<any>;
}

/** Virtual-time limit: an hour, since P-256 protocols at Espruino's modelled CPU speed need more than the batch default of 10 minutes. */
export var ENGINE_MAX_MS = 3600000;

/**
 * The standard scenario as the engines run it (the runner computes node:vm's
 * summary from the same options): frame records are left out of the trace,
 * since the summary never shows them and on JerryScript's fixed heap they are
 * the largest thing the simulator keeps.
 */
export function engineScenarioOptions(bundles: { enrollee: string; configurator: string }, loadBundle: LoadBundle, o: { batch: BatchProtocol<any>; platform: BoardPlatform }): ScenarioOptions {
  var opts = standardScenario(bundles, loadBundle, { protocol: o.batch, platform: o.platform }).opts;
  opts.traceFrames = false;
  opts.maxMs = ENGINE_MAX_MS;
  return opts;
}

/** Runs the standard scenario on this protocol's bundles for this platform; prints PASS or prints FAIL and throws. */
export function runEngineScenario(o: EngineScenario): void {
  var what = o.protocol + ' ' + o.platform;
  print(ENGINE_TAG + ' START scenario ' + what + installHarnessHooks());
  var bundles = {
    enrollee: bundle(o.platform + '/' + o.protocol + '/enrollee'),
    configurator: bundle(o.platform + '/' + o.protocol + '/configurator'),
  };
  var result = runScenario(engineScenarioOptions(bundles, functionLoader(), o));
  print(summaryText(result));
  if (!result.ok) {
    // What the boards said, for the log: reports, prints, crashes (frames left out).
    var lines = result.trace.toText().split('\n');
    var shown = 0;
    for (var i = 0; i < lines.length && shown < 200; i++) {
      if (lines[i].indexOf(' -> ') >= 0) continue;
      print(lines[i]);
      shown++;
    }
    print(ENGINE_TAG + ' FAIL scenario ' + what + ' (seed ' + result.seed + '): a board did not finish or crashed');
    throw new Error('engine scenario FAILED (seed ' + result.seed + ')');
  }
  print(ENGINE_TAG + ' PASS scenario ' + what + ' seed ' + result.seed + ' boards ' + result.boards.length + ' virtual ' + Math.round(result.endMs) + ' ms');
}
