import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runScenario } from '../../configurator/sim/sim-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { HELLO_ENROLLEE, WELCOME_CONFIGURATOR, fixtureFinished } from './fixture-boards.ts';
import { writeTraceFiles } from './trace-files.ts';

describe('trace files', () => {
  it('writes the JSON trace and a text file that starts with the seed', () => {
    const r = runScenario({
      seed: 'files', enrollees: 2, configurators: 1, loadBundle: vmLoader(), finished: fixtureFinished,
      bundles: { enrollee: HELLO_ENROLLEE, configurator: WELCOME_CONFIGURATOR },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-trace-'));
    const base = writeTraceFiles(r, dir, 'unit test');
    expect(path.basename(base)).toBe('unit_test-files');
    expect(fs.readFileSync(base + '.trace.json', 'utf8')).toBe(r.trace.toJSON());
    const txt = fs.readFileSync(base + '.trace.txt', 'utf8');
    expect(txt.startsWith('seed files  OK')).toBe(true);
    expect(txt.endsWith(r.trace.toText())).toBe(true);
  });
});
