/**
 * The ECQV protocol's batch for the simulator (firmware/protocols/ecqv/README.md
 * §6, §9): a CA key and a master secret per configurator, an 8-byte id and a
 * per-device request key per enrollee, each board's Storage files exactly as
 * `nowboard keygen --protocol ecqv` + `flash.sh` write them (two-slot files),
 * and the pairing run that follows the issuance with the configurator off.
 *
 * Pairing (README §3.4): the first PAIRERS enrollees of configurator 0 get the
 * `peers` setting listing each other. Until the configurator is switched off the
 * simulator keeps them apart (a partition between every two of them), so every
 * pairwise key provably comes from an exchange with no CA on the air;
 * `ecqvPairingPhase` then switches the configurators off, heals the partition
 * and runs until every pair has agreed a key and exchanged one app message
 * each way.
 *
 * ES5-safe and built on the firmware's own crypto (no @noble), because the
 * engine scenarios (host-tests/engines/) bundle it too. Keys come from the world's seeded RNG.
 */
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { requestKey, KEYMODE_PER_DEVICE } from '../../firmware/protocols/ecqv/keys.ts';
import { encodeIdentity, encodeCaIdentity, encodeDevices, CaIdentity, DeviceEntry } from '../../firmware/protocols/ecqv/records.ts';
import { DEVICES_FILE } from '../../firmware/protocols/ecqv/configurator.ts';
import { PEERS_SETTING } from '../../firmware/protocols/ecqv/board.ts';
import { SUITE_P256 } from '../../firmware/protocols/ecqv/frames.ts';
import { DeviceConfig } from '../../firmware/codec/config-record.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { CA_KEY_FILE } from '../app/ecqv/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { World, Board } from '../sim/sim-world.ts';
import { BatchProtocol, BatchOptions, ConfiguratorFileOptions, RawFiles, BatchEnrollee, BatchConfigurator, contains } from './batch-protocol.ts';

/** How many enrollees pair with each other in the simulator's run (the "every pair among 4"). */
export var ECQV_PAIRERS = 4;
/** The CA clock at boot in the simulator (seconds; a fixed date keeps runs reproducible). */
export var SIM_CLOCK_BASE = 1800000000;
/** Certificate validity in the batch: one year. */
export var SIM_VALIDITY_HOURS = 24 * 365;

export interface EcqvSimEnrollee extends BatchEnrollee {
  U: Uint8Array;
  /** request key K_U (derived from the owner's master secret) */
  kU: Uint8Array;
}
export interface EcqvSimConfigurator extends BatchConfigurator {
  ca: CaIdentity;
}
export interface EcqvSimBatch {
  configurators: EcqvSimConfigurator[];
  enrollees: EcqvSimEnrollee[];
  /** enrollee indexes that pair with each other after issuance */
  pairers: number[];
}

function makeBatchWith(pairers: number, o: BatchOptions): EcqvSimBatch {
  var suite = ecqvFirmwareSuite(SUITE_P256);
  var cs: EcqvSimConfigurator[] = [];
  for (var i = 0; i < o.configurators; i++) {
    // A key pair is what a certificate request makes: r random in [1, n−1], r·G.
    var kp = suite.request(o.random);
    var ca: CaIdentity = {
      suite: SUITE_P256, mode: KEYMODE_PER_DEVICE, hours: SIM_VALIDITY_HOURS, clockBase: SIM_CLOCK_BASE,
      dCA: kp.kU, caPub: kp.RU, master: o.random(32),
    };
    cs.push({ index: i, ca: ca, anchor: ca.caPub });
  }
  var es: EcqvSimEnrollee[] = [];
  var used: { [hx: string]: boolean } = {};
  for (var j = 0; j < o.enrollees; j++) {
    var U = o.random(8);
    while (used[toHex(U)]) U = o.random(8);
    used[toHex(U)] = true;
    var owner = j % Math.max(1, o.configurators);
    es.push({ index: j, U: U, kU: requestKey(suite, cs[owner].ca.master, U, KEYMODE_PER_DEVICE), device: toHex(U), owner: owner });
  }
  var ps: number[] = [];
  for (var k = 0; k < es.length && ps.length < pairers; k++) if (es[k].owner === 0) ps.push(k);
  return { configurators: cs, enrollees: es, pairers: ps };
}

