/**
 * The scenario every engine runs — vitest under node:vm (scenario-e2e.test.ts)
 * and Duktape, Espruino and JerryScript through the engine scenarios
 * (host-tests/engines/, dist/engines/<protocol>/scenario-<platform>.js) —
 * from one definition, so "the same scenario" is literal: the batch scenario
 * (configurator/batch/batch-scenario.ts: flashes prepared like freshly
 * flashed boards, enrollees finished on {"ev":"provisioned"}, the
 * configurator on an OK audit line for each of its enrollees) with a fixed
 * seed, 3 enrollees, 1 configurator and 10 % loss on every link.
 *
 * ES5-safe: bundled into the engine scenarios.
 */
import { ScenarioOptions } from '../../configurator/sim/sim-scenario.ts';
import { LoadBundle, BoardPlatform } from '../../configurator/sim/sim-world.ts';
import { batchScenarioOptions } from '../../configurator/batch/batch-scenario.ts';
import { BatchProtocol, SimBatch } from '../../configurator/batch/batch-protocol.ts';
import { WlSimBatch } from '../../configurator/batch/whitelist-batch.ts';

export var STANDARD_SEED = 'nowboard-standard-1';
export var STANDARD_ENROLLEES = 3;
export var STANDARD_CONFIGURATORS = 1;
export var STANDARD_LOSS = 0.1;

export interface StandardOptions {
  /** the protocol's batch (default whitelist); the bundles must be that protocol's */
  protocol?: BatchProtocol<any>;
  /** the platform the bundles were built for (default espruino) */
  platform?: BoardPlatform;
}

export function standardScenario<B extends SimBatch = WlSimBatch>(
  bundles: { enrollee: string; configurator: string },
  loadBundle: LoadBundle,
  o?: StandardOptions,
): { opts: ScenarioOptions; batch: () => B } {
  return batchScenarioOptions<B>({
    protocol: o && o.protocol,
    platform: o && o.platform,
    seed: STANDARD_SEED,
    enrollees: STANDARD_ENROLLEES,
    configurators: STANDARD_CONFIGURATORS,
    loss: STANDARD_LOSS,
    bundles: bundles,
    loadBundle: loadBundle,
  });
}
