/**
 * Runs one board bundle in node:vm in REAL time with its ESP-NOW on the UDP
 * loopback binding: the bridge between the simulator's world (virtual time,
 * one process) and other processes or real interpreters. The globals are the
 * same Espruino surface as in the simulator (espruino-globals.ts) with real
 * timers, a flash-fake Storage, and a seeded E.hwRand.
 *
 * stop() clears every timer the board set; the caller closes the radio.
 */
import { performance } from 'node:perf_hooks';
import { makeEspruinoGlobals } from '../../configurator/sim/espruino-globals.ts';
import { makeFlash, Flash } from '../../configurator/sim/flash-fake.ts';
import { makeFlashStorage } from '../../configurator/sim/flash-storage.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { UdpRadio, espnowOverUdp } from '../../configurator/transport/udp-radio.ts';

export interface UdpBoard {
  lines: string[];
  reports: any[];
  crashes: string[];
  flash: Flash;
  /** Resolves with the first report whose ev is `ev` (rejects after `failAfterMs`, so a broken run cannot hang). */
  waitForReport(ev: string, failAfterMs: number): Promise<any>;
  stop(): void;
}

export function runBoardOverUdp(
  src: string,
  radio: UdpRadio,
  opts: { id: string; role: string; seed: string | number; flash?: Flash; modules?: { [name: string]: any } },
): UdpBoard {
  var flash = opts.flash || makeFlash(16);
  var rng = makeRng(opts.seed);
  var timers = new Map<number, NodeJS.Timeout>();
  var nextId = 0;
  var waiters: { ev: string; resolve: (r: any) => void }[] = [];
  var stopped = false;
  var board: UdpBoard = {
    lines: [],
    reports: [],
    crashes: [],
    flash: flash,
    waitForReport: function (ev: string, failAfterMs: number) {
      for (var i = 0; i < board.reports.length; i++) if (board.reports[i].ev === ev) return Promise.resolve(board.reports[i]);
      return new Promise(function (resolve, reject) {
        var t = setTimeout(function () {
          reject(new Error('no "' + ev + '" report from ' + opts.id + '; lines: ' + board.lines.join(' | ') + ' crashes: ' + board.crashes.join(' | ')));
        }, failAfterMs);
        waiters.push({ ev: ev, resolve: function (r) { clearTimeout(t); resolve(r); } });
      });
    },
    stop: function () {
      stopped = true;
      timers.forEach(function (t) { clearTimeout(t); clearInterval(t); });
      timers.clear();
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
      if (w.ev !== r.ev) return true;
      w.resolve(r);
      return false;
    });
  }
  var espnow = espnowOverUdp(radio);
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
    modules: {
      Storage: makeFlashStorage(flash),
      ESPNOW: {
        mac: espnow.mac,
        send: espnow.send,
        on: function (ev: string, fn: any) {
          espnow.on(ev, function (mac: Uint8Array, data: Uint8Array, rssi: number) {
            guarded(fn, [mac, data, rssi])();
          });
        },
      },
      NowBoard: { id: opts.id, role: opts.role },
      ...(opts.modules || {}),
    },
  });
  try {
    vmLoader()(src, globals, opts.id);
  } catch (e: any) {
    board.crashes.push(String(e && e.message));
  }
  return board;
}
