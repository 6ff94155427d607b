/**
 * Issue 14 part 3: a board calibration replaces the BOARD_FACTOR estimate
 * per unit, and every figure of a table says whether it is measured.
 */
import { describe, it, expect } from 'vitest';
import {
  makeCostTable, calibratedCostTable, costRows, cpuSecondsFor, ENGINE_JS, ENGINE_NATIVE, ENGINE_HOST,
  ESPRUINO_LINUX_SECONDS, ESPRUINO_LINUX_CONVOLVE_SECONDS, BOARD_FACTOR, COST_UNITS,
} from '../../configurator/power/cost-table.ts';

const cal = { engine: 'Espruino 2v29 ESP32', label: 'measured on test board, 2026-12-04', js: { fmul25519: 0.004, event: 0.02 }, accel: { fmulP: 0.009 }, native: { aesBlockNative: 5e-6 } };

describe('cost table calibrated from a board', () => {
  it('the estimates say so, unit by unit', () => {
    const t = makeCostTable();
    expect(t.basis).toBe('estimates (board factor ' + BOARD_FACTOR + ')');
    for (const r of costRows(t, ENGINE_JS)) expect(r.estimate, r.unit).toBe(true);
    for (const r of costRows(t, ENGINE_HOST)) expect(r.estimate).toBe(r.unit === 'finv' || r.unit === 'event');
    expect(costRows(t, ENGINE_JS).map((r) => r.unit)).toEqual(COST_UNITS.filter((u) => u !== 'shaBlockNative' && u !== 'aesBlockNative'));
  });

  it('measured units replace their estimates on the engines that run them; the rest stay estimates', () => {
    const t = calibratedCostTable(cal);
    const js = t.engines[ENGINE_JS];
    const nat = t.engines[ENGINE_NATIVE];
    expect(js.fmul25519).toBe(0.004);
    expect(js.event).toBe(0.02);
    expect(js.fmulP).toBe(ESPRUINO_LINUX_SECONDS.fmulP.s * BOARD_FACTOR);
    // The native engine: fmul25519 goes through E.convolve there, so the pure figure does not replace it; event does.
    expect(nat.fmul25519).toBe(ESPRUINO_LINUX_CONVOLVE_SECONDS.fmul25519.s * BOARD_FACTOR);
    expect(nat.event).toBe(0.02);
    expect(nat.fmulP).toBe(0.009);
    expect(nat.aesBlockNative).toBe(5e-6);
    const src = t.sources;
    expect(src[ENGINE_JS].fmul25519).toEqual({ estimate: false, how: cal.label });
    expect(src[ENGINE_JS].fmulP.estimate).toBe(true);
    expect(src[ENGINE_NATIVE].fmulP.estimate).toBe(false);
    expect(src[ENGINE_NATIVE].shaBlockNative.estimate).toBe(true);
    expect(t.basis).toMatch(/^measured on test board, 2026-12-04: 4 figures measured/);
    // cpuSecondsFor follows the table it is given.
    expect(cpuSecondsFor({ fmul25519: 1000, event: 2 }, ENGINE_JS, t)).toBeCloseTo(1000 * 0.004 + 2 * 0.02, 12);
    expect(t.engines[ENGINE_HOST]).toEqual(makeCostTable().engines[ENGINE_HOST]);
  });

  it('an unknown unit or a bad figure in a calibration is a typed error', () => {
    expect(() => calibratedCostTable({ ...cal, js: { fmulBogus: 1 } })).toThrow(/^E_POWER_UNKNOWN_UNIT/);
    expect(() => calibratedCostTable({ ...cal, js: { fmul25519: -1 } })).toThrow(/^E_POWER_BAD_NUMBER/);
    expect(() => calibratedCostTable({ ...cal, js: { fmul25519: NaN } })).toThrow(/^E_POWER_BAD_NUMBER/);
    expect(() => costRows(makeCostTable(), 'nope')).toThrow(/^E_POWER_UNKNOWN_ENGINE/);
  });
});
