/**
 * Drives the two cloud cores directly (no runtime, no radio): frames go from
 * one core to the other by MAC, the border router's uplink effects go to the
 * in-memory AC (configurator/sim/ac-stub.ts) synchronously, timers are kept and
 * fired by the test. Every event is stamped with `now` and seeded random bytes.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex, macToString } from '../../firmware/bytes/bytes.ts';
import { CoreEffect, CoreEvent } from '../../firmware/runtime/events.ts';
import { keyGen } from '../../firmware/crypto/weierstrass.ts';
import { p256 as fwP256 } from '../../firmware/crypto/p256.ts';
import { makeCurve } from '../../firmware/crypto/weierstrass.ts';
import { SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { CURVE_P256, CURVE_NAMES } from '../../firmware/protocols/cloud/ac-api.ts';
import { issueGrantKey } from '../../firmware/protocols/cloud/keys.ts';
import { cloudSuite } from '../../firmware/protocols/cloud/suite-firmware.ts';
import { makeNode, nodeInitial, NodeState, NODE_DEFAULTS } from '../../firmware/protocols/cloud/node.ts';
import { makeBorderRouter, brInitial, BrState, BR_DEFAULTS } from '../../firmware/protocols/cloud/border-router.ts';
import { NodeIdentity, BrIdentity } from '../../firmware/protocols/cloud/records.ts';
import { makeAcStub, AcStub } from '../../configurator/sim/ac-stub.ts';

export const CLOCK = 1800000000;
export const CONFIG = { version: 1, ssid: 'lab', psk: 'secret-psk', settings: { mqtt: 'mqtt://x' } };

export function seeded(seed: string): (n: number) => Uint8Array {
  let ctr = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    let o = 0;
    while (o < n) {
      const blk = sha256(new TextEncoder().encode(seed + ':' + ctr++));
      for (let i = 0; i < blk.length && o < n; i++) out[o++] = blk[i];
    }
    return out;
  };
}

/** A node's identity as keygen writes it, with its grant key for the AC whose public key is `acPub` (and F for the trust list). */
export function nodeIdentity(seed: string, acPub: Uint8Array, curve = CURVE_P256, mac = new Uint8Array([2, 0, 0, 0, 0, 1])): { id: NodeIdentity; gpub: Uint8Array } {
  const C = curve === CURVE_P256 ? fwP256() : makeCurve(SECP160K1_PARAMS);
  const kp = keyGen(C, seeded('node ' + seed), false);
  const sn = 'SN-' + seed;
  const g = issueGrantKey(cloudSuite(CURVE_P256)!, acPub, sn, seeded('grant ' + seed));
  return { id: { curve, sn, mac, clock: CLOCK, priv: kp.priv, pub: kp.pub, grantKey: g.key }, gpub: g.gpub };
}

export function brIdentity(seed: string, acPub: Uint8Array): BrIdentity {
  const kp = keyGen(fwP256(), seeded('br ' + seed), false);
  return { brId: 'br-' + seed, priv: kp.priv, pub: kp.pub, acId: 'ac-1', acPub, netKey: seeded('net ' + seed)(16), clock: CLOCK };
}

export interface Party<S> {
  name: string;
  mac: Uint8Array;
  core: { next(s: S, e: CoreEvent<any>): { state: S; effects: CoreEffect[]; tr: string; code: number }; randBytes: number };
  st: S;
  timers: Map<string, number>;
  reports: { code: number; detail: string }[];
  audits: CoreEffect[];
  stores: Map<string, Uint8Array>;
  joins: { ssid: string; psk: string; join: number }[];
  codes: number[];
}

