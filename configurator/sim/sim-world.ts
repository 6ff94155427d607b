/**
 * The simulated world: one virtual clock, one seeded RNG, one medium, and the
 * boards. A board runs a built bundle through a loader (node:vm, or a
 * Function per bundle in a real engine) with the globals of
 * espruino-globals.ts (or, for JerryScript bundles, the nb_* natives of
 * jerry-globals.ts); this file gives those globals their meaning.
 *
 * Every call into a board (boot, timer, received frame, send status, Wi-Fi
 * result) goes through `invoke`, which implements the CPU busy model:
 * - the work the board reports through NowMeter.work during the callback,
 *   plus one 'event' unit (the interpreter's cost of handling any callback),
 *   is turned into estimated board CPU time by `cpuSecondsFor(work, engine)`
 *   (power-model.ts, which uses cost-table.ts; engine 'espruino-esp32-js' by
 *   default);
 * - frames the board sent during the callback leave at now + that time;
 * - any other event for the board waits until it is free (FIFO);
 * - the CPU meter reads 'cpu' for that time and 'idle' otherwise.
 * Virtual time does not move inside a callback (getTime() is constant there).
 *
 * Each board has a power account (power-model.ts createBoardPower) fed with
 * the simulator's own CPU and radio states, the work units, and each
 * NowMeter.op label as a window over the callback's busy time (one window per
 * label per callback; the count is summed in opTotals). App-reported states
 * (NowMeter.state) are logged but the simulator's states are authoritative,
 * except that the app may switch the radio off ('off') and on ('rx'); while
 * it is off, an idle CPU rests in light sleep (options.radioOffIdle).
 * Issue 14: the receiver also follows ESPNOW.listen(on) (the JerryScript
 * nb_radio_listen), and a board put to light sleep (nb_light_sleep) hears
 * nothing and rests at the light-sleep current until its next callback or the
 * sleep's end. The hardware rule holds throughout: a receiver that is off
 * receives nothing (the medium drops the frame, trace 'radio-off').
 * Unknown work units are firmware bugs: the power model throws and the board
 * crashes with that error.
 *
 * An exception escaping a callback is a crash: recorded with the board id and
 * the error, the board stops (timers dropped, radio off) until rebooted. A
 * PowerCut from the flash fake stops the board the same way but counts as a
 * power cut, not a crash, even if firmware code caught the exception. Reboot =
 * a fresh set of globals (a new vm context) over the same flash.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */
import { makeRng, Rng } from './sim-rng.ts';
import { makeClock, VirtualClock } from './virtual-clock.ts';
import { makeTrace, Trace, TraceRecord, macText } from './sim-trace.ts';
import { makeMedium, Medium, MediumOptions } from './sim-medium.ts';
import { makeFlash, Flash, isPowerCut } from './flash-fake.ts';
import { makeFlashStorage, StorageModule, toStorageBytes } from './flash-storage.ts';
import { makeEspruinoGlobals, BoardServices } from './espruino-globals.ts';
import { makeJerryGlobals } from './jerry-globals.ts';
import { cpuSecondsFor as modelCpuSecondsFor, createBoardPower, BoardPower } from '../power/power-model.ts';
import { PowerParams, ESP32_WROOM32 } from '../power/power-params.ts';

/** Runs a bundle's top level with these globals. Throws what the bundle throws. */
export type LoadBundle = (src: string, globals: { [name: string]: any }, boardId: string) => void;

/** Estimated board CPU seconds for counted work (the power model's cpuSecondsFor). */
export type CpuSecondsFor = (work: { [unit: string]: number }, engine: string) => number;

/** Native crypto a firmware build may expose as require("crypto") (optional). */
export interface NativeCrypto {
  SHA256(data: any): ArrayBuffer;
  AES: { encrypt(data: any, key: any, options?: any): ArrayBuffer };
}

export interface WifiTiming {
  /** ms until a join with the right PSK succeeds */
  joinMs: number;
  /** ms until a wrong PSK is reported ("auth fail") */
  authFailMs: number;
  /** ms of scanning before "no AP found" */
  noApMs: number;
  /** ms before "timeout" for an AP listed with a null PSK (present but never answering) */
  timeoutMs: number;
}

/** Which binding the boards' bundles were built for: the globals they get (espruino-globals.ts or jerry-globals.ts). */
export type BoardPlatform = 'espruino' | 'jerryscript';

