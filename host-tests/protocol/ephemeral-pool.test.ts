/**
 * Issue 13 part 5: the configurator's ephemeral key pool, PRESENCE queue and
 * key-lookup cache (firmware/protocols/whitelist/README.md §4.5), on the pure
 * core with both suite implementations. What is asserted:
 *   - an ephemeral serves at most ephUses sessions and only within ephMs of its
 *     first use; then its bytes are zeroed (in every state that refers to it);
 *   - spares are computed by the idle step, so a session start costs one X25519
 *     (es = x·E), none when the enrollee already had a session with that x;
 *   - the queue holds only authenticated PRESENCEs, at most queueMax, and the
 *     idle step starts them;
 *   - issue 9's order still holds with the pool on: forged PRESENCEs cost no
 *     multiplication and change nothing; the token is charged before es.
 * The pool-off default (a fresh X per session) is checked as the control.
 */
import { describe, it, expect } from 'vitest';
import { SUITES } from './suites.ts';
import { CFG1 } from './fixtures.ts';
import { Net, Node, keyFrom, makeIdentity, macOf, presenceOf } from './driver.ts';
import * as EC from './wl-codes.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import {
  CONFIGURATOR_DEFAULTS, POOL_DEFAULTS, POOL_TIMER, ConfiguratorOptions, ConfiguratorState, CS_WAIT_PROOF, PoolKey, QueuedPresence,
} from '../../firmware/protocols/whitelist/configurator.ts';
import { CONFIGURATOR_TIMING } from '../../configurator/app/whitelist/configurator-spec.ts';
import { decodeFrame, T_CHALLENGE } from '../../firmware/protocols/whitelist/frames.ts';
import { EnrolleeIdentity } from '../../firmware/protocols/whitelist/records.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';

/** Wrap a suite to count its scalar multiplications. */
function metered(inner: WhitelistSuiteCrypto) {
  const n = { dh: 0, dhPub: 0 };
  const suite: WhitelistSuiteCrypto = {
    ...inner,
    dh: (a, b) => (n.dh++, inner.dh(a, b)),
    dhPub: (a) => (n.dhPub++, inner.dhPub(a)),
  };
  return { suite, n, mults: () => n.dh + n.dhPub };
}

const POOL: Partial<ConfiguratorOptions> = { ...POOL_DEFAULTS };

