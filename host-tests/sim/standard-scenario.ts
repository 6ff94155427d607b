/**
 * The scenario both engines run (vitest under node:vm, and Duktape through
 * dist/duk/scenario.js): one definition, so "the same scenario" is literal.
 *
 * Finished rules — TODO(issue 4, whitelist provisioning): these follow the
 * interim HELLO/WELCOME apps: an enrollee is finished when it reports
 * {"ev":"provisioned"}; a configurator when it reports {"ev":"batch-done"} or
 * has reported {"ev":"served","to":<mac>} for every enrollee. When the real
 * apps land, change only FINAL_EVENTS / configuratorFinished here.
 *
 * ES5-safe: bundled into the Duktape scenario.
 */
import { ScenarioOptions } from './sim-scenario.ts';
import { Board, World, LoadBundle } from './sim-world.ts';

export var STANDARD_SEED = 'nowboard-standard-1';
export var STANDARD_ENROLLEES = 3;
export var STANDARD_CONFIGURATORS = 1;
export var STANDARD_LOSS = 0.1;
export var STANDARD_MAX_MS = 120000;
export var STANDARD_ACCESS_POINTS: { [ssid: string]: string | null } = { 'nowboard-lab': 'correct horse battery' };

/** Report events that finish a board of each role. */
export var FINAL_EVENTS: { [role: string]: string[] } = {
  enrollee: ['provisioned'],
  configurator: ['batch-done'],
};

function hasEvent(b: Board, names: string[]): boolean {
  for (var i = 0; i < b.reports.length; i++) {
    for (var j = 0; j < names.length; j++) if (b.reports[i].ev === names[j]) return true;
  }
  return false;
}

function configuratorFinished(b: Board, world: World): boolean {
  if (hasEvent(b, FINAL_EVENTS.configurator)) return true;
  var served: { [mac: string]: boolean } = {};
  for (var i = 0; i < b.reports.length; i++) if (b.reports[i].ev === 'served') served[String(b.reports[i].to)] = true;
  var any = false;
  for (var k = 0; k < world.boards.length; k++) {
    var e = world.boards[k];
    if (e.role !== 'enrollee') continue;
    any = true;
    if (!served[e.macText]) return false;
  }
  return any;
}

export function standardFinished(b: Board, world: World): boolean {
  if (!b.alive) return false;
  if (b.role === 'configurator') return configuratorFinished(b, world);
  return hasEvent(b, FINAL_EVENTS[b.role] || []);
}

export function standardScenario(bundles: { enrollee: string; configurator: string }, loadBundle: LoadBundle): ScenarioOptions {
  return {
    seed: STANDARD_SEED,
    enrollees: STANDARD_ENROLLEES,
    configurators: STANDARD_CONFIGURATORS,
    bundles: bundles,
    loadBundle: loadBundle,
    loss: STANDARD_LOSS,
    accessPoints: STANDARD_ACCESS_POINTS,
    maxMs: STANDARD_MAX_MS,
    finished: standardFinished,
  };
}
