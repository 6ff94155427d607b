/**
 * Configurator role of the whitelist provisioning protocol (README.md
 * §2, §8.2). Paper 003's configurator keeps a whitelist of public-key hashes and
 * ignores enrollees it does not know; this one also serves many enrollees at
 * once (a session table keyed by the hex of SHA-256(E)), per-device and
 * per-group configurations, and re-provisioning when it holds a newer version.
 *
 * Pure core: `next(state, event) → { state, effects, tr, code }`; never mutates
 * its input state, never throws. The order of checks on PRESENCE (README §3.1)
 * is the defence against floods and forgeries (threats 5, 9; §4.1): suite,
 * hash lookup (unknown or revoked → no effects), low-order and reflected keys,
 * then tag_P under the cached ss — every one before any scalar multiplication
 * and without any state change — then freshness of the counter, then version,
 * busy, cooldown, pending cap and token bucket. A token is charged in the state
 * BEFORE any X25519 runs, so even a multiplication that fails has been paid for.
 * Only authenticated frames (tag_P, tag_E, the ACK's AEAD) change what the audit
 * log says about a device.
 */
import { equalBytes, ctEqual, concatBytes, copyBytes, readU32, toHex, macToString, wipe, utf8Encode } from '../../bytes/bytes.ts';
import {
  decodeFrame, encodeChallengeBody, encodeChallenge, configHeader, encodeConfig as encodeConfigFrame,
  T_PRESENCE, T_PROOF, T_ACK, TYPE_NAMES, SUITE_X25519, HDR_LEN, AEAD_TAG_LEN, FRAG_MAX, TAG_LEN, WlFrame,
} from './frames.ts';
import { OK, E_STATE, E_NO_SESSION, E_REFLECT, E_BAD_POINT, E_AUTH_ACK, E_RATE, E_NO_RAND, E_REVOKED, E_UP_TO_DATE, E_BUSY, E_TIMEOUT, E_CRYPTO, E_NO_CONFIG, E_COOLDOWN, E_EVENT, E_STALE_TIMER, E_SUITE, E_FIELD, E_COMMAND, I_SESSION, I_CONFIRMED, I_NOT_PROVISIONED } from '../../codec/codes.ts';
import { E_AUTH_PROOF, E_UNKNOWN_KEY, E_AUTH_PRESENCE, E_PRESENCE_REPLAY, I_WHITELIST, codeName } from './codes.ts';
import { WhitelistSuiteCrypto } from './suite.ts';
import { transcriptH1, deriveKeys, macTag, chainHash, ccmNonce, presenceTag, staticTag, DIR_C2E, DIR_E2C, SessionKeys } from './keys.ts';
import { isLowOrder25519 } from '../../crypto/x25519-low-order.ts';
import { WlConfig, ConfiguratorIdentity, WhitelistEntry, encodeConfig, encodeWhitelist } from './records.ts';
import { RESERVED_SETTING_KEY } from '../../codec/config-record.ts';
import { WlEvent, WlEffect, WlStep, WlCommand, clone, report, randOf, isMac } from './common.ts';
import { FrameEvent, TimerEvent, CommandEvent, Role } from '../../runtime/events.ts';
import { PROTO_WHITELIST } from '../../codec/protocol-ids.ts';

export var CF_OFF = 0;
export var CF_RUN = 1;
export var CF_STATE_NAMES = ['OFF', 'RUN'];

/** Per-session states. */
export var CS_WAIT_PROOF = 1;
export var CS_WAIT_ACK = 2;
export var CS_STATE_NAMES = ['-', 'WAIT_PROOF', 'WAIT_ACK'];

/** Random bytes needed on a PRESENCE that starts a session: x (32) ‖ Nc (16) ‖ sid (4). */
export var CONFIGURATOR_RAND = 52;
/** Storage file the core rewrites after every whitelist change. */
export var WHITELIST_FILE = 'nb.whitelist';
/** Session timer ids are SESSION_TIMER + hex(SHA-256(E)). */
export var SESSION_TIMER = 's:';

export interface ConfiguratorOptions {
  /** wait for PROOF after a CHALLENGE, per try */
  proofMs: number;
  /**
   * wait for ACK after the CONFIG fragments, per try. Shorter than the
   * enrollee's sessionMs so a lost fragment is re-sent before it gives up;
   * ackMs × ackTries must exceed the enrollee's joinMs.
   */
  ackMs: number;
  /**
   * CHALLENGE sends (1 + retransmissions) before the session is dropped.
   * proofMs × maxTries must be at least the enrollee's longest presence
   * interval (with jitter): a session started by a copy of an enrollee's
   * PRESENCE then always sees that enrollee's own repeat, which gets the
   * CHALLENGE re-sent to it (README §4.1, "slots").
   */
  maxTries: number;
  /** CONFIG sends (1 + retransmissions) before the session fails */
  ackTries: number;
  /** after a failed session or a failure ACK, ignore that enrollee this long */
  cooldownMs: number;
  /** token bucket for sessions started (each costs 2-3 X25519): capacity and ms per token */
  bucketSize: number;
  bucketMs: number;
  /**
   * Suites accepted in PRESENCE, refused before any work otherwise (E_SUITE).
   * Suite 1 only by default: the manifest and the apps speak suite 1; a
   * configurator that serves suite-2 enrollees says so ([1, 2] or [2], §9).
   */
  suites: number[];
  /**
   * Sessions allowed in WAIT_PROOF at once. next() runs the X25519s synchronously,
   * so on a slow engine starting key agreements faster than PROOFs are answered
   * only makes sessions time out and start over; this cap keeps the work useful.
   */
  maxPending: number;
  /**
   * Ephemeral key pool (README §4.5): sessions one ephemeral x serves before it is
   * wiped; 0 = no pool, a fresh x per session (two X25519s on the session's
   * critical path, full forward secrecy per session). The standalone ESP32
   * configurator sets 16 (POOL_DEFAULTS); host-speed configurators leave it off.
   */
  ephUses?: number;
  /** ms an ephemeral may serve sessions after its first use; then it is wiped */
  ephMs?: number;
  /** ephemerals kept ready (computed in idle steps): the one in use and spares */
  poolSize?: number;
  /** period of the idle step (timer POOL_TIMER) while the pool is on */
  idleMs?: number;
  /** authenticated PRESENCEs kept while busy (pending cap or bucket), started from the idle step; 0 = none */
  queueMax?: number;
  /** a queued PRESENCE older than this is dropped (the enrollee will have moved on) */
  queueMs?: number;
}

