/**
 * A seeded fuzzer for the whitelist protocol (issue 9): the frame codec, the
 * file decoders and both cores, in every phase of both, in both suites
 * (firmware/protocols/whitelist/README.md §3, §8, §11). `npm run fuzz` runs a
 * million frames and prints frames/s (run-fuzz.ts); `npm test` runs a 20,000-frame
 * slice (whitelist-fuzz.test.ts). A failure throws a FuzzFailure carrying the seed,
 * the iteration and the input, so `runFuzz({ seed, frames: i + 1 })` replays it.
 *
 * The oracle (README §11 states it):
 *   - nothing throws: the decoders, frameSummary and every core's next();
 *   - a decoded frame re-encodes to the same bytes (fixed-layout types);
 *   - a frame is AUTHENTIC when it is byte-identical to a frame a legitimate node
 *     sent in any of the fuzzer's worlds (they share the keys, so a frame of one
 *     world is a recorded frame — a replay — in another); any other is FORGED;
 *   - a forged frame is rejected (code ≠ 0) with the very state object it was
 *     given and no effect but `report`, with exactly one exception: the first
 *     PRESENCE for a hash-only whitelist entry pays one token and caches ss
 *     (state differs only in tok, tokAt and that entry's ss; effects = one
 *     `store nb.whitelist`), once per entry;
 *   - an authentic frame may do what the protocol says (answer, retransmit,
 *     advance), but a rejection that changes the state is one of the listed
 *     codes of authenticated outcomes (AUTH_STATE_CHANGES);
 *   - every frame a core sends is at most 250 bytes; no core ever returns E_CRYPTO.
 * Malformed non-frame events (timers, Wi-Fi results, commands) are mixed in:
 * refused ones leave the state object as it was (a stray event that happens to be
 * a real one — the join's own result, a due timer — ends in its outcome code).
 */
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import {
  decodeFrame, frameSummary, encodePresenceBody, encodePresence, encodeChallengeBody, encodeChallenge, encodeProof,
  configHeader, encodeConfig as encodeConfigFrame, ackHeader, encodeAck,
  T_PRESENCE, T_CHALLENGE, T_PROOF, T_CONFIG, T_ACK, HDR_LEN, PRESENCE_LEN, PRESENCE2_LEN, CHALLENGE_LEN, PROOF_LEN, ACK_LEN, CONFIG_MIN_LEN, MAX_FRAGS,
  WlFrame,
} from '../../firmware/protocols/whitelist/frames.ts';
import {
  decodeConfig, decodeWhitelist, decodeIdentity, decodeStoredConfig, decodeConfiguratorIdentity, decodeCounter, WlConfig,
} from '../../firmware/protocols/whitelist/records.ts';
import { EN_STATE_NAMES } from '../../firmware/protocols/whitelist/enrollee.ts';
import { CONFIGURATOR_DEFAULTS, CS_STATE_NAMES, WHITELIST_FILE, ConfiguratorOptions } from '../../firmware/protocols/whitelist/configurator.ts';
import { WlEvent, WlStep } from '../../firmware/protocols/whitelist/common.ts';
import { readU32, toHex } from '../../firmware/bytes/bytes.ts';
import * as EC from '../protocol/wl-codes.ts';
import { Net, Node, keyFrom, makeIdentity, rng } from '../protocol/driver.ts';
import { CFG1 } from '../protocol/fixtures.ts';

export interface FuzzOptions {
  seed: number;
  /** frames to feed (each to the decoders and one core); stray events come on top */
  frames: number;
  suite: WhitelistSuiteCrypto;
  /** extra inputs (hex frames) mixed into the mutation seeds */
  corpus?: Uint8Array[];
  /** configurator options over the defaults (e.g. the ESP32 bundle's ephemeral pool, README §4.5) */
  configurator?: Partial<ConfiguratorOptions>;
}

