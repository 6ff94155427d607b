/**
 * The psk-oob protocol's batch for the simulator (firmware/protocols/psk-oob/README.md):
 * what `nowboard installer imprint` writes into each enrollee (ID, NID, IK),
 * each configurator's SBR key, the SBS database and configuration store, and
 * the world around them: the private OOB medium per enrollee–configurator pair
 * (configurator/sim/oob-medium.ts), the SBS on the host behind each
 * configurator's uplink (`hostSbs`, default; else the SBS inside the
 * configurator on `nb-sbs`), and the eavesdropping installer, who knows every
 * IK and records every ESP-NOW frame and every SBR ↔ SBS message
 * (psk-oob-installer.ts; `nowboard sim` reports what it learned).
 */
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { ClockPort } from '../../firmware/ports/ports.ts';
import { encodeIdentity, encodeSbrIdentity, encodeSbsDb, SbsDb } from '../../firmware/protocols/psk-oob/records.ts';
import { firmwareSuite } from '../../firmware/protocols/psk-oob/suite.ts';
import { sbsInitial, SbsState } from '../../firmware/protocols/psk-oob/sbs.ts';
import { sbsService, sbsUplink, SBS_FILE } from '../../firmware/protocols/psk-oob/sbs-link.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { SBR_FILE } from '../app/psk-oob/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { World, Board } from '../sim/sim-world.ts';
import { makeOobMedium, OobMedium } from '../sim/oob-medium.ts';
import { BatchProtocol, BatchOptions, ConfiguratorFileOptions, RawFiles, BatchEnrollee, BatchConfigurator, contains, DeviceConfig } from './batch-protocol.ts';
import { installerAttack, InstallerKnowledge } from './psk-oob-installer.ts';

export interface PoSimEnrollee extends BatchEnrollee {
  id: Uint8Array;
  ik: Uint8Array;
}
export interface PoSimConfigurator extends BatchConfigurator {
  idc: Uint8Array;
  kcs: Uint8Array;
}
export interface PoSimBatch {
  nid: number;
  configurators: PoSimConfigurator[];
  enrollees: PoSimEnrollee[];
  /** run the SBS on the host behind the configurators' uplink (true) or inside each configurator (false) */
  hostSbs: boolean;
  /** OOB medium options */
  oobLatencyMs: number;
  oobLoss: number;
  /** filled by prepareWorld */
  oob: OobMedium | null;
  sbs: { state(): SbsState } | null;
  /** the host SBS's code for every flight 2 it answered (0 = re-keyed) */
  sbsCodes: number[];
  installer: InstallerKnowledge;
  /** tests only: rewrite or drop (null) an OOB message or an SBR-SBS message in transit */
  tamperOob?: (from: string, to: string, bytes: Uint8Array) => Uint8Array | null;
  tamperLink?: (dir: 'request' | 'answer', json: string) => string | null;
}

function makeBatch(o: BatchOptions): PoSimBatch {
  var nr = o.random(4);
  var nid = ((nr[0] << 24) >>> 0) + ((nr[1] << 16) | (nr[2] << 8) | nr[3]);
  var cs: PoSimConfigurator[] = [];
  for (var i = 0; i < o.configurators; i++) {
    var idc = o.random(8);
    cs.push({ index: i, idc: idc, kcs: o.random(16), anchor: idc });
  }
  var es: PoSimEnrollee[] = [];
  for (var j = 0; j < o.enrollees; j++) {
    var id = o.random(8);
    es.push({ index: j, id: id, ik: o.random(16), device: toHex(id), owner: j % Math.max(1, o.configurators) });
  }
  var devices: { id: Uint8Array; nid: number; ik: Uint8Array }[] = [];
  for (var k = 0; k < es.length; k++) devices.push({ id: es[k].id, nid: nid, ik: es[k].ik });
  return {
    nid: nid, configurators: cs, enrollees: es, hostSbs: true, oobLatencyMs: 200, oobLoss: 0, oob: null, sbs: null, sbsCodes: [],
    installer: { devices: devices, air: [], link: [] },
  };
}

