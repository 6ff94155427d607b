import { describe, it, expect } from 'vitest';
import { runScenario, summaryText, ScenarioOptions } from '../../configurator/sim/sim-scenario.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { HELLO_ENROLLEE, WELCOME_CONFIGURATOR, fixtureFinished } from './fixture-boards.ts';

function lossy(seed: number | string): ScenarioOptions {
  return {
    seed,
    enrollees: 5,
    configurators: 1,
    bundles: { enrollee: HELLO_ENROLLEE, configurator: WELCOME_CONFIGURATOR },
    loadBundle: vmLoader(),
    loss: 0.35,
    medium: { link: { jitterMs: 3, dup: 0.1, reorder: 0.2, reorderMaxMs: 20 } },
    maxMs: 60000,
    finished: fixtureFinished,
  };
}

describe('determinism', () => {
  it('same seed: byte-identical trace (JSON and text); a different seed: a different trace', () => {
    const a = runScenario(lossy(2024));
    const b = runScenario(lossy(2024));
    const c = runScenario(lossy(2025));
    expect(a.ok, summaryText(a)).toBe(true);
    expect(c.ok, summaryText(c)).toBe(true);
    // the lossy options really bit: drops, duplicates and MAC retries happened
    expect(a.medium.dropped, summaryText(a)).toBeGreaterThan(0);
    expect(a.medium.duplicated + c.medium.duplicated).toBeGreaterThan(0);
    expect(a.medium.retries + c.medium.retries).toBeGreaterThan(0);
    expect(b.trace.toJSON()).toBe(a.trace.toJSON());
    expect(b.trace.toText()).toBe(a.trace.toText());
    expect(summaryText(b)).toBe(summaryText(a));
    expect(c.trace.toJSON()).not.toBe(a.trace.toJSON());
    expect(c.trace.toText()).not.toBe(a.trace.toText());
  });

  it('the trace text has one line per record, in time order', () => {
    const a = runScenario(lossy('lines'));
    const lines = a.trace.toText().trimEnd().split('\n');
    expect(lines.length).toBe(a.trace.records.length);
    const times = lines.map((l) => parseFloat(l));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    const json = JSON.parse(a.trace.toJSON());
    expect(json.length).toBe(lines.length);
    expect(json.filter((r: any) => r.kind === 'frame').every((r: any) => r.hex.length === 2 * r.len)).toBe(true);
  });
});
