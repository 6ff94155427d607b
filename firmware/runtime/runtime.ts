/**
 * The runtime: the only place that turns protocol effects into port calls and
 * port callbacks into protocol events (the "glue" of ARCHITECTURE.md; hostapd's
 * DPP glue owns all timers the same way). Protocol cores stay pure.
 *
 * Around every step it tells the meter the CPU is busy, and reports the crypto
 * work the step did (from the counters in firmware/crypto/work-counters.ts), so
 * the power model can cost it.
 */
import { Ports, LOG_ERROR, LOG_WARN, CPU_ACTIVE, CPU_IDLE } from '../ports/ports.ts';
import { work, WORK_UNITS } from '../crypto/work-counters.ts';

/** Anything with `t`: events in, effects out. */
export interface Tagged {
  t: string;
  [k: string]: any;
}

export interface StepResult<S> {
  state: S;
  effects: Tagged[];
}

export type NextFn<S> = (state: S, ev: Tagged) => StepResult<S>;

/** A counter outside work-counters.ts to report too: `src[key]`, reported as `unit`. */
export interface ExtraCounter {
  src: { [k: string]: number };
  key: string;
  unit: string;
}

export interface RuntimeOptions {
  /** How many random bytes to attach to each event as `rand`. */
  randBytes: number;
  /** Effects the runtime doesn't know (audit, app-specific): handled by the app. */
  onEffect?: (e: Tagged, rt: Runtime) => void;
  /** Called after every step with the new state (apps persist or inspect it). */
  onState?: (state: any) => void;
  /** Counters outside work-counters.ts to report to the meter too (e.g. native SHA/AES blocks). */
  extraWork?: ExtraCounter[];
}

export interface Runtime {
  dispatch(ev: Tagged): void;
  state(): any;
  ports: Ports;
}

function copyCounters(src: { [k: string]: number }, keys: string[]): number[] {
  var out: number[] = [];
  for (var i = 0; i < keys.length; i++) out.push(src[keys[i]]);
  return out;
}

export function startRuntime<S>(ports: Ports, next: NextFn<S>, initial: S, opts: RuntimeOptions): Runtime {
  var state: S = initial;
  var timers: { [id: string]: number } = {};
  var busy = false;
  var queue: Tagged[] = [];
  var extra: ExtraCounter[] = opts.extraWork || [];
  var rt: Runtime = {
    dispatch: dispatch,
    state: function () {
      return state;
    },
    ports: ports,
  };

  function reportWork(before: number[], beforeExtra: number[]): void {
    var w = work as unknown as { [k: string]: number };
    for (var i = 0; i < WORK_UNITS.length; i++) {
      var d = w[WORK_UNITS[i]] - before[i];
      if (d > 0) ports.meter.work(WORK_UNITS[i], d);
    }
    for (var j = 0; j < extra.length; j++) {
      var dx = extra[j].src[extra[j].key] - beforeExtra[j];
      if (dx > 0) ports.meter.work(extra[j].unit, dx);
    }
  }

  function run(e: Tagged): void {
    switch (e.t) {
      case 'send':
        try {
          ports.radio.send(e.to, e.bytes);
        } catch (err) {
          ports.log.log(LOG_ERROR, 'send failed: ' + (err as Error).message);
        }
        break;
      case 'arm':
        if (timers[e.id] !== undefined) ports.clock.clearTimer(timers[e.id]);
        timers[e.id] = ports.clock.setTimer(e.ms, makeTimerCb(e.id));
        break;
      case 'cancel':
        if (timers[e.id] !== undefined) {
          ports.clock.clearTimer(timers[e.id]);
          delete timers[e.id];
        }
        break;
      case 'store':
        ports.storage.write(e.file, e.bytes);
        break;
      case 'erase':
        ports.storage.erase(e.file);
        break;
      case 'join':
        ports.wifi.join(e.ssid, e.psk, function (result: number) {
          dispatch({ t: 'wifi', result: result });
        });
        break;
      default:
        if (opts.onEffect) opts.onEffect(e, rt);
        else ports.log.log(LOG_WARN, 'unhandled effect ' + e.t);
    }
  }

  function makeTimerCb(id: string): () => void {
    return function () {
      delete timers[id];
      dispatch({ t: 'timer', id: id });
    };
  }

  function step(ev: Tagged): void {
    ev.now = ports.clock.now();
    if (opts.randBytes > 0 && ev.rand === undefined) ev.rand = ports.random.bytes(opts.randBytes);
    ports.meter.state('cpu', CPU_ACTIVE);
    var before = copyCounters(work as unknown as { [k: string]: number }, WORK_UNITS);
    var beforeExtra: number[] = [];
    for (var x = 0; x < extra.length; x++) beforeExtra.push(extra[x].src[extra[x].key]);
    var res: StepResult<S> | undefined;
    try {
      res = next(state, ev);
    } catch (err) {
      // A protocol core must never throw; if one does, keep the old state and
      // go on: a bad frame must not crash the board.
      ports.log.log(LOG_ERROR, 'step threw on ' + ev.t + ': ' + (err as Error).message);
    }
    reportWork(before, beforeExtra);
    if (res) {
      state = res.state;
      for (var i = 0; i < res.effects.length; i++) {
        try {
          run(res.effects[i]);
        } catch (err2) {
          ports.log.log(LOG_ERROR, 'effect ' + res.effects[i].t + ' failed: ' + (err2 as Error).message);
        }
      }
      if (opts.onState) opts.onState(state);
    }
    ports.meter.state('cpu', CPU_IDLE);
  }

  /** Events raised while a step runs (a synchronous callback) wait their turn. */
  function dispatch(ev: Tagged): void {
    queue.push(ev);
    if (busy) return;
    busy = true;
    while (queue.length) step(queue.shift() as Tagged);
    busy = false;
  }

  ports.radio.onReceive(function (from: Uint8Array, bytes: Uint8Array, rssi: number) {
    dispatch({ t: 'frame', from: from, bytes: bytes, rssi: rssi });
  });
  return rt;
}