function enrolleeFiles(batch: PoSimBatch, index: number): RawFiles {
  var en = batch.enrollees[index];
  var logical: { [name: string]: Uint8Array } = {};
  logical[IDENTITY_FILE] = encodeIdentity({ id: en.id, nid: batch.nid, ik: en.ik });
  return slotFiles(logical);
}

/** The SBS database: these SBRs and the devices they own (unlisted ones left out). */
function sbsDb(batch: PoSimBatch, cis: number[], unlisted?: number[]): SbsDb {
  var db: SbsDb = { sbr: [], dev: [] };
  for (var i = 0; i < cis.length; i++) db.sbr.push({ idc: batch.configurators[cis[i]].idc, kcs: batch.configurators[cis[i]].kcs });
  for (var j = 0; j < batch.enrollees.length; j++) {
    var en = batch.enrollees[j];
    if (!contains(cis, en.owner) || contains(unlisted, j)) continue;
    db.dev.push({ id: en.id, nid: batch.nid, gen: 0, key: en.ik, pend: [] });
  }
  return db;
}

function configuratorFiles(batch: PoSimBatch, ci: number, o: ConfiguratorFileOptions): RawFiles {
  var c = batch.configurators[ci];
  var devices: { [hx: string]: DeviceConfig } = {};
  for (var i = 0; i < batch.enrollees.length; i++) {
    var en = batch.enrollees[i];
    if (en.owner === ci && o.devices && o.devices[en.index]) devices[en.device] = o.devices[en.index];
  }
  var logical: { [name: string]: Uint8Array } = {};
  logical[SBR_FILE] = encodeSbrIdentity({ idc: c.idc, nid: batch.nid, kcs: c.kcs });
  logical[SBS_FILE] = encodeSbsDb(sbsDb(batch, [ci], o.unlisted));
  logical[STORE_FILE] = utf8Encode(JSON.stringify({ groups: o.groups, devices: devices }));
  return slotFiles(logical);
}

function worldClock(world: World): ClockPort {
  return {
    now: function () {
      return world.clock.now();
    },
    setTimer: function (ms: number, cb: () => void) {
      return world.clock.after(ms, cb);
    },
    clearTimer: function (id: number) {
      world.clock.cancel(id);
    },
  };
}

/** ms a request takes to the host SBS and back (each way) */
var LINK_MS = 25;