export var CONFIGURATOR_DEFAULTS: ConfiguratorOptions = {
  proofMs: 1500,
  ackMs: 4000,
  // 1.5 s × 14 = 21 s ≥ the default enrollee's 16 s presence interval + 25 % jitter.
  maxTries: 14,
  ackTries: 8,
  cooldownMs: 10000,
  bucketSize: 4,
  bucketMs: 500,
  suites: [SUITE_X25519],
  maxPending: 2,
  // The reference core keeps one ephemeral per session (no pool): that costs two
  // X25519s per session, which only matters where one takes seconds (POOL_DEFAULTS).
  ephUses: 0,
  ephMs: 0,
  poolSize: 0,
  idleMs: 0,
  queueMax: 0,
  queueMs: 0,
};

/**
 * The ephemeral pool and PRESENCE queue of a configurator whose X25519 takes
 * seconds (README §4.5): an ephemeral serves at most 16 sessions within 5 min of
 * its first use, one spare is computed in an idle step as the one in use nears its
 * end, and up to 32 authenticated
 * PRESENCEs wait (30 s at most) for a free slot instead of for their sender's next
 * announcement.
 */
export var POOL_DEFAULTS = {
  ephUses: 16,
  ephMs: 300000,
  poolSize: 1,
  idleMs: 2000,
  queueMax: 32,
  queueMs: 30000,
};

/** Timer id of the idle step (pool refill, queued PRESENCEs, expiry of ephemerals). */
export var POOL_TIMER = 'p';

/**
 * One pooled ephemeral: x, X = x·9, the sessions it started, the time of its
 * first use (-1 until then: an unused ephemeral protects no session yet, so
 * its window opens at first use), and es = x·E per enrollee (hex of SHA-256(E))
 * so a second session of the same enrollee inside the window needs no X25519.
 */
export interface PoolKey {
  x: Uint8Array;
  X: Uint8Array;
  uses: number;
  first: number;
  es: { [hx: string]: Uint8Array };
}

/** An authenticated PRESENCE waiting for a free slot. */
export interface QueuedPresence {
  hx: string;
  bytes: Uint8Array;
  from: Uint8Array;
  at: number;
}

export interface ConfiguratorSession {
  st: number;
  /** suite of this session, from the enrollee's PRESENCE */
  suite: number;
  /** the PRESENCE this session answers (a byte-identical copy re-sends the CHALLENGE) and its counter */
  pres: Uint8Array;
  ctr: number;
  sid: number;
  peer: Uint8Array;
  /** hex of SHA-256(E): the key in the tables */
  hx: string;
  ne: Uint8Array;
  /** the CHALLENGE sent (re-sent on a duplicate PRESENCE or a timeout) */
  chal: Uint8Array;
  h2: Uint8Array;
  h3: Uint8Array | null;
  k: SessionKeys;
  /** the configuration being delivered and its CONFIG frames once the PROOF verified */
  target: WlConfig;
  frames: Uint8Array[];
  tries: number;
}

export interface WlRecord {
  hash: Uint8Array;
  ss: Uint8Array | null;
  group: string;
  revoked: boolean;
  /** last configuration version the enrollee confirmed (ACK OK or PRESENCE) */
  prov: number;
  /** no new session before this time (after an authenticated failure) */
  retryAt: number;
  /**
   * Lowest PRESENCE counter still accepted (README §4.1, replays): raised to the
   * counter of every authentic PRESENCE, and past it once that PRESENCE's session
   * has an authenticated outcome. Kept in RAM only.
   */
  ctr: number;
  /**
   * The last PRESENCE of this enrollee whose tag verified (pool on only, §4.5): a
   * byte-identical repeat is authentic without the HMAC. RAM only.
   */
  ap?: Uint8Array | null;
}

export interface ConfiguratorState {
  ph: number;
  id: ConfiguratorIdentity;
  /** whitelist: hex(SHA-256(E)) → record */
  wl: { [hx: string]: WlRecord };
  /** per-device configurations (win over the group's) */
  dev: { [hx: string]: WlConfig };
  /** per-group configurations; group '' is the default */
  grp: { [g: string]: WlConfig };
  /** pending sessions by hex(SHA-256(E)); one per enrollee */
  sess: { [hx: string]: ConfiguratorSession };
  /** session id (decimal string) → hx */
  sids: { [sid: string]: string };
  /** token bucket: tokens and the time they were counted */
  tok: number;
  tokAt: number;
  opt: ConfiguratorOptions;
  /** ephemeral pool (empty when opt.ephUses is 0) */
  pool: PoolKey[];
  /** authenticated PRESENCEs waiting for a slot, oldest first (≤ opt.queueMax) */
  q: QueuedPresence[];
  /**
   * hex(E) → hex(SHA-256(E)) for keys seen in an authenticated PRESENCE (pool on
   * only): a repeat needs no hash. At most one entry per whitelisted key.
   */
  ek: { [hexE: string]: string };
}

/**
 * CHALLENGE sends before a WAIT_PROOF session is dropped. A duty-cycled
 * enrollee (README §2.1: its PRESENCE announces a window) hears a CHALLENGE
 * only inside a window: if ours was not ready in time (our X25519s outlasted
 * it) or was lost, it is re-sent when the next PRESENCE comes, at most `gap` s
 * later — so the session first waits that long, then the usual maxTries for
 * the enrollee's own X25519 and its PROOF.
 */
export function challengeTries(o: ConfiguratorOptions, presence: Uint8Array): number {
  var p = decodeFrame(presence).frame;
  if (!p || !p.win) return o.maxTries;
  return o.maxTries + Math.ceil(((p.gap as number) * 1000 + p.win) / o.proofMs);
}

export function configuratorInitial(id: ConfiguratorIdentity, entries: WhitelistEntry[], opt?: ConfiguratorOptions): ConfiguratorState {
  var o = opt || CONFIGURATOR_DEFAULTS;
  var wl: { [hx: string]: WlRecord } = {};
  for (var i = 0; i < entries.length; i++) {
    var en = entries[i];
    wl[toHex(en.hash)] = { hash: en.hash, ss: en.ss, group: en.group, revoked: en.revoked, prov: 0, retryAt: 0, ctr: 0 };
  }
  return { ph: CF_OFF, id: id, wl: wl, dev: {}, grp: {}, sess: {}, sids: {}, tok: o.bucketSize, tokAt: 0, opt: o, pool: [], q: [], ek: {} };
}