export interface FuzzStats {
  frames: number;
  seconds: number;
  framesPerSecond: number;
  /** decoder outcomes by code name */
  decoded: { [code: string]: number };
  /** core outcomes by target and code name */
  outcomes: { [k: string]: number };
  /** target phases exercised */
  phases: string[];
  authentic: number;
  forged: number;
  events: number;
}

export class FuzzFailure extends Error {
  constructor(public seed: number, public iteration: number, public input: string, why: string) {
    super(`fuzz seed ${seed} iteration ${iteration}: ${why}\ninput ${input}`);
  }
}

/** Rejections of authentic frames that legitimately change the state (README §8). */
export const AUTH_STATE_CHANGES = [
  EC.E_UP_TO_DATE, EC.E_BAD_POINT, EC.E_RATE, EC.E_BUSY, EC.E_COOLDOWN, EC.E_NO_RAND, EC.E_NO_CONFIG, EC.E_KEY_CONFIRM,
  EC.CONFIG_FORMAT, EC.CONFIG_STALE, EC.WIFI_NO_AP, EC.WIFI_AUTH_FAIL, EC.WIFI_TIMEOUT,
];

/** One place a fuzzed frame is fed: a node of a world frozen in one phase. */
interface Target {
  name: string;
  node: Node;
  state: any;
  /** MACs that frames to this node come from: its peer's, and strangers' */
  peer: Uint8Array;
  /** bytes of every frame a legitimate node of any world sent (hex): filled once all worlds exist */
  authentic: Set<string>;
  /** a hash-only whitelist entry may take its first-contact token (the one allowed forged effect) */
  hashOnly: boolean;
  /** session ids live in this world (so structure-aware frames reach the session code) */
  sids: number[];
  /** the whitelisted public keys (so forged PRESENCEs get past the lookup) */
  keys: Uint8Array[];
  now: number;
}

const DEFAULT_CFG_BIG: WlConfig = (() => {
  const settings: { [k: string]: string } = {};
  for (let i = 0; i < 6; i++) settings['k' + i] = 'v'.repeat(200);
  return { version: 1, ssid: CFG1.ssid, psk: CFG1.psk, settings };
})();

/** A one-enrollee world in suite `sid` (1 or 2), run until `until` holds; its frames are the authentic set. */
function makeWorld(suite: WhitelistSuiteCrypto, suiteId: number, seed: number, o: { cachedSs: boolean; big?: boolean; opt?: Partial<ConfiguratorOptions> }) {
  const s = suiteId === 2 ? { ...suite, id: 2 } : suite;
  const net = new Net(suite, seed);
  const c = keyFrom(suite, 'configurator');
  const id = makeIdentity(suite, 'enrollee-1', c);
  const other = makeIdentity(suite, 'enrollee-2', c);
  const entries = [id, other].map((x) => ({ hash: suite.sha256(x.E), ss: o.cachedSs ? suite.dh(c, x.E) : null, group: 'line-a', revoked: false }));
  const conf = net.addConfigurator('conf', c, entries, { ...CONFIGURATOR_DEFAULTS, ...o.opt, suites: [1, 2] }, s);
  const enr = net.addEnrollee('enr', id, null, undefined, s);
  const cfg = o.big ? DEFAULT_CFG_BIG : CFG1;
  net.aps[cfg.ssid] = cfg.psk;
  net.command(conf, { op: 'config', group: 'line-a', config: cfg });
  net.boot(conf);
  net.boot(enr);
  return { net, conf, enr, keys: [id.E, other.E] };
}

/** Every frame the legitimate nodes of all worlds sent, shared by all targets. */
const ALL_AUTHENTIC = new Set<string>();

function hexSet(net: Net): Set<string> {
  for (const f of net.sent) ALL_AUTHENTIC.add(toHex(f.bytes));
  return ALL_AUTHENTIC;
}

function sessionPhase(conf: Node): string {
  const k = Object.keys(conf.state.sess);
  return k.length ? CS_STATE_NAMES[conf.state.sess[k[0]].st] : 'none';
}

