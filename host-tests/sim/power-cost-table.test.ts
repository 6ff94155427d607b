import { describe, expect, it } from 'vitest';
import {
  BOARD_FACTOR,
  COST_ENGINES,
  COST_UNITS,
  DEFAULT_COST_TABLE,
  ESP32_NATIVE_SECONDS,
  ESPRUINO_LINUX_CONVOLVE_SECONDS,
  ESPRUINO_LINUX_SECONDS,
  ESPRUINO_LOOP_ITER_S,
  HOST_SECONDS,
  costOf,
  cpuSecondsFor,
  makeCostTable,
} from '../../configurator/power/cost-table.ts';
import { ESP32_WROOM32, MSP430_CC2420_PAPER000, PARAM_SETS, espNowAirtimeUs } from '../../configurator/power/power-params.ts';
import { WORK_UNITS } from '../../firmware/crypto/work-counters';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return String((e as Error).message).split(':')[0];
  }
  return 'no error';
}

describe('cost table', () => {
  it('Espruino figures: measured per unit on Linux × board factor 15', () => {
    expect(BOARD_FACTOR).toBe(15);
    // 2 × x25519Base = 2.23 s CPU for 5122 fmul25519 → 0.000435377 s each; × 15 = 0.00653065 s on the board.
    expect(ESPRUINO_LINUX_SECONDS.fmul25519.s).toBeCloseTo(0.000435377, 9);
    expect(costOf('fmul25519', 'espruino-esp32-js')).toBeCloseTo(0.00653065, 8);
    // One X25519 of the project's code (2561 fmul25519) = 2.23 / 2 × 15 = 16.725 s on the board.
    expect(cpuSecondsFor({ fmul25519: 2561 }, 'espruino-esp32-js')).toBeCloseTo(16.725, 9);
    // One P-256 public key, first call (4230 fmulP) = 3.48 × 15 = 52.2 s.
    expect(cpuSecondsFor({ fmulP: 4230 }, 'espruino-esp32-js')).toBeCloseTo(52.2, 9);
    // finv = 255 loop iterations × 1.73 µs × 15 = 0.00661725 s.
    expect(costOf('finv', 'espruino-esp32-js')).toBeCloseTo(0.00661725, 12);
    expect(ESPRUINO_LOOP_ITER_S).toBe(1.73e-6);
  });

  it('sums mixed work: Σ count × seconds/unit', () => {
    // 10 shaBlock × 2.35 ms × 15 = 0.3525; 4 aesBlock × 0.42 ms × 15 = 0.0252; 2 events × 1.73 ms × 15 = 0.0519 → 0.4296 s
    expect(cpuSecondsFor({ shaBlock: 10, aesBlock: 4, event: 2 }, 'espruino-esp32-js')).toBeCloseTo(0.4296, 12);
    expect(cpuSecondsFor({}, 'espruino-esp32-js')).toBe(0);
  });

  it('native engine: E.convolve products and SHA/AES hardware (ESP-IDF thresholds at 160 MHz)', () => {
    // SHA: 64 B / 8.0 MB/s × 1.5 = 12 µs; AES: 16 B / 8.2 MB/s × 1.5 = 2.9268 µs.
    expect(costOf('shaBlockNative', 'espruino-esp32-native')).toBeCloseTo(12e-6, 15);
    expect(costOf('aesBlockNative', 'espruino-esp32-native')).toBeCloseTo(2.926829268e-6, 15);
    // X25519 with E.convolve: 1.47 s for 5122 → one X25519 (2561) = 0.735 × 15 = 11.025 s.
    expect(cpuSecondsFor({ fmul25519: 2561 }, 'espruino-esp32-native')).toBeCloseTo(11.025, 9);
    // P-256 with E.convolve: 3.04 s for 4230 fmulP → the same public key = 3.04 × 15 = 45.6 s.
    expect(cpuSecondsFor({ fmulP: 4230 }, 'espruino-esp32-native')).toBeCloseTo(45.6, 9);
    // Units without an accelerated path cost what pure JS costs.
    expect(costOf('finv', 'espruino-esp32-native')).toBe(costOf('finv', 'espruino-esp32-js'));
    expect(costOf('shaBlock', 'espruino-esp32-native')).toBe(costOf('shaBlock', 'espruino-esp32-js'));
    // 100 native SHA blocks + 1 event = 1.2 ms + 25.95 ms
    expect(cpuSecondsFor({ shaBlockNative: 100, event: 1 }, 'espruino-esp32-native')).toBeCloseTo(0.02715, 12);
  });

  it('host figures measured on Node', () => {
    expect(costOf('fmul25519', 'host')).toBeCloseTo(0.01503 / 51220, 15);
    expect(costOf('shaBlockNative', 'host')).toBe(1.35e-6);
    expect(costOf('event', 'host')).toBeCloseTo(1.6e-6, 15);
  });

  it('recalibrates from one factor and optional per-unit Linux figures', () => {
    var t = makeCostTable(10, { shaBlock: 0.002 }, { fmul25519: 0.0001 });
    expect(t.boardFactor).toBe(10);
    expect(costOf('shaBlock', 'espruino-esp32-js', t)).toBeCloseTo(0.02, 12);
    expect(costOf('fmul25519', 'espruino-esp32-js', t)).toBeCloseTo(0.00435377, 8);
    expect(costOf('fmul25519', 'espruino-esp32-native', t)).toBeCloseTo(0.001, 12);
    expect(cpuSecondsFor({ shaBlock: 1 }, 'espruino-esp32-js', t)).toBeCloseTo(0.02, 12);
    // The default table is untouched.
    expect(costOf('shaBlock', 'espruino-esp32-js')).toBeCloseTo(0.03525, 12);
    expect(codeOf(() => makeCostTable(0))).toBe('E_POWER_BAD_NUMBER');
  });

  it('prices every work counter of firmware/crypto/work-counters.ts on every engine', () => {
    for (var e = 0; e < COST_ENGINES.length; e++) {
      for (var i = 0; i < WORK_UNITS.length; i++) {
        var s = costOf(WORK_UNITS[i], COST_ENGINES[e]);
        expect(s).toBeGreaterThan(0);
      }
      expect(costOf('event', COST_ENGINES[e])).toBeGreaterThan(0);
    }
    for (var k = 0; k < COST_UNITS.length; k++) {
      expect(DEFAULT_COST_TABLE.engines['espruino-esp32-native'][COST_UNITS[k]]).toBeGreaterThan(0);
      expect(DEFAULT_COST_TABLE.engines.host[COST_UNITS[k]]).toBeGreaterThan(0);
    }
    var all = [ESPRUINO_LINUX_SECONDS, ESPRUINO_LINUX_CONVOLVE_SECONDS, ESP32_NATIVE_SECONDS, HOST_SECONDS];
    for (var a = 0; a < all.length; a++) {
      for (var u in all[a]) {
        expect(all[a][u].how.length).toBeGreaterThan(10);
        // 'Measured' figures are not estimates; everything else is.
        expect(all[a][u].estimate).toBe(all[a][u].how.indexOf('Measured') !== 0);
      }
    }
    // The board-side figures are all estimates.
    expect(ESP32_NATIVE_SECONDS.shaBlockNative.estimate).toBe(true);
    expect(ESPRUINO_LINUX_SECONDS.event.estimate).toBe(true);
  });

  it('typed errors', () => {
    expect(codeOf(() => cpuSecondsFor({ fmul25519: 1 }, 'espruino-esp8266'))).toBe('E_POWER_UNKNOWN_ENGINE');
    expect(codeOf(() => costOf('fmul25519', 'jerryscript'))).toBe('E_POWER_UNKNOWN_ENGINE');
    expect(codeOf(() => cpuSecondsFor({ fmul448: 1 }, 'host'))).toBe('E_POWER_UNKNOWN_UNIT');
    expect(codeOf(() => cpuSecondsFor({ fmul448: 0 }, 'host'))).toBe('E_POWER_UNKNOWN_UNIT');
    expect(codeOf(() => cpuSecondsFor({ shaBlock: -1 }, 'host'))).toBe('E_POWER_BAD_COUNT');
    expect(codeOf(() => cpuSecondsFor({ shaBlock: NaN }, 'host'))).toBe('E_POWER_BAD_COUNT');
    // The pure-JS binding has no native SHA: a non-zero count is a wiring bug, zero is fine.
    expect(codeOf(() => cpuSecondsFor({ shaBlockNative: 1 }, 'espruino-esp32-js'))).toBe('E_POWER_UNIT_UNAVAILABLE');
    expect(cpuSecondsFor({ shaBlockNative: 0, aesBlock: 1 }, 'espruino-esp32-js')).toBeCloseTo(0.0063, 12);
  });
});

