/**
 * Issue 14, a duty-cycled enrollee (firmware/protocols/whitelist/README.md §2.1):
 * the PRESENCE announces its listen window and gap under tag_P; the receiver is
 * on only in that window, off while the enrollee keys (KEYING, its X25519), and
 * the board sleeps between announcements; the backoff never exceeds the
 * announced gap, so a configurator that appears finds the enrollee within it; a
 * configurator whose CHALLENGE misses the window answers in the next one within
 * the same session.
 */
import { describe, it, expect } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { nobleSuite, countingSuite } from './noble-suite.ts';
import { world, CFG1 } from './fixtures.ts';
import { Net, keyFrom, makeIdentity, BCAST } from './driver.ts';
import * as EC from './wl-codes.ts';
import {
  ENROLLEE_DEFAULTS, EN_STATE_NAMES, EnrolleeOptions, presenceDelay, presenceGapS, listenWindowMs, enrolleeInitial,
} from '../../firmware/protocols/whitelist/enrollee.ts';
import { challengeTries, CONFIGURATOR_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';
import { decodeFrame, T_PRESENCE, T_CHALLENGE, T_PROOF, PRESENCE_LEN } from '../../firmware/protocols/whitelist/frames.ts';
import { WlEffect } from '../../firmware/protocols/whitelist/common.ts';

const suite = nobleSuite();
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'utf8'));
const kinds = (effects: WlEffect[]) => effects.map((e) => (e.t === 'radio' ? 'radio ' + (e.on ? 'on' : 'off') : e.t === 'arm' || e.t === 'cancel' ? e.t + ' ' + e.id : e.t));
/** The board timing of firmware/apps/whitelist/enrollee-spec.ts (backoff 2 s → 32 s, slow 120 s). */
const BOARD: EnrolleeOptions = { ...ENROLLEE_DEFAULTS, presenceBaseMs: 2000, presenceMaxMs: 32000, presenceSlowMs: 120000, sessionMs: 240000 };