/** Every (role, phase, suite) the fuzzer aims at, each a frozen snapshot. */
function buildTargets(suite: WhitelistSuiteCrypto, seed: number, opt?: Partial<ConfiguratorOptions>): Target[] {
  const out: Target[] = [];
  ALL_AUTHENTIC.clear();
  const snap = (name: string, node: Node, peer: Node, w: { net: Net; conf: Node; keys: Uint8Array[] }, hashOnly: boolean) => {
    const sids = Object.keys(w.conf.state.sids).map(Number);
    for (const f of w.net.sent) if (f.bytes[2] !== T_PRESENCE) sids.push(readU32(f.bytes, 4));
    out.push({ name, node, state: node.state, peer: peer.mac, authentic: hexSet(w.net), hashOnly, sids, keys: w.keys, now: w.net.now });
  };
  for (const suiteId of [1, 2]) {
    for (const cachedSs of [true, false]) {
      const tag = `suite ${suiteId}${cachedSs ? '' : ', hash-only entry'}`;
      // Enrollee phases: OFF (not booted), ANNOUNCE, KEYING (issue 14), AWAIT_CONFIG, JOINING, ANNOUNCE after an ACK (it keeps `last`).
      // Configurator phases: OFF, no session, WAIT_PROOF, WAIT_ACK, after the session.
      const off = makeWorld(suite, suiteId, seed + suiteId, { cachedSs, opt });
      const offEnr = off.net.addEnrollee('enr-off', off.enr.state.id, null, undefined, suiteId === 2 ? { ...suite, id: 2 } : suite);
      snap(`enrollee OFF (${tag})`, offEnr, off.conf, off, !cachedSs);
      const w = makeWorld(suite, suiteId, seed + suiteId, { cachedSs, big: suiteId === 2, opt });
      snap(`enrollee ANNOUNCE (${tag})`, w.enr, w.conf, w, !cachedSs);
      snap(`configurator session none (${tag})`, w.conf, w.enr, w, !cachedSs);
      for (const ph of ['KEYING', 'AWAIT_CONFIG', 'JOINING']) {
        w.net.run(() => EN_STATE_NAMES[w.enr.state.ph] === ph, 500);
        if (EN_STATE_NAMES[w.enr.state.ph] !== ph) throw new Error('fuzz set-up: enrollee never reached ' + ph);
        snap(`enrollee ${ph} (${tag})`, w.enr, w.conf, w, !cachedSs);
      }
      const w2 = makeWorld(suite, suiteId, seed + 10 + suiteId, { cachedSs, opt });
      for (const ph of ['WAIT_PROOF', 'WAIT_ACK']) {
        w2.net.run(() => sessionPhase(w2.conf) === ph, 500);
        if (sessionPhase(w2.conf) !== ph) throw new Error('fuzz set-up: configurator never reached ' + ph);
        snap(`configurator ${ph} (${tag})`, w2.conf, w2.enr, w2, !cachedSs);
      }
      w2.net.run(() => w2.conf.audits.length > 0, 500);
      if (w2.conf.audits[0]?.code !== EC.OK) throw new Error('fuzz set-up: the handshake did not complete');
      snap(`configurator after the session (${tag})`, w2.conf, w2.enr, w2, !cachedSs);
      snap(`enrollee ANNOUNCE after an ACK (${tag})`, w2.enr, w2.conf, w2, !cachedSs);
      // A configurator not booted yet.
      const w3 = makeWorld(suite, suiteId, seed + 20 + suiteId, { cachedSs, opt });
      const offConf = w3.net.addConfigurator('conf-off', keyFrom(suite, 'configurator'), [], undefined, suite);
      snap(`configurator OFF (${tag})`, offConf, w3.enr, w3, false);
    }
  }
  return out;
}

// ---- inputs -------------------------------------------------------------------

type Rand = (n: number) => Uint8Array;

function u32(r: Rand): number {
  return readU32(r(4), 0);
}

