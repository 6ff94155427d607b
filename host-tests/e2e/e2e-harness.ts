/** Shared set-up for the end-to-end suites: the built Espruino bundles in node:vm on the simulator. */
import fs from 'node:fs';
import path from 'node:path';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { runBatchScenario, batchScenarioOptions, BatchScenarioOptions } from '../../configurator/batch/batch-scenario.ts';
import { summaryText, startScenario, ScenarioResult, BoardSummary } from '../../configurator/sim/sim-scenario.ts';
import { SimBatch } from '../../configurator/batch/batch-protocol.ts';
import type { LoadBundle } from '../../configurator/sim/sim-world.ts';

const ROOT = path.resolve(__dirname, '../..');
export const bundles = {
  enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8'),
  configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8'),
};

export function runBatch(o: Omit<BatchScenarioOptions, 'bundles' | 'loadBundle'> & { alwaysListening?: boolean }) {
  const r = runBatchScenario({ ...o, bundles, loadBundle: o.alwaysListening ? alwaysListeningLoader() : vmLoader() });
  return r;
}

/**
 * The node:vm loader for boards whose ESP-NOW module has no `listen` (a binding
 * that cannot switch its receiver, docs/bindings.md): the runtime then leaves
 * the receiver on whatever the core asks (issue 14).
 */
export function alwaysListeningLoader(): LoadBundle {
  const vm = vmLoader();
  return (src, globals, id) => {
    const req = globals.require;
    const g = { ...globals, require: (name: string) => {
      const m = req(name);
      if (name !== 'ESPNOW' || !m) return m;
      const { listen: _drop, ...rest } = m;
      return rest;
    } };
    vm(src, g, id);
  };
}

/**
 * A batch run that gives the event loop back every `chunkMs` of virtual time:
 * a long simulation (100 boards: minutes of CPU on a loaded 2-core machine)
 * must not block vitest's worker so long that its progress messages time out.
 */
export async function runBatchAsync<B extends SimBatch>(o: BatchScenarioOptions<B>, chunkMs = 60000): Promise<{ result: ScenarioResult; batch: B }> {
  const s = batchScenarioOptions(o);
  const run = startScenario(s.opts);
  for (let t = chunkMs; !run.advance(t); t += chunkMs) await new Promise((r) => setImmediate(r));
  return { result: run.result(), batch: s.batch() };
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
