/**
 * A deterministic driver for the ECQV cores (the CA and boards = enrollee +
 * peer): nodes hold a core and its state; effects become in-flight frames,
 * armed timers, pending Wi-Fi joins and logs; the test decides what is
 * delivered, tampered, replayed or fired. Randomness from a seeded xorshift,
 * time from a virtual clock. Also: fixtures (a CA and its devices from labels)
 * and a suite wrapper that counts every scalar multiplication.
 */
import { EcqvSuite } from '../../firmware/protocols/ecqv/suite.ts';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { makeCa, caInitial, CaOptions, CA_DEFAULTS } from '../../firmware/protocols/ecqv/configurator.ts';
import { makeBoard, BoardState } from '../../firmware/protocols/ecqv/board.ts';
import { enrolleeInitial, EnrolleeOptions, ENROLLEE_DEFAULTS } from '../../firmware/protocols/ecqv/enrollee.ts';
import { peerInitial, PeerOptions } from '../../firmware/protocols/ecqv/peer.ts';
import { requestKey, caIdOf, KEYMODE_PER_DEVICE } from '../../firmware/protocols/ecqv/keys.ts';
import { EcqvIdentity, CaIdentity, DeviceEntry, Credential } from '../../firmware/protocols/ecqv/records.ts';
import { EcqvEvent } from '../../firmware/protocols/ecqv/common.ts';
import { DeviceConfig } from '../../firmware/codec/config-record.ts';
import { Step, ReportEffect, AuditEffect, StoreEffect, PairwiseEffect } from '../../firmware/runtime/events.ts';
import { utf8Encode, toHex } from '../../firmware/bytes/bytes.ts';
import { WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL } from '../../firmware/ports/ports.ts';

export const BCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);
export const T0 = 1_800_000_000; // CA clock base in the tests (seconds)

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

export function macOf(i: number): Uint8Array {
  return new Uint8Array([2, 0, 0, 0, (i >> 8) & 255, i & 255]);
}

export const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Operation counts of a counting suite. */
export interface Counts {
  request: number;
  issue: number;
  receive: number;
  cacheCa: number;
  agree: number;
  sign: number;
  verify: number;
  publicKey: number;
}

export function zeroCounts(): Counts {
  return { request: 0, issue: 0, receive: 0, cacheCa: 0, agree: 0, sign: 0, verify: 0, publicKey: 0 };
}

/** Scalar multiplications behind the counted operations (suite.ts): base, variable-base and Straus. */
export function mults(c: Counts): number {
  return c.request + c.issue + 2 * c.receive + c.cacheCa + c.agree + c.sign + c.verify + c.publicKey;
}

/** A suite that counts its EC operations (and lets a test replace any of them). */
export function countingSuite(base: EcqvSuite, counts: Counts, over?: Partial<EcqvSuite>): EcqvSuite {
  const s: EcqvSuite = { ...base };
  for (const k of Object.keys(counts) as (keyof Counts)[]) {
    const f = ((over && (over as any)[k]) || (base as any)[k]) as (...a: any[]) => any;
    (s as any)[k] = (...a: any[]) => {
      counts[k]++;
      return f(...a);
    };
  }
  return s;
}

export function key(suite: EcqvSuite, label: string): Uint8Array {
  // A private scalar from a label: SHA-256 with the top byte cleared (below n on both curves).
  const k = suite.sha256(utf8Encode('nowboard ecqv test key ' + label));
  const out = k.slice(0, suite.sc);
  out[0] = 0;
  out[out.length - 1] |= 1;
  return out;
}

export function idOf(label: string): Uint8Array {
  const u = new Uint8Array(8);
  const b = utf8Encode(label);
  for (let i = 0; i < b.length; i++) u[i % 8] = (u[i % 8] * 31 + b[i]) & 255;
  u[0] |= 0x10;
  return u;
}

export function makeCaIdentity(suite: EcqvSuite, label: string, o: Partial<CaIdentity> = {}): CaIdentity {
  const dCA = key(suite, 'ca ' + label);
  return {
    suite: suite.id, mode: KEYMODE_PER_DEVICE, hours: 24 * 365, clockBase: T0,
    dCA, caPub: suite.publicKey(dCA), master: suite.sha256(utf8Encode('master ' + label)), ...o,
  };
}

export function deviceIdentity(suite: EcqvSuite, ca: CaIdentity, U: Uint8Array): EcqvIdentity {
  return { suite: suite.id, U, kU: requestKey(suite, ca.master, U, ca.mode), caPub: ca.caPub };
}

export const CONFIG: DeviceConfig = { version: 1, ssid: 'lab', psk: 'lab passphrase', settings: { mqtt: 'mqtt://broker' } };

type AnyCore = { next(s: any, e: EcqvEvent): Step<any> };

export interface Node {
  name: string;
  mac: Uint8Array;
  core: AnyCore;
  state: any;
  timers: { [id: string]: number };
  joins: { ssid: string; psk: string; join: number }[];
  log: { ev: EcqvEvent; prev: any; step: Step<any> }[];
  reports: ReportEffect[];
  audits: AuditEffect[];
  stores: StoreEffect[];
  pairwise: PairwiseEffect[];
}

export interface Flight {
  from: Uint8Array;
  to: Uint8Array;
  bytes: Uint8Array;
}

export class Net {
  now = 0;
  nodes: Node[] = [];
  inflight: Flight[] = [];
  sent: Flight[] = [];
  rand: (n: number) => Uint8Array;
  aps: { [ssid: string]: string } = { lab: 'lab passphrase' };

  constructor(public suite: EcqvSuite, seed: number) {
    this.rand = rng(seed);
  }