export function makeWorld(opts: { trustFor?: number; curve?: number; nodes?: number } = {}) {
  const rand = seeded('events');
  const acPriv = seeded('ac')(32);
  const acPub = p256.getPublicKey(acPriv, false);
  let now = 1000;
  const ac: AcStub = makeAcStub({ acId: 'ac-1', acPriv, now: () => CLOCK * 1000 + now, trustFor: opts.trustFor ?? 60 });
  const suiteFor = (c: number) => cloudSuite(c);
  const brCore = makeBorderRouter(suiteFor);
  const frames: { from: Party<any>; to: Uint8Array; bytes: Uint8Array }[] = [];
  const parties: Party<any>[] = [];
  const uplinks: { party: Party<BrState>; id: number; path: string; json: string }[] = [];
  let holdUplinks = false;
  /** each node's grant point F, by SN (what its trust-list row holds) */
  const gpubs = new Map<string, Uint8Array>();
  let dropTo: ((p: Party<any>, bytes: Uint8Array) => boolean) | null = null;

  function party<S>(name: string, mac: Uint8Array, core: any, st: S): Party<S> {
    const p: Party<S> = { name, mac, core, st, timers: new Map(), reports: [], audits: [], stores: new Map(), joins: [], codes: [] };
    parties.push(p);
    return p;
  }

  function apply<S>(p: Party<S>, ev: CoreEvent<any>) {
    ev.now = now;
    if (ev.rand === undefined) ev.rand = rand(p.core.randBytes);
    const r = p.core.next(p.st, ev);
    p.st = r.state;
    p.codes.push(r.code);
    for (const e of r.effects) {
      if (e.t === 'send') frames.push({ from: p, to: e.to, bytes: e.bytes });
      else if (e.t === 'arm') p.timers.set(e.id, now + e.ms);
      else if (e.t === 'cancel') p.timers.delete(e.id);
      else if (e.t === 'report') p.reports.push({ code: e.code, detail: e.detail });
      else if (e.t === 'audit') p.audits.push(e);
      else if (e.t === 'store') p.stores.set(e.file, e.bytes);
      else if (e.t === 'join') p.joins.push({ ssid: e.ssid, psk: e.psk, join: e.join });
      else if (e.t === 'uplink') uplinks.push({ party: p as any, id: e.id, path: e.path, json: e.json });
    }
    return r;
  }

  /** Deliver frames (and AC answers, unless held) until nothing moves. */
  function pump(max = 200) {
    for (let i = 0; i < max; i++) {
      if (frames.length) {
        const f = frames.shift()!;
        for (const p of parties) {
          if (p === f.from) continue;
          const bc = f.to.every((b) => b === 255);
          if (!bc && macToString(f.to) !== macToString(p.mac)) continue;
          if (dropTo && dropTo(p, f.bytes)) continue;
          apply(p, { t: 'frame', from: f.from.mac, bytes: f.bytes });
        }
        continue;
      }
      if (uplinks.length && !holdUplinks) {
        const u = uplinks.shift()!;
        // A party may talk to its own AC (a rogue BR with a rogue AC: rogue-br.test.ts).
        const a = ((u.party as any).ac ?? ac).handle(u.path, u.json);
        apply(u.party, { t: 'uplink', id: u.id, status: a.status, json: a.json });
        continue;
      }
      return;
    }
    throw new Error('pump: no quiescence');
  }

  function addNode(seed: string, curve = opts.curve ?? CURVE_P256, macLast = parties.length + 1) {
    const { id, gpub } = nodeIdentity(seed, acPub, curve, new Uint8Array([2, 0, 0, 0, 0, macLast]));
    ac.addNode({ sn: id.sn, mac: toHex(id.mac), pub: toHex(id.pub), curve: CURVE_NAMES[curve], gpub: toHex(gpub), revoked: false });
    gpubs.set(id.sn, gpub);
    return party<NodeState>('node ' + seed, id.mac, makeNode(cloudSuite(curve)!), nodeInitial(id, null, null, NODE_DEFAULTS));
  }

  /** A BR registered with the AC; `own` gives it another AC (its key pinned, its endpoint used) instead. */
  function addBr(seed: string, macLast = 0xb0 + parties.length, own?: { ac: AcStub; acPub: Uint8Array; register?: boolean }) {
    const id = brIdentity(seed, own ? own.acPub : acPub);
    if (!own) ac.addBr(id.brId, id.pub);
    else if (own.register) own.ac.addBr(id.brId, id.pub);
    const p = party<BrState>('br ' + seed, new Uint8Array([2, 0, 0, 0, 0xbb, macLast]), brCore, brInitial(id, BR_DEFAULTS));
    if (own) (p as any).ac = own.ac;
    apply(p, { t: 'boot' });
    apply(p, { t: 'command', op: 'config', group: '', config: CONFIG } as any);
    return p;
  }

  return {
    ac, acPriv, acPub, frames, uplinks, parties, apply, pump, addNode, addBr, gpubs,
    get now() { return now; },
    advance(ms: number) { now += ms; },
    holdUplinks(v: boolean) { holdUplinks = v; },
    dropWhen(fn: ((p: Party<any>, bytes: Uint8Array) => boolean) | null) { dropTo = fn; },
    /** fire one armed timer of a party (moving time to it) */
    fire(p: Party<any>, id: string) {
      const at = p.timers.get(id);
      if (at === undefined) throw new Error(p.name + ': timer ' + id + ' not armed');
      if (at > now) now = at;
      p.timers.delete(id);
      return apply(p, { t: 'timer', id });
    },
    /** the node's Wi-Fi join answers */
    wifi(p: Party<NodeState>, result = 0) {
      const j = p.joins[p.joins.length - 1];
      return apply(p, { t: 'wifi', result, join: j.join });
    },
  };
}
