/**
 * The ports: everything core code may touch outside itself.
 *
 * Core code (bytes, codec, crypto, protocols, runtime) never reads a platform
 * global; a binding (firmware/platform/<engine>/) or the simulator
 * (configurator/sim/) builds a `Ports` object and hands it in. The build picks the
 * binding per target (esbuild alias of `nowboard-platform`).
 *
 * ES5 rules apply to every implementation that ships on a board: no Map/Set,
 * no Promise, callbacks only (see docs/engines.md).
 */

/** A 6-byte IEEE MAC address, as ESP-NOW addresses peers. */
export type Mac = Uint8Array;

/** ESP-NOW v1 limit on one frame's payload (Espressif ESP-NOW API docs). */
export var MAX_FRAME = 250;

/** ff:ff:ff:ff:ff:ff — ESP-NOW's broadcast peer. */
export var BROADCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);

/**
 * A radio with ESP-NOW semantics: 6-byte MACs, broadcast, payload <= 250 bytes,
 * a send-status callback, and no delivery guarantee (a `true` status means the
 * MAC layer sent it — for unicast, that the peer's MAC acked it — not that the
 * application got it).
 */
export interface RadioPort {
  /** Our own MAC (6 bytes). */
  mac(): Mac;
  /**
   * Queue one frame. Throws an Error whose message starts with "E_FRAME_TOO_LARGE"
   * if payload.length > MAX_FRAME, "E_BAD_MAC" if `to` is not 6 bytes.
   * `done(ok)` is called once, later, never synchronously.
   */
  send(to: Mac, payload: Uint8Array, done?: (ok: boolean) => void): void;
  /** Install the one receive handler (a second call replaces the first). */
  onReceive(handler: (from: Mac, payload: Uint8Array, rssi: number) => void): void;
  /**
   * Optional (issue 14): switch the receiver on or off. While it is off no frame
   * is received (the handler is not called); `send` still works. A radio
   * without it listens all the time (docs/bindings.md says which bindings have it).
   */
  listen?(on: boolean): void;
}

/**
 * Optional power control (issue 14). `lightSleep(ms)`: nothing needs the CPU for
 * up to `ms`; the chip may light-sleep (RAM kept, radio off) until then or its
 * next timer. Returns false when the board cannot sleep now (then it idles).
 */
export interface PowerPort {
  lightSleep(ms: number): boolean;
}

/** Monotonic milliseconds and one-shot timers. */
export interface ClockPort {
  now(): number;
  setTimer(ms: number, cb: () => void): number;
  clearTimer(id: number): void;
}

/** Cryptographically strong random bytes (E.hwRand on ESP32, the simulator's seeded RNG in tests). */
export interface RandomPort {
  bytes(n: number): Uint8Array;
}

/**
 * Named files. `write` is an atomic replace: after a power cut at any point the
 * file holds the old bytes or the new bytes, never a mix or nothing (the binding
 * is responsible; the simulator's flash fake cuts power between any two of its
 * page operations to prove it).
 */
export interface StoragePort {
  read(name: string): Uint8Array | undefined;
  write(name: string, data: Uint8Array): void;
  erase(name: string): void;
  list(prefix: string): string[];
}

export var LOG_DEBUG = 0;
export var LOG_INFO = 1;
export var LOG_WARN = 2;
export var LOG_ERROR = 3;

export interface LogPort {
  log(level: number, msg: string): void;
}

/** Component states the power model knows (Energest-style, paper 000 §IV). */
export var CPU_ACTIVE = 'cpu';
export var CPU_IDLE = 'idle';
export var RADIO_RX = 'rx';
export var RADIO_TX = 'tx';
export var RADIO_OFF = 'off';

/**
 * The energy meter hook. Components report state changes (radio TX/RX/off,
 * CPU active/idle) and counted work (field multiplications, AES blocks, SHA
 * blocks...). The power model turns them into time x current x voltage. On a
 * real board the binding may drop these or keep counters.
 */
export interface MeterPort {
  /** component: 'cpu' or 'radio'; state: one of the constants above. */
  state(component: string, state: string): void;
  /** `count` more units of work of kind `unit` (e.g. 'fmul25519', 'aesBlock', 'shaBlock'). */
  work(unit: string, count: number): void;
}

/** Result codes of a Wi-Fi join attempt (also sent on the wire in ACK frames). */
export var WIFI_OK = 0;
export var WIFI_NO_AP = 1;
export var WIFI_AUTH_FAIL = 2;
export var WIFI_TIMEOUT = 3;

/**
 * Station-mode Wi-Fi, used only to prove a freshly received configuration
 * (threat 13: a wrong PSK must never strand a device). `done` is called once,
 * later, with one of the WIFI_* codes.
 */
export interface WifiPort {
  join(ssid: string, psk: string, done: (result: number) => void): void;
  leave(): void;
}

/**
 * A request/response link to the protocol's server (border router →
 * Authentication Cloud, controller → authentication server): HTTP over Wi-Fi
 * on a board, an HTTP client on the host, an in-process link with latency and
 * loss in the simulator. `done` is called once, later, with the HTTP status
 * (0 = unreachable or timed out) and the body.
 */
export interface UplinkPort {
  request(path: string, json: string, done: (status: number, json: string | null) => void): void;
}

/**
 * The out-of-band channel (protocol psk-oob): the serial console at the bench,
 * a QR code a person carries, or the simulator's private per-pair medium. Each
 * message starts with its protocol id, like a radio frame.
 */
export interface OobPort {
  send(bytes: Uint8Array): void;
  onReceive(handler: (bytes: Uint8Array) => void): void;
}

export interface Ports {
  wifi: WifiPort;
  radio: RadioPort;
  clock: ClockPort;
  random: RandomPort;
  storage: StoragePort;
  log: LogPort;
  meter: MeterPort;
  /** only on boards whose protocol talks to a server */
  uplink?: UplinkPort;
  /** only on boards with an out-of-band channel */
  oob?: OobPort;
  /** only on boards that can light-sleep (issue 14) */
  power?: PowerPort;
}
