import { describe, expect, it } from 'vitest';
import {
  BOARD_FACTOR,
  COST_ENGINES,
  COST_UNITS,
  DEFAULT_COST_TABLE,
  ESP32_NATIVE_SECONDS,
  ESPRUINO_LINUX_SECONDS,
  HOST_SECONDS,
  X25519_FMULS,
  costOf,
  cpuSecondsFor,
  makeCostTable,
} from './cost-table.ts';
import { ESP32_WROOM32, MSP430_CC2420_PAPER000, PARAM_SETS, espNowAirtimeUs } from './power-params.ts';
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
  it('derives fmul25519 from the tweetnacl X25519 timing (ENGINES.md) and board factor 15', () => {
    expect(BOARD_FACTOR).toBe(15);
    // 255 ladder steps × 10 + inversion 254 + 252 + final 1 = 3057 field multiplications.
    expect(X25519_FMULS).toBe(3057);
    // 2.36 s / 3057 = 0.000771998… s on Espruino/Linux; × 15 = 0.0115799804 s on the board.
    expect(ESPRUINO_LINUX_SECONDS.fmul25519.s).toBeCloseTo(0.00077199869, 11);
    expect(costOf('fmul25519', 'espruino-esp32-js')).toBeCloseTo(0.0115799804, 9);
    // One X25519 worth of multiplications = 2.36 s × 15 = 35.4 s.
    expect(cpuSecondsFor({ fmul25519: 3057 }, 'espruino-esp32-js')).toBeCloseTo(35.4, 9);
    // fmulP = 1.5 × fmul25519; finv = 255 loop iterations × 2.85 µs × 15.
    expect(costOf('fmulP', 'espruino-esp32-js')).toBeCloseTo(0.0173699706, 9);
    expect(costOf('finv', 'espruino-esp32-js')).toBeCloseTo(0.01090125, 12);
  });

  it('sums mixed work: Σ count × seconds/unit', () => {
    // 10 shaBlock × 3 ms × 15 + 4 aesBlock × 1.5 ms × 15 + 2 events × 2 ms × 15 = 0.45 + 0.09 + 0.06 = 0.6 s
    expect(cpuSecondsFor({ shaBlock: 10, aesBlock: 4, event: 2 }, 'espruino-esp32-js')).toBeCloseTo(0.6, 12);
    expect(cpuSecondsFor({}, 'espruino-esp32-js')).toBe(0);
  });

  it('native SHA/AES from ESP-IDF throughput thresholds, scaled to 160 MHz', () => {
    // SHA: 64 B / 8.0 MB/s × 1.5 = 12 µs; AES: 16 B / 8.2 MB/s × 1.5 = 2.9268 µs.
    expect(costOf('shaBlockNative', 'espruino-esp32-native')).toBeCloseTo(12e-6, 15);
    expect(costOf('aesBlockNative', 'espruino-esp32-native')).toBeCloseTo(2.926829268e-6, 15);
    // The native binding still runs field arithmetic in JS.
    expect(costOf('fmul25519', 'espruino-esp32-native')).toBe(costOf('fmul25519', 'espruino-esp32-js'));
    // 100 native SHA blocks + 1 event = 1.2 ms + 30 ms
    expect(cpuSecondsFor({ shaBlockNative: 100, event: 1 }, 'espruino-esp32-native')).toBeCloseTo(0.0312, 12);
  });

  it('host figures from the Node column of ENGINES.md', () => {
    expect(costOf('fmul25519', 'host')).toBeCloseTo(0.014 / 3057, 15);
    expect(costOf('event', 'host')).toBeCloseTo(2e-3 * (0.0016 / 2.85), 15);
  });

  it('recalibrates from one factor and optional per-unit Linux figures', () => {
    var t = makeCostTable(10, { shaBlock: 0.002 });
    expect(t.boardFactor).toBe(10);
    expect(costOf('shaBlock', 'espruino-esp32-js', t)).toBeCloseTo(0.02, 12);
    expect(costOf('fmul25519', 'espruino-esp32-js', t)).toBeCloseTo(0.00771998691, 10);
    expect(cpuSecondsFor({ shaBlock: 1 }, 'espruino-esp32-js', t)).toBeCloseTo(0.02, 12);
    // The default table is untouched.
    expect(costOf('shaBlock', 'espruino-esp32-js')).toBeCloseTo(0.045, 12);
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
    var all = [ESPRUINO_LINUX_SECONDS, ESP32_NATIVE_SECONDS, HOST_SECONDS];
    for (var a = 0; a < all.length; a++) {
      for (var u in all[a]) {
        expect(all[a][u].how.length).toBeGreaterThan(10);
        expect(all[a][u].estimate).toBe(true);
      }
    }
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
    expect(cpuSecondsFor({ shaBlockNative: 0, aesBlock: 1 }, 'espruino-esp32-js')).toBeCloseTo(0.0225, 12);
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
