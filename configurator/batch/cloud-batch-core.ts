/**
 * The cloud protocol's batch for the simulator (firmware/protocols/cloud/README.md
 * §6): a P-256 key pair per border router (BR) and for the Authentication Cloud
 * (AC), an identity per node (serial number, the MAC its board will have, a key
 * pair, the clock base), each board's Storage files exactly as
 * `nowboard keygen --protocol cloud` + `flash.sh` write them, and the AC: its
 * trust list and BR list loaded, reached through the simulator's uplink
 * (configurator/sim/sim-uplink.ts) with latency and loss.
 *
 * Radio ranges: each node hears its own BR only (`owner`, i mod BRs), so a
 * batch is provisioned through every BR; `setRange` moves a node (rejoin).
 *
 * The AC is whatever `makeAc` builds from the batch's AC key and virtual clock:
 * cloud-batch.ts gives the in-memory stub (configurator/sim/ac-stub.ts, on
 * @noble/curves), the engine suite an ES5 one on the firmware primitives
 * (host-tests/engines/cloud-engine-ac.ts). ES5-safe (this file is bundled into
 * the engine scenarios): no AC code and no Promise in here.
 */
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { p256 } from '../../firmware/crypto/p256.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { keyGen, makeCurve, Curve } from '../../firmware/crypto/weierstrass.ts';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { CURVE_P256, CURVE_NAMES } from '../../firmware/protocols/cloud/ac-api.ts';
import { issueGrantKey } from '../../firmware/protocols/cloud/keys.ts';
import { cloudSuite } from '../../firmware/protocols/cloud/suite-firmware.ts';
import { encodeNodeIdentity, encodeBrIdentity, NodeIdentity, BrIdentity } from '../../firmware/protocols/cloud/records.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { BR_KEY_FILE } from '../app/cloud/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { DeviceConfig } from '../../firmware/codec/config-record.ts';
import { World, boardMac } from '../sim/sim-world.ts';
import { makeSimUplink, SimUplink, UplinkEndpoint } from '../sim/sim-uplink.ts';
import type { StubNode } from '../sim/ac-stub.ts';
import { BatchProtocol, BatchOptions, ConfiguratorFileOptions, RawFiles, BatchEnrollee, BatchConfigurator, contains } from './batch-protocol.ts';

/** The wall clock of the run at virtual time 0 (seconds; a fixed date keeps runs reproducible). */
export var CLOUD_CLOCK_BASE = 1800000000;
/** How long a BR trusts the AC's yes in the simulator (seconds): short, so revocation shows in one run. */
export var SIM_TRUST_FOR = 60;
export var AC_ID = 'ac-sim';

/** What the simulator needs from an AC: its endpoint and the admin operations. Sync (stub) or async (real AC). */
export interface SimAc {
  name: string;
  endpoint: UplinkEndpoint;
  addBr(id: string, pub: Uint8Array): void | Promise<void>;
  addNode(n: StubNode): void | Promise<void>;
  revoke(sn: string): void | Promise<void>;
  close?(): Promise<void>;
}

export interface CloudSimNode extends BatchEnrollee {
  id: NodeIdentity;
  /** the grant point F registered with the node in the AC (README §4.4) */
  gpub: Uint8Array;
}
export interface CloudSimBr extends BatchConfigurator {
  id: BrIdentity;
}
export interface CloudSimBatch {
  configurators: CloudSimBr[];
  enrollees: CloudSimNode[];
  acPriv: Uint8Array;
  acPub: Uint8Array;
  /** the AC the uplink calls (makeAc's until useAc) */
  ac: SimAc;
  uplink: SimUplink | null;
  /** the node indexes each node hears: its BR(s) (board index of the BR) */
  ranges: number[][];
  /** virtual clock of the world, ms (set by prepareWorld) */
  now: () => number;
}

export interface CloudBatchOptions {
  /** node indexes on secp160k1 (the paper's curve); the others P-256 */
  secp160k1?: number[];
  /** uplink latency and loss */
  uplinkLoss?: number;
  uplinkLatencyMs?: [number, number];
  trustFor?: number;
}

var k160: Curve | null = null;
function curveOf(id: number): Curve {
  if (id === CURVE_P256) return p256();
  if (!k160) k160 = makeCurve(SECP160K1_PARAMS);
  return k160;
}

/** What a batch hands the AC it makes: the AC's id, key and clock (ms since the epoch), how long a yes lasts. */
export interface SimAcSetup {
  acId: string;
  acPriv: Uint8Array;
  trustFor: number;
  now: () => number;
}
/** Builds the batch's AC; makeBatch then loads the BR list and the trust list into it (addBr, addNode). */
export type MakeSimAc = (s: SimAcSetup) => SimAc;

/** Node i's trust-list row (what `nowboard keygen --protocol cloud` writes for the AC). */
export function trustRow(n: NodeIdentity, gpub: Uint8Array): StubNode {
  return { sn: n.sn, mac: toHex(n.mac), pub: toHex(n.pub), curve: CURVE_NAMES[n.curve], gpub: toHex(gpub), revoked: false };
}

