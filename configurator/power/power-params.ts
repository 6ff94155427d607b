/**
 * Power-model parameters: the current each component draws in each state, and
 * the supply voltage, for the Energest-style model in power-model.ts
 * (E = V · Σ_state I_state · t_state; Contiki-NG Energest, paper 000 eq. (2)).
 *
 * Two parameter sets:
 *  - ESP32_WROOM32: the boards nowboard ships to (ESP32 datasheet figures);
 *  - MSP430_CC2420_PAPER000: paper 000's Table II (Zolertia Z1), used to check
 *    that the model reproduces the paper's Table III energies.
 *
 * Every figure carries its source and `estimate` (true when the number is not
 * printed as such in the source: chosen inside a range, or derived).
 * Sources are summarised in docs/power-model.md.
 *
 * ES5-safe (also bundled for Duktape): plain objects of numbers and strings.
 */

/** One component state's current draw, with where the number comes from. */
export interface StateFigure {
  /** Current the model charges for this component in this state (mA). */
  mA: number;
  /** The figure as the source prints it (mA); differs from `mA` when derived. */
  sourceMa: string;
  /** Datasheet / paper, version, table. */
  source: string;
  /** True when `mA` is chosen within a range or derived, not read off the source. */
  estimate: boolean;
  /** How `mA` follows from the source. */
  note: string;
}

export interface PowerParams {
  /** Short id, e.g. 'esp32-wroom-32'. */
  name: string;
  /** Human title for reports. */
  title: string;
  /** Supply voltage (V); every component is charged at this voltage. */
  voltageV: number;
  voltageSource: string;
  /** component -> state -> figure. Components: 'cpu' and 'radio'. */
  components: { [component: string]: { [state: string]: StateFigure } };
  /** State of each component when a board's timeline starts. */
  initial: { [component: string]: string };
  /** The platform's own timer resolution (ticks per second), for reference:
   *  the model itself always counts integer microseconds. */
  platformTicksPerSecond: number;
}

var DS_ESP32 = 'ESP32 Series Datasheet v3.5';

/**
 * How the ESP32 figures are split between components.
 *
 * The ESP32 is one chip: its datasheet's RF figures (RX 95–100 mA, TX 240 mA)
 * are whole-chip currents measured with the CPU running. A linear model that
 * adds a CPU current and a radio current must not count the CPU twice, so the
 * radio states here are the increments over the CPU's idle floor
 * (ESP32_IDLE_FLOOR_MA): idle + rx = 100 mA, idle + tx = 240 mA (the datasheet's
 * figures), cpu-active + rx = 109 mA. The floor is the bottom of the 160 MHz
 * modem-sleep range: Espruino keeps the radio up to hear ESP-NOW, so the CPU
 * cannot light-sleep while listening; it waits in the idle task, clocked.
 */
export var ESP32_IDLE_FLOOR_MA = 27;
/** Whole-chip RX/listen figure used (top of the v3.5 range 95–100 mA). */
export var ESP32_RX_CHIP_MA = 100;
/** Whole-chip TX figure, 802.11b 1 Mbps at 19.5 dBm. */
export var ESP32_TX_CHIP_MA = 240;

/**
 * A Wi-Fi join (station): scan for the SSID, 802.11 authentication and
 * association, the WPA2 4-way handshake, DHCP. The radio listens nearly all
 * the time and transmits a handful of short management frames: about 13 probe
 * requests (one per channel scanned), authentication, association request,
 * EAPOL messages 2 and 4, DHCP discover and request — ~20 frames of ~1 ms at
 * 1 Mbps, ~20 ms of TX in the 1.5 s join the simulator takes by default
 * (sim-world.ts `wifiTiming.joinMs`). Derived, an estimate: the datasheet gives
 * no association figure.
 */
export var ASSOC_TX_MS = 20;
export var ASSOC_REF_MS = 1500;