export interface WorldOptions {
  seed: number | string;
  loadBundle: LoadBundle;
  /** Default 'espruino': Espruino's globals; 'jerryscript': the nb_* natives. */
  platform?: BoardPlatform;
  medium?: MediumOptions;
  /** The fake access points: ssid -> psk; null = an AP that never answers (join times out). */
  accessPoints?: { [ssid: string]: string | null };
  wifiTiming?: Partial<WifiTiming>;
  /** require("crypto") on every board when set (vm harness only). */
  nativeCrypto?: NativeCrypto | null;
  /** Default: power-model.ts cpuSecondsFor. null: no CPU time at all (callbacks take zero time). */
  cpuSecondsFor?: CpuSecondsFor | null;
  /** Power figures for every board's account (default: power-params.ts ESP32_WROOM32). */
  powerParams?: PowerParams;
  /** Engine name passed to cpuSecondsFor. */
  engine?: string;
  /**
   * What an idle CPU does while the board's radio is off (the app said
   * NowMeter.state('radio', 'off')): 'lightsleep' (default; ESP-IDF automatic
   * light sleep: with no task to run and no radio holding it awake, the chip
   * sleeps until its next timer) or 'idle' (a binding that cannot sleep).
   * With the radio on, an idle CPU is 'idle' either way: ESP-NOW reception
   * keeps the chip awake.
   */
  radioOffIdle?: string;
  /** Flash size in 4-KB pages for boards that don't bring their own flash. */
  flashPages?: number;
  /**
   * Keep every meter event in board.meterLog (needed by world.timeline()).
   * Default false: a big batch makes millions of them, and board.power
   * already holds the same timeline compactly.
   */
  keepMeterLog?: boolean;
  /** Also log NowMeter.state calls (needs keepMeterLog; not authoritative). */
  logAppStates?: boolean;
  /** Record every frame outcome in the trace (default true); false keeps board events only. */
  traceFrames?: boolean;
  /**
   * More require() modules per board life (e.g. the psk-oob private OOB medium
   * `NowOob`, a host-side server link `NowUplink`): `call(fn, args)` runs a
   * callback inside the board under its CPU model, dropped once that life ends.
   */
  extraModules?: (b: Board, call: (fn: any, args: any[]) => void) => { [name: string]: any };
  /**
   * Received frames that may wait for a busy board (default 32). Espruino
   * queues events in a fixed-size buffer and drops what does not fit; an
   * unbounded queue would let a saturated board fall behind forever. A frame
   * arriving to a full queue is dropped (trace: board event 'rx-queue-full').
   */
  rxQueueLimit?: number;
  /**
   * The boards' uplink to a server (protocol cloud: border router → AC), given
   * to the firmware as require("NowUplink").request(path, json, done). The
   * answer is delivered to the board through the CPU busy model like any
   * callback. Read at each boot, so a batch may install it after the world is
   * made (sim-uplink.ts). Absent: the module does not exist (status 0 answers).
   */
  uplink?: (board: Board, path: string, json: string, done: (status: number, json: string | null) => void) => void;
}

export interface BoardSpec {
  id: string;
  role: string;
  src: string;
  mac?: Uint8Array;
  x?: number;
  y?: number;
  /** Bring a flash (e.g. pre-provisioned); default: a fresh erased one. */
  flash?: Flash;
}

export interface Report {
  t: number;
  board: string;
  ev: string;
  [k: string]: any;
}

export interface Crash {
  t: number;
  board: string;
  error: string;
  stack: string;
}

export interface MeterEvent {
  t: number;
  /** 'sim': the simulator's own model (authoritative); 'app': what the firmware reported. */
  source: string;
  kind: string;
  component?: string;
  state?: string;
  unit?: string;
  count?: number;
}