/** The cloud batch with the AC `makeAc` builds (sync admin calls: the BR and trust lists are loaded in makeBatch). */
export function cloudBatchOn(co: CloudBatchOptions, makeAc: MakeSimAc): BatchProtocol<CloudSimBatch> {
  function makeBatch(o: BatchOptions): CloudSimBatch {
    var P = p256();
    var ac = keyGen(P, o.random, false);
    var clockNow = { f: function () { return 0; } };
    var acSim = makeAc({
      acId: AC_ID, acPriv: ac.priv, trustFor: co.trustFor || SIM_TRUST_FOR,
      now: function () {
        return CLOUD_CLOCK_BASE * 1000 + clockNow.f();
      },
    });
    var brs: CloudSimBr[] = [];
    for (var i = 0; i < o.configurators; i++) {
      var kp = keyGen(P, o.random, false);
      var id: BrIdentity = { brId: 'br-' + (i + 1), priv: kp.priv, pub: kp.pub, acId: AC_ID, acPub: ac.pub, netKey: o.random(16), clock: CLOUD_CLOCK_BASE };
      brs.push({ index: i, anchor: ac.pub, id: id });
      acSim.addBr(id.brId, id.pub);
    }
    var nodes: CloudSimNode[] = [];
    var ranges: number[][] = [];
    for (var j = 0; j < o.enrollees; j++) {
      var curve = contains(co.secp160k1, j) ? 2 : CURVE_P256;
      var nk = keyGen(curveOf(curve), o.random, false);
      var sn = 'NB-' + (10001 + j);
      // Boards get MACs in order of creation: the BRs first, then the nodes (sim-scenario.ts).
      var g = issueGrantKey(cloudSuite(CURVE_P256) as any, ac.pub, sn, o.random);
      var nid: NodeIdentity = { curve: curve, sn: sn, mac: boardMac(o.configurators + j + 1), clock: CLOUD_CLOCK_BASE, priv: nk.priv, pub: nk.pub, grantKey: g.key };
      var owner = j % Math.max(1, o.configurators);
      nodes.push({ index: j, owner: owner, device: sn, id: nid, gpub: g.gpub });
      ranges.push([owner]);
      acSim.addNode(trustRow(nid, g.gpub));
    }
    var b: CloudSimBatch = {
      configurators: brs, enrollees: nodes, acPriv: ac.priv, acPub: ac.pub, ac: acSim, uplink: null, ranges: ranges,
      now: function () {
        return clockNow.f();
      },
    };
    (b as any).setClock = function (f: () => number) {
      clockNow.f = f;
    };
    return b;
  }

  function enrolleeFiles(batch: CloudSimBatch, index: number): RawFiles {
    var logical: { [name: string]: Uint8Array } = {};
    logical[IDENTITY_FILE] = encodeNodeIdentity(batch.enrollees[index].id);
    return slotFiles(logical);
  }

  function configuratorFiles(batch: CloudSimBatch, ci: number, o: ConfiguratorFileOptions): RawFiles {
    var devices: { [hx: string]: DeviceConfig } = {};
    if (o.devices) {
      for (var i = 0; i < batch.enrollees.length; i++) {
        var d = o.devices[i];
        if (d) devices[toHex(p256Sha(batch.enrollees[i].device))] = d;
      }
    }
    var logical: { [name: string]: Uint8Array } = {};
    logical[BR_KEY_FILE] = encodeBrIdentity(batch.configurators[ci].id);
    logical[STORE_FILE] = utf8Encode(JSON.stringify({ groups: o.groups, devices: devices }));
    return slotFiles(logical);
  }

  function prepareWorld(world: World, batch: CloudSimBatch): void {
    (batch as any).setClock(function () {
      return world.clock.now();
    });
    batch.uplink = makeSimUplink(world, function () {
      return batch.ac.endpoint;
    }, { loss: co.uplinkLoss || 0, latencyMs: co.uplinkLatencyMs });
    world.options.uplink = batch.uplink.hook;
    applyRanges(world, batch);
  }

  return { name: 'cloud', makeBatch: makeBatch, enrolleeFiles: enrolleeFiles, configuratorFiles: configuratorFiles, prepareWorld: prepareWorld };
}

function p256Sha(sn: string): Uint8Array {
  return sha256(utf8Encode(sn));
}

/** Partition every node from every BR outside its range (sim-medium.ts partitions; heal() first). */
export function applyRanges(world: World, batch: CloudSimBatch): void {
  world.medium.heal();
  for (var j = 0; j < batch.enrollees.length; j++) {
    var far: string[] = [];
    for (var i = 0; i < batch.configurators.length; i++) if (!contains(batch.ranges[j], i)) far.push('cfg' + (i + 1));
    if (far.length) world.medium.partition(['enr' + (j + 1)], far);
  }
}

/** Move node j into the range of these BRs (indexes) only. */
export function setRange(world: World, batch: CloudSimBatch, j: number, brs: number[]): void {
  batch.ranges[j] = brs;
  applyRanges(world, batch);
}