export var ESP32_WROOM32: PowerParams = {
  name: 'esp32-wroom-32',
  title: 'ESP32-WROOM-32 at 160 MHz, 3.3 V',
  voltageV: 3.3,
  voltageSource: 'ESP32-WROOM-32E datasheet v1.2: supply 3.0–3.6 V, typical 3.3 V',
  platformTicksPerSecond: 1000000,
  initial: { cpu: 'idle', radio: 'off' },
  components: {
    cpu: {
      cpu: {
        mA: 36,
        sourceMa: '27–44 (dual-core), 27–34 (single-core)',
        source: DS_ESP32 + ', Table 6 (Modem-sleep, CPU on, 160 MHz)',
        estimate: true,
        note:
          'Espruino runs at 160 MHz (targets/esp32/IDF4/sdkconfig). Its interpreter keeps one core ' +
          'busy while the other idles in the Wi-Fi task: the single-core chip at full load (34 mA) ' +
          'plus ~2 mA for the idle second core. 44 mA (both cores at full load) is the upper bound.',
      },
      idle: {
        mA: ESP32_IDLE_FLOOR_MA,
        sourceMa: '27–44',
        source: DS_ESP32 + ', Table 6 (Modem-sleep, CPU on, 160 MHz)',
        estimate: true,
        note:
          'Bottom of the 160 MHz range: CPU clocked but waiting for an event. No light sleep: ' +
          'the radio stays on to hear ESP-NOW. Also the floor subtracted from the radio figures.',
      },
      lightsleep: {
        mA: 0.8,
        sourceMa: '0.8',
        source: DS_ESP32 + ', Table 6 (Light-sleep)',
        estimate: false,
        note: 'CPU paused, radio off; only usable when nothing needs to be heard.',
      },
      deepsleep: {
        mA: 0.01,
        sourceMa: '0.010 (RTC timer + RTC memory); 0.005 (RTC timer only)',
        source: DS_ESP32 + ', Table 6 (Deep-sleep)',
        estimate: false,
        note: 'RTC timer and RTC memory on (10 µA).',
      },
      off: {
        mA: 0,
        sourceMa: '0',
        source: 'definition (supply disconnected)',
        estimate: false,
        note: 'Board powered off.',
      },
    },
    radio: {
      off: {
        mA: 0,
        sourceMa: 'included in the CPU figure',
        source: DS_ESP32 + ', Table 6 (Modem-sleep: baseband and radio disabled)',
        estimate: false,
        note: 'With the radio off the chip draws only the CPU state current.',
      },
      rx: {
        mA: ESP32_RX_CHIP_MA - ESP32_IDLE_FLOOR_MA,
        sourceMa: '95–100 whole chip (newer datasheet format: 110)',
        source: DS_ESP32 + ', Table 15 (RX and listening), via Table 6',
        estimate: true,
        note: '100 mA whole-chip listening current minus the 27 mA CPU idle floor = 73 mA.',
      },
      tx: {
        mA: ESP32_TX_CHIP_MA - ESP32_IDLE_FLOOR_MA,
        sourceMa: '240 whole chip (newer format: 233 average, 368 peak)',
        source: DS_ESP32 + ', Table 15 (TX 802.11b, 1 Mbps, 19.5 dBm), via Table 6',
        estimate: true,
        note: '240 mA whole-chip transmit current minus the 27 mA CPU idle floor = 213 mA.',
      },
      assoc: {
        mA: ESP32_RX_CHIP_MA - ESP32_IDLE_FLOOR_MA + ((ESP32_TX_CHIP_MA - ESP32_RX_CHIP_MA) * ASSOC_TX_MS) / ASSOC_REF_MS,
        sourceMa: 'none (derived from RX 100 and TX 240 whole chip)',
        source: DS_ESP32 + ', Table 15, via Table 6; frame count from IEEE 802.11 / WPA2 / DHCP exchanges',
        estimate: true,
        note:
          'Wi-Fi join: listening (73 mA over the idle floor) plus ~20 ms of management-frame TX per ' +
          '1.5 s join, i.e. 73 + 140 × 20 / 1500 ≈ 74.9 mA.',
      },
    },
  },
};

var PAPER = 'Paper 000 (Yavuz & Örs), Table II';

export var MSP430_CC2420_PAPER000: PowerParams = {
  name: 'msp430-cc2420-paper000',
  title: 'MSP430F2617 + CC2420 (Zolertia Z1), 3 V — paper 000 Table II',
  voltageV: 3,
  voltageSource: PAPER + ' (CPU voltage 3 V; range 1.8–3.6 V)',
  platformTicksPerSecond: 32768,
  initial: { cpu: 'idle', radio: 'off' },
  components: {
    cpu: {
      cpu: { mA: 10, sourceMa: '10', source: PAPER + ' (CPU_ACTIVE)', estimate: false, note: 'MSP430 active.' },
      idle: { mA: 0.0005, sourceMa: '0.0005 (0.5 µA)', source: PAPER + ' (CPU_LPM)', estimate: false, note: 'MSP430 low-power mode.' },
    },
    radio: {
      rx: { mA: 8.8, sourceMa: '8.8', source: PAPER + ' (RX)', estimate: false, note: 'CC2420 receive / listen.' },
      tx: { mA: 17.4, sourceMa: '17.4', source: PAPER + ' (TX)', estimate: false, note: 'CC2420 transmit.' },
      off: {
        mA: 0,
        sourceMa: 'not given',
        source: 'not in paper 000; modelled as 0',
        estimate: true,
        note: 'The paper lists no radio-off current (CC2420 power-down is in the µA range).',
      },
    },
  },
};

/** All parameter sets by name. */
export var PARAM_SETS: { [name: string]: PowerParams } = {
  'esp32-wroom-32': ESP32_WROOM32,
  'msp430-cc2420-paper000': MSP430_CC2420_PAPER000,
};

/** ESP-NOW v1 frame overhead beyond the payload (bytes), Espressif ESP-NOW API docs. */
export var ESPNOW_OVERHEAD_BYTES = 43;
/** 802.11b long preamble + PLCP header at 1 Mbps (µs). */
export var PREAMBLE_US = 192;
/** One byte at ESP-NOW's default 1 Mbps (µs). */
export var US_PER_BYTE_1MBPS = 8;

/**
 * Time on air of one ESP-NOW frame at 1 Mbps, in integer microseconds:
 * 192 µs preamble + (payload + 43 B) × 8 µs. A full 250-B frame: 2536 µs.
 * Derived (POWER.md row "One full 250-B ESP-NOW frame"); an estimate: it ignores
 * the MAC's backoff, the ACK of a unicast frame and retries.
 */
export function espNowAirtimeUs(payloadBytes: number): number {
  if (!(payloadBytes >= 0) || payloadBytes !== Math.floor(payloadBytes)) {
    throw new Error('E_POWER_BAD_NUMBER: payloadBytes must be a non-negative integer, got ' + payloadBytes);
  }
  return PREAMBLE_US + (payloadBytes + ESPNOW_OVERHEAD_BYTES) * US_PER_BYTE_1MBPS;
}