describe('duty-cycled enrollee (issue 14)', () => {
  it('announces its window and gap in PRESENCE, under tag_P: a shrunk window or a stretched gap is refused', () => {
    const w = world(suite, 31);
    const boot = w.enr.log[0].step;
    expect(kinds(boot.effects)).toEqual(['store', 'radio on', 'send', 'arm listen', 'arm presence']);
    const pres = w.net.inflight.find((f) => f.bytes[2] === T_PRESENCE)!.bytes;
    expect(pres.length).toBe(PRESENCE_LEN);
    expect(PRESENCE_LEN).toBe(85);
    const f = decodeFrame(pres).frame!;
    expect(f.win).toBe(ENROLLEE_DEFAULTS.listenMs);
    expect(f.win).toBeGreaterThan(0);
    // gap = the backoff cap plus its 25 % jitter, in whole seconds: 16 s → 20 s.
    expect(f.gap).toBe(20);
    expect((boot.effects.find((e) => e.t === 'arm' && e.id === 'listen') as { ms: number }).ms).toBe(f.win);
    // tag_P covers every byte before it, the window and the gap included (re-derived with @noble).
    const ss = w.enr.state.id.ss;
    expect(pres.subarray(69, 85)).toEqual(hmac(sha256, ss, Uint8Array.from([...ascii('nowboard wl1 presence'), ...pres.subarray(0, 69)])).subarray(0, 16));
    for (const [off, val] of [[65, [0, 1]], [67, [0, 1]], [67, [255, 255]]] as [number, number[]][]) {
      const b = Uint8Array.from(pres);
      b.set(val, off);
      const prev = w.conf.state;
      const r = w.net.step(w.conf, { t: 'frame', from: w.enr.mac, bytes: b });
      expect(r.code).toBe(EC.E_AUTH_PRESENCE);
      expect(r.state).toBe(prev);
      expect(r.effects).toEqual([]);
    }
    // The genuine one starts a session.
    expect(w.net.step(w.conf, { t: 'frame', from: w.enr.mac, bytes: pres }).code).toBe(0);
  });

  it('the gap follows the regime (board backoff 40 s, provisioned 150 s) and every presence interval stays within it', () => {
    const id = makeIdentity(suite, 'enrollee-1', keyFrom(suite, 'configurator'));
    for (const [opt, cfg, gap] of [[ENROLLEE_DEFAULTS, null, 20], [BOARD, null, 40], [ENROLLEE_DEFAULTS, CFG1, 75], [BOARD, CFG1, 150]] as const) {
      const st = enrolleeInitial(id, cfg, opt);
      expect(presenceGapS(st)).toBe(gap);
      for (let n = 0; n < 12; n++) {
        for (const r16 of [0, 1, 999, 32767, 65535]) expect(presenceDelay({ ...st, n }, r16)).toBeLessThanOrEqual(gap * 1000);
      }
    }
    expect(listenWindowMs({ ...ENROLLEE_DEFAULTS, listenMs: 0 })).toBe(0);
    expect(listenWindowMs({ ...ENROLLEE_DEFAULTS, listenMs: 1e6 })).toBe(65535);
  });

  it('the window ends with the receiver off and a light sleep until the next PRESENCE', () => {
    const w = world(suite, 32);
    w.net.inflight = [];
    const due = w.enr.timers.presence;
    const r = w.net.fire(w.enr, 'listen');
    expect(r.code).toBe(0);
    expect(EN_STATE_NAMES[r.state.ph]).toBe('ANNOUNCE');
    expect(kinds(r.effects)).toEqual(['radio off', 'sleep']);
    expect((r.effects[1] as { ms: number }).ms).toBe(due - w.net.now);
    expect((r.effects[1] as { ms: number }).ms).toBeGreaterThan(0);
    expect(w.enr.listening).toBe(false);
    // The next PRESENCE opens the next window.
    const p = w.net.fire(w.enr, 'presence');
    expect(kinds(p.effects).slice(0, 2)).toEqual(['radio on', 'send']);
    expect(w.enr.listening).toBe(true);
  });

  it('KEYING: an authentic CHALLENGE switches the receiver off before the X25519, which runs in its own step; the PROOF goes out with the receiver on again', () => {
    const counted = countingSuite(suite);
    const net = new Net(suite, 33);
    const c = keyFrom(suite, 'configurator');
    const id = makeIdentity(suite, 'enrollee-1', c);
    const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: '', revoked: false }]);
    const enr = net.addEnrollee('enr', id, null, undefined, counted.suite);
    net.aps[CFG1.ssid] = CFG1.psk;
    net.command(conf, { op: 'config', config: CFG1 });
    net.boot(conf);
    net.boot(enr);
    net.deliverOne(); // PRESENCE → CHALLENGE
    const before = counted.counts.dh;
    net.deliverOne(); // CHALLENGE → KEYING
    const k = enr.log[enr.log.length - 1].step;
    expect(k.code).toBe(0);
    expect(EN_STATE_NAMES[k.state.ph]).toBe('KEYING');
    expect(kinds(k.effects)).toEqual(['cancel presence', 'cancel listen', 'radio off', 'arm keying']);
    expect(counted.counts.dh).toBe(before); // no X25519 yet: it runs with the receiver already off
    expect(enr.listening).toBe(false);
    expect(net.inflight.filter((f) => f.bytes[2] === T_PROOF)).toEqual([]);
    const p = net.fire(enr, 'keying');
    expect(counted.counts.dh).toBe(before + 1);
    expect(EN_STATE_NAMES[p.state.ph]).toBe('AWAIT_CONFIG');
    expect(kinds(p.effects)).toEqual(['radio on', 'send', 'arm session', 'report']);
    expect(enr.listening).toBe(true);
    // Nothing a configurator re-sends meanwhile reaches a receiver that is off (the hardware rule, enforced).
    net.enforceRadio = true;
    expect(net.run(() => enr.state.cfg !== null, 200)).toBe(true);
    expect(enr.state.cfg).toEqual(CFG1);
  });

  it('always listening (listenMs 0): no radio or sleep effects, window 0 announced', () => {
    const net = new Net(suite, 34);
    const c = keyFrom(suite, 'configurator');
    const id = makeIdentity(suite, 'enrollee-1', c);
    const enr = net.addEnrollee('enr', id, null, { ...ENROLLEE_DEFAULTS, listenMs: 0 });
    const r = net.boot(enr);
    expect(kinds(r.effects)).toEqual(['store', 'send', 'arm presence']);
    expect(decodeFrame(net.inflight[0].bytes).frame!.win).toBe(0);
    expect(enr.power).toEqual([]);
  });

  it('a configurator that appears late finds the enrollee within one gap of appearing, the receiver off outside the windows', () => {
    const net = new Net(suite, 35);
    net.enforceRadio = true;
    const c = keyFrom(suite, 'configurator');
    const id = makeIdentity(suite, 'enrollee-1', c);
    const enr = net.addEnrollee('enr', id, null, BOARD);
    net.boot(enr);
    // The enrollee announces alone for 5 minutes: its backoff reaches its cap; nobody hears it.
    while (net.now < 300000) {
      net.inflight = [];
      net.fireEarliest();
    }
    const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: null, group: '', revoked: false }]);
    net.aps[CFG1.ssid] = CFG1.psk;
    net.command(conf, { op: 'config', config: CFG1 });
    net.boot(conf);
    const appeared = net.now;
    const gapMs = presenceGapS(enr.state) * 1000;
    expect(gapMs).toBe(40000);
    expect(net.run(() => enr.state.cfg !== null, 400)).toBe(true);
    // Heard at the first PRESENCE after it appeared, answered inside that window.
    const heard = conf.log.find((l) => l.ev.t === 'frame' && l.ev.bytes![2] === T_PRESENCE)!;
    expect(heard.ev.now! - appeared).toBeLessThanOrEqual(gapMs);
    expect(net.missed.filter((m) => m.bytes[2] === T_CHALLENGE)).toEqual([]);
    // Before it appeared the enrollee listened only in its windows: one radio on per PRESENCE.
    const early = enr.power.filter((p) => p.t < appeared);
    const ons = early.filter((p) => p.e === 'radio' && p.on).length;
    const sent = net.sent.filter((f) => f.from === enr.mac && f.bytes[2] === T_PRESENCE && f.to.every((b, i) => b === BCAST[i])).length;
    expect(ons).toBeGreaterThan(5);
    expect(early.filter((p) => p.e === 'sleep').length).toBe(ons);
    expect(sent).toBeGreaterThanOrEqual(ons);
  });

  it('a CHALLENGE that misses the window is re-sent in the next one, within the same session (the configurator waits one gap)', () => {
    const counted = countingSuite(suite);
    const net = new Net(suite, 36);
    net.enforceRadio = true;
    const c = keyFrom(suite, 'configurator');
    const id = makeIdentity(suite, 'enrollee-1', c);
    const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: '', revoked: false }], undefined, counted.suite);
    const enr = net.addEnrollee('enr', id, null, BOARD);
    net.aps[CFG1.ssid] = CFG1.psk;
    net.command(conf, { op: 'config', config: CFG1 });
    net.boot(conf);
    net.boot(enr);
    // Run the enrollee to its backoff cap with nobody listening, then let the configurator hear a PRESENCE
    // but hold its CHALLENGE until the window is over (its X25519s outlasted the window).
    while (net.now < 200000) {
      net.inflight = [];
      net.fireEarliest();
    }
    while (!net.inflight.some((f) => f.bytes[2] === T_PRESENCE)) {
      net.inflight = [];
      net.fireEarliest();
    }
    const pres = net.inflight.find((f) => f.bytes[2] === T_PRESENCE)!;
    net.inflight = [];
    const r = net.step(conf, { t: 'frame', from: enr.mac, bytes: pres.bytes });
    expect(r.code).toBe(0);
    const late = net.inflight.splice(0);
    net.fire(enr, 'listen'); // the window closes
    for (const f of late) net.inflight.push(f);
    net.deliverAll();
    expect(net.missed.some((m) => m.bytes[2] === T_CHALLENGE)).toBe(true);
    expect(EN_STATE_NAMES[enr.state.ph]).toBe('ANNOUNCE');
    // The session outlives the gap: more tries than maxTries, enough for one gap and the enrollee's X25519.
    const tries = challengeTries(conf.state.opt, pres.bytes);
    expect(tries).toBe(CONFIGURATOR_DEFAULTS.maxTries + Math.ceil((40 * 1000 + BOARD.listenMs) / CONFIGURATOR_DEFAULTS.proofMs));
    expect(net.run(() => conf.audits.length > 0, 400)).toBe(true);
    expect(enr.state.cfg).toEqual(CFG1);
    // One session, one key agreement: the CHALLENGE came again at the next PRESENCE's window.
    expect(counted.counts.dhPub).toBe(1);
    expect(conf.audits.map((a) => a.code)).toEqual([EC.OK]);
  });
});