/** A frame that passes the decoder's structure checks, with random content (reaches the cores' own checks). */
function structured(r: Rand, t: Target): Uint8Array {
  const p = r(4);
  const type = 1 + (p[0] % 5);
  const suite = p[1] % 8 === 0 ? 3 : 1 + (p[1] & 1);
  const sid = p[2] % 3 === 0 && t.sids.length ? t.sids[p[3] % t.sids.length] : p[2] % 3 === 1 ? 0 : u32(r);
  try {
    if (type === T_PRESENCE) {
      const E = p[3] & 1 ? t.keys[p[2] % t.keys.length] : r(32);
      const wg = r(4);
      const body = encodePresenceBody(suite === 2 ? 2 : 1, E, r(16), p[3] & 7, p[0], p[1] % 4, suite === 2 ? r(32) : undefined, (wg[0] << 8) | wg[1], (wg[2] << 8) | wg[3]);
      const b = encodePresence(body, r(16));
      b[3] = suite;
      return b;
    }
    if (type === T_CHALLENGE) {
      const b = encodeChallenge(encodeChallengeBody(suite, sid, r(32), r(16)), r(16), r(16));
      return b;
    }
    if (type === T_PROOF) return encodeProof(suite, sid, r(16));
    if (type === T_CONFIG) {
      const count = 1 + (p[3] % MAX_FRAGS);
      const len = 9 + (u32(r) % 232);
      return encodeConfigFrame(configHeader(suite, sid, p[0] % (count + 1), count), r(len));
    }
    return encodeAck(ackHeader(suite, sid), r(13));
  } catch (e) {
    return r(1 + (p[0] % 100));
  }
}

/** A mutation of an authentic or corpus frame: bit flips, truncation, extension, body swap, byte set, splice. */
function mutate(r: Rand, seeds: Uint8Array[]): Uint8Array {
  const p = r(4);
  const base = seeds[((p[1] << 8) | p[2]) % seeds.length];
  const b = Uint8Array.from(base);
  const m = p[0] % 7;
  if (m === 0 && b.length) {
    const n = 1 + (p[3] % 4);
    for (let i = 0; i < n; i++) {
      const q = r(2);
      b[q[0] % b.length] ^= 1 << (q[1] % 8);
    }
    return b;
  }
  if (m === 1) return b.subarray(0, p[3] % (b.length + 1));
  if (m === 2) {
    const extra = r(1 + (p[3] % 8));
    const o = new Uint8Array(b.length + extra.length);
    o.set(b);
    o.set(extra, b.length);
    return o;
  }
  if (m === 3 && b.length > HDR_LEN) {
    b.set(r(b.length - HDR_LEN), HDR_LEN);
    return b;
  }
  if (m === 4 && b.length) {
    const q = r(2);
    b[q[0] % b.length] = q[1];
    return b;
  }
  if (m === 5) {
    const other = seeds[p[3] % seeds.length];
    const cutA = p[1] % (b.length + 1);
    const cutB = p[2] % (other.length + 1);
    const o = new Uint8Array(cutA + other.length - cutB);
    o.set(b.subarray(0, cutA));
    o.set(other.subarray(cutB), cutA);
    return o.length > 260 ? o.subarray(0, 260) : o;
  }
  return r(p[3] % 261);
}

