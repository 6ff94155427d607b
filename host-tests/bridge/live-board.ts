/**
 * Test harness: one board bundle in node:vm in REAL time, with the simulator's
 * Espruino globals (configurator/sim/espruino-globals.ts), a flash-fake Storage,
 * a seeded E.hwRand, and whatever modules and extra globals the test gives it
 * (an ESP-NOW over UDP, a Serial1 bound to a pseudo-terminal, Wifi and dgram
 * fakes...). Like host-tests/udp/udp-board.ts, without the UDP assumption.
 *
 * stop() clears every timer the board set and calls the `onStop` hooks (the
 * test closes its ports there): a stopped board is a board without power.
 */
import { performance } from 'node:perf_hooks';
import { makeEspruinoGlobals } from '../../configurator/sim/espruino-globals.ts';
import { makeFlash, Flash } from '../../configurator/sim/flash-fake.ts';
import { makeFlashStorage } from '../../configurator/sim/flash-storage.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';

export interface LiveBoard {
  id: string;
  lines: string[];
  reports: any[];
  crashes: string[];
  flash: Flash;
  storage: any;
  /** Resolves with the first report that matches (rejects after `failAfterMs`, so a broken run cannot hang). */
  waitForReport(ev: string, failAfterMs: number, pred?: (r: any) => boolean): Promise<any>;
  /** Run fn(args) inside the board's error guard (for callbacks a fake module delivers). */
  guard(fn: Function, args: any[]): void;
  stopped(): boolean;
  stop(): void;
  onStop: (() => void)[];
}

export interface LiveBoardOptions {
  id: string;
  seed: string | number;
  flash?: Flash;
  /** require(name) -> module; `Storage` is added (the flash fake) unless given */
  modules?: (board: LiveBoard) => { [name: string]: any };
  /** extra globals (Serial1, LoopbackA, ...); `E` entries are merged into E */
  globals?: (board: LiveBoard) => { [name: string]: any };
  /** raw Storage files written before the bundle runs */
  files?: { [name: string]: Uint8Array | string };
}

export function runLiveBoard(src: string, opts: LiveBoardOptions): LiveBoard {
  var flash = opts.flash || makeFlash(16);
  var storage = makeFlashStorage(flash);
  if (opts.files) for (var name in opts.files) storage.write(name, opts.files[name]);
  var rng = makeRng(opts.seed);
  var timers = new Map<number, NodeJS.Timeout>();
  var nextId = 0;
  var waiters: { ev: string; pred?: (r: any) => boolean; resolve: (r: any) => void }[] = [];
  var stopped = false;
  var board: LiveBoard = {
    id: opts.id,
    lines: [],
    reports: [],
    crashes: [],
    flash: flash,
    storage: storage,
    onStop: [],
    waitForReport: function (ev, failAfterMs, pred) {
      for (var i = 0; i < board.reports.length; i++) {
        var r0 = board.reports[i];
        if (r0.ev === ev && (!pred || pred(r0))) return Promise.resolve(r0);
      }
      return new Promise(function (resolve, reject) {
        var t = setTimeout(function () {
          reject(new Error('no "' + ev + '" report from ' + opts.id + '; lines: ' + board.lines.slice(-20).join(' | ') + ' crashes: ' + board.crashes.join(' | ')));
        }, failAfterMs);
        waiters.push({ ev: ev, pred: pred, resolve: function (r) { clearTimeout(t); resolve(r); } });
      });
    },
    guard: function (fn, args) {
      guarded(fn, args)();
    },
    stopped: function () {
      return stopped;
    },
    stop: function () {
      if (stopped) return;
      stopped = true;
      timers.forEach(function (t) { clearTimeout(t); clearInterval(t); });
      timers.clear();
      board.onStop.forEach(function (f) { f(); });
    },
  };
  function guarded(fn: Function, args: any[]): () => void {
    return function () {
      if (stopped) return;
      try {
        fn.apply(undefined, args);
      } catch (e: any) {
        board.crashes.push(String(e && e.message));
        board.stop();
      }
    };
  }
  function print(line: string): void {
    board.lines.push(line);
    if (line.indexOf('NOWBOARD ') !== 0) return;
    var r = JSON.parse(line.substring(9));
    board.reports.push(r);
    waiters = waiters.filter(function (w) {
      if (w.ev !== r.ev || (w.pred && !w.pred(r))) return true;
      w.resolve(r);
      return false;
    });
  }
  var modules = opts.modules ? opts.modules(board) : {};
  if (!modules.Storage) modules.Storage = storage;
  var globals = makeEspruinoGlobals({
    nowMs: function () {
      return performance.now();
    },
    setTimer: function (fn: any, ms: number, repeat: boolean, args: any[]) {
      var id = ++nextId;
      var run = guarded(fn, args);
      var t = repeat ? setInterval(run, Math.max(1, ms)) : setTimeout(function () { timers.delete(id); run(); }, ms);
      timers.set(id, t);
      return id;
    },
    clearTimer: function (id: number | undefined) {
      if (id === undefined) return board.stop();
      var t = timers.get(id);
      if (t) {
        clearTimeout(t);
        clearInterval(t);
        timers.delete(id);
      }
    },
    print: print,
    hwRand: function () {
      return rng.i32();
    },
    modules: modules,
  });
  var extra = opts.globals ? opts.globals(board) : {};
  for (var g in extra) {
    if (g === 'E') Object.assign(globals.E, extra.E);
    else globals[g] = extra[g];
  }
  try {
    vmLoader()(src, globals, opts.id);
  } catch (e: any) {
    board.crashes.push(String(e && e.message));
  }
  return board;
}

/** An ESP-NOW module (`mac`, `send`, `on('recv')`) whose callbacks run inside the board's guard. */
export function guardedEspnow(board: LiveBoard, espnow: any): any {
  return {
    mac: function () {
      return espnow.mac();
    },
    send: function (mac: any, data: any, cb?: any) {
      espnow.send(mac, data, typeof cb === 'function' ? function (ok: boolean) { board.guard(cb, [ok]); } : undefined);
    },
    on: function (ev: string, fn: any) {
      espnow.on(ev, function (m: Uint8Array, d: Uint8Array, r: number) {
        board.guard(fn, [m, d, r]);
      });
    },
  };
}

/** The ESPNOW contract (docs/bindings.md) over a host RadioPort (the serial bridge, a UDP radio). */
export function espnowOfRadio(radio: { mac(): Uint8Array; send(to: Uint8Array, p: Uint8Array, done?: (ok: boolean) => void): void; onReceive(h: any): void }): any {
  return {
    mac: function () {
      return radio.mac();
    },
    send: function (mac: any, data: any, cb?: any) {
      radio.send(new Uint8Array(mac), new Uint8Array(data), cb);
    },
    on: function (ev: string, fn: any) {
      if (ev === 'recv') radio.onReceive(fn);
    },
  };
}

/** Espruino's Wifi.connect against a table of access points (ssid -> psk), answering after `ms`. */
export function fakeWifi(board: LiveBoard, aps: { [ssid: string]: string }, ms: number): any {
  var log: string[] = [];
  return {
    log: log,
    connect: function (ssid: string, opts: any, cb?: any) {
      log.push('connect ' + ssid);
      setTimeout(function () {
        var err = !Object.prototype.hasOwnProperty.call(aps, ssid) ? 'no AP found' : aps[ssid] !== (opts && opts.password) ? 'auth fail' : null;
        if (typeof cb === 'function') board.guard(cb, [err]);
      }, ms);
    },
    disconnect: function () {
      log.push('disconnect');
    },
  };
}