/** The enrollee's identity file: suite, id, request key, and the CA key it pins (default its owner's). */
function enrolleeFiles(batch: EcqvSimBatch, index: number, anchor?: Uint8Array): RawFiles {
  var en = batch.enrollees[index];
  var logical: { [name: string]: Uint8Array } = {};
  logical[IDENTITY_FILE] = encodeIdentity({ suite: SUITE_P256, U: en.U, kU: en.kU, caPub: anchor || batch.configurators[en.owner].ca.caPub });
  return slotFiles(logical);
}

/** The group configuration plus the `peers` setting listing every pairer. */
function pairerConfig(batch: EcqvSimBatch, base: DeviceConfig): DeviceConfig {
  var ids: string[] = [];
  for (var i = 0; i < batch.pairers.length; i++) ids.push(batch.enrollees[batch.pairers[i]].device);
  var settings: { [k: string]: string } = {};
  for (var k in base.settings) settings[k] = base.settings[k];
  settings[PEERS_SETTING] = ids.join(',');
  return { version: base.version, ssid: base.ssid, psk: base.psk, settings: settings };
}

/** The CA's key file, its device list (with the CRL version) and the configuration store. */
function configuratorFiles(batch: EcqvSimBatch, ci: number, o: ConfiguratorFileOptions): RawFiles {
  var cfg = batch.configurators[ci];
  var entries: DeviceEntry[] = [];
  var devices: { [hx: string]: DeviceConfig } = {};
  var anyRevoked = false;
  for (var i = 0; i < batch.enrollees.length; i++) {
    var en = batch.enrollees[i];
    if (en.owner !== ci || contains(o.unlisted, en.index)) continue;
    var revoked = contains(o.revoked, en.index);
    if (revoked) anyRevoked = true;
    entries.push({ U: en.U, group: '', revoked: revoked });
    if (o.devices && o.devices[en.index]) devices[en.device] = o.devices[en.index];
    else if (contains(batch.pairers, en.index) && o.groups['']) devices[en.device] = pairerConfig(batch, o.groups['']);
  }
  var logical: { [name: string]: Uint8Array } = {};
  logical[CA_KEY_FILE] = encodeCaIdentity(cfg.ca);
  logical[DEVICES_FILE] = encodeDevices(anyRevoked ? 1 : 0, entries);
  logical[STORE_FILE] = utf8Encode(JSON.stringify({ groups: o.groups, devices: devices }));
  return slotFiles(logical);
}

function boardOf(world: World, index: number): Board {
  return world.board('enr' + (index + 1));
}

/** Keep the pairers apart while the configurator is on (see the file comment). */
function prepareWorld(world: World, batch: EcqvSimBatch): void {
  for (var i = 0; i < batch.pairers.length; i++) {
    for (var j = i + 1; j < batch.pairers.length; j++) {
      world.medium.partition([boardOf(world, batch.pairers[i]).id], [boardOf(world, batch.pairers[j]).id]);
    }
  }
}

/** The ECQV batch with `pairers` boards pairing after issuance (default ECQV_PAIRERS). */
export function ecqvBatchWith(pairers: number): BatchProtocol<EcqvSimBatch> {
  return {
    name: 'ecqv',
    makeBatch: function (o: BatchOptions) {
      return makeBatchWith(pairers, o);
    },
    enrolleeFiles: enrolleeFiles,
    configuratorFiles: configuratorFiles,
    prepareWorld: prepareWorld,
  };
}

export var ecqvBatch: BatchProtocol<EcqvSimBatch> = ecqvBatchWith(ECQV_PAIRERS);

/** What one board did in the pairing run. */
export interface PairingRow {
  board: string;
  device: string;
  /** peers it agreed a key with, and peers whose app message it received */
  keys: string[];
  messages: string[];
  /** time of its first and last pairing (virtual ms) */
  first: number;
  last: number;
}

function listHas(a: string[], v: string): boolean {
  for (var i = 0; i < a.length; i++) if (a[i] === v) return true;
  return false;
}

