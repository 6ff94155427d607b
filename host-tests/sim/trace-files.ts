/**
 * Node-only: write a scenario's trace as <base>.trace.json and
 * <base>.trace.txt (under reports/, which git ignores), so a failing test
 * leaves the whole run to read next to the seed it printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../../configurator/sim/sim-scenario.ts';
import { summaryText } from '../../configurator/sim/sim-scenario.ts';

export function writeTraceFiles(result: ScenarioResult, dir: string, name: string): string {
  fs.mkdirSync(dir, { recursive: true });
  var base = path.join(dir, name.replace(/[^A-Za-z0-9_.-]/g, '_') + '-' + String(result.seed).replace(/[^A-Za-z0-9_.-]/g, '_'));
  fs.writeFileSync(base + '.trace.json', result.trace.toJSON());
  fs.writeFileSync(base + '.trace.txt', summaryText(result) + '\n\n' + result.trace.toText());
  return base;
}
