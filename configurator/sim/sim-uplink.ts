/**
 * The simulator's uplink (border router → Authentication Cloud): an
 * in-process link with latency and loss in virtual time, calling an AC
 * endpoint directly (configurator/sim/ac-stub.ts, or the real AC core on its
 * embedded database). Installed as WorldOptions.uplink (sim-world.ts).
 *
 * An endpoint may answer synchronously (a value) or asynchronously (a
 * Promise, like the real AC on PGlite). A request sent at virtual time t is
 * answered at t + latency; the answer of an asynchronous endpoint is not
 * there until its Promise settles, so the virtual clock must not pass
 * t + latency before it does: `runWithUplink` runs the world up to the
 * earliest outstanding deadline, awaits, and goes on. Either way the virtual
 * timeline depends on the seed only, never on how fast the host answered.
 *
 * Loss: the request (the AC never sees it) or the answer (the AC decided, the
 * board never hears it) is lost with probability `loss` each; the board then
 * gets status 0 after `timeoutMs`.
 */
import { World, Board } from './sim-world.ts';
import { Rng } from './sim-rng.ts';

export interface UplinkAnswer {
  status: number;
  json: string;
}

/** An AC as the simulator calls it: path and JSON body in, status and JSON body out. */
export type UplinkEndpoint = (path: string, json: string) => UplinkAnswer | Promise<UplinkAnswer>;

export interface SimUplinkOptions {
  /** one-way latency is uniform in [min, max] ms (default 40 … 120) */
  latencyMs?: [number, number];
  loss?: number;
  /** a lost request or answer is reported as status 0 after this (default 20 s, the board port's guard) */
  timeoutMs?: number;
}

export interface UplinkRecord {
  t: number;
  board: string;
  path: string;
  status: number;
  lost: string;
}

export interface SimUplink {
  /** the WorldOptions.uplink hook */
  hook: (board: Board, path: string, json: string, done: (status: number, json: string | null) => void) => void;
  /** answers of asynchronous endpoints not settled yet */
  unsettled(): number;
  /** the earliest virtual time at which an unsettled answer is due (Infinity if none) */
  firstDue(): number;
  /** requests issued so far (moves when a board asks) */
  issued(): number;
  /** wait until every outstanding Promise has settled (their deliveries are then on the clock) */
  settle(): Promise<void>;
  log: UplinkRecord[];
  stats: { requests: number; lostRequests: number; lostAnswers: number; answered: number; errors: number };
}

export function makeSimUplink(world: World, endpoint: () => UplinkEndpoint, o?: SimUplinkOptions): SimUplink {
  var opt = o || {};
  var lat = opt.latencyMs || [40, 120];
  var loss = typeof opt.loss === 'number' ? opt.loss : 0;
  var timeoutMs = typeof opt.timeoutMs === 'number' ? opt.timeoutMs : 20000;
  var rng: Rng = world.rng.fork('uplink');
  var clock = world.clock;
  var outstanding: { due: number; p: Promise<void>; settled: boolean }[] = [];
  var issued = 0;
  var log: UplinkRecord[] = [];
  var stats = { requests: 0, lostRequests: 0, lostAnswers: 0, answered: 0, errors: 0 };

  function latency(): number {
    return lat[0] + rng.int(Math.max(1, lat[1] - lat[0] + 1));
  }

  function hook(board: Board, path: string, json: string, done: (status: number, json: string | null) => void): void {
    issued++;
    stats.requests++;
    var t0 = clock.now();
    var up = latency();
    var downMs = latency();
    var lostReq = rng.next() < loss;
    var lostAns = !lostReq && rng.next() < loss;
    function fail(kind: string): void {
      clock.at(t0 + timeoutMs, function () {
        log.push({ t: clock.now(), board: board.id, path: path, status: 0, lost: kind });
        done(0, null);
      });
    }
    if (lostReq) {
      stats.lostRequests++;
      fail('request');
      return;
    }
    function deliver(a: UplinkAnswer | null, at: number): void {
      if (lostAns) {
        stats.lostAnswers++;
        fail('answer');
        return;
      }
      clock.at(at, function () {
        stats.answered++;
        log.push({ t: clock.now(), board: board.id, path: path, status: a ? a.status : 0, lost: '' });
        if (a) done(a.status, a.json);
        else done(0, null);
      });
    }
    var due = t0 + up + downMs;
    var r: UplinkAnswer | Promise<UplinkAnswer>;
    try {
      r = endpoint()(path, json);
    } catch (e) {
      stats.errors++;
      deliver(null, due);
      return;
    }
    if (r && typeof (r as any).then === 'function') {
      var entry = { due: due, p: null as unknown as Promise<void>, settled: false };
      entry.p = (r as Promise<UplinkAnswer>).then(
        function (a) {
          entry.settled = true;
          deliver(a, Math.max(clock.now(), due));
        },
        function () {
          entry.settled = true;
          stats.errors++;
          deliver(null, Math.max(clock.now(), due));
        },
      );
      outstanding.push(entry);
      return;
    }
    deliver(r as UplinkAnswer, due);
  }

  function prune(): void {
    var keep: { due: number; p: Promise<void>; settled: boolean }[] = [];
    for (var i = 0; i < outstanding.length; i++) if (!outstanding[i].settled) keep.push(outstanding[i]);
    outstanding = keep;
  }

  return {
    hook: hook,
    unsettled: function () {
      prune();
      return outstanding.length;
    },
    firstDue: function () {
      prune();
      var m = Infinity;
      for (var i = 0; i < outstanding.length; i++) if (outstanding[i].due < m) m = outstanding[i].due;
      return m;
    },
    issued: function () {
      return issued;
    },
    settle: function () {
      prune();
      var ps: Promise<void>[] = [];
      for (var i = 0; i < outstanding.length; i++) ps.push(outstanding[i].p);
      // Only an asynchronous AC leaves Promises outstanding; the guard keeps this
      // file ES5-safe for the engine scenarios (Duktape has no Promise), where the
      // AC answers synchronously (host-tests/engines/cloud-engine-ac.ts).
      if (typeof Promise !== 'undefined') {
        return Promise.all(ps).then(function () {
          prune();
        });
      }
      throw new Error('sim-uplink: settle() needs Promise (asynchronous AC endpoints only)');
    },
    log: log,
    stats: stats,
  };
}

/**
 * Run the world until pred() or maxMs, never letting virtual time pass an
 * unsettled answer's due time: run up to it (stopping early when a board issues
 * a new request), await the AC, go on.
 */
export async function runWithUplink(world: World, up: SimUplink, pred: () => boolean, maxMs: number): Promise<boolean> {
  for (;;) {
    if (pred()) return true;
    var due = up.firstDue();
    var limit = due < maxMs ? due : maxMs;
    var mark = up.issued();
    world.runUntil(function () {
      return pred() || up.issued() !== mark;
    }, limit);
    if (pred()) return true;
    if (up.issued() !== mark) continue;
    if (up.unsettled() > 0) {
      await up.settle();
      continue;
    }
    var next = world.clock.nextTime();
    if (next < 0 || next > maxMs) return pred();
  }
}
