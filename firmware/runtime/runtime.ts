/**
 * The runtime: the only place that turns protocol effects into port calls and
 * port callbacks into protocol events (the "glue" of ARCHITECTURE.md; hostapd's
 * DPP glue owns all timers the same way). Protocol cores stay pure.
 *
 * It runs one or more roles (firmware/runtime/events.ts `Role`) side by side
 * and is the product's one demultiplexer: a received frame or out-of-band
 * message goes to the role whose protocol id equals its first byte
 * (firmware/codec/protocol-ids.ts); one for no role here is dropped, counted
 * and logged as E_PROTOCOL. Timers are scoped per role, and the answer to a
 * role's Wi-Fi join or uplink request goes back to that role.
 *
 * Around every step it tells the meter the CPU is busy, and reports the crypto
 * work the step did (from the counters in firmware/crypto/work-counters.ts), so
 * the power model can cost it.
 */
import { Ports, LOG_ERROR, LOG_WARN, LOG_DEBUG, CPU_ACTIVE, CPU_IDLE, RADIO_RX, RADIO_OFF } from '../ports/ports.ts';
import { work, WORK_UNITS } from '../crypto/work-counters.ts';
import { protocolOf } from '../codec/protocol-ids.ts';
import { E_PROTOCOL } from '../codec/codes.ts';
import { CoreEvent, CoreEffect, Role } from './events.ts';

/** A counter outside work-counters.ts to report too: `src[key]`, reported as `unit`. */
export interface ExtraCounter {
  src: { [k: string]: number };
  key: string;
  unit: string;
}

/** A role with the state it starts in. */
export interface RoleInstance {
  role: Role<any, any>;
  initial: any;
}

export interface RuntimeOptions {
  /**
   * Effects the runtime does not carry out itself (report, audit, pairwise):
   * handled by the app. `proto` is the role's protocol id.
   */
  onEffect?: (e: CoreEffect, proto: number, rt: Runtime) => void;
  /** Called after every step with the role's new state (apps persist or inspect it). */
  onState?: (state: any, proto: number) => void;
  /** Counters outside work-counters.ts to report to the meter too (e.g. native SHA/AES blocks). */
  extraWork?: ExtraCounter[];
}

export interface Runtime {
  /**
   * Queue an event. Commands, OOB messages and the like go to the role of
   * protocol `proto` (default: the first role); boot goes to every role.
   */
  dispatch(ev: CoreEvent<any>, proto?: number): void;
  /** The current state of the role of protocol `proto` (default: the first). */
  state(proto?: number): any;
  ports: Ports;
  /** Frames and OOB messages dropped because no role here runs their protocol. */
  stats: { foreign: number };
}

interface Slot {
  role: Role<any, any>;
  state: any;
}

function copyCounters(src: { [k: string]: number }, keys: string[]): number[] {
  var out: number[] = [];
  for (var i = 0; i < keys.length; i++) out.push(src[keys[i]]);
  return out;
}