  add(name: string, core: AnyCore, state: any): Node {
    const n: Node = { name, mac: macOf(this.nodes.length + 1), core, state, timers: {}, joins: [], log: [], reports: [], audits: [], stores: [], pairwise: [] };
    this.nodes.push(n);
    return n;
  }

  addCa(name: string, id: CaIdentity, devices: DeviceEntry[], o: { suite?: EcqvSuite; crl?: number; opt?: Partial<CaOptions>; config?: DeviceConfig } = {}): Node {
    const n = this.add(name, makeCa(o.suite || this.suite), caInitial(id, devices, o.crl || 0, { ...CA_DEFAULTS, ...(o.opt || {}) }));
    this.step(n, { t: 'command', op: 'config', group: '', config: o.config || CONFIG });
    return n;
  }

  addBoard(name: string, id: EcqvIdentity, o: { suite?: EcqvSuite; cred?: Credential | null; cfg?: DeviceConfig | null; want?: string[]; opt?: Partial<EnrolleeOptions>; popt?: PeerOptions } = {}): Node {
    const s = o.suite || this.suite;
    const caId = caIdOf(s, id.caPub);
    const st: BoardState = {
      en: enrolleeInitial(id, caId, o.cred || null, o.cfg || null, { ...ENROLLEE_DEFAULTS, ...(o.opt || {}) }),
      pw: peerInitial(id, caId, o.cred || null, o.want || [], null, o.popt),
    };
    return this.add(name, makeBoard(s), st);
  }

  step(n: Node, ev: EcqvEvent): Step<any> {
    if (ev.now === undefined) ev.now = this.now;
    if (ev.rand === undefined && ev.t !== 'wifi') ev.rand = this.rand(64);
    const r = n.core.next(n.state, ev);
    n.log.push({ ev, prev: n.state, step: r });
    n.state = r.state;
    for (const e of r.effects) {
      if (e.t === 'send') {
        if (e.bytes.length > 250) throw new Error('frame over 250 bytes');
        const f = { from: n.mac, to: e.to, bytes: e.bytes };
        this.inflight.push(f);
        this.sent.push(f);
      } else if (e.t === 'arm') n.timers[e.id] = this.now + e.ms;
      else if (e.t === 'cancel') delete n.timers[e.id];
      else if (e.t === 'join') n.joins.push({ ssid: e.ssid, psk: e.psk, join: e.join });
      else if (e.t === 'report') n.reports.push(e);
      else if (e.t === 'audit') n.audits.push(e);
      else if (e.t === 'store') n.stores.push(e);
      else if (e.t === 'pairwise') n.pairwise.push(e);
      else throw new Error('unexpected effect ' + e.t);
    }
    return r;
  }

  boot(n: Node): Step<any> {
    return this.step(n, { t: 'boot' });
  }

  command(n: Node, cmd: any): Step<any> {
    return this.step(n, { t: 'command', ...cmd });
  }

  byMac(m: Uint8Array): Node | undefined {
    return this.nodes.find((n) => same(n.mac, m));
  }

  /** Deliver a frame as if from `from` to node `to` (tests inject frames this way). */
  inject(to: Node, from: Uint8Array, bytes: Uint8Array): Step<any> {
    return this.step(to, { t: 'frame', from, bytes });
  }

  deliverOne(tamper?: (f: Flight) => Flight | null): void {
    let f = this.inflight.shift() as Flight;
    if (tamper) {
      const t = tamper(f);
      if (!t) return;
      f = t;
    }
    const bcast = f.to.every((b) => b === 255);
    for (const n of this.nodes) {
      if (same(n.mac, f.from)) continue;
      if (bcast || same(n.mac, f.to)) this.step(n, { t: 'frame', from: f.from, bytes: f.bytes });
    }
  }

  deliverAll(tamper?: (f: Flight) => Flight | null, max = 10000): void {
    let k = 0;
    while (this.inflight.length && k++ < max) this.deliverOne(tamper);
  }

  resolveJoins(): boolean {
    let any = false;
    for (const n of this.nodes) {
      while (n.joins.length) {
        const j = n.joins.shift()!;
        const ap = this.aps[j.ssid];
        const result = ap === undefined ? WIFI_NO_AP : ap === j.psk ? WIFI_OK : WIFI_AUTH_FAIL;
        this.step(n, { t: 'wifi', result, join: j.join });
        any = true;
      }
    }
    return any;
  }

  /** Fire the earliest timer (moving the clock); false if none. */
  fireNext(): boolean {
    let best: { n: Node; id: string; t: number } | null = null;
    for (const n of this.nodes) for (const [id, t] of Object.entries(n.timers)) if (!best || t < best.t) best = { n, id, t };
    if (!best) return false;
    delete best.n.timers[best.id];
    if (best.t > this.now) this.now = best.t;
    this.step(best.n, { t: 'timer', id: best.id });
    return true;
  }

  fire(n: Node, id: string): Step<any> {
    const t = n.timers[id];
    delete n.timers[id];
    if (t !== undefined && t > this.now) this.now = t;
    return this.step(n, { t: 'timer', id });
  }

  /** Run until `done()` or the step budget: deliver, answer joins, then the next timer. */
  run(done: () => boolean, maxSteps = 2000, tamper?: (f: Flight) => Flight | null): boolean {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return true;
      if (this.inflight.length) {
        this.deliverOne(tamper);
        continue;
      }
      if (this.resolveJoins()) continue;
      if (!this.fireNext()) return done();
    }
    return done();
  }
}

export function codes(n: Node): number[] {
  return n.log.map((l) => l.step.code);
}

export function hexOf(u: Uint8Array): string {
  return toHex(u);
}
