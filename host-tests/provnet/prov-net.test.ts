/**
 * A provisioning network for stock Espruino (firmware/platform/espruino/prov-net.ts).
 *
 * Unit: the binding's Wi-Fi choreography on a virtual clock with a scripted
 * Wifi: join home at boot with retries, frames held until home, a proof that
 * leaves and comes back (result reported at once), Espruino's silence on an
 * unknown SSID turned into a result by the join deadline, late callbacks
 * ignored, the queue bound, settling on the target.
 *
 * End to end (real time, bundles in node:vm, no ESP-NOW anywhere): the shipped
 * configurator bundle starts the access point (Wifi.startAP); two enrollee
 * bundles join it and get configurations over UDP broadcast; one proves the
 * target network, the other (a wrong passphrase) fails and comes back; both
 * ACKs reach the configurator's audit log. No board sends a datagram while on
 * no network, nor onto the target network. (Two, not more: the configurator
 * bundle paces sessions for an ESP32, 2 at once, then one per 20 s.)
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { provNet, netConfig, wifiResult, NET_HOME, NET_AWAY, NET_JOINING, NET_SETTLED, QUEUE_LIMIT } from '../../firmware/platform/espruino/prov-net.ts';
import { WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL, WIFI_TIMEOUT } from '../../firmware/ports/ports.ts';
import { makeClock } from '../../configurator/sim/virtual-clock.ts';
import { whitelistBatch } from '../../configurator/batch/whitelist-batch.ts';
import { DEFAULT_CONFIG } from '../../configurator/batch/batch-scenario.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';
import { runLiveBoard, LiveBoard } from '../bridge/live-board.ts';
import { makeWifiWorld } from './wifi-world.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOUND_MS = 30000;

/** A scripted Espruino Wifi on a virtual clock: each connect is answered as `answers[ssid]` says. */
function scripted(clock: ReturnType<typeof makeClock>, answers: Record<string, { ms: number; err: string | null } | 'silent'>) {
  const log: string[] = [];
  let status = 'idle';
  return {
    log,
    wifi: {
      connect(ssid: string, opts: any, cb: (err: string | null) => void) {
        log.push(clock.now() + ' connect ' + ssid + '/' + opts.password);
        status = 'connecting';
        const a = answers[ssid];
        if (!a || a === 'silent') {
          status = 'no_ap_found';
          return;
        }
        clock.after(a.ms, () => cb(a.err));
      },
      disconnect() { log.push(clock.now() + ' disconnect'); },
      startAP(ssid: string, opts: any, cb: (err: string | null) => void) {
        log.push(clock.now() + ' startAP ' + ssid + '/' + opts.password + '/' + opts.authMode);
        clock.after(100, () => cb(null));
      },
      getDetails: () => ({ status }),
    },
  };
}

function innerRadio(clock: ReturnType<typeof makeClock>) {
  const sent: number[] = [];
  return {
    sent,
    radio: {
      mac: () => new Uint8Array([2, 0, 0, 0, 0, 9]),
      send: (_to: Uint8Array, p: Uint8Array, done?: (ok: boolean) => void) => {
        sent.push(p[0]);
        if (done) clock.after(0, () => done(true));
      },
      onReceive: () => {},
    },
  };
}

function vclock(clock: ReturnType<typeof makeClock>) {
  return { now: () => clock.now(), setTimer: (ms: number, cb: () => void) => clock.after(ms, cb), clearTimer: (id: number) => clock.cancel(id) };
}

const BC = new Uint8Array(6).fill(255);

