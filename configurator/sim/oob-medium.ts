/**
 * The simulator's private out-of-band medium (protocol psk-oob): one channel
 * per enrollee–configurator pair, like a cable or a person carrying a QR code
 * between the two. A message reaches only the other end of its pair, after a
 * latency, and never appears on the radio medium, in the trace's frames or to
 * any eavesdropper (README of psk-oob, "what the scheme assumes of each OOB
 * binding"). The trace gets a board event with the length only.
 *
 * Each board gets it as `require("NowOob")` ({send(bytes), onReceive(fn)}),
 * what firmware/platform/espruino/index.ts `bindOob` uses when present.
 * ES5-safe.
 */
import { World, Board } from './sim-world.ts';
import { toStorageBytes } from './flash-storage.ts';

export interface OobMediumOptions {
  /** ms from send to delivery (default 200: a relay, not a radio) */
  latencyMs?: number;
  /** loss probability per message (default 0: the OOB binding is reliable) */
  loss?: number;
  /** tests only: rewrite (or drop, null) a message in transit */
  tamper?: (from: string, to: string, bytes: Uint8Array) => Uint8Array | null;
}

export interface OobMedium {
  /** The NowOob module for one life of board b. */
  module(b: Board, call: (fn: any, args: any[]) => void): { send(bytes: any): void; onReceive(fn: (bytes: Uint8Array) => void): void };
  /** Every message as sent (for tests and the control attacker only; nothing on the radio side sees this). */
  log: { t: number; from: string; to: string | null; bytes: Uint8Array }[];
  stats: { sent: number; delivered: number; dropped: number; unrouted: number };
}

function copy(b: Uint8Array): Uint8Array {
  var out = new Uint8Array(b.length);
  for (var i = 0; i < b.length; i++) out[i] = b[i];
  return out;
}

/** `route(from, bytes)` names the board at the other end of the pair (null: nobody). */
export function makeOobMedium(world: World, route: (from: Board, bytes: Uint8Array) => string | null, o?: OobMediumOptions): OobMedium {
  var opt = o || {};
  var latency = typeof opt.latencyMs === 'number' ? opt.latencyMs : 200;
  var loss = typeof opt.loss === 'number' ? opt.loss : 0;
  var rng = world.rng.fork('oob');
  var handlers: { [board: string]: { fn: (bytes: Uint8Array) => void; call: (fn: any, args: any[]) => void; gen: number } } = {};
  var m: OobMedium = {
    log: [],
    stats: { sent: 0, delivered: 0, dropped: 0, unrouted: 0 },
    module: function (b: Board, call: (fn: any, args: any[]) => void) {
      var gen = b.generation;
      return {
        send: function (bytes: any) {
          // A board-realm typed array is not an instance of the host's (node:vm): copy by tag.
          var data = toStorageBytes(bytes);
          var to = route(b, data);
          m.stats.sent++;
          m.log.push({ t: world.clock.now(), from: b.id, to: to, bytes: data });
          world.trace.add({ kind: 'board', t: world.clock.now(), board: b.id, ev: 'oob-send', detail: 'len=' + data.length + ' to ' + (to || '-') });
          if (!to) {
            m.stats.unrouted++;
            return;
          }
          if (loss > 0 && rng.chance(loss)) {
            m.stats.dropped++;
            return;
          }
          var dest = to;
          if (opt.tamper) {
            var t = opt.tamper(b.id, to, data);
            if (!t) {
              m.stats.dropped++;
              return;
            }
            data = t;
          }
          world.clock.after(latency, function () {
            var h = handlers[dest];
            var tb = world.board(dest);
            if (!h || !tb.alive || tb.generation !== h.gen) {
              m.stats.dropped++;
              return;
            }
            m.stats.delivered++;
            h.call(h.fn, [copy(data)]);
          });
        },
        onReceive: function (fn: (bytes: Uint8Array) => void) {
          handlers[b.id] = { fn: fn, call: call, gen: gen };
        },
      };
    },
  };
  return m;
}