/** A malformed or stray non-frame event. */
function strayEvent(r: Rand): WlEvent {
  const p = r(4);
  const k = p[0] % 6;
  if (k === 0) return { t: 'timer', id: ['presence', 'session', 'join', 'listen', 'keying', 's:' + toHex(r(32)), 's:', String(p[1])][p[1] % 8] } as WlEvent;
  if (k === 1) return { t: 'wifi', result: [0, 1, 2, 3, 99, -1, 1.5][p[1] % 7], join: p[2] % 4 } as WlEvent;
  if (k === 2) return { t: 'command', op: ['add', 'revoke', 'config', 'list', 'dance'][p[1] % 5], hash: p[2] & 1 ? r(32) : r(p[2] % 40), group: p[3] & 1 ? 'g' : p[3], config: p[3] & 2 ? { version: p[1], ssid: 's', psk: p[2] & 1 ? 12345678 : 'pw', settings: {} } : null } as any;
  if (k === 3) return { t: 'frame', from: r(p[1] % 8), bytes: r(p[2] % 100) } as WlEvent;
  if (k === 4) return { t: 'frame', from: r(6), bytes: Array.from(r(p[2] % 100)) } as any;
  return [null, undefined, {}, { t: 5 }, { t: 'uplink', id: 1, status: 0, json: null }, { t: 'oob', bytes: r(8) }][p[1] % 6] as any;
}

// ---- the oracle -----------------------------------------------------------------

function fixedLayoutReencode(b: Uint8Array, f: WlFrame): Uint8Array | null {
  if (f.type === T_PRESENCE) return encodePresence(encodePresenceBody(f.suite, f.E!, f.ne!, f.held!, f.caps!, f.ctr!, f.Y, f.win, f.gap), f.tag!);
  if (f.type === T_CHALLENGE) return encodeChallenge(encodeChallengeBody(f.suite, f.sid, f.X!, f.nc!), f.tag!, f.tagS!);
  if (f.type === T_PROOF) return encodeProof(f.suite, f.sid, f.tag!);
  if (f.type === T_CONFIG) return encodeConfigFrame(configHeader(f.suite, f.sid, f.idx!, f.count!), f.sealed!);
  return encodeAck(ackHeader(f.suite, f.sid), f.sealed!);
}

export function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The first-contact exception: only tok, tokAt and one entry's ss differ, and the effect is one whitelist store. */
function isFirstContact(prev: any, step: WlStep<any>): boolean {
  const s = step.state;
  if (step.code !== EC.E_AUTH_PRESENCE && step.code !== EC.E_BAD_POINT) return false;
  if (step.effects.length !== 1 || step.effects[0].t !== 'store' || (step.effects[0] as any).file !== WHITELIST_FILE) return false;
  for (const k of Object.keys(s)) if (k !== 'tok' && k !== 'tokAt' && k !== 'wl' && s[k] !== prev[k]) return false;
  const changed = Object.keys(s.wl).filter((h) => s.wl[h] !== prev.wl[h]);
  if (changed.length !== 1) return false;
  const a = prev.wl[changed[0]];
  const b = s.wl[changed[0]];
  return a.ss === null && b.ss instanceof Uint8Array && Object.keys(b).every((k) => k === 'ss' || b[k] === a[k]);
}

