/**
 * A deterministic driver for the psk-oob cores: one SBS, one SBR and any
 * number of SBIs. Effects become queued deliveries (OOB per pair, ESP-NOW,
 * the SBR ↔ SBS uplink); the test decides what is delivered, dropped,
 * tampered or replayed. Every ESP-NOW frame and every uplink message is kept
 * (what the eavesdropping installer records); OOB messages are kept apart.
 */
import { firmwareSuite, PskOobSuite } from '../../firmware/protocols/psk-oob/suite.ts';
import { makeEnrollee, enrolleeInitial, SbiState, SbiOptions } from '../../firmware/protocols/psk-oob/enrollee.ts';
import { makeConfigurator, configuratorInitial, SbrState } from '../../firmware/protocols/psk-oob/configurator.ts';
import { makeSbs, sbsInitial, SbsState } from '../../firmware/protocols/psk-oob/sbs.ts';
import { SbsDb, PoIdentity, SbrIdentity } from '../../firmware/protocols/psk-oob/records.ts';
import { PoEvent, PoStep } from '../../firmware/protocols/psk-oob/common.ts';
import { DeviceConfig } from '../../firmware/codec/config-record.ts';
import { toBase64, fromBase64 } from '../../firmware/bytes/base64.ts';
import { CoreEffect } from '../../firmware/runtime/events.ts';

export function rng(seed: number): (n: number) => Uint8Array {
  let s = seed >>> 0 || 0x9e3779b9;
  return function (n: number) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13;
      s >>>= 0;
      s ^= s >>> 17;
      s ^= s << 5;
      s >>>= 0;
      out[i] = s & 255;
    }
    return out;
  };
}

export const CONFIG: DeviceConfig = { version: 3, ssid: 'owner-net', psk: 'owner secret passphrase', settings: { mqtt: 'mqtt://hub', room: 'lab' } };
export const SBR_MAC = new Uint8Array([2, 0, 0, 0, 0, 1]);
export function sbiMac(i: number): Uint8Array {
  return new Uint8Array([2, 0, 0, 0, 1, i]);
}

export interface Delivery {
  kind: 'oob-to-sbr' | 'oob-to-sbi' | 'frame-to-sbr' | 'frame-to-sbi' | 'uplink' | 'wifi';
  /** enrollee index for per-pair messages */
  sbi: number;
  bytes?: Uint8Array;
  from?: Uint8Array;
  up?: { id: number; json: string };
  join?: number;
}

export interface Sbi {
  state: SbiState;
  steps: PoStep<SbiState>[];
  identity: PoIdentity;
}

export interface World {
  suite: PskOobSuite;
  now: number;
  rand: (n: number) => Uint8Array;
  sbs: SbsState;
  sbr: SbrState;
  sbrSteps: PoStep<SbrState>[];
  sbis: Sbi[];
  queue: Delivery[];
  /** everything in band: ESP-NOW frames and the SBR↔SBS link (JSON both ways) */
  air: Uint8Array[];
  link: string[];
  oob: Uint8Array[];
  /** the SBS's answers, by request */
  sbsCodes: number[];
  wifiResult: number;
}

export function identities(n: number, seed = 7): { ids: PoIdentity[]; sbr: SbrIdentity; db: SbsDb } {
  const r = rng(seed);
  const nid = 0x4e420001;
  const sbr: SbrIdentity = { idc: r(8), nid, kcs: r(16) };
  const ids: PoIdentity[] = [];
  for (let i = 0; i < n; i++) ids.push({ id: r(8), nid, ik: r(16) });
  const db: SbsDb = { sbr: [{ idc: sbr.idc, kcs: sbr.kcs }], dev: ids.map((x) => ({ id: x.id, nid: x.nid, gen: 0, key: x.ik, pend: [] })) };
  return { ids, sbr, db };
}

export function makeWorld(n: number, o: { seed?: number; opt?: SbiOptions; config?: DeviceConfig } = {}): World {
  const suite = firmwareSuite();
  const { ids, sbr, db } = identities(n, o.seed ?? 7);
  const w: World = {
    suite, now: 100000, rand: rng((o.seed ?? 7) + 1), sbs: sbsInitial(suite, db), sbr: configuratorInitial(suite, sbr), sbrSteps: [],
    sbis: ids.map((idn, i) => ({ identity: idn, state: enrolleeInitial(idn, null, sbiMac(i), null, o.opt), steps: [] })),
    queue: [], air: [], link: [], oob: [], sbsCodes: [], wifiResult: 0,
  };
  const sbrCore = makeConfigurator(suite);
  w.sbr = sbrCore.next(w.sbr, { t: 'boot', now: w.now }).state;
  w.sbr = sbrCore.next(w.sbr, { t: 'command', op: 'config', config: o.config ?? CONFIG, now: w.now } as any).state;
  return w;
}

const sbiCore = makeEnrollee(firmwareSuite());
const sbrCore = makeConfigurator(firmwareSuite());
const sbsCore = makeSbs(firmwareSuite());

