/**
 * A tiny deterministic driver for the whitelist cores: nodes hold a core and a
 * state, effects become entries in an in-flight frame list, armed timers and
 * pending Wi-Fi joins; the test decides what is delivered, tampered or fired.
 * Randomness comes from a seeded xorshift generator, time from a virtual clock.
 */
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { makeEnrollee, enrolleeInitial, EnrolleeState, EnrolleeOptions } from '../../firmware/protocols/whitelist/enrollee.ts';
import {
  makeConfigurator, configuratorInitial, ConfiguratorState, ConfiguratorOptions,
} from '../../firmware/protocols/whitelist/configurator.ts';
import { WlConfig, EnrolleeIdentity, WhitelistEntry } from '../../firmware/protocols/whitelist/records.ts';
import { WlEvent, WlStep } from '../../firmware/protocols/whitelist/common.ts';
import { ReportEffect, AuditEffect, StoreEffect } from '../../firmware/runtime/events.ts';
import { utf8Encode } from '../../firmware/bytes/bytes.ts';
import { encodePresenceBody, encodePresence, CAP_WIFI, CAP_SETTINGS } from '../../firmware/protocols/whitelist/frames.ts';
import { presenceTag } from '../../firmware/protocols/whitelist/keys.ts';
import { enrolleeIdentityFrom } from '../../firmware/protocols/whitelist/keygen.ts';
import { WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL } from '../../firmware/ports/ports.ts';

export const BCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);

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