export function runFuzz(o: FuzzOptions): FuzzStats {
  const r = rng(o.seed);
  const targets = buildTargets(o.suite, o.seed, o.configurator);
  const seeds: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const t of targets) for (const h of t.authentic) if (!seen.has(h)) (seen.add(h), seeds.push(Uint8Array.from(Buffer.from(h, 'hex'))));
  for (const c of o.corpus || []) seeds.push(c);
  const stats: FuzzStats = { frames: 0, seconds: 0, framesPerSecond: 0, decoded: {}, outcomes: {}, phases: targets.map((t) => t.name), authentic: 0, forged: 0, events: 0 };
  const bump = (m: { [k: string]: number }, k: string) => (m[k] = (m[k] || 0) + 1);
  const t0 = process.hrtime.bigint();
  let input = '';
  let i = 0;
  const fail = (why: string) => {
    throw new FuzzFailure(o.seed, i, input, why);
  };
  // `frames` counts frames; the stray events come on top.
  for (i = 0; stats.frames < o.frames; i++) {
    const pick = r(2);
    const t = targets[((pick[0] << 8) | pick[1]) % targets.length];
    const kind = r(1)[0];
    // 1 in 20: a stray event; 1 in 10: an authentic frame again (a copy); else structured or mutated bytes.
    if (kind < 13) {
      const ev = strayEvent(r);
      input = 'event ' + JSON.stringify(ev, (_k, v) => (v instanceof Uint8Array ? toHex(v) : v));
      if (ev && typeof ev === 'object') {
        (ev as any).now = t.now;
        if ((ev as any).rand === undefined) (ev as any).rand = r(64);
      }
      let step: WlStep<any>;
      try {
        step = t.node.core.next(t.state, ev as WlEvent);
      } catch (e) {
        return fail(t.name + ' threw on an event: ' + String(e));
      }
      if (step.code === EC.E_CRYPTO) fail(t.name + ': E_CRYPTO on an event');
      // A stray event may be a real one (the join's own result, a due timer): those end in their outcome code.
      if (step.code !== 0 && step.state !== t.state && AUTH_STATE_CHANGES.indexOf(step.code) < 0 && step.code !== EC.E_TIMEOUT) {
        fail(t.name + ': a refused event changed the state (' + EC.codeName(step.code) + ')');
      }
      stats.events++;
      continue;
    }
    let bytes: Uint8Array;
    if (kind < 40) bytes = seeds[u32(r) % seeds.length];
    else if (kind < 150) bytes = structured(r, t);
    else bytes = mutate(r, seeds);
    input = toHex(bytes);
    stats.frames++;
    // The codec and the file decoders: never throw, codes consistent, re-encoding exact.
    let d;
    try {
      d = decodeFrame(bytes);
      frameSummary(bytes);
      for (const dec of [decodeConfig, decodeWhitelist, decodeIdentity, decodeStoredConfig, decodeConfiguratorIdentity, decodeCounter]) {
        if (typeof dec(bytes).code !== 'number') fail('a file decoder gave no code');
      }
    } catch (e) {
      return fail('the codec threw: ' + String(e));
    }
    if ((d.code === 0) !== (d.frame !== null)) fail('decodeFrame: code and frame disagree');
    bump(stats.decoded, EC.codeName(d.code));
    if (d.frame && !same(fixedLayoutReencode(bytes, d.frame)!, bytes)) fail('a decoded frame does not re-encode to its bytes');
    // The core.
    const auth = t.authentic.has(input);
    const fromPeer = r(1)[0] & 1;
    const from = fromPeer ? t.peer : r(6);
    let step: WlStep<any>;
    try {
      step = t.node.core.next(t.state, { t: 'frame', from, bytes, now: t.now, rand: r(64) });
    } catch (e) {
      return fail(t.name + ' threw: ' + String(e));
    }
    if (!step || typeof step.code !== 'number' || !Array.isArray(step.effects)) fail(t.name + ': malformed step');
    if (step.code === EC.E_CRYPTO) fail(t.name + ': E_CRYPTO');
    for (const e of step.effects) if (e.t === 'send' && e.bytes.length > 250) fail(t.name + ': sent a frame over 250 bytes');
    bump(stats.outcomes, t.name.replace(/ \(.*\)$/, '') + ' ' + EC.codeName(step.code));
    if (auth) {
      stats.authentic++;
      if (step.code !== 0 && step.state !== t.state && AUTH_STATE_CHANGES.indexOf(step.code) < 0) {
        fail(t.name + ': an authentic copy was refused with ' + EC.codeName(step.code) + ' and changed the state');
      }
      continue;
    }
    stats.forged++;
    if (step.code === 0) fail(t.name + ': a forged frame was accepted');
    if (step.state === t.state) {
      if (!step.effects.every((e) => e.t === 'report')) fail(t.name + ': a forged frame had an effect (' + step.effects.map((e) => e.t).join(',') + ')');
    } else if (!(t.hashOnly && isFirstContact(t.state, step))) {
      fail(t.name + ': a forged frame changed the state (' + EC.codeName(step.code) + ')');
    }
  }
  const ns = Number(process.hrtime.bigint() - t0);
  stats.seconds = ns / 1e9;
  stats.framesPerSecond = Math.round(stats.frames / stats.seconds);
  return stats;
}