export interface Board {
  id: string;
  role: string;
  mac: Uint8Array;
  macText: string;
  src: string;
  flash: Flash;
  storage: StorageModule;
  alive: boolean;
  /** Incremented at every boot; events of an older life are ignored. */
  generation: number;
  boots: number;
  busyUntil: number;
  cpuBusyMs: number;
  lines: { t: number; text: string }[];
  reports: Report[];
  crashes: Crash[];
  powerCuts: number;
  meterLog: MeterEvent[];
  /** Work units reported through NowMeter (plus 'event' per callback), summed over all lives. */
  workTotals: { [unit: string]: number };
  /** NowMeter.op counts by label. */
  opTotals: { [label: string]: number };
  /** The board's energy account (power-model.ts). */
  power: BoardPower;
  /** Callbacks run (each costs one 'event'). */
  events: number;
  wifiLog: { t: number; ssid: string; result: string | null }[];
  /** Wi-Fi joins in progress (the radio meters 'assoc' meanwhile), and the medium's own radio state. */
  assoc: number;
  radioMedium: string;
  nativeCryptoCalls: number;
  /** Internals of the current life. */
  timers: { [id: number]: number };
  nextTimerId: number;
  recvHandler: any;
  callDelta: { [unit: string]: number };
  callOps: { [label: string]: number };
  /** Last sim state time per component, to keep the power timeline monotonic. */
  lastStateT: { [component: string]: number };
  pendingSends: { to: Uint8Array; payload: Uint8Array; cb: any }[];
  /** Calls waiting for the CPU, in arrival order. */
  waiting: { gen: number; fn: any; args: any[]; rx: boolean }[];
  drainScheduled: boolean;
  /** The radio's latest metered state ('rx', 'tx', 'off'): an idle CPU sleeps while it is 'off'. */
  radioState: string;
  /** Received frames now waiting, and frames dropped because the queue was full. */
  rxWaiting: number;
  rxDropped: number;
  /** The receiver as the app last switched it (ESPNOW.listen, NowMeter radio state); on at boot. */
  listening: boolean;
  /** In light sleep (lightSleep): receiver off, CPU at the light-sleep floor, until the next callback or sleepUntil. */
  asleep: boolean;
  sleepUntil: number;
  /** Light sleeps asked for. */
  sleeps: number;
  /**
   * Receiver switch and light sleep asked for by the running callback: like its
   * frames, they take effect when its CPU time is over (the runtime carries out
   * a core's effects after the step's computation), not at its start.
   */
  pendingListen: boolean | null;
  pendingSleepMs: number;
}

export interface World {
  clock: VirtualClock;
  rng: Rng;
  trace: Trace;
  medium: Medium;
  boards: Board[];
  options: WorldOptions;
  addBoard(spec: BoardSpec): Board;
  board(id: string): Board;
  /** Boot (or reboot) a board after delayMs of virtual time. */
  boot(b: Board, delayMs?: number): void;
  /** Stop a board now as if it crashed (e.g. a watchdog reset in a test). */
  kill(b: Board, why: string): void;
  /** Switch a board off now, cleanly (unplugged; not a crash): timers and radio stop until a boot. */
  powerOff(b: Board): void;
  /** A board's sim-side meter events in time order (cpu + radio states); needs keepMeterLog. */
  timeline(b: Board): MeterEvent[];
  run(untilMs: number): void;
  runUntil(pred: () => boolean, maxMs: number): boolean;
  /** A counter that moves whenever a board reports, prints, boots, crashes or loses power. */
  changes(): number;
}

var DEFAULT_ENGINE = 'espruino-esp32-js';

function powerOffError(): Error {
  var e = new Error('PowerCut: the board has no power');
  e.name = 'PowerCut';
  return e;
}

/** 02:4e:42:00:hi:lo — locally administered, 'N','B', then the board index. */
export function boardMac(index: number): Uint8Array {
  return new Uint8Array([0x02, 0x4e, 0x42, 0x00, (index >> 8) & 255, index & 255]);
}

export function errorText(e: any): string {
  if (e && typeof e === 'object' && typeof e.message === 'string') return (e.name ? e.name + ': ' : '') + e.message;
  // JerryScript throws the primitive null when its parser runs out of heap
  // (a board bundle compiled by new Function inside a too-small heap).
  if (e === null) return 'out of memory (engine threw null)';
  return String(e);
}

/** The medium's view of the trace when frames are not wanted: it drops frame records. */
function boardEventsOnly(trace: Trace): Trace {
  return {
    records: trace.records,
    add: function (r: TraceRecord) {
      if (r.kind !== 'frame') trace.add(r);
    },
    frames: trace.frames,
    toJSON: trace.toJSON,
    toText: trace.toText,
  };
}