function prepareWorld(world: World, batch: PoSimBatch): void {
  function boardOf(prefix: string, index: number): string {
    return prefix + (index + 1);
  }
  // Per-pair routing: enrollee → its configurator; configurator → the enrollee whose ID is at offset 3.
  batch.oob = makeOobMedium(world, function (from: Board, bytes: Uint8Array) {
    if (from.role === 'enrollee') {
      var ei = parseInt(from.id.substring(3), 10) - 1;
      return batch.enrollees[ei] ? boardOf('cfg', batch.enrollees[ei].owner) : null;
    }
    if (bytes.length < 11) return null;
    var hx = toHex(bytes.subarray(3, 11));
    for (var i = 0; i < batch.enrollees.length; i++) if (batch.enrollees[i].device === hx) return boardOf('enr', i);
    return null;
  }, {
    latencyMs: batch.oobLatencyMs, loss: batch.oobLoss,
    tamper: function (from: string, to: string, bytes: Uint8Array) {
      return batch.tamperOob ? batch.tamperOob(from, to, bytes) : bytes;
    },
  });
  // The installer's recorder: every frame put on the air by anyone.
  var medium: any = world.medium;
  var send = medium.send;
  medium.send = function (fromId: string, toMac: Uint8Array, data: Uint8Array) {
    if (data instanceof Uint8Array) batch.installer.air.push(new Uint8Array(data));
    return send.apply(medium, arguments as any);
  };
  var clock = worldClock(world);
  var up: any = null;
  if (batch.hostSbs) {
    var all: number[] = [];
    for (var c = 0; c < batch.configurators.length; c++) all.push(c);
    var s = firmwareSuite();
    var svc = sbsService(s, sbsInitial(s, sbsDb(batch, all)), clock, { bytes: function (n: number) {
      var b = new Uint8Array(n);
      for (var i = 0; i < n; i++) b[i] = world.rng.int(256);
      return b;
    } }, function () {});
    batch.sbs = svc;
    up = sbsUplink({
      handle: function (f2: Uint8Array, done: (status: number, f3: Uint8Array | null, code: number) => void) {
        svc.handle(f2, function (status: number, f3: Uint8Array | null, code: number) {
          batch.sbsCodes.push(code);
          done(status, f3, code);
        });
      },
    }, clock);
  }
  var oob = batch.oob;
  world.options.extraModules = function (b: Board, call: (fn: any, args: any[]) => void) {
    var mods: { [name: string]: any } = { NowOob: oob.module(b, call) };
    if (up && b.role === 'configurator') {
      mods.NowUplink = {
        request: function (path: string, json0: string, done: (status: number, json: string | null) => void) {
          var json = batch.tamperLink ? batch.tamperLink('request', String(json0)) : String(json0);
          if (json === null) return;
          batch.installer.link.push(json);
          world.clock.after(LINK_MS, function () {
            up.request(String(path), json, function (status: number, out0: string | null) {
              var out = out0 !== null && batch.tamperLink ? batch.tamperLink('answer', out0) : out0;
              if (out) batch.installer.link.push(out);
              world.clock.after(LINK_MS, function () {
                call(done, [status, out]);
              });
            });
          });
        },
      };
    }
    return mods;
  };
}

export var pskOobBatch: BatchProtocol<PoSimBatch> = {
  name: 'psk-oob',
  makeBatch: makeBatch,
  enrolleeFiles: enrolleeFiles,
  configuratorFiles: configuratorFiles,
  prepareWorld: prepareWorld,
};

/** What `nowboard sim` prints after the batch: the OOB medium and what the eavesdropping installer learned. */
export function pskOobAfterBatch(_world: World, batch: PoSimBatch): { ok: boolean; lines: string[] } {
  var r = installerAttack(batch.installer);
  var oobMsgs: Uint8Array[] = [];
  if (batch.oob) for (var i = 0; i < batch.oob.log.length; i++) oobMsgs.push(batch.oob.log[i].bytes);
  var ctl = installerAttack(batch.installer, oobMsgs);
  var st = batch.oob ? batch.oob.stats : { sent: 0, delivered: 0, dropped: 0, unrouted: 0 };
  var lines: string[] = [];
  lines.push('OOB medium (private per pair): ' + st.sent + ' messages, ' + st.delivered + ' delivered, ' + st.dropped + ' dropped');
  lines.push('eavesdropping installer (knows all ' + batch.installer.devices.length + ' IKs; recorded ' + r.frames + ' ESP-NOW frames, ' + r.linkMessages +
    ' SBR-SBS messages): ' + r.linkOpened + ' link messages opened, ' + r.configsOpened + '/' + r.configFrames + ' CONFIG fragments decrypted, ' +
    r.psksDerived.length + ' PSKs derived' + (r.configsOpened === 0 && r.linkOpened === 0 ? ' - learned nothing' : ' - LEAK'));
  lines.push('control (the same attacker also given the OOB messages): ' + ctl.configsOpened + '/' + ctl.configFrames + ' fragments decrypted, ' + ctl.psksDerived.length + ' PSKs derived');
  return { ok: r.configsOpened === 0 && r.linkOpened === 0 && r.psksDerived.length === 0, lines: lines };
}
