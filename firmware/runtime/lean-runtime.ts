/**
 * A one-role runtime for the smallest bundles (the AES-only psk-oob enrollee,
 * issue 12 "lean path"): the same seam as runtime.ts — a Role's pure
 * `next(state, event)`, the same typed events and effects, `now` and `rand`
 * stamped on every event, frames and OOB messages routed by their first byte,
 * timers owned here, a core that throws kept on its old state — without the
 * demultiplexer over several roles, and telling the meter only the work a
 * role of AES alone can do (AES blocks, pure and native).
 *
 * What it drops against runtime.ts: more than one role, `extraWork` counters
 * other than AES, and per-role timer scoping (one role owns every timer).
 */
import { Ports, LOG_ERROR, LOG_DEBUG, CPU_ACTIVE, CPU_IDLE } from '../ports/ports.ts';
import { work } from '../crypto/work-counters.ts';
import { nativeWork } from '../crypto/crypto-natives.ts';
import { CoreEvent, CoreEffect, Role } from './events.ts';
import { Runtime } from './runtime.ts';

export function startLeanRuntime(ports: Ports, role: Role<any, any>, initial: any, onEffect: (e: CoreEffect) => void): Runtime {
  var state = initial;
  var timers: { [id: string]: number } = {};
  var queue: CoreEvent<any>[] = [];
  var busy = false;
  var rt: Runtime = {
    dispatch: post,
    state: function () {
      return state;
    },
    ports: ports,
    stats: { foreign: 0 },
  };

  function timerCb(id: string): () => void {
    return function () {
      delete timers[id];
      post({ t: 'timer', id: id });
    };
  }

  function run(e: CoreEffect): void {
    if (e.t === 'send') ports.radio.send(e.to, e.bytes);
    else if (e.t === 'arm' || e.t === 'cancel') {
      if (timers[e.id] !== undefined) ports.clock.clearTimer(timers[e.id]);
      delete timers[e.id];
      if (e.t === 'arm') timers[e.id] = ports.clock.setTimer(e.ms, timerCb(e.id));
    } else if (e.t === 'store') ports.storage.write(e.file, e.bytes);
    else if (e.t === 'erase') ports.storage.erase(e.file);
    else if (e.t === 'join') {
      var j = e.join;
      ports.wifi.join(e.ssid, e.psk, function (result: number) {
        post({ t: 'wifi', result: result, join: j });
      });
    } else if (e.t === 'oob') {
      if (ports.oob) ports.oob.send(e.bytes);
    } else if (e.t === 'uplink') post({ t: 'uplink', id: e.id, status: 0, json: null });
    else onEffect(e);
  }

  function step(ev: CoreEvent<any>): void {
    ev.now = ports.clock.now();
    if (role.randBytes > 0 && ev.rand === undefined) ev.rand = ports.random.bytes(role.randBytes);
    ports.meter.state('cpu', CPU_ACTIVE);
    var a = work.aesBlock;
    var n = nativeWork.aesBlock;
    var res;
    try {
      res = role.next(state, ev);
    } catch (err) {
      ports.log.log(LOG_ERROR, 'step threw on ' + ev.t + ': ' + (err as Error).message);
    }
    if (work.aesBlock > a) ports.meter.work('aesBlock', work.aesBlock - a);
    if (nativeWork.aesBlock > n) ports.meter.work('aesBlockNative', nativeWork.aesBlock - n);
    if (res) {
      state = res.state;
      for (var i = 0; i < res.effects.length; i++) {
        try {
          run(res.effects[i]);
        } catch (err2) {
          ports.log.log(LOG_ERROR, 'effect ' + res.effects[i].t + ' failed: ' + (err2 as Error).message);
        }
      }
    }
    ports.meter.state('cpu', CPU_IDLE);
  }

  function post(ev: CoreEvent<any>): void {
    // Frames and OOB messages of another protocol never reach the core (runtime.ts's demultiplexer, for one role).
    if ((ev.t === 'frame' || ev.t === 'oob') && !(ev.bytes && ev.bytes[0] === role.proto)) {
      rt.stats.foreign++;
      ports.log.log(LOG_DEBUG, 'E_PROTOCOL: ' + ev.t + ' dropped');
      return;
    }
    queue.push(ev);
    if (busy) return;
    busy = true;
    while (queue.length) step(queue.shift() as CoreEvent<any>);
    busy = false;
  }

  ports.radio.onReceive(function (from: Uint8Array, bytes: Uint8Array, rssi: number) {
    post({ t: 'frame', from: from, bytes: bytes, rssi: rssi });
  });
  if (ports.oob) {
    ports.oob.onReceive(function (bytes: Uint8Array) {
      post({ t: 'oob', bytes: bytes });
    });
  }
  return rt;
}