describe('provisioning network: the binding on a virtual clock', () => {
  it('nb-udp.json parsing, and Wi-Fi error texts to WIFI_* codes', () => {
    expect(netConfig(undefined)).toBeNull();
    expect(netConfig('{"port": 1, ')).toBeNull();
    expect(netConfig('{"peers": []}')).toBeNull();
    expect(netConfig('{"port": 47100, "peers": ["192.168.4.255:47100", 7]}')).toEqual({ port: 47100, peers: ['192.168.4.255:47100'] });
    expect(netConfig('{"port": 1, "peers": [], "ssid": "p", "psk": "secret-12", "ap": true, "joinMs": 5000}')).toEqual({ port: 1, peers: [], ssid: 'p', psk: 'secret-12', ap: true, settle: false, joinMs: 5000 });
    expect([null, 'Bad password', 'auth failed', 'timeout', 'no AP found'].map(wifiResult)).toEqual([WIFI_OK, WIFI_AUTH_FAIL, WIFI_AUTH_FAIL, WIFI_TIMEOUT, WIFI_NO_AP]);
  });

  it('joins home at boot (retrying an absent network), holds frames until then, proves a target and comes back', () => {
    const clock = makeClock();
    const w = scripted(clock, { prov: 'silent', target: { ms: 1500, err: null } });
    const r = innerRadio(clock);
    const pn = provNet(w.wifi, r.radio, { port: 1, peers: [], ssid: 'prov', psk: 'prov-pass', joinMs: 4000 }, vclock(clock));
    expect(pn.state()).toBe(NET_JOINING);
    const done: boolean[] = [];
    pn.radio.send(BC, new Uint8Array([1]), (ok) => done.push(ok));
    clock.run(clock.now() + 4000 + 1000 + 4000 + 500); // two deadlines, one pause between
    expect(pn.stats.homeFails).toBe(2);
    expect(r.sent).toEqual([]);
    expect(done).toEqual([]);
    // The network appears; the next attempt gets there and the held frame leaves.
    (w as any).wifi.connect = ((orig) => (ssid: string, o: any, cb: any) => (ssid === 'prov' ? (w.log.push(clock.now() + ' connect prov/' + o.password), clock.after(1200, () => cb(null))) : orig(ssid, o, cb)))(w.wifi.connect);
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 60000);
    expect(r.sent).toEqual([1]);
    clock.runUntil(() => done.length === 1, clock.now() + 1000);
    expect(done).toEqual([true]);

    // A proof: leave, join the target, report at once, go home; the ACK sent meanwhile waits.
    const results: number[] = [];
    pn.wifi.join('target', 'target-pass', (res) => {
      results.push(res);
      pn.radio.send(BC, new Uint8Array([2])); // the core's ACK
    });
    expect(pn.state()).toBe(NET_AWAY);
    clock.runUntil(() => results.length === 1, clock.now() + 5000);
    expect(results).toEqual([WIFI_OK]);
    expect(r.sent).toEqual([1]);
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 5000);
    expect(r.sent).toEqual([1, 2]);
    expect(w.log.map((l) => l.split(' ').slice(1).join(' '))).toEqual([
      'connect prov/prov-pass', 'disconnect', 'connect prov/prov-pass', 'disconnect', 'connect prov/prov-pass',
      'disconnect', 'connect target/target-pass', 'connect prov/prov-pass',
    ]);
    expect(pn.stats).toMatchObject({ homeJoins: 2, homeFails: 2, proofs: 1, queued: 2, dropped: 0 });
  });

  it('a silent target is reported by its deadline (status no_ap_found); a late answer changes nothing', () => {
    const clock = makeClock();
    const w = scripted(clock, { prov: { ms: 1000, err: null }, gone: 'silent', slow: { ms: 9000, err: null } });
    const r = innerRadio(clock);
    const pn = provNet(w.wifi, r.radio, { port: 1, peers: [], ssid: 'prov', psk: 'prov-pass', joinMs: 3000 }, vclock(clock));
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 5000);
    const res: number[] = [];
    pn.wifi.join('gone', 'x-password', (v) => res.push(v));
    clock.runUntil(() => res.length > 0, clock.now() + 10000);
    expect(res).toEqual([WIFI_NO_AP]);
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 5000);
    pn.wifi.join('slow', 'x-password', (v) => res.push(v));
    clock.runUntil(() => res.length > 1, clock.now() + 10000);
    expect(res).toEqual([WIFI_NO_AP, WIFI_TIMEOUT]);
    clock.run(clock.now() + 20000); // the slow AP's late "connected" arrives: ignored
    expect(res).toHaveLength(2);
    expect(pn.state()).toBe(NET_HOME);
  });

  it('a bad passphrase is reported at once; the queue keeps the newest frames; settle moves to the target after the ACK window', () => {
    const clock = makeClock();
    const w = scripted(clock, { prov: { ms: 1000, err: null }, target: { ms: 800, err: 'Bad password' }, good: { ms: 800, err: null } });
    const r = innerRadio(clock);
    const pn = provNet(w.wifi, r.radio, { port: 1, peers: [], ssid: 'prov', psk: 'prov-pass', settle: true, ackMs: 2000 }, vclock(clock));
    const done: [number, boolean][] = [];
    for (let i = 0; i < QUEUE_LIMIT + 3; i++) pn.radio.send(BC, new Uint8Array([i]), (ok) => done.push([i, ok]));
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 5000);
    clock.runUntil(() => done.length === QUEUE_LIMIT + 3, clock.now() + 1000);
    expect(done.filter((d) => !d[1]).map((d) => d[0])).toEqual([0, 1, 2]);
    expect(r.sent).toEqual(Array.from({ length: QUEUE_LIMIT }, (_, i) => i + 3));
    const res: number[] = [];
    pn.wifi.join('target', 'wrong-pass', (v) => res.push(v));
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 5000);
    expect(res).toEqual([WIFI_AUTH_FAIL]);
    clock.run(clock.now() + 5000);
    expect(pn.state()).toBe(NET_HOME); // a failed proof never settles
    pn.wifi.join('good', 'good-pass', (v) => res.push(v));
    clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 5000);
    expect(pn.state()).toBe(NET_HOME); // home first: the ACK gets ackMs
    clock.runUntil(() => pn.state() === NET_SETTLED, clock.now() + 3000);
    expect(w.log.at(-1)).toMatch(/connect good\/good-pass$/);
    const after: boolean[] = [];
    pn.radio.send(BC, new Uint8Array([99]), (ok) => after.push(ok));
    clock.runUntil(() => after.length > 0, clock.now() + 100);
    expect(after).toEqual([false]);
    expect(pn.stats.dropped).toBe(4);
  });

  it('a configurator with ap: true starts the access point (WPA2 with a passphrase, open without)', () => {
    for (const [psk, mode] of [['bench-pass-1', 'wpa2'], ['', 'open']]) {
      const clock = makeClock();
      const w = scripted(clock, {});
      const r = innerRadio(clock);
      const pn = provNet(w.wifi, r.radio, { port: 1, peers: [], ssid: 'prov', psk, ap: true }, vclock(clock));
      pn.radio.send(BC, new Uint8Array([7]));
      clock.runUntil(() => pn.state() === NET_HOME, clock.now() + 1000);
      expect(w.log).toEqual(['0 startAP prov/' + psk + '/' + mode]);
      expect(r.sent).toEqual([7]);
    }
  });
});