export function hexMac(m: Uint8Array): string {
  return Array.from(m, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Fixed test keys: a 32-byte private key from a label. */
export function keyFrom(suite: WhitelistSuiteCrypto, label: string): Uint8Array {
  return suite.sha256(utf8Encode('nowboard test key ' + label));
}

/** An enrollee identity through the protocol's one derivation (keygen.ts), with this suite's crypto. */
export function makeIdentity(suite: WhitelistSuiteCrypto, eLabel: string, c: Uint8Array): EnrolleeIdentity {
  return enrolleeIdentityFrom(suite, keyFrom(suite, eLabel), suite.dhPub(c));
}

/**
 * A PRESENCE as the enrollee with identity `id` would send it (tag_P under its
 * ss): what only a holder of the enrollee's key can make. `tagWith` overrides the
 * tag key (a forger's guess).
 */
export function presenceOf(
  suite: WhitelistSuiteCrypto,
  id: { E: Uint8Array; ss: Uint8Array },
  o: { ne: Uint8Array; held?: number; caps?: number; ctr?: number; suiteId?: number; Y?: Uint8Array; tagWith?: Uint8Array },
): Uint8Array {
  const body = encodePresenceBody(o.suiteId ?? 1, id.E, o.ne, o.held ?? 0, o.caps ?? CAP_WIFI | CAP_SETTINGS, o.ctr ?? 1, o.Y);
  return encodePresence(body, presenceTag(suite, o.tagWith ?? id.ss, body));
}

export interface Flight {
  from: Uint8Array;
  to: Uint8Array;
  bytes: Uint8Array;
}

type AnyCore = { next(s: any, e: WlEvent): WlStep<any> };

export interface Node {
  name: string;
  mac: Uint8Array;
  role: 'enrollee' | 'configurator';
  core: AnyCore;
  state: any;
  timers: { [id: string]: number };
  joins: { ssid: string; psk: string; join: number }[];
  /** events as fed (frames keep their bytes: stepFor finds a step by its frame) */
  log: { ev: WlEvent & { bytes?: Uint8Array }; prev: any; step: WlStep<any> }[];
  reports: ReportEffect[];
  audits: AuditEffect[];
  stores: StoreEffect[];
  /** the receiver as the core last switched it (radio effect; on until told otherwise) */
  listening: boolean;
  /** radio and sleep effects in order, stamped with the driver's time */
  power: { t: number; e: 'radio' | 'sleep'; on?: boolean; ms?: number }[];
}

export class Net {
  now = 0;
  nodes: Node[] = [];
  inflight: Flight[] = [];
  sent: Flight[] = [];
  rand: (n: number) => Uint8Array;
  /** SSID → PSK of the access points in range. */
  aps: { [ssid: string]: string } = {};
  /** Drop frames for a node whose receiver is off (the hardware rule; off by default so older tests deliver everything). */
  enforceRadio = false;
  /** Frames dropped because the receiver was off (enforceRadio). */
  missed: { to: string; bytes: Uint8Array }[] = [];

  constructor(public suite: WhitelistSuiteCrypto, seed: number) {
    this.rand = rng(seed);
  }

  private add(name: string, role: Node['role'], core: AnyCore, state: any): Node {
    const n: Node = {
      name, mac: macOf(this.nodes.length + 1), role, core, state, timers: {}, joins: [], log: [], reports: [], audits: [], stores: [],
      listening: true, power: [],
    };
    this.nodes.push(n);
    return n;
  }

  addEnrollee(name: string, id: EnrolleeIdentity, cfg: WlConfig | null, opt?: EnrolleeOptions, suite?: WhitelistSuiteCrypto): Node {
    return this.add(name, 'enrollee', makeEnrollee(suite || this.suite), enrolleeInitial(id, cfg, opt));
  }

  addConfigurator(name: string, c: Uint8Array, entries: WhitelistEntry[], opt?: ConfiguratorOptions, suite?: WhitelistSuiteCrypto): Node {
    const s = suite || this.suite;
    return this.add(name, 'configurator', makeConfigurator(s), configuratorInitial({ c, C: this.suite.dhPub(c) }, entries, opt));
  }

  /** Feed one event to a node and carry out its effects. */
  step(n: Node, ev: WlEvent): WlStep<any> {
    if (ev.now === undefined) ev.now = this.now;
    if (ev.rand === undefined && ev.t !== 'wifi' && ev.t !== 'command') ev.rand = this.rand(64);
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
      else if (e.t === 'radio') {
        n.listening = e.on;
        n.power.push({ t: this.now, e: 'radio', on: e.on });
      } else if (e.t === 'sleep') n.power.push({ t: this.now, e: 'sleep', ms: e.ms });
      else throw new Error('unknown effect ' + e.t);
    }
    return r;
  }

  boot(n: Node): WlStep<any> {
    return this.step(n, { t: 'boot' });
  }

  command(n: Node, cmd: any): WlStep<any> {
    return this.step(n, Object.assign({ t: 'command' }, cmd));
  }

  byMac(m: Uint8Array): Node | undefined {
    return this.nodes.find((n) => n.mac.every((b, i) => b === m[i]));
  }

  /** Deliver one in-flight frame (to every other node if broadcast). */
  deliverOne(tamper?: (f: Flight) => Flight | null): void {
    let f = this.inflight.shift() as Flight;
    if (tamper) {
      const t = tamper(f);
      if (!t) return;
      f = t;
    }
    const bcast = f.to.every((b) => b === 255);
    for (const n of this.nodes) {
      if (n.mac.every((b, i) => b === f.from[i])) continue;
      if (!(bcast || n.mac.every((b, i) => b === f.to[i]))) continue;
      if (this.enforceRadio && !n.listening) {
        this.missed.push({ to: n.name, bytes: f.bytes });
        continue;
      }
      this.step(n, { t: 'frame', from: f.from, bytes: f.bytes });
    }
  }

  deliverAll(tamper?: (f: Flight) => Flight | null, max = 10000): void {
    let k = 0;
    while (this.inflight.length && k++ < max) this.deliverOne(tamper);
  }

  /** Answer pending Wi-Fi joins from the AP table. */
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

  /** Fire one named timer on a node now (it must be armed). */
  fire(n: Node, id: string): WlStep<any> {
    if (n.timers[id] === undefined) throw new Error(n.name + ': timer ' + id + ' not armed');
    if (n.timers[id] > this.now) this.now = n.timers[id];
    delete n.timers[id];
    return this.step(n, { t: 'timer', id });
  }

  /** The earliest armed timer over all nodes, fired after advancing the clock. */
  fireEarliest(): boolean {
    let best: { n: Node; id: string; at: number } | null = null;
    for (const n of this.nodes) for (const id in n.timers) if (!best || n.timers[id] < best.at) best = { n, id, at: n.timers[id] };
    if (!best) return false;
    this.fire(best.n, best.id);
    return true;
  }

  /** Deliver, answer joins and fire timers until `done()` or the step budget runs out. */
  run(done: () => boolean, maxSteps = 500, tamper?: (f: Flight) => Flight | null): boolean {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return true;
      if (this.inflight.length) this.deliverOne(tamper);
      else if (!this.resolveJoins()) if (!this.fireEarliest()) return done();
    }
    return done();
  }
}

/** The log entry of the step that consumed exactly this frame object. */
export function stepFor(n: Node, bytes: Uint8Array) {
  return n.log.find((l) => l.ev.bytes === bytes);
}

export function codesOf(n: Node): number[] {
  return n.log.map((l) => l.step.code);
}
