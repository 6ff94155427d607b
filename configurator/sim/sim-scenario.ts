/**
 * A provisioning scenario: N enrollees and M configurators running the built
 * board bundles in one simulated world, with a seed, a loss rate and options.
 * Loader-agnostic: the caller passes `loadBundle` (node:vm in vitest,
 * `new Function` in Duktape), so both engines run the very same scenario.
 *
 * Outcomes come from the boards' own `NOWBOARD {json}` report lines. A board
 * is "finished" when `finished(board, world)` says so, asked again after every
 * board event (report, print, boot, crash, power cut); the run stops when every board is finished or at
 * maxMs of virtual time. `ok` = every board finished and none crashed.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */
import { makeWorld, World, Board, LoadBundle, CpuSecondsFor, NativeCrypto, WifiTiming, BoardPlatform } from './sim-world.ts';
import { MediumOptions } from './sim-medium.ts';
import { Trace, fmtMs } from './sim-trace.ts';
import { PowerParams } from '../power/power-params.ts';

export interface ScenarioOptions {
  seed: number | string;
  enrollees: number;
  configurators: number;
  bundles: { enrollee: string; configurator: string };
  loadBundle: LoadBundle;
  /** The platform the bundles were built for (default espruino). */
  platform?: BoardPlatform;
  /** Loss probability on every link (overrides medium.link.loss). */
  loss?: number;
  medium?: MediumOptions;
  accessPoints?: { [ssid: string]: string | null };
  wifiTiming?: Partial<WifiTiming>;
  nativeCrypto?: NativeCrypto | null;
  cpuSecondsFor?: CpuSecondsFor | null;
  powerParams?: PowerParams;
  engine?: string;
  /** What an idle CPU does while its radio is off (sim-world.ts WorldOptions.radioOffIdle). */
  radioOffIdle?: string;
  /** Enrollees sit on a circle of this radius (m) around the configurators. Default 5. */
  radiusM?: number;
  /** Boot times are spread over [0, bootSpreadMs) by the seed. Default 200. */
  bootSpreadMs?: number;
  /** Virtual-time limit. Default 120000. */
  maxMs?: number;
  /** Record every frame in the trace (default true; false for very large batches). */
  traceFrames?: boolean;
  /** Keep per-board meter event lists (default false; board.power has the timeline). */
  keepMeterLog?: boolean;
  /** Received frames that may wait for a busy board (default 32). */
  rxQueueLimit?: number;
  finished: (b: Board, world: World) => boolean;
  /** Runs after the boards exist and before anything boots: links, partitions, power cuts, flash. */
  setup?: (world: World) => void;
}

export interface BoardSummary {
  id: string;
  role: string;
  mac: string;
  finished: boolean;
  alive: boolean;
  boots: number;
  crashes: string[];
  powerCuts: number;
  reports: any[];
  events: number;
  cpuBusyMs: number;
  /** Frames dropped because the board's receive queue was full. */
  rxDropped: number;
  flashOps: number;
  flashErases: number;
  flashBytes: number;
  workTotals: { [unit: string]: number };
  energyMj: number;
}

export interface ScenarioResult {
  seed: string;
  ok: boolean;
  endMs: number;
  boards: BoardSummary[];
  medium: { sent: number; delivered: number; dropped: number; duplicated: number; refused: number; retries: number; airtimeMs: number };
  trace: Trace;
  world: World;
}

function sortedKeys(o: { [k: string]: any }): string[] {
  var ks: string[] = [];
  for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ks.push(k);
  ks.sort();
  return ks;
}

export function buildScenarioWorld(opts: ScenarioOptions): World {
  var med: MediumOptions = {};
  var src = opts.medium || {};
  for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) (med as any)[k] = (src as any)[k];
  var link: any = {};
  if (src.link) for (var lk in src.link) if (Object.prototype.hasOwnProperty.call(src.link, lk)) link[lk] = (src.link as any)[lk];
  if (typeof opts.loss === 'number') link.loss = opts.loss;
  med.link = link;
  var world = makeWorld({
    seed: opts.seed,
    loadBundle: opts.loadBundle,
    platform: opts.platform,
    medium: med,
    accessPoints: opts.accessPoints,
    wifiTiming: opts.wifiTiming,
    nativeCrypto: opts.nativeCrypto,
    cpuSecondsFor: opts.cpuSecondsFor,
    powerParams: opts.powerParams,
    engine: opts.engine,
    radioOffIdle: opts.radioOffIdle,
    traceFrames: opts.traceFrames,
    keepMeterLog: opts.keepMeterLog,
    rxQueueLimit: opts.rxQueueLimit,
  });
  var radius = typeof opts.radiusM === 'number' ? opts.radiusM : 5;
  var i: number;
  for (i = 0; i < opts.configurators; i++) {
    world.addBoard({ id: 'cfg' + (i + 1), role: 'configurator', src: opts.bundles.configurator, x: i, y: 0 });
  }
  for (i = 0; i < opts.enrollees; i++) {
    var a = (2 * Math.PI * i) / (opts.enrollees || 1);
    world.addBoard({
      id: 'enr' + (i + 1), role: 'enrollee', src: opts.bundles.enrollee,
      x: Math.round(radius * Math.cos(a) * 100) / 100, y: Math.round(radius * Math.sin(a) * 100) / 100,
    });
  }
  return world;
}

