/**
 * A whole batch provisioning on the simulator with the real bundles: the
 * scenario behind `nowboard sim`, the end-to-end tests and the Duktape run.
 *
 * Any protocol (batch-protocol.ts; whitelist by default): every board's flash
 * is prepared like a freshly flashed board by the protocol's batch; an
 * enrollee is finished when it reports {"ev":"provisioned"} (or, when it is
 * expected to get nothing, never — the test then runs to maxMs and checks);
 * a configurator when its audit log holds an OK (or an authenticated
 * I_CONFIRMED, when the ACK was lost) for each enrollee it should provision. ES5-safe.
 */
import { ScenarioOptions, runScenario, ScenarioResult } from '../sim/sim-scenario.ts';
import { Board, World, LoadBundle, BoardPlatform } from '../sim/sim-world.ts';
import { WlConfig } from '../../firmware/protocols/whitelist/records.ts';
import { I_CONFIRMED } from '../../firmware/codec/codes.ts';
import { BatchProtocol, SimBatch, ConfiguratorFileOptions, writeFiles } from './batch-protocol.ts';
import { whitelistBatch, WlSimBatch } from './whitelist-batch.ts';

export interface BatchScenarioOptions<B extends SimBatch = WlSimBatch> {
  /** the protocol's batch (default: whitelist); `bundles` must be that protocol's */
  protocol?: BatchProtocol<B>;
  seed: number | string;
  enrollees: number;
  configurators?: number;
  loss?: number;
  bundles: { enrollee: string; configurator: string };
  loadBundle: LoadBundle;
  /** the platform the bundles were built for (default espruino) */
  platform?: BoardPlatform;
  /** Wi-Fi networks in range: ssid -> psk */
  accessPoints?: { [ssid: string]: string | null };
  /** the default group's configuration */
  config?: WlConfig;
  /** per-configurator overrides of the files it is flashed with */
  configuratorFiles?: (ci: number, base: ConfiguratorFileOptions) => ConfiguratorFileOptions;
  /** enrollees expected NOT to be provisioned (unauthorized, revoked, foreign) */
  expectNothing?: number[];
  /** enrollee index -> the configurator (index) whose whitelist lists it (default: i mod configurators) */
  owners?: number[];
  /** enrollee index -> the trust anchor it pins (default: its owner's) */
  pinnedTo?: (enrolleeIndex: number, batch: B) => Uint8Array;
  maxMs?: number;
  nativeCrypto?: any;
  engine?: string;
  /** extra setup after the flashes are written (links, power cuts...) */
  setup?: (world: World, batch: B) => void;
}

export var DEFAULT_CONFIG: WlConfig = {
  version: 1,
  ssid: 'nowboard-lab',
  psk: 'correct horse battery',
  settings: { mqtt: 'mqtt://broker.local', interval: '60' },
};

function has(a: number[] | undefined, v: number): boolean {
  if (!a) return false;
  for (var i = 0; i < a.length; i++) if (a[i] === v) return true;
  return false;
}

function hasEvent(b: Board, name: string): boolean {
  for (var i = 0; i < b.reports.length; i++) if (b.reports[i].ev === name) return true;
  return false;
}

/** Board ids are cfg1.. then enr1..; enrollee index i is board 'enr' + (i + 1). */
export function enrolleeIndex(b: Board): number {
  return parseInt(b.id.substring(3), 10) - 1;
}

export function batchScenarioOptions<B extends SimBatch = WlSimBatch>(o: BatchScenarioOptions<B>): { opts: ScenarioOptions; batch: () => B } {
  var proto: BatchProtocol<B> = o.protocol || (whitelistBatch as unknown as BatchProtocol<B>);
  var nConf = o.configurators || 1;
  var cfg = o.config || DEFAULT_CONFIG;
  var batch: B | null = null;
  var aps: { [ssid: string]: string | null } = {};
  if (o.accessPoints) aps = o.accessPoints;
  else aps[cfg.ssid] = cfg.psk;
  function expectedFor(ci: number): string[] {
    var out: string[] = [];
    if (!batch) return out;
    for (var i = 0; i < batch.enrollees.length; i++) {
      var en = batch.enrollees[i];
      if (en.owner === ci && !has(o.expectNothing, i)) out.push(en.device);
    }
    return out;
  }
  function finished(b: Board, world: World): boolean {
    if (!b.alive) return false;
    if (b.role === 'enrollee') return has(o.expectNothing, enrolleeIndex(b)) ? false : hasEvent(b, 'provisioned');
    var ci = parseInt(b.id.substring(3), 10) - 1;
    var want = expectedFor(ci);
    var okd: { [h: string]: boolean } = {};
    for (var i = 0; i < b.reports.length; i++) {
      var r = b.reports[i];
      // An OK ACK, or (its ACK lost) the enrollee's authenticated PRESENCE holding the version.
      if (r.ev === 'audit' && (r.code === 0 || r.code === I_CONFIRMED)) okd[r.device] = true;
    }
    for (var k = 0; k < want.length; k++) if (!okd[want[k]]) return false;
    // If some enrollees are expected to get nothing, only the time limit ends the run.
    return !o.expectNothing || o.expectNothing.length === 0;
  }
  var opts: ScenarioOptions = {
    seed: o.seed,
    enrollees: o.enrollees,
    configurators: nConf,
    bundles: o.bundles,
    loadBundle: o.loadBundle,
    platform: o.platform,
    loss: o.loss,
    accessPoints: aps,
    maxMs: o.maxMs || 600000,
    nativeCrypto: o.nativeCrypto,
    engine: o.engine,
    finished: finished,
    setup: function (world: World) {
      var keyRng = world.rng.fork('keys');
      batch = proto.makeBatch({
        enrollees: o.enrollees,
        configurators: nConf,
        random: function (n: number) {
          var b = new Uint8Array(n);
          for (var i = 0; i < n; i++) b[i] = keyRng.int(256);
          return b;
        },
      });
      var bt = batch;
      if (o.owners) for (var oi = 0; oi < o.owners.length; oi++) bt.enrollees[oi].owner = o.owners[oi];
      for (var i = 0; i < world.boards.length; i++) {
        var b = world.boards[i];
        if (b.role === 'configurator') {
          var ci = parseInt(b.id.substring(3), 10) - 1;
          var base: ConfiguratorFileOptions = { groups: { '': cfg } };
          writeFiles(b.storage, proto.configuratorFiles(bt, ci, o.configuratorFiles ? o.configuratorFiles(ci, base) : base));
        } else {
          var ei = enrolleeIndex(b);
          writeFiles(b.storage, proto.enrolleeFiles(bt, ei, o.pinnedTo ? o.pinnedTo(ei, bt) : undefined));
        }
      }
      if (proto.prepareWorld) proto.prepareWorld(world, bt);
      if (o.setup) o.setup(world, bt);
    },
  };
  return {
    opts: opts,
    batch: function () {
      return batch as B;
    },
  };
}

export function runBatchScenario<B extends SimBatch = WlSimBatch>(o: BatchScenarioOptions<B>): { result: ScenarioResult; batch: B } {
  var s = batchScenarioOptions(o);
  var result = runScenario(s.opts);
  return { result: result, batch: s.batch() };
}