export function makeWorld(options: WorldOptions): World {
  var clock = makeClock();
  var rng = makeRng(options.seed);
  var trace = makeTrace();
  var medium = makeMedium(clock, rng.fork('medium'), options.traceFrames === false ? boardEventsOnly(trace) : trace, options.medium);
  var engine = options.engine || DEFAULT_ENGINE;
  var wt = options.wifiTiming || {};
  var wifiTiming: WifiTiming = {
    joinMs: typeof wt.joinMs === 'number' ? wt.joinMs : 1500,
    authFailMs: typeof wt.authFailMs === 'number' ? wt.authFailMs : 1200,
    noApMs: typeof wt.noApMs === 'number' ? wt.noApMs : 2500,
    timeoutMs: typeof wt.timeoutMs === 'number' ? wt.timeoutMs : 10000,
  };
  var boards: Board[] = [];
  var byId: { [id: string]: Board } = {};
  var boardRng: { [id: string]: Rng } = {};
  /** The board whose callback is running, or null. */
  var current: Board | null = null;
  /** Board events so far (boot, report, print, crash, power cut, Wi-Fi...). */
  var changeCount = 0;

  var radioOffIdle = options.radioOffIdle === undefined ? 'lightsleep' : options.radioOffIdle;

  /** The CPU's resting state now: light sleep when asked (lightSleep) or while the radio is off (radioOffIdle), else idle. */
  function cpuFloor(b: Board): string {
    if (b.asleep) return 'lightsleep';
    return b.radioState === 'off' ? radioOffIdle : 'idle';
  }

  /** The medium hears for the board only while it listens and is awake (the hardware rule, issue 14). */
  function applyReceiver(b: Board): void {
    medium.setRadio(b.id, b.alive && b.listening && !b.asleep);
  }

  /** The CPU rests at its current floor from t (unless a callback's work is still running then). */
  function refloorCpu(b: Board, t: number): void {
    var cpu = b.power.stateOf('cpu');
    if (!b.alive || cpu === 'off') return;
    var at = b.busyUntil > t ? b.busyUntil : t;
    var lastCpu = b.lastStateT.cpu;
    if (lastCpu !== undefined && at < lastCpu) return;
    b.lastStateT.cpu = at;
    b.power.setState('cpu', cpuFloor(b), at);
  }

  function startSleep(b: Board, gen: number, ms: number): void {
    b.sleeps++;
    b.asleep = true;
    b.sleepUntil = clock.now() + ms;
    var until = b.sleepUntil;
    clock.at(until, function () {
      if (b.generation === gen && b.asleep && b.sleepUntil === until) wake(b);
    });
  }

  /** A callback's receiver switch and sleep, at the end of its CPU time. */
  function applyPending(b: Board, gen: number): void {
    var on = b.pendingListen;
    var ms = b.pendingSleepMs;
    b.pendingListen = null;
    b.pendingSleepMs = 0;
    if (!b.alive || b.generation !== gen) return;
    if (on !== null) b.listening = on;
    if (ms > 0) startSleep(b, gen, ms);
    applyReceiver(b);
    refloorCpu(b, clock.now());
  }

  function wake(b: Board): void {
    if (!b.asleep) return;
    b.asleep = false;
    applyReceiver(b);
    // Woken with the receiver still off (the app did not listen): the CPU leaves light sleep all the same.
    refloorCpu(b, clock.now());
  }

  function meter(b: Board, ev: MeterEvent): void {
    if (ev.source === 'sim' && ev.kind === 'state' && ev.component && ev.state) {
      var last = b.lastStateT[ev.component];
      if (last !== undefined && ev.t < last) ev.t = last;
      b.lastStateT[ev.component] = ev.t;
      b.power.setState(ev.component, ev.state, ev.t);
      if (ev.component === 'radio') {
        b.radioState = ev.state;
        // A resting CPU follows the radio (sleeps while it is off); a busy one
        // rests in the new floor when its callback's work ends.
        var cpu = b.power.stateOf('cpu');
        if (b.alive && cpu !== 'off' && (radioOffIdle !== 'idle' || b.asleep || cpu === 'lightsleep')) {
          var at = b.busyUntil > ev.t ? b.busyUntil : ev.t;
          if (cpu !== 'cpu' || at > ev.t) {
            var lastCpu = b.lastStateT.cpu;
            if (lastCpu === undefined || at >= lastCpu) {
              b.lastStateT.cpu = at;
              b.power.setState('cpu', cpuFloor(b), at);
            }
          }
        }
      }
    }
    if (options.keepMeterLog) b.meterLog.push(ev);
  }

  function boardEvent(b: Board, ev: string, detail: string): void {
    changeCount++;
    trace.add({ kind: 'board', t: clock.now(), board: b.id, ev: ev, detail: detail });
  }

  function powerDown(b: Board, kind: string, err: any): void {
    if (!b.alive) return;
    b.alive = false;
    for (var id in b.timers) clock.cancel(b.timers[id]);
    b.timers = {};
    b.recvHandler = null;
    b.pendingSends = [];
    b.waiting = [];
    b.rxWaiting = 0;
    b.assoc = 0;
    b.asleep = false;
    b.pendingListen = null;
    b.pendingSleepMs = 0;
    medium.setRadio(b.id, false);
    meterRadio(b, clock.now());
    if (kind === 'power-cut') {
      b.powerCuts++;
      boardEvent(b, 'power-cut', 'flash op ' + b.flash.stats.ops);
    } else if (kind === 'reset') {
      boardEvent(b, 'reset', '');
    } else if (kind === 'off') {
      boardEvent(b, 'power-off', '');
    } else {
      var c: Crash = { t: clock.now(), board: b.id, error: errorText(err), stack: err && err.stack ? String(err.stack) : '' };
      b.crashes.push(c);
      boardEvent(b, 'crash', c.error);
    }
    meter(b, { t: clock.now(), source: 'sim', kind: 'state', component: 'cpu', state: 'off' });
  }

  var cpuSecondsFor: CpuSecondsFor | null = options.cpuSecondsFor === undefined ? modelCpuSecondsFor : options.cpuSecondsFor;

  function cpuMsFor(delta: { [unit: string]: number }): number {
    if (!cpuSecondsFor) return 0;
    var s = cpuSecondsFor(delta, engine);
    return typeof s === 'number' && s > 0 && s < Infinity ? s * 1000 : 0;
  }

  /** After a callback: CPU time, power account, and the frames it sent. Throws on accounting errors. */
  function account(b: Board, now: number): number {
    var delta = b.callDelta;
    delta.event = (delta.event || 0) + 1;
    b.events++;
    var busyMs = cpuMsFor(delta);
    for (var unit in delta) {
      b.workTotals[unit] = (b.workTotals[unit] || 0) + delta[unit];
      b.power.work(unit, delta[unit], now);
    }
    for (var label in b.callOps) b.power.op(label, now, now + busyMs);
    if (busyMs > 0) {
      meter(b, { t: now, source: 'sim', kind: 'state', component: 'cpu', state: 'cpu' });
      meter(b, { t: now + busyMs, source: 'sim', kind: 'state', component: 'cpu', state: cpuFloor(b) });
      b.busyUntil = now + busyMs;
      b.cpuBusyMs += busyMs;
    }
    return busyMs;
  }

  /** Call fn(args) inside board b under the CPU busy model. */
  var rxQueueLimit = typeof options.rxQueueLimit === 'number' ? options.rxQueueLimit : 32;

  /** rx: a received frame (subject to the queue limit) rather than a timer or status callback. */
  function invoke(b: Board, gen: number, fn: any, args: any[], rx?: boolean): void {
    if (!b.alive || b.generation !== gen) return;
    if (b.busyUntil > clock.now() || current !== null || b.waiting.length > 0) {
      if (rx && b.rxWaiting >= rxQueueLimit) {
        b.rxDropped++;
        trace.add({ kind: 'board', t: clock.now(), board: b.id, ev: 'rx-queue-full', detail: macText(args[0]) + ' len=' + args[1].length });
        return;
      }
      // The board is busy (or others wait already): join its FIFO.
      b.waiting.push({ gen: gen, fn: fn, args: args, rx: !!rx });
      if (rx) b.rxWaiting++;
      scheduleDrain(b);
      return;
    }
    runCall(b, gen, fn, args);
  }

  /** One clock event per busy period, not one per waiting call: a long queue stays O(n). */
  function scheduleDrain(b: Board): void {
    if (b.drainScheduled) return;
    b.drainScheduled = true;
    var now = clock.now();
    clock.at(b.busyUntil > now ? b.busyUntil : now, function () {
      b.drainScheduled = false;
      drain(b);
    });
  }

  function drain(b: Board): void {
    while (b.waiting.length > 0) {
      if (current !== null || b.busyUntil > clock.now()) {
        scheduleDrain(b);
        return;
      }
      var w = b.waiting.shift() as { gen: number; fn: any; args: any[]; rx: boolean };
      if (w.rx) b.rxWaiting--;
      if (b.alive && w.gen === b.generation) runCall(b, w.gen, w.fn, w.args);
    }
  }

  function runCall(b: Board, gen: number, fn: any, args: any[]): void {
    // Any callback (a timer, a send status, a Wi-Fi result) wakes a sleeping board first.
    wake(b);
    var now = clock.now();
    current = b;
    b.callDelta = {};
    b.callOps = {};
    b.pendingSends = [];
    var threw = false;
    var err: any;
    try {
      fn.apply(null, args);
    } catch (e) {
      threw = true;
      err = e;
    }
    current = null;
    if (b.flash.powerCut || (threw && isPowerCut(err))) powerDown(b, 'power-cut', err);
    else if (threw) powerDown(b, 'crash', err);
    if (!b.alive) return;
    var busyMs = 0;
    try {
      busyMs = account(b, now);
    } catch (e) {
      powerDown(b, 'crash', e);
      return;
    }
    var sends = b.pendingSends;
    b.pendingSends = [];
    for (var i = 0; i < sends.length; i++) queueSend(b, gen, sends[i].to, sends[i].payload, sends[i].cb, now + busyMs);
    if (b.pendingListen !== null || b.pendingSleepMs > 0) {
      if (busyMs > 0) {
        clock.at(now + busyMs, function () {
          applyPending(b, gen);
        });
      } else applyPending(b, gen);
    }
  }

  function queueSend(b: Board, gen: number, to: Uint8Array, payload: Uint8Array, cb: any, notBefore: number): void {
    medium.send(b.id, to, payload, function (ok: boolean) {
      if (typeof cb === 'function') invoke(b, gen, cb, [ok]);
    }, notBefore);
  }

  /** Off, or lost power during the running callback (the rest of that callback has no effect). */
  function dead(b: Board): boolean {
    return !b.alive || b.flash.powerCut;
  }

  function handleLine(b: Board, text: string): void {
    b.lines.push({ t: clock.now(), text: text });
    if (text.indexOf('NOWBOARD ') !== 0) {
      boardEvent(b, 'print', text);
      return;
    }
    var r: any;
    try {
      r = JSON.parse(text.substring(9));
    } catch (e) {
      r = { ev: 'bad-report', text: text };
    }
    if (!r || typeof r !== 'object') r = { ev: 'bad-report', text: text };
    r.t = clock.now();
    r.board = b.id;
    if (typeof r.ev !== 'string') r.ev = 'unnamed';
    b.reports.push(r as Report);
    boardEvent(b, 'report', text.substring(9));
  }

  /**
   * A Wi-Fi join scans, authenticates, associates and gets an address: the
   * radio is busy for the whole join (docs/power-model.md "Wi-Fi
   * association"), metered as 'assoc' when the power figures know that state
   * (else 'rx'), whatever the app asked for. ESP-NOW reception during it is
   * not changed (not modelled).
   */
  var assocState = (options.powerParams || ESP32_WROOM32).components.radio.assoc ? 'assoc' : 'rx';
  function meterRadio(b: Board, t: number): void {
    var st = b.assoc > 0 && b.radioMedium !== 'tx' ? assocState : b.radioMedium;
    meter(b, { t: t, source: 'sim', kind: 'state', component: 'radio', state: st });
  }

  /** Inside a callback the switch waits for the end of its CPU time (pendingListen); outside, now. */
  function setListen(b: Board, on: boolean): void {
    if (current === b) {
      b.pendingListen = on;
      return;
    }
    b.listening = on;
    applyReceiver(b);
  }

  function espnowModule(b: Board): any {
    return {
      mac: function () {
        return new Uint8Array(b.mac);
      },
      send: function (mac: any, data: any, cb?: any) {
        if (dead(b)) throw powerOffError();
        var to = toStorageBytes(mac);
        var payload = toStorageBytes(data);
        medium.validate(b.id, to, payload);
        if (current === b) b.pendingSends.push({ to: to, payload: payload, cb: cb });
        else queueSend(b, b.generation, to, payload, cb, b.busyUntil);
      },
      on: function (ev: string, fn: any) {
        if (ev === 'recv') b.recvHandler = fn;
      },
      /** Issue 14 (the native module's listen, docs/espnow-module.md): receiver on or off; sending works either way. */
      listen: function (on: any) {
        if (dead(b)) throw powerOffError();
        setListen(b, !!on);
      },
    };
  }

  function wifiModule(b: Board): any {
    var gen = b.generation;
    var aps = options.accessPoints || {};
    return {
      connect: function (ssid: string, opts: any, cb?: any) {
        var psk = opts && typeof opts.password === 'string' ? opts.password : '';
        var result: string | null;
        var delay: number;
        if (!Object.prototype.hasOwnProperty.call(aps, ssid)) {
          result = 'no AP found';
          delay = wifiTiming.noApMs;
        } else if (aps[ssid] === null) {
          result = 'timeout';
          delay = wifiTiming.timeoutMs;
        } else if (aps[ssid] !== psk) {
          result = 'auth fail';
          delay = wifiTiming.authFailMs;
        } else {
          result = null;
          delay = wifiTiming.joinMs;
        }
        boardEvent(b, 'wifi-connect', ssid);
        b.assoc++;
        meterRadio(b, clock.now());
        clock.after(delay, function () {
          if (!b.alive || b.generation !== gen) return; // powerDown() ended the join
          b.assoc--;
          meterRadio(b, clock.now());
          b.wifiLog.push({ t: clock.now(), ssid: ssid, result: result });
          boardEvent(b, 'wifi-result', ssid + ' ' + (result === null ? 'ok' : result));
          if (typeof cb === 'function') invoke(b, gen, cb, [result]);
        });
      },
      disconnect: function () {
        boardEvent(b, 'wifi-disconnect', '');
      },
    };
  }

  function meterModule(b: Board): any {
    /** Work outside a callback (cannot happen from board code) is accounted with the next one. */
    function add(key: string, count: number): void {
      b.callDelta[key] = (b.callDelta[key] || 0) + count;
    }
    return {
      state: function (component: string, state: string) {
        // The runtime reports cpu/idle around every step; kept only on request (the sim's own states rule).
        if (options.logAppStates) meter(b, { t: clock.now(), source: 'app', kind: 'state', component: String(component), state: String(state) });
        // The app switches the radio; airtime ('tx') is the medium's business.
        if (component === 'radio' && (state === 'off' || state === 'rx')) setListen(b, state === 'rx');
      },
      work: function (unit: string, count: number) {
        if (options.keepMeterLog) meter(b, { t: clock.now(), source: 'app', kind: 'work', unit: String(unit), count: count });
        add(String(unit), count);
      },
      op: function (label: string, count?: number) {
        var n = count === undefined ? 1 : count;
        if (options.keepMeterLog) meter(b, { t: clock.now(), source: 'app', kind: 'op', unit: String(label), count: n });
        b.opTotals[String(label)] = (b.opTotals[String(label)] || 0) + n;
        b.callOps[String(label)] = (b.callOps[String(label)] || 0) + n;
      },
    };
  }

  function cryptoModule(b: Board): any {
    var nc = options.nativeCrypto;
    if (!nc) return null;
    return {
      SHA256: function (data: any) {
        b.nativeCryptoCalls++;
        return nc!.SHA256(data);
      },
      AES: {
        encrypt: function (data: any, key: any, opts?: any) {
          b.nativeCryptoCalls++;
          return nc!.AES.encrypt(data, key, opts);
        },
      },
    };
  }

  function uplinkModule(b: Board): any {
    var up = options.uplink;
    if (!up) return null;
    var gen = b.generation;
    return {
      request: function (path: string, json: string, done: any) {
        if (dead(b)) throw powerOffError();
        up!(b, String(path), String(json), function (status: number, body: string | null) {
          if (typeof done === 'function') invoke(b, gen, done, [status, body]);
        });
      },
    };
  }

  function services(b: Board): BoardServices {
    var gen = b.generation;
    var hw = boardRng[b.id];
    return {
      nowMs: function () {
        return clock.now();
      },
      setTimer: function (fn: any, ms: number, repeat: boolean, args: any[]) {
        if (typeof fn !== 'function') throw new Error('setTimeout: expecting a function');
        if (dead(b)) throw powerOffError();
        var id = ++b.nextTimerId;
        // A zero-period interval would spin virtual time forever: 1 ms minimum.
        var period = repeat && ms < 1 ? 1 : ms;
        var due = clock.now() + (period > 0 ? period : 0);
        function fire(): void {
          if (!b.alive || b.generation !== gen || b.timers[id] === undefined) return;
          if (repeat) {
            due += period;
            b.timers[id] = clock.at(due, fire);
          } else {
            delete b.timers[id];
          }
          invoke(b, gen, fn, args);
        }
        b.timers[id] = clock.at(due, fire);
        return id;
      },
      clearTimer: function (id: number | undefined) {
        if (id === undefined) {
          for (var k in b.timers) clock.cancel(b.timers[k]);
          b.timers = {};
          return;
        }
        if (b.timers[id] !== undefined) {
          clock.cancel(b.timers[id]);
          delete b.timers[id];
        }
      },
      print: function (line: string) {
        if (!dead(b)) handleLine(b, line);
      },
      hwRand: function () {
        return hw.i32();
      },
      lightSleep: function (ms: number) {
        if (dead(b)) throw powerOffError();
        if (!(ms > 0)) return false;
        if (current === b) b.pendingSleepMs = ms;
        else {
          startSleep(b, gen, ms);
          applyReceiver(b);
          refloorCpu(b, clock.now());
        }
        return true;
      },
      modules: {
        Storage: b.storage,
        ESPNOW: espnowModule(b),
        Wifi: wifiModule(b),
        crypto: cryptoModule(b),
        NowMeter: meterModule(b),
        NowBoard: { id: b.id, role: b.role },
        NowUplink: uplinkModule(b),
      },
    };
  }

  function modulesOf(b: Board): BoardServices {
    var svc = services(b);
    if (options.extraModules) {
      var gen = b.generation;
      var extra = options.extraModules(b, function (fn: any, args: any[]) {
        invoke(b, gen, fn, args);
      });
      for (var k in extra) svc.modules[k] = extra[k];
    }
    return svc;
  }

  function bootNow(b: Board): void {
    b.generation++;
    b.boots++;
    b.alive = true;
    b.busyUntil = clock.now();
    b.timers = {};
    b.nextTimerId = 0;
    b.recvHandler = null;
    b.flash.restorePower();
    b.listening = true;
    b.asleep = false;
    medium.setRadio(b.id, true);
    boardEvent(b, 'boot', 'life ' + b.boots + ' role ' + b.role + ' mac ' + b.macText);
    meter(b, { t: clock.now(), source: 'sim', kind: 'state', component: 'cpu', state: 'idle' });
    var svc = modulesOf(b);
    var globals = options.platform === 'jerryscript' ? makeJerryGlobals(svc) : makeEspruinoGlobals(svc);
    invoke(b, b.generation, function () {
      options.loadBundle(b.src, globals, b.id);
    }, []);
  }

  var world: World = {
    clock: clock,
    rng: rng,
    trace: trace,
    medium: medium,
    boards: boards,
    options: options,
    addBoard: function (spec: BoardSpec) {
      if (byId[spec.id]) throw new Error('sim-world: duplicate board id ' + spec.id);
      var mac = spec.mac || boardMac(boards.length + 1);
      var flash = spec.flash || makeFlash(options.flashPages || 16);
      var b: Board = {
        id: spec.id, role: spec.role, mac: mac, macText: macText(mac), src: spec.src,
        flash: flash, storage: makeFlashStorage(flash),
        alive: false, generation: 0, boots: 0, busyUntil: 0, cpuBusyMs: 0,
        lines: [], reports: [], crashes: [], powerCuts: 0, meterLog: [], workTotals: {}, opTotals: {},
        power: createBoardPower(spec.id, options.powerParams), events: 0, wifiLog: [], assoc: 0, radioMedium: 'off',
        nativeCryptoCalls: 0,
        timers: {}, nextTimerId: 0, recvHandler: null, callDelta: {}, callOps: {}, lastStateT: {}, pendingSends: [],
        waiting: [], drainScheduled: false, rxWaiting: 0, rxDropped: 0, radioState: 'off',
        listening: true, asleep: false, sleepUntil: 0, sleeps: 0, pendingListen: null, pendingSleepMs: 0,
      };
      flash.onPowerCut = function () {
        // The chip lost power: the board dies with it, whether or not the firmware catches the error.
        if (current === b) return; // invoke() sees flash.powerCut when the callback returns
        powerDown(b, 'power-cut', null);
      };
      boardRng[spec.id] = rng.fork('board:' + spec.id);
      medium.addNode({
        id: spec.id, mac: mac, x: spec.x, y: spec.y,
        onReceive: function (fromMac: Uint8Array, data: Uint8Array, rssi: number) {
          if (b.alive && typeof b.recvHandler === 'function') invoke(b, b.generation, b.recvHandler, [fromMac, data, rssi], true);
        },
        onRadioState: function (state: string, t: number) {
          b.radioMedium = state;
          meterRadio(b, t);
        },
      });
      medium.setRadio(spec.id, false);
      boards.push(b);
      byId[spec.id] = b;
      return b;
    },
    board: function (id: string) {
      var b = byId[id];
      if (!b) throw new Error('sim-world: unknown board ' + id);
      return b;
    },
    boot: function (b: Board, delayMs?: number) {
      clock.after(delayMs || 0, function () {
        // Rebooting a running board is a reset, not a crash.
        if (b.alive) powerDown(b, 'reset', null);
        bootNow(b);
      });
    },
    kill: function (b: Board, why: string) {
      powerDown(b, 'crash', new Error(why));
    },
    powerOff: function (b: Board) {
      powerDown(b, 'off', null);
    },
    timeline: function (b: Board) {
      var evs: { e: MeterEvent; i: number }[] = [];
      for (var i = 0; i < b.meterLog.length; i++) if (b.meterLog[i].source === 'sim') evs.push({ e: b.meterLog[i], i: i });
      evs.sort(function (x, y) {
        return x.e.t - y.e.t || x.i - y.i;
      });
      var out: MeterEvent[] = [];
      for (var j = 0; j < evs.length; j++) out.push(evs[j].e);
      return out;
    },
    run: function (untilMs: number) {
      clock.run(untilMs);
    },
    runUntil: function (pred: () => boolean, maxMs: number) {
      return clock.runUntil(pred, maxMs);
    },
    changes: function () {
      return changeCount;
    },
  };
  return world;
}
