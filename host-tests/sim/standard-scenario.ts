/**
 * The scenario both engines run — vitest under node:vm (scenario-e2e.test.ts)
 * and Duktape through dist/duk/scenario.js — from one definition, so "the
 * same scenario" is literal: the lead's batch scenario
 * (configurator/batch/batch-scenario.ts: flashes prepared like freshly
 * flashed boards, enrollees finished on {"ev":"provisioned"}, the
 * configurator on an OK audit line for each of its enrollees) with a fixed
 * seed, 3 enrollees, 1 configurator and 10 % loss on every link.
 *
 * ES5-safe: bundled into the Duktape scenario.
 */
import { ScenarioOptions } from '../../configurator/sim/sim-scenario.ts';
import { LoadBundle } from '../../configurator/sim/sim-world.ts';
import { batchScenarioOptions } from '../../configurator/batch/batch-scenario.ts';
import { WlSimBatch } from '../../configurator/batch/whitelist-batch.ts';

export var STANDARD_SEED = 'nowboard-standard-1';
export var STANDARD_ENROLLEES = 3;
export var STANDARD_CONFIGURATORS = 1;
export var STANDARD_LOSS = 0.1;

export function standardScenario(bundles: { enrollee: string; configurator: string }, loadBundle: LoadBundle): { opts: ScenarioOptions; batch: () => WlSimBatch } {
  return batchScenarioOptions({
    seed: STANDARD_SEED,
    enrollees: STANDARD_ENROLLEES,
    configurators: STANDARD_CONFIGURATORS,
    loss: STANDARD_LOSS,
    bundles: bundles,
    loadBundle: loadBundle,
  });
}