describe('provisioning network end to end (bundles in node:vm, Wi-Fi and UDP in memory, no ESP-NOW)', () => {
  let enrolleeSrc = '';
  let configuratorSrc = '';
  const boards: LiveBoard[] = [];
  beforeAll(() => {
    enrolleeSrc = fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8');
    configuratorSrc = fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8');
  });
  afterEach(() => boards.splice(0).forEach((b) => b.stop()));

  it('the configurator starts the AP; two enrollees join, get configurations, prove the target (one with a wrong passphrase fails and comes back); every ACK is audited', async () => {
    const prov = { ssid: 'nb-prov', psk: 'bench-pass-1' };
    const world = makeWifiWorld({ [DEFAULT_CONFIG.ssid]: DEFAULT_CONFIG.psk! }, 40);
    const rng = makeRng('prov-net-e2e');
    const batch = whitelistBatch.makeBatch({ enrollees: 2, configurators: 1, random: (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = rng.i32() & 255; return b; } });
    const udp = (extra: object) => JSON.stringify({ port: 47100, peers: ['192.168.4.255:47100'], ssid: prov.ssid, psk: prov.psk, ...extra });
    const wrong = { ...DEFAULT_CONFIG, psk: 'not the passphrase' };
    const cfg = runLiveBoard(configuratorSrc, {
      id: 'cfg', seed: 'cfg',
      files: { ...whitelistBatch.configuratorFiles(batch, 0, { groups: { '': DEFAULT_CONFIG }, devices: { 1: wrong } }), 'nb-udp.json': udp({ ap: true }) },
      modules: (b) => { const w = world.add(b, '02:c0:00:00:00:01'); return { Wifi: w.Wifi, dgram: w.dgram }; },
    });
    boards.push(cfg);
    const enr: LiveBoard[] = [];
    for (let i = 0; i < 2; i++) {
      const b = runLiveBoard(enrolleeSrc, {
        id: 'enr' + i, seed: 'enr' + i,
        files: { ...whitelistBatch.enrolleeFiles(batch, i), 'nb-udp.json': udp({ joinMs: 3000 }) },
        modules: (bb) => { const w = world.add(bb, '02:e0:00:00:00:0' + i); return { Wifi: w.Wifi, dgram: w.dgram }; },
      });
      boards.push(b);
      enr.push(b);
    }
    await enr[0].waitForReport('provisioned', BOUND_MS);
    await enr[1].waitForReport('join-failed', BOUND_MS);
    const ok = await cfg.waitForReport('audit', BOUND_MS, (a) => a.device === batch.enrollees[0].device);
    expect(ok.code).toBe(WIFI_OK);
    const bad = await cfg.waitForReport('audit', BOUND_MS, (a) => a.device === batch.enrollees[1].device);
    expect(bad.code).toBe(WIFI_AUTH_FAIL);
    const m = world.members;
    expect(m[0].log[0]).toBe('startAP nb-prov');
    expect(m[1].log.slice(0, 7)).toEqual(['connect nb-prov', 'on nb-prov', 'disconnect', 'connect nowboard-lab', 'on nowboard-lab', 'connect nb-prov', 'on nb-prov']);
    expect(m[2].log.slice(0, 6)).toEqual(['connect nb-prov', 'on nb-prov', 'disconnect', 'connect nowboard-lab', 'connect nb-prov', 'on nb-prov']);
    expect(m[1].on).toBe('nb-prov'); // the ACK went home; the board stays provisionable
    expect(m[2].on).toBe('nb-prov');
    expect(m.map((x) => x.strayed)).toEqual([0, 0, 0]);
    expect(m.map((x) => x.sent['nowboard-lab'] || 0)).toEqual([0, 0, 0]); // nothing leaks onto the target network
    expect(boards.flatMap((b) => b.crashes)).toEqual([]);
  });
});
