import { describe, expect, it } from 'vitest';
import * as vm from 'node:vm';
import { bundle, lowerToEs5, hoistDeclarations, proveEs5, formatErrors, ROOT } from '../../build/pipeline.ts';
import { globalsFor } from '../../build/targets.ts';
import { createBoardPower, cpuSecondsFor } from '../../configurator/power/power-model.ts';
import { tableIIIText, powerSvg, batchSummaryText } from '../../configurator/power/power-report.ts';

// The power model and its reports are bundled into the engine scenarios: they must
// pass the ES5 proof and behave the same once lowered to ES5.
var ENTRY = [
  "import { createBoardPower, cpuSecondsFor } from './configurator/power/power-model.ts';",
  "import { tableIIIText, powerSvg, batchSummaryText } from './configurator/power/power-report.ts';",
  'declare var print: (s: string) => void;',
  'var bp = createBoardPower("b1");',
  'bp.setState("cpu", "cpu", 0); bp.setState("radio", "rx", 0); bp.setState("cpu", "idle", 10);',
  'bp.setState("radio", "tx", 100); bp.setState("radio", "rx", 102.5); bp.op("tx", 100, 102.5);',
  'bp.work("fmul25519", 2561, 0);',
  'var rep = bp.energy(1000);',
  'print(tableIIIText(rep));',
  'print(batchSummaryText([rep]));',
  'print(String(cpuSecondsFor({ fmul25519: 2561, event: 1 }, "espruino-esp32-js")));',
  'print(powerSvg(bp.series(50)));',
].join('\n');

function direct(): string {
  var out: string[] = [];
  var bp = createBoardPower('b1');
  bp.setState('cpu', 'cpu', 0);
  bp.setState('radio', 'rx', 0);
  bp.setState('cpu', 'idle', 10);
  bp.setState('radio', 'tx', 100);
  bp.setState('radio', 'rx', 102.5);
  bp.op('tx', 100, 102.5);
  bp.work('fmul25519', 2561, 0);
  var rep = bp.energy(1000);
  out.push(tableIIIText(rep), batchSummaryText([rep]), String(cpuSecondsFor({ fmul25519: 2561, event: 1 }, 'espruino-esp32-js')), powerSvg(bp.series(50)));
  return out.join('\n');
}

describe('power model as an ES5 bundle', () => {
  it('passes the ES5 proof for the duk and espruino profiles and prints what the TypeScript prints', async () => {
    var es5 = hoistDeclarations(lowerToEs5(await bundle({ contents: ENTRY, resolveDir: ROOT, platformFile: null })));
    var profiles = ['duk', 'espruino'];
    for (var i = 0; i < profiles.length; i++) {
      var g = globalsFor(profiles[i] as 'duk', ROOT);
      g.add('print');
      var errs = proveEs5(es5, { bundle: 'power-' + profiles[i], globals: g });
      expect(formatErrors(errs)).toBe(formatErrors([]));
      expect(errs.length).toBe(0);
    }
    var printed: string[] = [];
    vm.runInNewContext(es5, { print: function (s: string) { printed.push(s); } });
    expect(printed.join('\n')).toBe(direct());
    // Hand check (see power-model.test.ts): 331.452 mJ for this timeline.
    expect(printed[0]).toContain('energy 331.4520 mJ');
  });
});
