/**
 * Transition tables {from, event, to} for both cores, including events that are
 * invalid in the state (firmware/protocols/whitelist/README.md §8.1, §8.2).
 */
import { FrameEvent } from '../../firmware/runtime/events.ts';
import { describe, it, expect } from 'vitest';
import { SUITES } from './suites.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { nobleSuite } from './noble-suite.ts';
import { world, World } from './fixtures.ts';
import { Net, keyFrom, makeIdentity, macOf, presenceOf } from './driver.ts';
import * as EC from './wl-codes.ts';
import { EN_STATE_NAMES } from '../../firmware/protocols/whitelist/enrollee.ts';
import { CS_STATE_NAMES, CF_STATE_NAMES, SESSION_TIMER, challengeTries } from '../../firmware/protocols/whitelist/configurator.ts';
import { T_CHALLENGE, T_CONFIG, T_PROOF, T_ACK, T_PRESENCE, decodeFrame } from '../../firmware/protocols/whitelist/frames.ts';
import { WlEvent } from '../../firmware/protocols/whitelist/common.ts';
import { WIFI_AUTH_FAIL, WIFI_OK } from '../../firmware/ports/ports.ts';

function suiteTests(suite: WhitelistSuiteCrypto) {

  /** A world with the enrollee in the named phase, and the frames seen so far. */
  function enrolleeAt(phase: string): World {
    if (phase === 'OFF') {
      const net = new Net(suite, 200);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-1', c);
      const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: null, group: '', revoked: false }]);
      const enr = net.addEnrollee('enr', id, null);
      return { net, conf, enr, c };
    }
    const w = world(suite, 200);
    if (phase === 'ANNOUNCE') return w;
    w.net.run(() => EN_STATE_NAMES[w.enr.state.ph] === phase);
    expect(EN_STATE_NAMES[w.enr.state.ph]).toBe(phase);
    return w;
  }

  /** A valid CHALLENGE for the enrollee's current presence, made by the configurator. */
  function freshChallenge(w: World): WlEvent {
    const pres = w.net.inflight.find((f) => f.bytes[2] === T_PRESENCE)!;
    const r = w.net.step(w.conf, { t: 'frame', from: w.enr.mac, bytes: pres.bytes });
    const ch = r.effects.find((e) => e.t === 'send')!;
    return { t: 'frame', from: w.conf.mac, bytes: ch.bytes };
  }

  function sentOfType(w: World, t: number) {
    return w.net.sent.filter((f) => f.bytes[2] === t);
  }

  /** The CONFIG frames for the session in progress (drive the PROOF to the configurator). */
  function configFrames(w: World) {
    w.net.run(() => sentOfType(w, T_CONFIG).length > 0, 20, (f) => (f.bytes[2] === T_CONFIG ? null : f));
    return sentOfType(w, T_CONFIG);
  }

  type Row = { from: string; event: string; to: string; code: number; ev: (w: World) => WlEvent; effects?: string[] };

  const enrolleeRows: Row[] = [
    // The first nonce reserves a block of presence counters in Storage before anything goes on the air;
    // the receiver goes on before the PRESENCE leaves and off when its window ends (README §2.1).
    { from: 'OFF', event: 'boot', to: 'ANNOUNCE', code: 0, ev: () => ({ t: 'boot' }), effects: ['store', 'radio', 'send', 'arm', 'arm'] },
    { from: 'OFF', event: 'boot without rand', to: 'OFF', code: EC.E_NO_RAND, ev: () => ({ t: 'boot', rand: new Uint8Array(4) }) },
    { from: 'OFF', event: 'timer presence', to: 'OFF', code: EC.E_STATE, ev: () => ({ t: 'timer', id: 'presence' }) },
    { from: 'OFF', event: 'frame', to: 'OFF', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: new Uint8Array(23) }) },
    { from: 'ANNOUNCE', event: 'timer presence', to: 'ANNOUNCE', code: 0, ev: () => ({ t: 'timer', id: 'presence' }), effects: ['radio', 'send', 'arm', 'arm', 'report'] },
    { from: 'ANNOUNCE', event: 'timer listen (window over)', to: 'ANNOUNCE', code: 0, ev: () => ({ t: 'timer', id: 'listen' }), effects: ['radio', 'sleep'] },
    { from: 'ANNOUNCE', event: 'timer presence, short rand', to: 'ANNOUNCE', code: EC.E_NO_RAND, ev: () => ({ t: 'timer', id: 'presence', rand: new Uint8Array(17) }) },
    // Issue 14: an authentic CHALLENGE stops the announcements and the window and switches the receiver
    // off; its X25519 runs at the zero-delay keying timer (KEYING), then the receiver goes on with the PROOF.
    { from: 'ANNOUNCE', event: 'valid CHALLENGE', to: 'KEYING', code: 0, ev: freshChallenge, effects: ['cancel', 'cancel', 'radio', 'arm'] },
    { from: 'KEYING', event: 'timer keying', to: 'AWAIT_CONFIG', code: 0, ev: () => ({ t: 'timer', id: 'keying' }), effects: ['radio', 'send', 'arm', 'report'] },
    { from: 'KEYING', event: 'same CHALLENGE again (receiver left on)', to: 'KEYING', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: sentOfType(w, T_CHALLENGE)[0].bytes }), effects: [] },
    { from: 'KEYING', event: 'timer presence (stale)', to: 'KEYING', code: EC.E_STALE_TIMER, ev: () => ({ t: 'timer', id: 'presence' }), effects: [] },
    { from: 'KEYING', event: 'timer listen (stale)', to: 'KEYING', code: EC.E_STALE_TIMER, ev: () => ({ t: 'timer', id: 'listen' }), effects: [] },
    { from: 'KEYING', event: 'wifi', to: 'KEYING', code: EC.E_STATE, ev: () => ({ t: 'wifi', result: 0, join: 1 }), effects: [] },
    { from: 'ANNOUNCE', event: 'CONFIG', to: 'ANNOUNCE', code: EC.E_NO_SESSION, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: new Uint8Array([1, 1, 4, 1, 0, 0, 0, 1, 0, 1, ...new Uint8Array(9)]) }) },
    { from: 'ANNOUNCE', event: 'PROOF (never for an enrollee)', to: 'ANNOUNCE', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: new Uint8Array([1, 1, 3, 1, 0, 0, 0, 1, ...new Uint8Array(16)]) }), effects: [] },
    { from: 'ANNOUNCE', event: 'wifi', to: 'ANNOUNCE', code: EC.E_STATE, ev: () => ({ t: 'wifi', result: 0, join: 1 }), effects: [] },
    { from: 'ANNOUNCE', event: 'timer session (stale)', to: 'ANNOUNCE', code: EC.E_STALE_TIMER, ev: () => ({ t: 'timer', id: 'session' }), effects: [] },
    { from: 'ANNOUNCE', event: 'unknown event', to: 'ANNOUNCE', code: EC.E_EVENT, ev: () => ({ t: 'dance' } as any) },
    { from: 'ANNOUNCE', event: 'frame with a 5-byte MAC', to: 'ANNOUNCE', code: EC.E_EVENT, ev: () => ({ t: 'frame', from: new Uint8Array(5), bytes: new Uint8Array(60) }) },
    { from: 'ANNOUNCE', event: 'garbage frame', to: 'ANNOUNCE', code: EC.E_VERSION, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: new Uint8Array([1, 9, 9]) }) },
    { from: 'AWAIT_CONFIG', event: 'CONFIG (all fragments)', to: 'JOINING', code: 0, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: configFrames(w)[0].bytes }), effects: ['cancel', 'join', 'arm'] },
    { from: 'AWAIT_CONFIG', event: 'same CHALLENGE again', to: 'AWAIT_CONFIG', code: 0, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: sentOfType(w, T_CHALLENGE)[0].bytes }), effects: ['send'] },
    // MACs are routing only (README §4.1): an authentic frame is answered where it came from.
    { from: 'AWAIT_CONFIG', event: 'same CHALLENGE from another MAC', to: 'AWAIT_CONFIG', code: 0, ev: (w) => ({ t: 'frame', from: macOf(77), bytes: sentOfType(w, T_CHALLENGE)[0].bytes }), effects: ['send'] },
    { from: 'AWAIT_CONFIG', event: 'CONFIG from another MAC', to: 'JOINING', code: 0, ev: (w) => ({ t: 'frame', from: macOf(77), bytes: configFrames(w)[0].bytes }), effects: ['cancel', 'join', 'arm'] },
    { from: 'AWAIT_CONFIG', event: 'forged CHALLENGE', to: 'AWAIT_CONFIG', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: Uint8Array.from(sentOfType(w, T_CHALLENGE)[0].bytes, (b, i) => (i === 80 ? b ^ 1 : b)) }) },
    { from: 'AWAIT_CONFIG', event: 'timer session', to: 'ANNOUNCE', code: EC.E_TIMEOUT, ev: () => ({ t: 'timer', id: 'session' }), effects: ['report', 'cancel', 'cancel', 'arm', 'radio', 'sleep'] },
    { from: 'AWAIT_CONFIG', event: 'timer presence (stale)', to: 'AWAIT_CONFIG', code: EC.E_STALE_TIMER, ev: () => ({ t: 'timer', id: 'presence' }) },
    { from: 'AWAIT_CONFIG', event: 'wifi', to: 'AWAIT_CONFIG', code: EC.E_STATE, ev: () => ({ t: 'wifi', result: 0, join: 1 }) },
    { from: 'JOINING', event: 'wifi OK', to: 'ANNOUNCE', code: 0, ev: () => ({ t: 'wifi', result: WIFI_OK, join: 1 }), effects: ['store', 'report', 'send', 'cancel', 'cancel', 'arm', 'radio', 'sleep'] },
    { from: 'JOINING', event: 'wifi AUTH_FAIL', to: 'ANNOUNCE', code: WIFI_AUTH_FAIL, ev: () => ({ t: 'wifi', result: WIFI_AUTH_FAIL, join: 1 }), effects: ['report', 'send', 'cancel', 'cancel', 'arm', 'radio', 'sleep'] },
    { from: 'JOINING', event: 'timer join', to: 'ANNOUNCE', code: EC.WIFI_TIMEOUT, ev: () => ({ t: 'timer', id: 'join' }) },
    { from: 'JOINING', event: 'wifi with a bogus result', to: 'JOINING', code: EC.E_EVENT, ev: () => ({ t: 'wifi', result: 99, join: 1 }) },
    { from: 'JOINING', event: 'CONFIG again', to: 'JOINING', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.conf.mac, bytes: sentOfType(w, T_CONFIG)[0].bytes }), effects: [] },
    { from: 'JOINING', event: 'boot (reboot)', to: 'ANNOUNCE', code: 0, ev: () => ({ t: 'boot' }) },
  ];

  describe('enrollee transition table', () => {
    for (const row of enrolleeRows) {
      it(`${row.from} --${row.event}--> ${row.to}`, () => {
        const w = enrolleeAt(row.from);
        const ev = row.ev(w);
        const prev = w.enr.state;
        const r = w.net.step(w.enr, ev);
        expect(EN_STATE_NAMES[r.state.ph]).toBe(row.to);
        expect(r.code).toBe(row.code);
        if (row.effects) expect(r.effects.map((e) => e.t)).toEqual(row.effects);
        if (row.code !== 0 && row.from === row.to) expect(r.state).toBe(prev);
        expect(typeof r.tr).toBe('string');
      });
    }
  });

  /** A world with the configurator's session for the enrollee in the named state. */
  function configuratorAt(phase: string): World {
    const w = enrolleeAt(phase === 'OFF' ? 'OFF' : 'ANNOUNCE');
    if (phase === 'OFF' || phase === 'none') return w;
    w.net.run(() => sessionState(w) === phase);
    expect(sessionState(w)).toBe(phase);
    return w;
  }

  function sessionState(w: World): string {
    const k = Object.keys(w.conf.state.sess);
    return k.length ? CS_STATE_NAMES[w.conf.state.sess[k[0]].st] : 'none';
  }

  const hx = (w: World) => Buffer.from(suite.sha256(w.enr.state.id.E)).toString('hex');
  const presenceEv = (w: World): WlEvent => ({ t: 'frame', from: w.enr.mac, bytes: w.net.sent.filter((f) => f.bytes[2] === T_PRESENCE).pop()!.bytes });

  const configuratorRows: Row[] = [
    { from: 'OFF', event: 'frame', to: 'OFF', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.enr.mac, bytes: new Uint8Array(60) }) },
    { from: 'OFF', event: 'command list', to: 'OFF', code: 0, ev: () => ({ t: 'command', op: 'list' }), effects: ['report'] },
    { from: 'none', event: 'whitelisted PRESENCE', to: 'WAIT_PROOF', code: 0, ev: presenceEv, effects: ['send', 'arm'] },
    { from: 'none', event: 'PRESENCE without rand', to: 'none', code: EC.E_NO_RAND, ev: (w) => ({ ...presenceEv(w), rand: new Uint8Array(51) }) },
    { from: 'none', event: 'PROOF without session', to: 'none', code: EC.E_NO_SESSION, ev: (w) => ({ t: 'frame', from: w.enr.mac, bytes: new Uint8Array([1, 1, 3, 1, 0, 0, 0, 1, ...new Uint8Array(16)]) }) },
    { from: 'none', event: 'CHALLENGE (echo)', to: 'none', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.enr.mac, bytes: new Uint8Array([1, 1, 2, 1, 0, 0, 0, 1, ...new Uint8Array(80)]) }) },
    { from: 'none', event: 'forged PRESENCE (tag)', to: 'none', code: EC.E_AUTH_PRESENCE, ev: (w) => { const e = presenceEv(w) as FrameEvent; const b = Uint8Array.from(e.bytes); b[80] ^= 1; return { ...e, bytes: b }; }, effects: [] },
    { from: 'none', event: 'timer for no session', to: 'none', code: EC.E_STALE_TIMER, ev: () => ({ t: 'timer', id: SESSION_TIMER + '00' }), effects: [] },
    { from: 'none', event: 'unknown event', to: 'none', code: EC.E_EVENT, ev: () => ({ t: 'dance' } as any) },
    { from: 'WAIT_PROOF', event: 'same PRESENCE again', to: 'WAIT_PROOF', code: 0, ev: presenceEv, effects: ['send'] },
    { from: 'WAIT_PROOF', event: 'forged PRESENCE with another nonce', to: 'WAIT_PROOF', code: EC.E_AUTH_PRESENCE, ev: (w) => { const e = presenceEv(w) as FrameEvent; const b = Uint8Array.from(e.bytes); b[40] ^= 1; return { ...e, bytes: b }; }, effects: [] },
    { from: 'WAIT_PROOF', event: 'same PRESENCE from another MAC', to: 'WAIT_PROOF', code: 0, ev: (w) => ({ ...(presenceEv(w) as FrameEvent), from: macOf(66) }), effects: ['send'] },
    { from: 'WAIT_PROOF', event: 'authentic PRESENCE, newer counter', to: 'WAIT_PROOF', code: 0, ev: (w) => ({ t: 'frame', from: w.enr.mac, bytes: presenceOf(suite, w.enr.state.id, { ne: new Uint8Array(16).fill(3), ctr: w.enr.state.ctr + 1 }) }), effects: ['cancel', 'report', 'send', 'arm'] },
    { from: 'WAIT_PROOF', event: 'authentic PRESENCE, older counter (replay)', to: 'WAIT_PROOF', code: EC.E_PRESENCE_REPLAY, ev: (w) => ({ t: 'frame', from: w.enr.mac, bytes: presenceOf(suite, w.enr.state.id, { ne: new Uint8Array(16).fill(3), ctr: w.enr.state.ctr - 1 }) }), effects: [] },
    { from: 'WAIT_PROOF', event: 'valid PROOF', to: 'WAIT_ACK', code: 0, ev: (w) => { w.net.run(() => w.net.inflight.some((f) => f.bytes[2] === T_PROOF)); return { t: 'frame', from: w.enr.mac, bytes: w.net.inflight.find((f) => f.bytes[2] === T_PROOF)!.bytes }; }, effects: ['send', 'arm', 'report'] },
    { from: 'WAIT_PROOF', event: 'ACK', to: 'WAIT_PROOF', code: EC.E_STATE, ev: (w) => ({ t: 'frame', from: w.enr.mac, bytes: new Uint8Array([1, 1, 5, 1, ...w.net.sent[1].bytes.subarray(4, 8), ...new Uint8Array(13)]) }) },
    { from: 'WAIT_PROOF', event: 'timer (retransmit)', to: 'WAIT_PROOF', code: 0, ev: (w) => ({ t: 'timer', id: SESSION_TIMER + hx(w) }), effects: ['send', 'arm'] },
    { from: 'WAIT_PROOF', event: 'revoke', to: 'none', code: 0, ev: (w) => ({ t: 'command', op: 'revoke', hash: suite.sha256(w.enr.state.id.E) }), effects: ['cancel', 'store'] },
    { from: 'WAIT_ACK', event: 'ACK OK', to: 'none', code: 0, ev: (w) => { w.net.run(() => w.net.inflight.some((f) => f.bytes[2] === T_ACK)); return { t: 'frame', from: w.enr.mac, bytes: w.net.inflight.find((f) => f.bytes[2] === T_ACK)!.bytes }; }, effects: ['audit', 'cancel', 'report'] },
    { from: 'WAIT_ACK', event: 'PROOF again (re-sends CONFIG there)', to: 'WAIT_ACK', code: 0, ev: (w) => ({ t: 'frame', from: macOf(66), bytes: w.net.sent.find((f) => f.bytes[2] === T_PROOF)!.bytes }), effects: ['send'] },
    { from: 'WAIT_ACK', event: 'forged PROOF', to: 'WAIT_ACK', code: EC.E_STATE, ev: (w) => { const b = Uint8Array.from(w.net.sent.find((f) => f.bytes[2] === T_PROOF)!.bytes); b[20] ^= 1; return { t: 'frame', from: w.enr.mac, bytes: b }; } },
    { from: 'WAIT_ACK', event: 'timer (re-send CONFIG)', to: 'WAIT_ACK', code: 0, ev: (w) => ({ t: 'timer', id: SESSION_TIMER + hx(w) }), effects: ['send', 'arm'] },
  ];

  describe('configurator transition table', () => {
    for (const row of configuratorRows) {
      it(`${row.from} --${row.event}--> ${row.to}`, () => {
        const w = configuratorAt(row.from);
        if (row.from !== 'OFF') expect(CF_STATE_NAMES[w.conf.state.ph]).toBe('RUN');
        const ev = row.ev(w);
        const prev = w.conf.state;
        const r = w.net.step(w.conf, ev);
        expect(r.code).toBe(row.code);
        if (row.from === 'OFF') expect(CF_STATE_NAMES[r.state.ph]).toBe('OFF');
        else {
          const k = Object.keys(r.state.sess);
          expect(k.length ? CS_STATE_NAMES[r.state.sess[k[0]].st] : 'none').toBe(row.to);
        }
        if (row.effects) expect(r.effects.map((e) => e.t)).toEqual(row.effects);
        if (row.code !== 0) expect(r.state).toBe(prev);
      });
    }

    it('a session whose CHALLENGE is never answered is dropped after its tries: no audit, no cooldown (nothing was authenticated)', () => {
      const w = configuratorAt('WAIT_PROOF');
      w.net.inflight = [];
      const id = SESSION_TIMER + hx(w);
      const codes: number[] = [];
      // The enrollee is duty-cycled (README §2.1): the session waits one announced gap for its
      // next PRESENCE (whose window gets the CHALLENGE again), then the usual maxTries.
      const opt = w.conf.state.opt;
      const pres = (presenceEv(w) as FrameEvent).bytes;
      const tries = opt.maxTries + Math.ceil((decodeFrame(pres).frame!.gap! * 1000 + decodeFrame(pres).frame!.win!) / opt.proofMs);
      expect(tries).toBe(challengeTries(opt, pres));
      expect(tries).toBeGreaterThan(opt.maxTries);
      for (let i = 0; i < tries; i++) codes.push(w.net.fire(w.conf, id).code);
      expect(codes).toEqual([...new Array(tries - 1).fill(0), EC.E_TIMEOUT]);
      expect(sessionState(w)).toBe('none');
      expect(w.conf.audits).toEqual([]);
      expect(w.conf.state.wl[hx(w)].retryAt).toBe(0);
      // The enrollee's next (same) PRESENCE starts a new session at once.
      expect(w.net.step(w.conf, presenceEv(w)).code).toBe(0);
    });

    it('a session that authenticated its enrollee but never gets the ACK fails with an audit and a cooldown', () => {
      const w = configuratorAt('WAIT_ACK');
      w.net.inflight = [];
      const id = SESSION_TIMER + hx(w);
      const codes: number[] = [];
      const tries = w.conf.state.opt.ackTries;
      for (let i = 0; i < tries; i++) codes.push(w.net.fire(w.conf, id).code);
      expect(codes).toEqual([...new Array(tries - 1).fill(0), EC.E_TIMEOUT]);
      expect(sessionState(w)).toBe('none');
      expect(w.conf.audits.map((a) => a.code)).toEqual([EC.E_TIMEOUT]);
      expect(w.conf.state.wl[hx(w)].retryAt).toBe(w.net.now + w.conf.state.opt.cooldownMs);
      // Its PRESENCE is used up: a copy of it is a replay now.
      expect(w.net.step(w.conf, presenceEv(w)).code).toBe(EC.E_PRESENCE_REPLAY);
    });
  });
}

for (const [name, s] of SUITES) describe(name, () => suiteTests(s));