describe('power parameters', () => {
  it('every figure has a source, a note and a non-negative current', () => {
    for (var name in PARAM_SETS) {
      var p = PARAM_SETS[name];
      expect(p.voltageV).toBeGreaterThan(0);
      for (var c in p.components) {
        expect(p.components[c][p.initial[c]]).toBeDefined();
        for (var s in p.components[c]) {
          var f = p.components[c][s];
          expect(f.mA).toBeGreaterThanOrEqual(0);
          expect(f.source.length).toBeGreaterThan(5);
          expect(f.note.length).toBeGreaterThan(5);
          expect(typeof f.estimate).toBe('boolean');
        }
      }
    }
  });

  it('ESP32: idle + radio reproduces the datasheet whole-chip RX and TX currents; cpu active within 27–44 mA', () => {
    var c = ESP32_WROOM32.components;
    expect(c.cpu.idle.mA + c.radio.rx.mA).toBe(100);
    expect(c.cpu.idle.mA + c.radio.tx.mA).toBe(240);
    expect(c.cpu.cpu.mA).toBeGreaterThanOrEqual(27);
    expect(c.cpu.cpu.mA).toBeLessThanOrEqual(44);
    expect(c.cpu.lightsleep.mA).toBe(0.8);
    expect(c.cpu.deepsleep.mA).toBe(0.01);
    expect(ESP32_WROOM32.voltageV).toBe(3.3);
  });

  it("paper 000's Table II", () => {
    var c = MSP430_CC2420_PAPER000.components;
    expect([c.cpu.cpu.mA, c.cpu.idle.mA, c.radio.rx.mA, c.radio.tx.mA, MSP430_CC2420_PAPER000.voltageV]).toEqual([10, 0.0005, 8.8, 17.4, 3]);
    expect(MSP430_CC2420_PAPER000.platformTicksPerSecond).toBe(32768);
  });

  it('ESP-NOW airtime: 192 µs + (payload + 43 B) × 8 µs', () => {
    expect(espNowAirtimeUs(250)).toBe(2536);
    expect(espNowAirtimeUs(0)).toBe(536);
    expect(codeOf(() => espNowAirtimeUs(-1))).toBe('E_POWER_BAD_NUMBER');
    expect(codeOf(() => espNowAirtimeUs(1.5))).toBe('E_POWER_BAD_NUMBER');
  });
});
