/** Shared set-up for the end-to-end suites: the built Espruino bundles in node:vm on the simulator. */
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runBatchScenario, BatchScenarioOptions } from '../../configurator/batch/batch-scenario.ts';
import { summaryText, ScenarioResult, BoardSummary } from '../../configurator/sim/sim-scenario.ts';

const ROOT = path.resolve(__dirname, '../..');
export const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8'),
};

export function runBatch(o: Omit<BatchScenarioOptions, 'bundles' | 'loadBundle'>) {
  const r = runBatchScenario({ ...o, bundles, loadBundle: vmLoader() });
  return r;
}

/** Print the seed and the summary when a check fails, so the run can be replayed. */
export function explain(r: ScenarioResult): string {
  return summaryText(r).slice(0, 4000);
}

export const enrollees = (r: ScenarioResult) => r.boards.filter((b) => b.role === 'enrollee');
export const configurators = (r: ScenarioResult) => r.boards.filter((b) => b.role === 'configurator');
export const provisioned = (b: BoardSummary) => b.reports.find((x) => x.ev === 'provisioned');
export const audits = (b: BoardSummary) => b.reports.filter((x) => x.ev === 'audit');
export const sessionsFor = (cfg: BoardSummary, hash: string) =>
  cfg.reports.filter((x) => x.ev === 'report' && x.name === 'I_SESSION' && String(x.detail).indexOf(hash.slice(0, 16)) >= 0);
export function noCrashes(r: ScenarioResult): boolean {
  return r.boards.every((b) => b.crashes.length === 0);
}
