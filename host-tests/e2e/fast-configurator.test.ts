/**
 * Issue 13 part 5 on the built bundles (dist/espruino/whitelist/*.js in node:vm,
 * the simulator's CPU model for Espruino on an ESP32): the standalone
 * configurator provisions a batch at 10 % loss with its ephemeral pool
 * (firmware/protocols/whitelist/README.md §4.5), and no step of it — in
 * particular no step that answers a PRESENCE with a CHALLENGE, a session's
 * critical path — does more than one X25519. The X25519s are counted with the
 * work counters (firmware/crypto/work-counters.ts) the runtime reports after
 * every step, per callback of the configurator board.
 */
import { describe, it, expect } from 'vitest';
import { runBatch, explain, enrollees, configurators, audits, provisioned, noCrashes } from './e2e-harness.ts';
import { X25519_FMULS } from '../../configurator/power/cost-table.ts';
import { POOL_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';

const N = 12;

describe('fast standalone configurator (issue 13 part 5)', () => {
  it(`provisions ${N} enrollees at 10 % loss with pooled ephemerals, at most one X25519 per configurator step`, () => {
    const perCall: number[] = [];
    const { result: r } = runBatch({
      seed: 'fast-configurator', enrollees: N, loss: 0.1, maxMs: 3 * 3600e3,
      setup: (world) => {
        const cfg = world.board('cfg1');
        const inner = cfg.power.work.bind(cfg.power);
        // The world reports each callback's counted work once (sim-world.ts account()).
        cfg.power.work = (unit: string, n: number, at: number) => {
          if (unit === 'fmul25519') perCall.push(n);
          inner(unit, n, at);
        };
      },
    });
    expect(noCrashes(r), explain(r)).toBe(true);
    for (const e of enrollees(r)) expect(provisioned(e), explain(r)).toBeTruthy();
    const cfg = configurators(r)[0];
    const lines = audits(cfg);
    expect(lines.filter((a) => a.name === 'OK' || a.name === 'I_CONFIRMED')).toHaveLength(N);

    // Every step with field work did exactly one whole X25519 (an idle step's x·9, or a session's es = x·E).
    expect(perCall.length).toBeGreaterThan(0);
    for (const n of perCall) expect(n).toBe(X25519_FMULS);

    // The CHALLENGEs: one per session; their X shared by up to ephUses sessions.
    const frames = r.trace.frames().filter((f: any) => f.from === 'cfg1' && f.hex.slice(4, 6) === '02');
    const byChallenge = new Map<string, string>();
    for (const f of frames) byChallenge.set(f.hex, f.hex.slice(16, 80));
    const xs = new Map<string, number>();
    for (const X of byChallenge.values()) xs.set(X, (xs.get(X) ?? 0) + 1);
    const sessions = byChallenge.size;
    expect(sessions).toBeGreaterThanOrEqual(N);
    expect(xs.size).toBeLessThan(sessions);
    for (const uses of xs.values()) expect(uses).toBeLessThanOrEqual(POOL_DEFAULTS.ephUses);

    // Total: one X25519 per session (es; fewer when an enrollee's retry finds it cached) plus the ephemerals computed.
    const x25519 = cfg.workTotals.fmul25519 / X25519_FMULS;
    expect(x25519).toBe(perCall.length);
    expect(x25519).toBeLessThanOrEqual(sessions + xs.size + POOL_DEFAULTS.poolSize);
    expect(x25519).toBeLessThan(2 * sessions);
  }, 300000);
});
