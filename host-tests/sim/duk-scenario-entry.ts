/**
 * Duktape entry: runs the standard scenario (standard-scenario.ts) on the
 * board bundles the build embeds as
 *
 *   var NOWBOARD_BUNDLES = {"espruino/whitelist/enrollee": "<src>", "espruino/whitelist/configurator": "<src>"};
 *
 * in front of this file's bundle (dist/duk/scenario.js). Each board gets its
 * own globals by running its source as `new Function(<global names>, src)`:
 * the parameters shadow Duktape's globals (print, require...) for that board
 * only. Prints a summary; throws if any board did not finish or crashed, so
 * `duk dist/duk/scenario.js` exits non-zero.
 *
 * ES5-safe: this file and everything it imports run in Duktape 2.7.
 */
import { runScenario, summaryText } from '../../configurator/sim/sim-scenario.ts';
import { standardScenario } from './standard-scenario.ts';
import { GLOBAL_NAMES } from '../../configurator/sim/espruino-globals.ts';

declare var NOWBOARD_BUNDLES: { [name: string]: string };
declare var print: (s: string) => void;

/** LoadBundle for Duktape: a Function whose parameters are the board's globals. */
export function functionLoader(src: string, globals: { [name: string]: any }, _boardId: string): void {
  var names: string[] = [];
  var values: any[] = [];
  for (var i = 0; i < GLOBAL_NAMES.length; i++) {
    names.push(GLOBAL_NAMES[i]);
    values.push(globals[GLOBAL_NAMES[i]]);
  }
  // ES5 lets one argument list all parameters: new Function("a,b,c", body).
  var f = new Function(names.join(','), src);
  f.apply(null, values);
}

function bundle(name: string): string {
  if (typeof NOWBOARD_BUNDLES === 'undefined' || typeof NOWBOARD_BUNDLES[name] !== 'string') {
    throw new Error('duk scenario: NOWBOARD_BUNDLES["' + name + '"] is missing (the build prepends it)');
  }
  return NOWBOARD_BUNDLES[name];
}

var result = runScenario(standardScenario(
  { enrollee: bundle('espruino/whitelist/enrollee'), configurator: bundle('espruino/whitelist/configurator') },
  functionLoader,
).opts);
print('nowboard Duktape scenario');
print(summaryText(result));
if (!result.ok) {
  // What the boards said, for the CI log: reports, prints, crashes (frames left out).
  var lines = result.trace.toText().split('\n');
  var shown = 0;
  for (var i = 0; i < lines.length && shown < 200; i++) {
    if (lines[i].indexOf(' -> ') >= 0) continue;
    print(lines[i]);
    shown++;
  }
  throw new Error('duk scenario FAILED (seed ' + result.seed + '): a board did not finish or crashed');
}
print('duk scenario OK');