/** The whitelist as file entries (for encodeWhitelist). */
export function whitelistEntries(st: ConfiguratorState): WhitelistEntry[] {
  var out: WhitelistEntry[] = [];
  var keys: string[] = [];
  for (var k in st.wl) if (Object.prototype.hasOwnProperty.call(st.wl, k)) keys.push(k);
  keys.sort();
  for (var i = 0; i < keys.length; i++) {
    var r = st.wl[keys[i]];
    out.push({ hash: r.hash, ss: r.ss, group: r.group, revoked: r.revoked });
  }
  return out;
}

/** The configuration an enrollee should hold: its own, else its group's, else the default group's. */
export function configFor(st: ConfiguratorState, hx: string): WlConfig | null {
  if (Object.prototype.hasOwnProperty.call(st.dev, hx)) return st.dev[hx];
  var r = st.wl[hx];
  if (r && Object.prototype.hasOwnProperty.call(st.grp, r.group)) return st.grp[r.group];
  if (Object.prototype.hasOwnProperty.call(st.grp, '')) return st.grp[''];
  return null;
}

/** The configurator as the runtime runs it (firmware/runtime/events.ts Role). */
export type ConfiguratorCore = Role<ConfiguratorState, WlCommand>;

function has(o: any, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function makeConfigurator(suite: WhitelistSuiteCrypto): ConfiguratorCore {
  function step(st: ConfiguratorState, effects: WlEffect[], tr: string, code: number): WlStep<ConfiguratorState> {
    return { state: st, effects: effects, tr: tr, code: code };
  }

  function reject(st: ConfiguratorState, code: number, what: string, quiet?: boolean): WlStep<ConfiguratorState> {
    return step(st, quiet ? [] : [report(code, what + ': ' + codeName(code))], what + ' -x', code);
  }

  function audit(hx: string, peer: Uint8Array, code: number, version: number, now: number): WlEffect {
    return { t: 'audit', device: hx, mac: macToString(peer), code: code, version: version, now: now };
  }

  function storeWhitelist(st: ConfiguratorState): WlEffect {
    return { t: 'store', file: WHITELIST_FILE, bytes: encodeWhitelist(whitelistEntries(st)) };
  }

  /**
   * The one cleanup path for a session: drop it from both tables and cancel its
   * timer. `failedAt` ≥ 0 starts the enrollee's cooldown (authenticated failures
   * only); `settled` marks the session's PRESENCE as used, so a copy of it can
   * never start another session (its counter is no longer accepted). Returns a new state.
   */
  function endSession(st0: ConfiguratorState, hx: string, failedAt: number, effects: WlEffect[], settled?: boolean): ConfiguratorState {
    var st = clone(st0);
    var s = st.sess[hx];
    st.sess = clone(st.sess);
    delete st.sess[hx];
    if (s) {
      st.sids = clone(st.sids);
      delete st.sids[String(s.sid)];
    }
    if ((failedAt >= 0 || (settled && s)) && has(st.wl, hx)) {
      st.wl = clone(st.wl);
      var r = clone(st.wl[hx]);
      if (failedAt >= 0) r.retryAt = failedAt + st.opt.cooldownMs;
      if (settled && s && s.ctr + 1 > r.ctr) r.ctr = s.ctr + 1;
      st.wl[hx] = r;
    }
    effects.push({ t: 'cancel', id: SESSION_TIMER + hx });
    return st;
  }

  function putSession(st0: ConfiguratorState, s: ConfiguratorSession): ConfiguratorState {
    var st = clone(st0);
    st.sess = clone(st.sess);
    st.sess[s.hx] = s;
    st.sids = clone(st.sids);
    st.sids[String(s.sid)] = s.hx;
    return st;
  }

  function setRecord(st0: ConfiguratorState, hx: string, r: WlRecord): ConfiguratorState {
    var st = clone(st0);
    st.wl = clone(st.wl);
    st.wl[hx] = r;
    return st;
  }

  /** The token bucket refilled to `now`: tokens and the time they were counted. */
  function bucket(st: ConfiguratorState, now: number): { tok: number; at: number } {
    var gained = now > st.tokAt ? Math.floor((now - st.tokAt) / st.opt.bucketMs) : 0;
    var tok = st.tok + gained;
    var at = st.tokAt + gained * st.opt.bucketMs;
    if (tok >= st.opt.bucketSize) {
      tok = st.opt.bucketSize;
      at = now;
    }
    return { tok: tok, at: at };
  }

  /** A copy of `st` with one token spent (the caller checked there is one). */
  function charge(st: ConfiguratorState, b: { tok: number; at: number }): ConfiguratorState {
    var c = clone(st);
    c.tok = b.tok - 1;
    c.tokAt = b.at;
    return c;
  }

  /** True when this configurator keeps an ephemeral pool (README §4.5). */
  function poolOn(st: ConfiguratorState): boolean {
    return (st.opt.ephUses || 0) > 0;
  }

  /** True once wipeKey zeroed x (in any state that still refers to it). */
  function wiped(k: PoolKey): boolean {
    var acc = 0;
    for (var i = 0; i < k.x.length; i++) acc |= k.x[i];
    return acc === 0;
  }

  /** Whether a pooled ephemeral may start another session at `now`. */
  function usable(st: ConfiguratorState, k: PoolKey, now: number): boolean {
    if (wiped(k)) return false;
    if (k.uses >= (st.opt.ephUses || 0)) return false;
    return k.first < 0 || now - k.first < (st.opt.ephMs || 0);
  }

  /**
   * Forget an ephemeral for good: x and every cached es are zeroed in place.
   * This is the core's one write into memory a caller's state may still refer
   * to, on purpose: a retired ephemeral must be gone from every copy (§4.5), and
   * `usable` refuses a zeroed x wherever it is found.
   */
  function wipeKey(k: PoolKey): void {
    wipe(k.x);
    for (var h in k.es) if (has(k.es, h)) wipe(k.es[h]);
  }

  /** The usable part of a pool; the rest is wiped. Returns the same array when nothing retired. */
  function prune(st: ConfiguratorState, pool: PoolKey[], now: number): PoolKey[] {
    var keep: PoolKey[] = [];
    for (var i = 0; i < pool.length; i++) {
      if (usable(st, pool[i], now)) keep.push(pool[i]);
      else wipeKey(pool[i]);
    }
    return keep.length === pool.length ? pool : keep;
  }

  /**
   * Whether a spare ephemeral is worth computing now: none is waiting unused, and
   * the one in use is near its end (two sessions left, or half its window gone).
   * Earlier, a spare may never be used (the batch ends, the configurator idles for
   * hours): an X25519 spent for nothing.
   */
  function spareDue(st: ConfiguratorState, now: number): boolean {
    var near = false;
    for (var i = 0; i < st.pool.length; i++) {
      var k = st.pool[i];
      if (k.first < 0) return false;
      if (k.uses + 2 >= (st.opt.ephUses || 0) || now - k.first >= (st.opt.ephMs || 0) / 2) near = true;
    }
    return near;
  }

  /** A copy of `st` that knows E's hash and the last authentic PRESENCE bytes (pool on only). */
  function remember(st: ConfiguratorState, hexE: string, hx: string, bytes: Uint8Array): ConfiguratorState {
    if (!poolOn(st)) return st;
    var out = st;
    if (!has(st.ek, hexE)) {
      out = clone(st);
      out.ek = clone(st.ek);
      out.ek[hexE] = hx;
    }
    var r = out.wl[hx];
    if (r && !(r.ap && equalBytes(r.ap, bytes))) {
      var nr = clone(r);
      nr.ap = copyBytes(bytes);
      out = setRecord(out, hx, nr);
    }
    return out;
  }

  /** A copy of `st` with this PRESENCE queued (one entry per enrollee, newest wins), or `st` when the queue is full. */
  function enqueue(st: ConfiguratorState, hx: string, bytes: Uint8Array, from: Uint8Array, now: number): ConfiguratorState {
    var max = st.opt.queueMax || 0;
    var q: QueuedPresence[] = [];
    for (var i = 0; i < st.q.length; i++) {
      if (st.q[i].hx === hx) {
        if (equalBytes(st.q[i].bytes, bytes)) return st;
      } else q.push(st.q[i]);
    }
    if (q.length >= max) return st;
    q.push({ hx: hx, bytes: copyBytes(bytes), from: copyBytes(from), at: now });
    var out = clone(st);
    out.q = q;
    return out;
  }

  /** Whether these very bytes wait in the queue (an enrollee repeating itself while queued). */
  function queued(st: ConfiguratorState, hx: string, bytes: Uint8Array): boolean {
    for (var i = 0; i < st.q.length; i++) if (st.q[i].hx === hx && equalBytes(st.q[i].bytes, bytes)) return true;
    return false;
  }

  /**
   * PRESENCE, checked in the order of README §3.1. Everything up to tag_P is a
   * silent drop that changes nothing and spends no multiplication (the one
   * exception: first contact with a hash-only entry, which pays one token and
   * one X25519 for ss and caches it, once per entry). `fromQueue`: the bytes
   * were authenticated when they were queued (the idle step starts them).
   */
  function onPresence(st: ConfiguratorState, f: WlFrame, from: Uint8Array, bytes: Uint8Array, ev: { now?: number; rand?: Uint8Array }, fromQueue?: boolean): WlStep<ConfiguratorState> {
    var accepted = false;
    for (var si = 0; si < st.opt.suites.length; si++) if (st.opt.suites[si] === f.suite) accepted = true;
    if (!accepted) return reject(st, E_SUITE, 'PRESENCE', true);
    var E = f.E as Uint8Array;
    // A key seen in an authenticated PRESENCE is looked up without hashing it
    // again (pool on, §4.5): an enrollee waiting its turn repeats itself often.
    var hexE = toHex(E);
    var hx = has(st.ek, hexE) ? st.ek[hexE] : toHex(suite.sha256(E));
    // Unknown and revoked keys: no effects at all (threat 9; another
    // configurator may own them, paper 003 §4).
    if (!has(st.wl, hx)) return reject(st, E_UNKNOWN_KEY, 'PRESENCE', true);
    var rec = st.wl[hx];
    if (rec.revoked) return reject(st, E_REVOKED, 'PRESENCE', true);
    if (isLowOrder25519(E) || (f.Y && isLowOrder25519(f.Y))) return reject(st, E_BAD_POINT, 'PRESENCE', true);
    if (equalBytes(E, st.id.C) || (f.Y && equalBytes(f.Y, st.id.C))) return reject(st, E_REFLECT, 'PRESENCE', true);
    var now = typeof ev.now === 'number' ? ev.now : 0;
    // Outcomes that change nothing need no tag (README §3.1 step 5): most PRESENCEs
    // on the air are an enrollee repeating itself, and checking each one's tag would
    // cost every repeat an HMAC (5 SHA-256 blocks) for nothing.
    var s0 = has(st.sess, hx) ? st.sess[hx] : null;
    if (s0 && s0.st === CS_WAIT_PROOF && equalBytes(s0.pres, bytes)) {
      // The very bytes that started this session (authenticated then): our CHALLENGE
      // was lost or went elsewhere; send it to this sender, no crypto.
      return step(st, [{ t: 'send', to: copyBytes(from), bytes: s0.chal }], 'WAIT_PROOF -presence again-> WAIT_PROOF', 0);
    }
    var ctr0 = f.ctr as number;
    if (ctr0 < rec.ctr) return reject(st, E_PRESENCE_REPLAY, 'PRESENCE', true);
    var tgt0 = configFor(st, hx);
    var held0 = f.held as number;
    if (tgt0) {
      var confirms = held0 === tgt0.version && (rec.prov < held0 || (s0 !== null && s0.st === CS_WAIT_ACK && s0.target.version === held0));
      if (held0 >= tgt0.version && !confirms) return reject(st, E_UP_TO_DATE, 'PRESENCE', true);
      if (held0 < tgt0.version && s0 && s0.st === CS_WAIT_ACK) return reject(st, E_BUSY, 'PRESENCE', true);
      if (held0 < tgt0.version && !s0 && now < rec.retryAt) return reject(st, E_COOLDOWN, 'PRESENCE', true);
    }
    // Waiting in the queue already (authenticated when queued): nothing to do.
    if (!fromQueue && queued(st, hx, bytes)) return reject(st, E_RATE, 'PRESENCE', true);
    var body = copyBytes(bytes, 0, bytes.length - TAG_LEN);
    var st1 = st;
    var out: WlEffect[] = [];
    var ss = rec.ss;
    if (!ss) {
      // First contact with a hash-only entry: ss = X25519(c, E) is needed to check
      // the tag at all. Pay a token first; cache ss whatever the tag says (E's hash
      // is on the whitelist, so ss is right), so this happens once per entry.
      var b0 = bucket(st, now);
      if (b0.tok < 1) return reject(st, E_RATE, 'PRESENCE', true);
      st1 = charge(st, b0);
      try {
        ss = suite.dh(st.id.c, E);
      } catch (e) {
        return reject(st1, E_BAD_POINT, 'PRESENCE', true);
      }
      var cr = clone(rec);
      cr.ss = ss;
      st1 = setRecord(st1, hx, cr);
      rec = cr;
      out.push(storeWhitelist(st1));
    }
    // The last PRESENCE whose tag verified, byte for byte, is authentic (§4.5).
    var known = fromQueue || (rec.ap ? equalBytes(rec.ap, bytes) : false);
    if (!known && !ctEqual(presenceTag(suite, ss, body), f.tag as Uint8Array)) {
      if (st1 === st) return reject(st, E_AUTH_PRESENCE, 'PRESENCE', true);
      return step(st1, out, 'PRESENCE -x first contact, tag', E_AUTH_PRESENCE);
    }
    // Authentic from here: sent by a holder of ss (the enrollee), not older than
    // the lowest counter still accepted (checked above).
    st1 = remember(st1, hexE, hx, bytes);
    rec = st1.wl[hx];
    var ctr = ctr0;
    var target = configFor(st1, hx);
    if (!target) return step(st1, out.concat([report(E_NO_CONFIG, 'PRESENCE: ' + codeName(E_NO_CONFIG))]), 'PRESENCE -x', E_NO_CONFIG);
    var held = f.held as number;
    if (held >= target.version) {
      // Up to date, and authenticated: the enrollee holds this version (it only
      // announces a version it has proven and stored). Audited once per version;
      // a session waiting for a lost ACK is settled here.
      if (rec.prov < held && held === target.version) {
        var nr = clone(rec);
        nr.prov = held;
        if (ctr > nr.ctr) nr.ctr = ctr;
        st1 = setRecord(st1, hx, nr);
        out.push(audit(hx, from, I_CONFIRMED, held, now));
      }
      if (has(st1.sess, hx) && st1.sess[hx].st === CS_WAIT_ACK && held === st1.sess[hx].target.version) {
        st1 = endSession(st1, hx, -1, out, true);
      }
      return step(st1, out, 'PRESENCE up to date', E_UP_TO_DATE);
    }
    if (has(st1.sess, hx)) {
      var s = st1.sess[hx];
      if (s.st === CS_WAIT_PROOF && ctr > s.ctr) {
        // The enrollee has moved on to a newer PRESENCE (reboot, fresh nonce):
        // the old one can never be answered. Drop that session, start a new one.
        st1 = endSession(st1, hx, -1, out);
        out.push(report(E_TIMEOUT, 'PRESENCE ' + s.ctr + ' superseded by ' + ctr));
      } else {
        if (st1 === st) return reject(st, E_BUSY, 'PRESENCE', true);
        return step(st1, out, 'PRESENCE -x busy', E_BUSY);
      }
    }
    if (now < rec.retryAt) return step(st1, out, 'PRESENCE -x cooldown', E_COOLDOWN);
    var pending = 0;
    for (var ph in st1.sess) if (has(st1.sess, ph) && st1.sess[ph].st === CS_WAIT_PROOF) pending++;
    // Busy (pending cap, empty bucket): with a queue, the authenticated PRESENCE
    // waits there and the idle step starts it as soon as a slot is free (§4.5).
    if (pending >= (st1.opt.maxPending || 1)) return step(enqueue(st1, hx, bytes, from, now), out, 'PRESENCE -x pending cap', E_RATE);
    var rand = randOf(ev as WlEvent, CONFIGURATOR_RAND);
    if (!rand) return step(st1, out.concat([report(E_NO_RAND, 'PRESENCE: ' + codeName(E_NO_RAND))]), 'PRESENCE -x', E_NO_RAND);
    var b1 = bucket(st1, now);
    if (b1.tok < 1) return step(enqueue(st1, hx, bytes, from, now), out, 'PRESENCE -x bucket', E_RATE);
    // Rate-limit state is charged before the first multiplication (finding 1).
    var nst2 = charge(st1, b1);
    var x: Uint8Array;
    var X: Uint8Array;
    var dhs: Uint8Array[];
    var fresh = true;
    try {
      if (poolOn(nst2)) {
        // An ephemeral from the pool (§4.5): x·9 was computed in an idle step, and
        // es is cached if this enrollee already had a session with this x. Only a
        // pool with nothing usable left computes one here.
        var pool = prune(nst2, nst2.pool, now);
        if (pool === nst2.pool) pool = pool.slice(0);
        if (!pool.length && !fromQueue && (st1.opt.queueMax || 0) > 0) {
          // Nothing ready: rather than two X25519s in this step, queue the PRESENCE
          // (token not spent) and let the idle step compute the ephemeral first.
          // A full queue drops it: the enrollee repeats itself.
          var qst = clone(enqueue(st1, hx, bytes, from, now));
          qst.pool = pool;
          return step(qst, out.concat([{ t: 'arm', id: POOL_TIMER, ms: 0 }]), 'PRESENCE -x no ephemeral ready, queued', E_RATE);
        }
        if (!pool.length) {
          // Nothing ready (the idle step has not run since the last one retired):
          // this session pays for its ephemeral, which then joins the pool.
          var nx = copyBytes(rand, 0, 32);
          pool.push({ x: nx, X: suite.dhPub(nx), uses: 0, first: -1, es: {} });
        }
        var pk = clone(pool[0]);
        x = pk.x;
        X = pk.X;
        var es = has(pk.es, hx) ? pk.es[hx] : null;
        if (!es) {
          es = suite.dh(x, E);
          pk.es = clone(pk.es);
          pk.es[hx] = es;
        }
        pk.uses = pk.uses + 1;
        if (pk.first < 0) pk.first = now;
        pool[0] = pk;
        nst2 = clone(nst2);
        nst2.pool = pool;
        fresh = false;
        dhs = [ss, copyBytes(es)];
      } else {
        x = copyBytes(rand, 0, 32);
        X = suite.dhPub(x);
        dhs = [ss, suite.dh(x, E)];
      }
      if (f.Y) {
        dhs.push(suite.dh(st.id.c, f.Y));
        dhs.push(suite.dh(x, f.Y));
      }
    } catch (e) {
      return step(nst2, out, 'PRESENCE -x key agreement', E_BAD_POINT);
    }
    if (fresh) wipe(x);
    // An ephemeral used up by this session is wiped at once, not at the next idle step.
    else if (!usable(nst2, nst2.pool[0], now)) nst2.pool = prune(nst2, nst2.pool, now);
    if (nst2.q.length) {
      // Started: this enrollee no longer waits in the queue, whichever copy started it.
      var dq: QueuedPresence[] = [];
      for (var qi = 0; qi < nst2.q.length; qi++) if (nst2.q[qi].hx !== hx) dq.push(nst2.q[qi]);
      if (dq.length !== nst2.q.length) {
        nst2 = clone(nst2);
        nst2.q = dq;
      }
    }
    var nc = copyBytes(rand, 32, 48);
    var sid = readU32(rand, 48);
    while (sid === 0 || has(nst2.sids, String(sid))) sid = (sid + 1) >>> 0;
    var cbody = encodeChallengeBody(f.suite, sid, X, nc);
    var h1 = transcriptH1(suite, st.id.C, bytes, cbody);
    var k = deriveKeys(suite, dhs, h1);
    for (var di = 1; di < dhs.length; di++) wipe(dhs[di]);
    var tag = macTag(suite, k.cm, h1);
    var chal = encodeChallenge(cbody, tag, staticTag(suite, ss, f.tag as Uint8Array, concatBytes([cbody, tag])));
    // From now on older PRESENCEs of this enrollee are replays (§4.1).
    if (ctr > rec.ctr) {
      var fr = clone(rec);
      fr.ctr = ctr;
      nst2 = setRecord(nst2, hx, fr);
    }
    var sess: ConfiguratorSession = {
      st: CS_WAIT_PROOF, suite: f.suite, pres: copyBytes(bytes), ctr: ctr, sid: sid, peer: copyBytes(from), hx: hx, ne: f.ne as Uint8Array,
      chal: chal, h2: chainHash(suite, h1, tag), h3: null, k: k, target: target, frames: [], tries: 1,
    };
    nst2 = putSession(nst2, sess);
    out.push({ t: 'send', to: sess.peer, bytes: chal });
    out.push({ t: 'arm', id: SESSION_TIMER + hx, ms: st.opt.proofMs });
    return step(nst2, out, fresh ? 'PRESENCE -whitelisted-> WAIT_PROOF' : 'PRESENCE -whitelisted, pooled ephemeral-> WAIT_PROOF', 0);
  }

  /**
   * The idle step (timer POOL_TIMER, pool on only; README §4.5): retire
   * ephemerals past their window (wiped), drop stale queued PRESENCEs, then do
   * at most one piece of work, in this order: compute an ephemeral when none is
   * usable; start the oldest queued PRESENCE that a free slot and a token allow;
   * compute a spare when nothing can start (the CPU would wait for PROOFs
   * anyway) and the ephemeral in use is near its end (spareDue). The core never
   * does pool work on a frame: only here, when the runtime has nothing older to
   * deliver.
   */
  function onIdle(st: ConfiguratorState, ev: TimerEvent): WlStep<ConfiguratorState> {
    if (!poolOn(st)) return reject(st, E_STALE_TIMER, 'timer', true);
    var now = typeof ev.now === 'number' ? ev.now : 0;
    var o = st.opt;
    var nst = clone(st);
    nst.pool = prune(st, st.pool, now);
    var q: QueuedPresence[] = [];
    for (var i = 0; i < st.q.length; i++) if (now - st.q[i].at < (o.queueMs || 0)) q.push(st.q[i]);
    nst.q = q;
    var idle: WlEffect = { t: 'arm', id: POOL_TIMER, ms: o.idleMs || 1000 };
    var soon: WlEffect = { t: 'arm', id: POOL_TIMER, ms: 0 };
    if (nst.pool.length > 0) {
      while (nst.q.length) {
        var e0 = nst.q[0];
        var d = decodeFrame(e0.bytes);
        if (!d.frame) {
          nst.q = nst.q.slice(1);
          continue;
        }
        var r = onPresence(nst, d.frame, e0.from, e0.bytes, ev, true);
        if (r.code === 0 && r.state !== nst) {
          // Started: come back at once for the next one (after whatever the runtime holds).
          r.effects.push(r.state.q.length ? soon : idle);
          return step(r.state, r.effects, 'idle -queued presence-> WAIT_PROOF', 0);
        }
        if (r.code === E_RATE) {
          // No slot or token yet: it keeps its place; meanwhile a spare may be computed.
          nst = r.state;
          break;
        }
        // Anything else (up to date, revoked, superseded, cooldown, ...): it no longer waits.
        var left: QueuedPresence[] = [];
        for (var j = 0; j < r.state.q.length; j++) if (r.state.q[j].hx !== e0.hx) left.push(r.state.q[j]);
        nst = clone(r.state);
        nst.q = left;
      }
    }
    if (nst.pool.length === 0 || (nst.pool.length < (o.poolSize || 1) && spareDue(nst, now))) {
      var rand = randOf(ev as WlEvent, 32);
      if (!rand) return step(nst, [report(E_NO_RAND, 'idle: ' + codeName(E_NO_RAND)), idle], 'idle -x', E_NO_RAND);
      var x = copyBytes(rand, 0, 32);
      var X: Uint8Array;
      try {
        X = suite.dhPub(x);
      } catch (e) {
        wipe(x);
        return step(nst, [idle], 'idle -x precompute', E_CRYPTO);
      }
      nst = clone(nst);
      nst.pool = nst.pool.concat([{ x: x, X: X, uses: 0, first: -1, es: {} }]);
      // The first ephemeral of an empty pool: queued PRESENCEs can start now.
      return step(nst, [nst.pool.length === 1 && nst.q.length ? soon : idle], 'idle -precompute', 0);
    }
    return step(nst, [idle], 'idle', 0);
  }

  function sessionFor(st: ConfiguratorState, f: WlFrame): ConfiguratorSession | null {
    var key = String(f.sid);
    if (!has(st.sids, key)) return null;
    return st.sess[st.sids[key]] || null;
  }

  /**
   * PROOF: accepted from any MAC once its tag verifies (a MAC is routing only:
   * the PRESENCE that started the session may have come from a copy, §4.1);
   * the CONFIG then goes to the MAC the PROOF came from.
   */
  function onProof(st: ConfiguratorState, f: WlFrame, from: Uint8Array, bytes: Uint8Array): WlStep<ConfiguratorState> {
    var s = sessionFor(st, f);
    if (!s) return reject(st, E_NO_SESSION, 'PROOF');
    if (f.suite !== s.suite) return reject(st, E_SUITE, 'PROOF');
    var tag = f.tag as Uint8Array;
    if (s.st === CS_WAIT_ACK && s.h3 && equalBytes(chainHash(suite, s.h2, tag), s.h3)) {
      // The accepted PROOF again: its sender did not get the CONFIG; re-send it there, no state change.
      var again: WlEffect[] = [];
      for (var a = 0; a < s.frames.length; a++) again.push({ t: 'send', to: copyBytes(from), bytes: s.frames[a] });
      return step(st, again, 'WAIT_ACK -proof again-> WAIT_ACK', 0);
    }
    if (s.st !== CS_WAIT_PROOF) return reject(st, E_STATE, 'PROOF');
    if (!ctEqual(macTag(suite, s.k.em, s.h2), tag)) return reject(st, E_AUTH_PROOF, 'PROOF');
    var h3 = chainHash(suite, s.h2, tag);
    var pt = encodeConfig(s.target);
    var count = Math.ceil(pt.length / FRAG_MAX);
    var frames: Uint8Array[] = [];
    for (var i = 0; i < count; i++) {
      var hdr = configHeader(s.suite, s.sid, i, count);
      var chunk = copyBytes(pt, i * FRAG_MAX, Math.min(pt.length, (i + 1) * FRAG_MAX));
      var sealed = suite.seal(s.k.ce, ccmNonce(DIR_C2E, s.sid, i), chunk, concatBytes([hdr, h3]), AEAD_TAG_LEN);
      frames.push(encodeConfigFrame(hdr, sealed));
    }
    var ns = clone(s);
    ns.st = CS_WAIT_ACK;
    ns.peer = copyBytes(from);
    ns.h3 = h3;
    ns.frames = frames;
    ns.tries = 1;
    var nst = putSession(st, ns);
    var effects: WlEffect[] = [];
    for (var j = 0; j < frames.length; j++) effects.push({ t: 'send', to: ns.peer, bytes: frames[j] });
    effects.push({ t: 'arm', id: SESSION_TIMER + s.hx, ms: st.opt.ackMs });
    effects.push(report(I_SESSION, 'enrollee ' + s.hx.substring(0, 16) + ' proved its key'));
    // A slot is free: a queued PRESENCE may start (the idle step, after this one, §4.5).
    if (poolOn(st) && st.q.length) effects.push({ t: 'arm', id: POOL_TIMER, ms: 0 });
    return step(nst, effects, 'WAIT_PROOF -proof-> WAIT_ACK', 0);
  }

  function onAck(st: ConfiguratorState, f: WlFrame, from: Uint8Array, bytes: Uint8Array, ev: FrameEvent): WlStep<ConfiguratorState> {
    var s = sessionFor(st, f);
    if (!s) return reject(st, E_NO_SESSION, 'ACK');
    if (s.st !== CS_WAIT_ACK || !s.h3) return reject(st, E_STATE, 'ACK');
    if (f.suite !== s.suite) return reject(st, E_SUITE, 'ACK');
    var aad = concatBytes([copyBytes(bytes, 0, HDR_LEN), s.h3]);
    var pt = suite.open(s.k.ee, ccmNonce(DIR_E2C, s.sid, 0), f.sealed as Uint8Array, aad, AEAD_TAG_LEN);
    if (!pt) return reject(st, E_AUTH_ACK, 'ACK');
    var result = pt[0];
    var version = readU32(pt, 1);
    if (version !== s.target.version && result === OK) return reject(st, E_FIELD, 'ACK');
    var now = typeof ev.now === 'number' ? ev.now : 0;
    var effects: WlEffect[] = [audit(s.hx, from, result, version, now)];
    var nst: ConfiguratorState;
    if (result === OK) {
      var r = clone(st.wl[s.hx]);
      r.prov = version;
      nst = endSession(setRecord(st, s.hx, r), s.hx, -1, effects, true);
      effects.push(report(I_CONFIRMED, 'version ' + version));
      return step(nst, effects, 'WAIT_ACK -ack ok-> done', 0);
    }
    nst = endSession(st, s.hx, now, effects, true);
    effects.push(report(I_NOT_PROVISIONED, codeName(result)));
    return step(nst, effects, 'WAIT_ACK -ack ' + codeName(result) + '-> done', result);
  }

  function onTimer(st: ConfiguratorState, ev: TimerEvent): WlStep<ConfiguratorState> {
    var id = String(ev.id);
    if (id === POOL_TIMER) return onIdle(st, ev);
    if (id.substring(0, SESSION_TIMER.length) !== SESSION_TIMER) return reject(st, E_STALE_TIMER, 'timer', true);
    var hx = id.substring(SESSION_TIMER.length);
    if (!has(st.sess, hx)) return reject(st, E_STALE_TIMER, 'timer', true);
    var s = st.sess[hx];
    var now = typeof ev.now === 'number' ? ev.now : 0;
    if (s.tries >= (s.st === CS_WAIT_PROOF ? challengeTries(st.opt, s.pres) : st.opt.ackTries)) {
      var effects: WlEffect[] = [];
      if (s.st === CS_WAIT_PROOF) {
        // Nobody proved the key: the PRESENCE may have been a copy, so this says
        // nothing about the device. No audit, no cooldown (only authenticated
        // frames change the audit log, §4.1); the enrollee's next PRESENCE starts over.
        effects.push(report(E_TIMEOUT, 'WAIT_PROOF ' + hx.substring(0, 16)));
        return step(endSession(st, hx, -1, effects), effects, 'WAIT_PROOF -timeout-> dropped', E_TIMEOUT);
      }
      effects.push(audit(hx, s.peer, E_TIMEOUT, s.target.version, now));
      effects.push(report(E_TIMEOUT, CS_STATE_NAMES[s.st]));
      return step(endSession(st, hx, now, effects, true), effects, CS_STATE_NAMES[s.st] + ' -timeout-> failed', E_TIMEOUT);
    }
    var ns = clone(s);
    ns.tries = s.tries + 1;
    var out: WlEffect[] = [];
    if (s.st === CS_WAIT_PROOF) out.push({ t: 'send', to: s.peer, bytes: s.chal });
    else for (var i = 0; i < s.frames.length; i++) out.push({ t: 'send', to: s.peer, bytes: s.frames[i] });
    out.push({ t: 'arm', id: SESSION_TIMER + hx, ms: s.st === CS_WAIT_PROOF ? st.opt.proofMs : st.opt.ackMs });
    return step(putSession(st, ns), out, CS_STATE_NAMES[s.st] + ' -retransmit-> ' + CS_STATE_NAMES[s.st], 0);
  }

  /**
   * A group name as a command gives it: absent means the default group ''; a
   * non-string, more than 32 UTF-8 bytes (the whitelist file's limit, §6) or the
   * one name a plain object cannot hold as a key is refused, never coerced (null).
   */
  function groupOf(v: any): string | null {
    if (v === undefined) return '';
    if (typeof v !== 'string' || v === RESERVED_SETTING_KEY) return null;
    try {
      if (utf8Encode(v).length > 32) return null;
    } catch (e) {
      return null;
    }
    return v;
  }

  /** A copy of a configuration the encoder accepts (so a caller's later change cannot reach the state), or null. */
  function configOf(v: any): WlConfig | null {
    try {
      encodeConfig(v as WlConfig);
    } catch (e) {
      return null;
    }
    var set: { [k: string]: string } = {};
    for (var k in v.settings) if (Object.prototype.hasOwnProperty.call(v.settings, k)) set[k] = v.settings[k];
    return { version: v.version, ssid: v.ssid, psk: v.psk, settings: set };
  }

  function onCommand(st: ConfiguratorState, ev: CommandEvent<WlCommand>): WlStep<ConfiguratorState> {
    var op = ev.op;
    if (op === 'list') {
      var lines: string[] = [];
      var ents = whitelistEntries(st);
      for (var i = 0; i < ents.length; i++) {
        var hx = toHex(ents[i].hash);
        var rec = st.wl[hx];
        lines.push(hx + ' group=' + rec.group + ' ' + (rec.revoked ? 'revoked' : 'allowed') + ' confirmed=' + rec.prov +
          (has(st.sess, hx) ? ' session=' + CS_STATE_NAMES[st.sess[hx].st] : ''));
      }
      return step(st, [report(I_WHITELIST, lines.join('\n'))], 'command list', 0);
    }
    var h = ev.hash;
    if (op === 'add' || op === 'revoke') {
      if (!(h instanceof Uint8Array) || h.length !== 32) return reject(st, E_COMMAND, op);
      var key = toHex(h);
      var effects: WlEffect[] = [];
      var nst = st;
      if (op === 'add') {
        var ss = ev.ss;
        if (ss !== undefined && !(ss instanceof Uint8Array && ss.length === 32)) return reject(st, E_COMMAND, op);
        var g = groupOf(ev.group);
        if (g === null) return reject(st, E_COMMAND, op);
        if (equalBytes(h, suite.sha256(st.id.C))) return reject(st, E_REFLECT, op);
        var old = has(st.wl, key) ? st.wl[key] : null;
        // Adding (again) forgets the presence counter seen: a re-flashed board may
        // have lost its counter file and would otherwise be refused as a replay.
        nst = setRecord(st, key, {
          hash: copyBytes(h), ss: ss ? copyBytes(ss) : old && !old.revoked ? old.ss : null, group: g, revoked: false,
          prov: old ? old.prov : 0, retryAt: 0, ctr: 0,
        });
      } else {
        if (!has(st.wl, key)) return reject(st, E_COMMAND, op);
        var r = clone(st.wl[key]);
        r.revoked = true;
        r.ss = null;
        nst = setRecord(st, key, r);
        if (has(nst.sess, key)) nst = endSession(nst, key, -1, effects);
      }
      effects.push(storeWhitelist(nst));
      return step(nst, effects, 'command ' + op, 0);
    }
    if (op === 'config') {
      // Type confusion is refused where the value enters (finding 6): a number
      // for the PSK, a non-string setting or group, the key __proto__.
      var c = configOf(ev.config);
      if (!c) return reject(st, E_COMMAND, op);
      var cc = clone(st);
      if (h instanceof Uint8Array && h.length === 32 && ev.group === undefined) {
        cc.dev = clone(st.dev);
        cc.dev[toHex(h)] = c;
      } else if (h === undefined) {
        var cg = groupOf(ev.group);
        if (cg === null) return reject(st, E_COMMAND, op);
        cc.grp = clone(st.grp);
        cc.grp[cg] = c;
      } else return reject(st, E_COMMAND, op);
      return step(cc, [], 'command config', 0);
    }
    return reject(st, E_COMMAND, String(op));
  }

  function onFrame(st: ConfiguratorState, ev: FrameEvent): WlStep<ConfiguratorState> {
    if (!isMac(ev.from) || !(ev.bytes instanceof Uint8Array)) return reject(st, E_EVENT, 'frame');
    var d = decodeFrame(ev.bytes);
    if (!d.frame) return reject(st, d.code, 'frame');
    var f = d.frame;
    var from = ev.from as Uint8Array;
    if (f.type === T_PRESENCE) return onPresence(st, f, from, ev.bytes, ev);
    if (f.type === T_PROOF) return onProof(st, f, from, ev.bytes);
    if (f.type === T_ACK) return onAck(st, f, from, ev.bytes, ev);
    // CHALLENGE and CONFIG only ever flow from a configurator: an echo of our own (threat 2).
    return reject(st, E_STATE, TYPE_NAMES[f.type]);
  }

  function next(st: ConfiguratorState, ev: WlEvent): WlStep<ConfiguratorState> {
    try {
      if (!ev || typeof ev.t !== 'string') return reject(st, E_EVENT, 'event');
      if (ev.t === 'boot') {
        var b = clone(st);
        b.ph = CF_RUN;
        b.tokAt = typeof ev.now === 'number' ? ev.now : 0;
        // With a pool, the idle step runs from now on (README §4.5): its first run computes the first ephemeral.
        return step(b, poolOn(b) ? [{ t: 'arm', id: POOL_TIMER, ms: 0 }] : [], CF_STATE_NAMES[st.ph] + ' -boot-> RUN', 0);
      }
      if (ev.t === 'command') return onCommand(st, ev);
      if (st.ph !== CF_RUN) return reject(st, E_STATE, ev.t);
      if (ev.t === 'frame') return onFrame(st, ev);
      if (ev.t === 'timer') return onTimer(st, ev);
      return reject(st, E_EVENT, ev.t);
    } catch (e) {
      return reject(st, E_CRYPTO, 'exception ' + String(e && (e as Error).message));
    }
  }

  return { proto: PROTO_WHITELIST, name: 'whitelist/configurator', randBytes: CONFIGURATOR_RAND, next: next };
}