/** Per pairer: the keys agreed and the app messages received, from its report lines. */
export function pairingRows(world: World, batch: EcqvSimBatch): PairingRow[] {
  var rows: PairingRow[] = [];
  for (var i = 0; i < batch.pairers.length; i++) {
    var b = boardOf(world, batch.pairers[i]);
    var row: PairingRow = { board: b.id, device: batch.enrollees[batch.pairers[i]].device, keys: [], messages: [], first: -1, last: -1 };
    for (var k = 0; k < b.reports.length; k++) {
      var r = b.reports[k];
      if (r.ev === 'paired' && !listHas(row.keys, r.peer)) {
        row.keys.push(r.peer);
        if (row.first < 0) row.first = r.t;
        row.last = r.t;
      }
      if (r.ev === 'app-message' && !listHas(row.messages, r.from)) row.messages.push(r.from);
    }
    rows.push(row);
  }
  return rows;
}

/** true when every pairer has a key with, and a message from, every other pairer. */
export function pairingDone(world: World, batch: EcqvSimBatch): boolean {
  var rows = pairingRows(world, batch);
  var need = batch.pairers.length - 1;
  for (var i = 0; i < rows.length; i++) if (rows[i].keys.length < need || rows[i].messages.length < need) return false;
  return true;
}

/**
 * After issuance: switch every configurator off, let the pairers hear each
 * other, and run until every pair is keyed and has exchanged its messages (or
 * until maxMs of virtual time from now). Returns whether it finished and when
 * the configurators went off.
 */
export function ecqvPairingPhase(world: World, batch: EcqvSimBatch, maxMs: number): { done: boolean; offAt: number } {
  var offAt = world.clock.now();
  for (var i = 0; i < world.boards.length; i++) if (world.boards[i].role === 'configurator') world.powerOff(world.boards[i]);
  world.medium.heal();
  // Being done can only change when a board reports: ask again only then.
  var seen = -1;
  var last = false;
  var done = batch.pairers.length < 2 || world.runUntil(function () {
    var v = world.changes();
    if (v !== seen) {
      seen = v;
      last = pairingDone(world, batch);
    }
    return last;
  }, offAt + maxMs);
  return { done: done, offAt: offAt };
}

/**
 * `nowboard sim --protocol ecqv` after the issuance: the pairing phase, then
 * what the report needs — certificates issued, pairwise keys, app messages,
 * and one line per pairer. Bytes on air and energy per board are in the
 * simulator's own per-device table.
 */
export function ecqvAfterBatch(world: World, batch: EcqvSimBatch, maxMs: number): { ok: boolean; lines: string[] } {
  var certified = 0;
  var enrollees = 0;
  for (var i = 0; i < world.boards.length; i++) {
    var b = world.boards[i];
    if (b.role !== 'enrollee') continue;
    enrollees++;
    for (var k = 0; k < b.reports.length; k++) {
      if (b.reports[k].ev === 'report' && b.reports[k].name === 'I_CERTIFIED') {
        certified++;
        break;
      }
    }
  }
  var ph = ecqvPairingPhase(world, batch, maxMs);
  var rows = pairingRows(world, batch);
  var keys = 0;
  var msgs = 0;
  var before = 0;
  for (var j = 0; j < rows.length; j++) {
    keys += rows[j].keys.length;
    msgs += rows[j].messages.length;
    if (rows[j].first >= 0 && rows[j].first < ph.offAt) before++;
  }
  var n = batch.pairers.length;
  var lines: string[] = [];
  lines.push('certificates: ' + certified + '/' + enrollees + ' enrollees certified and provisioned');
  lines.push('configurator switched off at ' + (ph.offAt / 1000).toFixed(1) + ' s; pairing among ' + n + ' boards: ' + keys / 2 + '/' + (n * (n - 1)) / 2 +
    ' pairwise keys, ' + msgs + '/' + n * (n - 1) + ' app messages received' + (before ? ' (' + before + ' boards paired before the switch-off!)' : ''));
  for (var r = 0; r < rows.length; r++) {
    var row = rows[r];
    lines.push('  ' + row.board + ' ' + row.device + ': ' + row.keys.length + ' keys, ' + row.messages.length + ' messages' +
      (row.first >= 0 ? ', paired ' + ((row.first - ph.offAt) / 1000).toFixed(1) + '..' + ((row.last - ph.offAt) / 1000).toFixed(1) + ' s after switch-off' : ''));
  }
  return { ok: ph.done && before === 0 && certified === enrollees, lines: lines };
}