export function summarize(world: World, opts: ScenarioOptions): ScenarioResult {
  var boards: BoardSummary[] = [];
  var ok = true;
  for (var i = 0; i < world.boards.length; i++) {
    var b = world.boards[i];
    var fin = opts.finished(b, world);
    var crashes: string[] = [];
    for (var c = 0; c < b.crashes.length; c++) crashes.push(b.crashes[c].error);
    if (!fin || crashes.length > 0) ok = false;
    // A callback's CPU time may end after the run stopped: account up to the later of the two.
    var energyMj = b.power.energy(Math.max(world.clock.now(), b.power.lastChangeMs())).totalMj;
    boards.push({
      id: b.id, role: b.role, mac: b.macText, finished: fin, alive: b.alive, boots: b.boots, crashes: crashes,
      powerCuts: b.powerCuts, reports: b.reports, events: b.events, cpuBusyMs: b.cpuBusyMs, rxDropped: b.rxDropped,
      flashOps: b.flash.stats.ops, flashErases: b.flash.stats.erases, flashBytes: b.flash.stats.bytesProgrammed,
      workTotals: b.workTotals, energyMj: energyMj,
    });
  }
  var st = world.medium.stats;
  return {
    seed: String(opts.seed), ok: ok, endMs: world.clock.now(), boards: boards,
    medium: { sent: st.sent, delivered: st.delivered, dropped: st.dropped, duplicated: st.duplicated, refused: st.refused, retries: st.retries, airtimeMs: st.airtimeMs },
    trace: world.trace, world: world,
  };
}

/** A scenario run in steps: `advance(untilMs)` runs to that virtual time or until every board is finished. */
export interface ScenarioRun {
  world: World;
  maxMs: number;
  /** true once every board is finished (or maxMs is reached) */
  advance(untilMs: number): boolean;
  result(): ScenarioResult;
}

export function startScenario(opts: ScenarioOptions): ScenarioRun {
  var world = buildScenarioWorld(opts);
  if (opts.setup) opts.setup(world);
  var spread = typeof opts.bootSpreadMs === 'number' ? opts.bootSpreadMs : 200;
  var bootRng = world.rng.fork('boot');
  for (var i = 0; i < world.boards.length; i++) world.boot(world.boards[i], spread > 0 ? bootRng.int(spread) : 0);
  var maxMs = typeof opts.maxMs === 'number' ? opts.maxMs : 120000;
  // "Finished" can only change when a board reports, boots or goes down: ask again only then.
  var seen = -1;
  var done = false;
  function allFinished(): boolean {
    var v = world.changes();
    if (v === seen) return done;
    seen = v;
    done = true;
    for (var j = 0; j < world.boards.length; j++) {
      if (!opts.finished(world.boards[j], world)) {
        done = false;
        break;
      }
    }
    return done;
  }
  return {
    world: world,
    maxMs: maxMs,
    advance: function (untilMs: number) {
      var limit = untilMs < maxMs ? untilMs : maxMs;
      return world.runUntil(allFinished, limit) || limit >= maxMs;
    },
    result: function () {
      return summarize(world, opts);
    },
  };
}

export function runScenario(opts: ScenarioOptions): ScenarioResult {
  var run = startScenario(opts);
  run.advance(run.maxMs);
  return run.result();
}

/** Human-readable summary; always starts with the seed so a failure can be replayed. */
export function summaryText(r: ScenarioResult): string {
  var lines: string[] = [];
  lines.push('seed ' + r.seed + '  ' + (r.ok ? 'OK' : 'FAILED') + '  at ' + fmtMs(r.endMs) + ' ms virtual');
  lines.push('medium: sent ' + r.medium.sent + ', delivered ' + r.medium.delivered + ', dropped ' + r.medium.dropped +
    ', duplicated ' + r.medium.duplicated + ', refused ' + r.medium.refused + ', retries ' + r.medium.retries +
    ', airtime ' + fmtMs(r.medium.airtimeMs) + ' ms');
  for (var i = 0; i < r.boards.length; i++) {
    var b = r.boards[i];
    var evs: string[] = [];
    for (var j = 0; j < b.reports.length; j++) evs.push(b.reports[j].ev + '@' + fmtMs(b.reports[j].t));
    var work: string[] = [];
    var ks = sortedKeys(b.workTotals);
    for (var w = 0; w < ks.length; w++) work.push(ks[w] + '=' + b.workTotals[ks[w]]);
    lines.push('  ' + b.id + ' (' + b.role + ', ' + b.mac + ') ' + (b.finished ? 'finished' : 'NOT FINISHED') +
      (b.alive ? '' : ' [off]') + ' boots=' + b.boots + ' cpu=' + fmtMs(b.cpuBusyMs) + 'ms' + (b.rxDropped ? ' rxDropped=' + b.rxDropped : '') + ' energy=' +
      fmtMs(b.energyMj) + 'mJ flash ops/erases=' + b.flashOps + '/' + b.flashErases +
      ' work{' + work.join(',') + '} reports[' + evs.join(' ') + ']' +
      (b.crashes.length ? ' CRASH: ' + b.crashes.join(' | ') : '') + (b.powerCuts ? ' powerCuts=' + b.powerCuts : ''));
  }
  return lines.join('\n');
}