function suiteTests(suite: WhitelistSuiteCrypto) {
  const c = keyFrom(suite, 'configurator');

  /** A configurator (pool options `opt`) with `count` whitelisted enrollees; enrollees are added to the net when `live`. */
  function bench(seed: number, opt: Partial<ConfiguratorOptions>, count: number, live = true) {
    const m = metered(suite);
    const net = new Net(suite, seed);
    const ids: EnrolleeIdentity[] = Array.from({ length: count }, (_, i) => makeIdentity(suite, `pool-${seed}-${i}`, c));
    const conf = net.addConfigurator(
      'conf', c, ids.map((id) => ({ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: '', revoked: false })),
      { ...CONFIGURATOR_DEFAULTS, ...opt }, m.suite,
    );
    net.aps[CFG1.ssid] = CFG1.psk;
    net.command(conf, { op: 'config', config: CFG1 });
    net.boot(conf);
    // With a pool, let the idle step compute the first ephemeral (as a configurator does before its first enrollee).
    if (live && (opt.ephUses ?? 0) > 0) net.fire(conf, POOL_TIMER);
    const enr: Node[] = live ? ids.map((id, i) => net.addEnrollee('enr-' + i, id, null)) : [];
    return { net, conf, ids, enr, m };
  }

  /** The X of every CHALLENGE the configurator sent, in order, one per session (re-sends removed). */
  function challengeXs(net: Net, conf: Node): string[] {
    const seen = new Set<string>();
    const xs: string[] = [];
    for (const f of net.sent) {
      if (f.from !== conf.mac) continue;
      const d = decodeFrame(f.bytes);
      if (!d.frame || d.frame.type !== T_CHALLENGE) continue;
      const key = toHex(f.bytes);
      if (seen.has(key)) continue;
      seen.add(key);
      xs.push(toHex(d.frame.X!));
    }
    return xs;
  }

  /** Provision the enrollees one after another (each booted once the previous one is done). */
  function provisionInTurn(b: ReturnType<typeof bench>, gapMs = 0) {
    for (const e of b.enr) {
      b.net.now += gapMs;
      b.net.boot(e);
      const ok = b.net.run(() => e.state.cfg !== null && !Object.keys(b.conf.state.sess).length, 4000);
      expect(ok).toBe(true);
    }
  }

  const countBy = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return [...m.values()];
  };

  it('control: without a pool (the core default) every session has its own X and costs two X25519', () => {
    const b = bench(1, {}, 4);
    provisionInTurn(b);
    const xs = challengeXs(b.net, b.conf);
    expect(xs.length).toBe(4);
    expect(new Set(xs).size).toBe(4);
    expect(b.m.n.dhPub).toBe(4);
    expect(b.m.n.dh).toBe(4);
    expect(b.conf.state.pool).toEqual([]);
  });

  it('an ephemeral serves at most ephUses sessions, then it is wiped at once', () => {
    const b = bench(2, { ...POOL, ephUses: 3, ephMs: 3600e3 }, 7);
    provisionInTurn(b);
    const xs = challengeXs(b.net, b.conf);
    expect(xs.length).toBe(7);
    // 7 sessions, 3 per ephemeral: 3 + 3 + 1.
    expect(countBy(xs)).toEqual([3, 3, 1]);
    // Every ephemeral was computed in an idle step, never during a session start.
    expect(b.m.n.dhPub).toBe(b.conf.log.filter((l) => l.step.tr === 'idle -precompute').length);
    // The first ephemeral's bytes are zero: gone from every state that referred to it.
    const firstState = b.conf.log.find((l) => (l.step.state as ConfiguratorState).pool.some((k) => k.uses === 1))!.step.state as ConfiguratorState;
    const first = firstState.pool.find((k) => k.uses === 1)!;
    expect(toHex(first.X)).toBe(xs[0]);
    expect(first.x.every((v) => v === 0)).toBe(true);
    expect((b.conf.state as ConfiguratorState).pool.every((k) => k.uses < 3)).toBe(true);
  });

  it('an ephemeral serves sessions only within ephMs of its first use; after the window the idle step wipes it', () => {
    const b = bench(3, { ...POOL, ephUses: 16, ephMs: 60000 }, 4);
    provisionInTurn(b, 0);
    const early = challengeXs(b.net, b.conf);
    expect(new Set(early).size).toBe(1);
    const used: PoolKey = (b.conf.state as ConfiguratorState).pool.find((k) => k.uses > 0)!;
    expect(used.x.some((v: number) => v !== 0)).toBe(true);
    // Past the window: the next idle step wipes it without any session.
    b.net.now = used.first + 60000;
    b.net.fire(b.conf, POOL_TIMER);
    expect(used.x.every((v: number) => v === 0)).toBe(true);
    expect(Object.values(used.es).every((es: Uint8Array) => es.every((v: number) => v === 0))).toBe(true);
    expect(b.conf.state.pool.includes(used)).toBe(false);
    // A later session uses another X.
    const id = makeIdentity(suite, 'pool-late', c);
    b.net.command(b.conf, { op: 'add', hash: suite.sha256(id.E), ss: suite.dh(c, id.E) });
    const e = b.net.addEnrollee('late', id, null);
    b.net.boot(e);
    expect(b.net.run(() => e.state.cfg !== null, 4000)).toBe(true);
    const all = challengeXs(b.net, b.conf);
    expect(all.length).toBe(5);
    expect(all[4]).not.toBe(all[0]);
  });

  it('a session start from the pool costs one X25519 (es), and none for an enrollee that already had a session with that x', () => {
    const b = bench(4, POOL, 2, false);
    b.net.fire(b.conf, POOL_TIMER); // the first ephemeral
    b.net.fire(b.conf, POOL_TIMER); // no spare yet: the first one is unused
    expect(b.conf.state.pool.length).toBe(1);
    const before = b.m.n.dhPub;
    const r = b.net.step(b.conf, { t: 'frame', from: macOf(7), bytes: presenceOf(suite, b.ids[0], { ne: b.net.rand(16), ctr: 1 }) });
    expect(r.code).toBe(0);
    expect(b.m.n.dhPub).toBe(before);
    expect(b.m.n.dh).toBe(1);
    // The enrollee moves on (a newer counter): the new session reuses x and the cached es.
    const r2 = b.net.step(b.conf, { t: 'frame', from: macOf(7), bytes: presenceOf(suite, b.ids[0], { ne: b.net.rand(16), ctr: 2 }) });
    expect(r2.code).toBe(0);
    expect(b.m.n.dh).toBe(1);
    expect(b.m.n.dhPub).toBe(before);
    const X1 = decodeFrame(r.effects.find((e) => e.t === 'send')!.bytes as Uint8Array).frame!.X!;
    const X2 = decodeFrame(r2.effects.find((e) => e.t === 'send')!.bytes as Uint8Array).frame!.X!;
    expect(toHex(X2)).toBe(toHex(X1));
    // ... but not the same keys: Nc and the PRESENCE (Ne) are fresh.
    const s = b.conf.state.sess[toHex(suite.sha256(b.ids[0].E))];
    expect(s.st).toBe(CS_WAIT_PROOF);
    expect(toHex(s.k.cm)).not.toBe(toHex((r.state as ConfiguratorState).sess[s.hx].k.cm));
    // Another enrollee: one X25519 more.
    b.net.step(b.conf, { t: 'frame', from: macOf(8), bytes: presenceOf(suite, b.ids[1], { ne: b.net.rand(16), ctr: 1 }) });
    expect(b.m.n.dh).toBe(2);
    expect(b.m.n.dhPub).toBe(before);
  });

  it('with an empty pool a PRESENCE waits for the idle step to compute the ephemeral (no two X25519s in one step); without a queue it pays for it', () => {
    const b = bench(5, POOL, 2, false);
    const tok = b.conf.state.tok;
    const r = b.net.step(b.conf, { t: 'frame', from: macOf(7), bytes: presenceOf(suite, b.ids[0], { ne: b.net.rand(16) }) });
    expect(r.code).toBe(EC.E_RATE);
    expect(b.m.mults()).toBe(0);
    expect(b.conf.state.tok).toBe(tok);
    expect(b.conf.state.q.length).toBe(1);
    expect(r.effects).toEqual([{ t: 'arm', id: POOL_TIMER, ms: 0 }]);
    // Idle step 1: the ephemeral (one X25519); idle step 2: the queued session (one X25519).
    const i1 = b.net.fire(b.conf, POOL_TIMER);
    expect(i1.tr).toBe('idle -precompute');
    expect([b.m.n.dhPub, b.m.n.dh]).toEqual([1, 0]);
    const i2 = b.net.fire(b.conf, POOL_TIMER);
    expect(i2.tr).toBe('idle -queued presence-> WAIT_PROOF');
    expect([b.m.n.dhPub, b.m.n.dh]).toEqual([1, 1]);
    expect(b.conf.state.q.length).toBe(0);

    // With the queue full, a PRESENCE that finds no ephemeral is dropped (the enrollee repeats), still no X25519.
    const full = bench(5, { ...POOL, queueMax: 1 }, 2, false);
    full.net.step(full.conf, { t: 'frame', from: macOf(7), bytes: presenceOf(suite, full.ids[0], { ne: full.net.rand(16) }) });
    const rf = full.net.step(full.conf, { t: 'frame', from: macOf(8), bytes: presenceOf(suite, full.ids[1], { ne: full.net.rand(16) }) });
    expect(rf.code).toBe(EC.E_RATE);
    expect(full.m.mults()).toBe(0);
    expect(full.conf.state.q.map((e: QueuedPresence) => e.hx)).toEqual([toHex(suite.sha256(full.ids[0].E))]);

    const nq = bench(5, { ...POOL, queueMax: 0 }, 2, false);
    const r2 = nq.net.step(nq.conf, { t: 'frame', from: macOf(7), bytes: presenceOf(suite, nq.ids[0], { ne: nq.net.rand(16) }) });
    expect(r2.code).toBe(0);
    expect([nq.m.n.dhPub, nq.m.n.dh]).toEqual([1, 1]);
    nq.net.step(nq.conf, { t: 'frame', from: macOf(8), bytes: presenceOf(suite, nq.ids[1], { ne: nq.net.rand(16) }) });
    expect([nq.m.n.dhPub, nq.m.n.dh]).toEqual([1, 2]);
  });

  it('busy: authenticated PRESENCEs wait in a bounded queue, forged ones never enter it, and the idle step starts them', () => {
    const b = bench(6, { ...POOL, maxPending: 1, queueMax: 3 }, 6, false);
    b.net.fire(b.conf, POOL_TIMER);
    const codes: number[] = [];
    const qlen: number[] = [];
    for (const id of b.ids) {
      codes.push(b.net.step(b.conf, { t: 'frame', from: macOf(9), bytes: presenceOf(suite, id, { ne: b.net.rand(16) }) }).code);
      qlen.push(b.conf.state.q.length);
    }
    expect(codes).toEqual([0, EC.E_RATE, EC.E_RATE, EC.E_RATE, EC.E_RATE, EC.E_RATE]);
    expect(qlen).toEqual([0, 1, 2, 3, 3, 3]);
    // Forged PRESENCEs (wrong tag) for whitelisted keys: no queue entry, no state change, no multiplication.
    const st = b.conf.state;
    const mults = b.m.mults();
    for (let i = 0; i < 50; i++) {
      const r = b.net.step(b.conf, { t: 'frame', from: macOf(900), bytes: presenceOf(suite, { E: b.ids[5].E, ss: b.net.rand(32) }, { ne: b.net.rand(16) }) });
      expect(r.code).toBe(EC.E_AUTH_PRESENCE);
      expect(r.effects).toEqual([]);
    }
    expect(b.conf.state).toBe(st);
    expect(b.m.mults()).toBe(mults);
    // A repeat of a queued PRESENCE changes nothing and costs no tag.
    const q0 = b.conf.state.q[0];
    const again = b.net.step(b.conf, { t: 'frame', from: macOf(9), bytes: q0.bytes });
    expect(again.state).toBe(st);
    // The first session times out on the configurator's side (nobody answers): the idle step then starts the oldest queued one.
    b.conf.state = { ...b.conf.state, sess: {}, sids: {} };
    b.net.now += 1000;
    const r = b.net.fire(b.conf, POOL_TIMER);
    expect(r.code).toBe(0);
    expect(Object.keys(b.conf.state.sess)).toEqual([q0.hx]);
    expect((b.conf.state as ConfiguratorState).q.map((e: QueuedPresence) => e.hx)).not.toContain(q0.hx);
    expect(b.conf.state.q.length).toBe(2);
  });

  it('stale queued PRESENCEs are dropped after queueMs', () => {
    const b = bench(7, { ...POOL, maxPending: 1, queueMax: 4, queueMs: 5000 }, 3, false);
    // No ephemeral is ready yet: all three wait.
    for (const id of b.ids) b.net.step(b.conf, { t: 'frame', from: macOf(9), bytes: presenceOf(suite, id, { ne: b.net.rand(16) }) });
    expect(b.conf.state.q.length).toBe(3);
    b.net.now += 5000;
    b.net.fire(b.conf, POOL_TIMER);
    expect(b.conf.state.q.length).toBe(0);
  });

  it('issue 9 order with the pool on: the token is charged before es, and an empty bucket stops the session before any multiplication', () => {
    const b = bench(8, { ...POOL, maxPending: 8, queueMax: 0 }, 6, false);
    b.net.fire(b.conf, POOL_TIMER);
    const base = b.m.mults();
    const realDh = b.m.suite.dh;
    b.m.suite.dh = (x, y) => {
      realDh(x, y);
      throw new Error('E_X25519_ZERO');
    };
    const codes: number[] = [];
    const toks: number[] = [];
    for (const id of b.ids) {
      const r = b.net.step(b.conf, { t: 'frame', from: macOf(901), bytes: presenceOf(suite, id, { ne: b.net.rand(16) }) });
      codes.push(r.code);
      toks.push(b.conf.state.tok);
    }
    expect(codes).toEqual([EC.E_BAD_POINT, EC.E_BAD_POINT, EC.E_BAD_POINT, EC.E_BAD_POINT, EC.E_RATE, EC.E_RATE]);
    expect(toks).toEqual([3, 2, 1, 0, 0, 0]);
    // es for the first four only (each throws after its token was spent); no x·9 on this path.
    expect(b.m.mults() - base).toBe(4);
    expect(b.m.n.dhPub).toBe(1);
  });

  it('poolSize 1 (the default): the next ephemeral is computed in the idle step after the last one retires, never ahead', () => {
    const b = bench(11, { ...POOL, ephUses: 3, ephMs: 3600e3, maxPending: 8 }, 4, false);
    b.net.fire(b.conf, POOL_TIMER);
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      b.net.step(b.conf, { t: 'frame', from: macOf(40 + i), bytes: presenceOf(suite, b.ids[i], { ne: b.net.rand(16) }) });
      sizes.push(b.conf.state.pool.length);
      b.net.fire(b.conf, POOL_TIMER);
      sizes.push(b.conf.state.pool.length);
    }
    // After the 3rd session the used-up ephemeral is gone (0) until the idle step makes the next one (1).
    expect(sizes).toEqual([1, 1, 1, 1, 0, 1, 1, 1]);
    expect(b.m.n.dhPub).toBe(2);
  });

  it('poolSize 2: a spare is computed only as the ephemeral in use nears its end (two sessions left or half its window), and only one', () => {
    const b = bench(9, { ...POOL, poolSize: 2, ephUses: 6, ephMs: 3600e3, maxPending: 8 }, 6, false);
    b.net.fire(b.conf, POOL_TIMER);
    const spares: number[] = [];
    for (let i = 0; i < 6; i++) {
      b.net.step(b.conf, { t: 'frame', from: macOf(20 + i), bytes: presenceOf(suite, b.ids[i], { ne: b.net.rand(16) }) });
      b.net.fire(b.conf, POOL_TIMER);
      b.net.fire(b.conf, POOL_TIMER);
      spares.push(b.conf.state.pool.filter((k: PoolKey) => k.first < 0).length);
    }
    // Uses 1..3 of 6: no spare; from use 4 (two left) one spare, never two; at use 6 the first is wiped and the spare waits.
    expect(spares).toEqual([0, 0, 0, 1, 1, 1]);
    expect(b.m.n.dhPub).toBe(2);
    // Half the window gone also makes a spare due.
    const t = bench(10, { ...POOL, poolSize: 2, ephUses: 16, ephMs: 60000 }, 1, false);
    t.net.fire(t.conf, POOL_TIMER);
    t.net.step(t.conf, { t: 'frame', from: macOf(30), bytes: presenceOf(suite, t.ids[0], { ne: t.net.rand(16) }) });
    t.net.now += 29000;
    t.net.fire(t.conf, POOL_TIMER);
    expect(t.conf.state.pool.length).toBe(1);
    t.net.now += 1000;
    t.net.fire(t.conf, POOL_TIMER);
    expect(t.conf.state.pool.length).toBe(2);
  });

  it('the standalone ESP32 configurator turns the pool on with the spec defaults (16 sessions, 5 min)', () => {
    expect(CONFIGURATOR_TIMING.ephUses).toBe(16);
    expect(CONFIGURATOR_TIMING.ephMs).toBe(5 * 60e3);
    expect(CONFIGURATOR_TIMING.queueMax).toBeGreaterThan(0);
    expect(CONFIGURATOR_DEFAULTS.ephUses).toBe(0);
  });
}

for (const [name, s] of SUITES) describe(name, () => suiteTests(s));