export function startRuntime(ports: Ports, roles: RoleInstance[], opts: RuntimeOptions): Runtime {
  var slots: Slot[] = [];
  for (var r = 0; r < roles.length; r++) slots.push({ role: roles[r].role, state: roles[r].initial });
  /** timer handles by `proto:id` */
  var timers: { [key: string]: number } = {};
  var busy = false;
  var queue: { ev: CoreEvent<any>; slot: Slot | null }[] = [];
  var extra: ExtraCounter[] = opts.extraWork || [];
  var rt: Runtime = {
    dispatch: dispatch,
    state: function (proto?: number) {
      var s = proto === undefined ? slots[0] : slotOf(proto);
      return s ? s.state : undefined;
    },
    ports: ports,
    stats: { foreign: 0 },
  };

  function slotOf(proto: number): Slot | null {
    for (var i = 0; i < slots.length; i++) if (slots[i].role.proto === proto) return slots[i];
    return null;
  }

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

  function makeTimerCb(slot: Slot, key: string, id: string): () => void {
    return function () {
      delete timers[key];
      post({ t: 'timer', id: id }, slot);
    };
  }

  function run(e: CoreEffect, slot: Slot): void {
    var proto = slot.role.proto;
    switch (e.t) {
      case 'send':
        try {
          ports.radio.send(e.to, e.bytes);
        } catch (err) {
          ports.log.log(LOG_ERROR, 'send failed: ' + (err as Error).message);
        }
        return;
      case 'arm': {
        var key = proto + ':' + e.id;
        if (timers[key] !== undefined) ports.clock.clearTimer(timers[key]);
        timers[key] = ports.clock.setTimer(e.ms, makeTimerCb(slot, key, e.id));
        return;
      }
      case 'cancel': {
        var ckey = proto + ':' + e.id;
        if (timers[ckey] !== undefined) {
          ports.clock.clearTimer(timers[ckey]);
          delete timers[ckey];
        }
        return;
      }
      case 'store':
        ports.storage.write(e.file, e.bytes);
        return;
      case 'erase':
        ports.storage.erase(e.file);
        return;
      case 'join': {
        var joinId = e.join;
        ports.wifi.join(e.ssid, e.psk, function (result: number) {
          post({ t: 'wifi', result: result, join: joinId }, slot);
        });
        return;
      }
      case 'uplink': {
        var up = ports.uplink;
        var upId = e.id;
        if (!up) {
          // No uplink on this board: the request fails as "unreachable", like a dead server.
          post({ t: 'uplink', id: upId, status: 0, json: null }, slot);
          return;
        }
        up.request(e.path, e.json, function (status: number, json: string | null) {
          post({ t: 'uplink', id: upId, status: status, json: json }, slot);
        });
        return;
      }
      case 'oob':
        if (ports.oob) ports.oob.send(e.bytes);
        else ports.log.log(LOG_ERROR, 'oob: no out-of-band channel on this board');
        return;
      case 'radio':
        // Issue 14: the receiver follows the core. A radio that cannot switch
        // keeps listening (more energy, never a lost frame); the meter is told
        // only what really happened.
        if (ports.radio.listen) {
          ports.radio.listen(e.on);
          ports.meter.state('radio', e.on ? RADIO_RX : RADIO_OFF);
        } else ports.log.log(LOG_DEBUG, 'radio: this board cannot switch its receiver');
        return;
      case 'sleep':
        if (ports.power && e.ms > 0) ports.power.lightSleep(e.ms);
        return;
      case 'report':
      case 'audit':
      case 'pairwise':
        if (opts.onEffect) opts.onEffect(e, proto, rt);
        else ports.log.log(LOG_WARN, 'unhandled effect ' + e.t);
        return;
      default:
        // Exhaustive: adding an effect to events.ts without handling it here fails to compile.
        var never: never = e;
        ports.log.log(LOG_WARN, 'unknown effect ' + (never as { t: string }).t);
    }
  }

  function step(ev: CoreEvent<any>, slot: Slot): void {
    ev.now = ports.clock.now();
    var role = slot.role;
    if (role.randBytes > 0 && ev.rand === undefined) ev.rand = ports.random.bytes(role.randBytes);
    ports.meter.state('cpu', CPU_ACTIVE);
    var before = copyCounters(work as unknown as { [k: string]: number }, WORK_UNITS);
    var beforeExtra: number[] = [];
    for (var x = 0; x < extra.length; x++) beforeExtra.push(extra[x].src[extra[x].key]);
    var res;
    try {
      res = role.next(slot.state, ev);
    } catch (err) {
      // A protocol core must never throw; if one does, keep the old state and
      // go on: a bad frame must not crash the board.
      ports.log.log(LOG_ERROR, 'step threw on ' + ev.t + ': ' + (err as Error).message);
    }
    reportWork(before, beforeExtra);
    if (res) {
      slot.state = res.state;
      for (var i = 0; i < res.effects.length; i++) {
        try {
          run(res.effects[i], slot);
        } catch (err2) {
          ports.log.log(LOG_ERROR, 'effect ' + res.effects[i].t + ' failed: ' + (err2 as Error).message);
        }
      }
      if (opts.onState) opts.onState(slot.state, role.proto);
    }
    ports.meter.state('cpu', CPU_IDLE);
  }

  /** Events raised while a step runs (a synchronous callback) wait their turn. */
  function post(ev: CoreEvent<any>, slot: Slot | null): void {
    queue.push({ ev: ev, slot: slot });
    if (busy) return;
    busy = true;
    while (queue.length) {
      var q = queue.shift() as { ev: CoreEvent<any>; slot: Slot | null };
      if (q.slot) step(q.ev, q.slot);
      else for (var i = 0; i < slots.length; i++) step(i === 0 ? q.ev : copyEvent(q.ev), slots[i]);
    }
    busy = false;
  }

  /** Route by protocol id (frames, OOB): the one demultiplexer. */
  function routed(ev: CoreEvent<any>, bytes: Uint8Array): void {
    var slot = slotOf(protocolOf(bytes));
    if (!slot) {
      rt.stats.foreign++;
      ports.log.log(LOG_DEBUG, 'E_PROTOCOL ' + E_PROTOCOL + ': ' + ev.t + ' for protocol ' + protocolOf(bytes) + ' dropped');
      return;
    }
    post(ev, slot);
  }

  function dispatch(ev: CoreEvent<any>, proto?: number): void {
    if (ev.t === 'boot') post(ev, null);
    else if (ev.t === 'frame' || ev.t === 'oob') routed(ev, ev.bytes);
    else {
      var slot = proto === undefined ? slots[0] : slotOf(proto);
      if (slot) post(ev, slot);
      else ports.log.log(LOG_WARN, 'E_PROTOCOL ' + E_PROTOCOL + ': ' + ev.t + ' for protocol ' + proto + ', which this board does not run');
    }
  }

  ports.radio.onReceive(function (from: Uint8Array, bytes: Uint8Array, rssi: number) {
    routed({ t: 'frame', from: from, bytes: bytes, rssi: rssi }, bytes);
  });
  if (ports.oob) {
    ports.oob.onReceive(function (bytes: Uint8Array) {
      routed({ t: 'oob', bytes: bytes }, bytes);
    });
  }
  return rt;
}

/** Each role gets its own event object (the runtime stamps now/rand per role). */
function copyEvent(ev: CoreEvent<any>): CoreEvent<any> {
  var o: any = {};
  var src: any = ev;
  for (var k in src) if (k !== 'rand' && k !== 'now') o[k] = src[k];
  return o as CoreEvent<any>;
}