function stamp(w: World, ev: PoEvent, n: number): PoEvent {
  (ev as any).now = w.now;
  (ev as any).rand = w.rand(n);
  return ev;
}

function sbiIndexOfId(w: World, id: Uint8Array): number {
  return w.sbis.findIndex((s) => Buffer.from(s.identity.id).equals(Buffer.from(id)));
}

function sbiIndexOfMac(w: World, mac: Uint8Array): number {
  return w.sbis.findIndex((s) => Buffer.from(s.state.mac).equals(Buffer.from(mac)));
}

function effectsOfSbi(w: World, i: number, effects: CoreEffect[]): void {
  for (const e of effects) {
    if (e.t === 'oob') {
      w.oob.push(e.bytes);
      w.queue.push({ kind: 'oob-to-sbr', sbi: i, bytes: e.bytes });
    } else if (e.t === 'send') {
      w.air.push(e.bytes);
      w.queue.push({ kind: 'frame-to-sbr', sbi: i, bytes: e.bytes, from: w.sbis[i].state.mac });
    } else if (e.t === 'join') {
      w.queue.push({ kind: 'wifi', sbi: i, join: e.join });
    }
  }
}

function effectsOfSbr(w: World, effects: CoreEffect[]): void {
  for (const e of effects) {
    if (e.t === 'oob') {
      w.oob.push(e.bytes);
      // OOB messages carry the enrollee's ID at offset 3: the per-pair medium routes on it.
      w.queue.push({ kind: 'oob-to-sbi', sbi: sbiIndexOfId(w, e.bytes.subarray(3, 11)), bytes: e.bytes });
    } else if (e.t === 'send') {
      w.air.push(e.bytes);
      w.queue.push({ kind: 'frame-to-sbi', sbi: sbiIndexOfMac(w, e.to), bytes: e.bytes, from: SBR_MAC });
    } else if (e.t === 'uplink') {
      w.link.push(e.json);
      w.queue.push({ kind: 'uplink', sbi: -1, up: { id: e.id, json: e.json } });
    }
  }
}

export function stepSbi(w: World, i: number, ev: PoEvent): PoStep<SbiState> {
  const s = sbiCore.next(w.sbis[i].state, stamp(w, ev, sbiCore.randBytes));
  w.sbis[i].state = s.state;
  w.sbis[i].steps.push(s);
  effectsOfSbi(w, i, s.effects);
  return s;
}

export function stepSbr(w: World, ev: PoEvent): PoStep<SbrState> {
  const s = sbrCore.next(w.sbr, stamp(w, ev, sbrCore.randBytes));
  w.sbr = s.state;
  w.sbrSteps.push(s);
  effectsOfSbr(w, s.effects);
  return s;
}

/** The SBS answers one uplink request (JSON in, JSON out), as sbs-link.ts does. */
export function sbsAnswer(w: World, json: string): { status: number; json: string } {
  const f2 = fromBase64(JSON.parse(json).f2) as Uint8Array;
  const r = sbsCore.handle(w.sbs, f2, w.now, w.rand(12));
  w.sbs = r.state;
  w.sbsCodes.push(r.code);
  const out = r.status === 200 && r.f3 ? JSON.stringify({ f3: toBase64(r.f3) }) : JSON.stringify({ code: r.code });
  w.link.push(out);
  return { status: r.status, json: out };
}

/** Deliver one queued item (the first, or the one given). */
export function deliver(w: World, d: Delivery): void {
  if (d.kind === 'oob-to-sbr') stepSbr(w, { t: 'oob', bytes: d.bytes! });
  else if (d.kind === 'oob-to-sbi') stepSbi(w, d.sbi, { t: 'oob', bytes: d.bytes! });
  else if (d.kind === 'frame-to-sbr') stepSbr(w, { t: 'frame', from: d.from!, bytes: d.bytes! });
  else if (d.kind === 'frame-to-sbi') stepSbi(w, d.sbi, { t: 'frame', from: d.from!, bytes: d.bytes! });
  else if (d.kind === 'wifi') stepSbi(w, d.sbi, { t: 'wifi', result: w.wifiResult, join: d.join! });
  else if (d.kind === 'uplink') {
    const a = sbsAnswer(w, d.up!.json);
    stepSbr(w, { t: 'uplink', id: d.up!.id, status: a.status, json: a.json });
  }
}

/** Deliver everything queued (and what that causes), optionally filtering or rewriting. */
export function run(w: World, filter?: (d: Delivery) => Delivery | null, max = 10000): void {
  let n = 0;
  while (w.queue.length && n++ < max) {
    const d = w.queue.shift()!;
    const x = filter ? filter(d) : d;
    if (x) deliver(w, x);
  }
}

export function bootAll(w: World): void {
  for (let i = 0; i < w.sbis.length; i++) stepSbi(w, i, { t: 'boot' });
}

export function codesOf(steps: PoStep<any>[]): number[] {
  return steps.map((s) => s.code);
}

export function reportsOf(steps: PoStep<any>[]): number[] {
  const out: number[] = [];
  for (const s of steps) for (const e of s.effects) if (e.t === 'report') out.push(e.code);
  return out;
}
