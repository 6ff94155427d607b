/**
 * Behaviour tests of the whitelist protocol beyond the happy path
 * (firmware/protocols/whitelist/README.md §2, §5, §8): commit-on-join (threat 13),
 * re-provisioning, fragmentation near the size limit, message loss, floods
 * (threat 9), per-device configuration and first-contact ss caching.
 */
import { StoreEffect, ReportEffect } from '../../firmware/runtime/events.ts';
import { describe, it, expect } from 'vitest';
import { SUITES } from './suites.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { nobleSuite, countingSuite } from './noble-suite.ts';
import { world, CFG1 } from './fixtures.ts';
import { Net, keyFrom, makeIdentity, macOf, presenceOf } from './driver.ts';
import * as EC from './wl-codes.ts';
import { EN_ANNOUNCE, CONFIG_FILE, ENROLLEE_DEFAULTS } from '../../firmware/protocols/whitelist/enrollee.ts';
import { WHITELIST_FILE, CONFIGURATOR_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';
import { T_PRESENCE, T_CONFIG, T_ACK, T_PROOF, T_CHALLENGE, CONFIG_MAX, MAX_FRAGS } from '../../firmware/protocols/whitelist/frames.ts';
import { encodeConfig, WlConfig, decodeWhitelist } from '../../firmware/protocols/whitelist/records.ts';
import { readU32 } from '../../firmware/bytes/bytes.ts';
import { WIFI_AUTH_FAIL, WIFI_NO_AP } from '../../firmware/ports/ports.ts';

function suiteTests(suite: WhitelistSuiteCrypto) {

  describe('commit on a successful join only (threat 13)', () => {
    it('a wrong Wi-Fi password yields an ACK with WIFI_AUTH_FAIL, keeps the old config and presence continues', () => {
      const bad: WlConfig = { version: 2, ssid: CFG1.ssid, psk: 'wrong password', settings: {} };
      const w = world(suite, 31, { cfg: bad, held: CFG1 });
      w.net.aps[CFG1.ssid] = CFG1.psk;
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      expect(w.enr.joins.length + w.enr.log.filter((l) => l.ev.t === 'wifi').length).toBeGreaterThan(0);
      expect(w.conf.audits[0].code).toBe(WIFI_AUTH_FAIL);
      expect(w.conf.audits[0].version).toBe(2);
      expect(w.enr.state.cfg).toEqual(CFG1);
      expect(w.enr.stores.filter((s) => s.file === CONFIG_FILE)).toEqual([]);
      expect(w.enr.reports.some((r) => r.code === EC.I_JOIN_FAILED)).toBe(true);
      expect(w.enr.state.ph).toBe(EN_ANNOUNCE);
      // Still provisionable: the next presence goes out and carries the old version.
      expect(w.enr.timers.presence).toBeDefined();
      const sentBefore = w.net.sent.length;
      w.net.step(w.enr, { t: 'timer', id: 'presence' }); // at once, without waiting
      const p = w.net.sent[sentBefore];
      expect(p.bytes[2]).toBe(T_PRESENCE);
      expect(readU32(p.bytes, 56)).toBe(1);
      // The configurator is in cooldown for that enrollee: no new session at once...
      w.net.deliverAll();
      expect(w.conf.log[w.conf.log.length - 1].step.code).toBe(EC.E_COOLDOWN);
      // ...but the device stays provisionable: a later presence starts a new session.
      w.net.fire(w.enr, 'presence');
      w.net.deliverOne();
      expect(w.conf.log[w.conf.log.length - 1].step.code).toBe(0);
    });

    it('an unknown SSID yields WIFI_NO_AP for an unprovisioned device, which stays unprovisioned', () => {
      const w = world(suite, 32);
      delete w.net.aps[CFG1.ssid];
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      expect(w.conf.audits[0].code).toBe(WIFI_NO_AP);
      expect(w.enr.state.cfg).toBeNull();
    });

    it('a Wi-Fi port that never answers ends as WIFI_TIMEOUT via the join timer', () => {
      const w = world(suite, 33);
      w.net.run(() => w.enr.joins.length > 0);
      w.enr.joins = []; // the port swallows the request
      w.net.fire(w.enr, 'join');
      w.net.deliverAll();
      expect(w.conf.audits[0].code).toBe(EC.WIFI_TIMEOUT);
      expect(w.enr.state.cfg).toBeNull();
    });
  });

  describe('re-provisioning', () => {
    it('a provisioned enrollee announces slowly and takes a newer version', () => {
      const w = world(suite, 41);
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      expect(w.enr.timers.presence - w.net.now).toBeGreaterThanOrEqual(ENROLLEE_DEFAULTS.presenceSlowMs);
      // An up-to-date presence starts nothing.
      w.net.fire(w.enr, 'presence');
      w.net.deliverAll();
      expect(w.conf.log[w.conf.log.length - 1].step.code).toBe(EC.E_UP_TO_DATE);
      const v2: WlConfig = { version: 2, ssid: 'new-net', psk: 'new-psk-123', settings: { role: 'gateway' } };
      w.net.aps['new-net'] = 'new-psk-123';
      w.net.command(w.conf, { op: 'config', group: 'line-a', config: v2 });
      expect(w.net.run(() => w.conf.audits.length > 1)).toBe(true);
      expect(w.conf.audits[1].code).toBe(EC.OK);
      expect(w.conf.audits[1].version).toBe(2);
      expect(w.enr.state.cfg).toEqual(v2);
    });

    it('a per-device configuration wins over the group one', () => {
      const w = world(suite, 42);
      const mine: WlConfig = { version: 5, ssid: 'dev-net', psk: 'device-specific', settings: {} };
      w.net.aps['dev-net'] = 'device-specific';
      w.net.command(w.conf, { op: 'config', hash: suite.sha256(w.enr.state.id.E), config: mine });
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      expect(w.enr.state.cfg).toEqual(mine);
    });

    it('an authentic but older version is refused with CONFIG_STALE', () => {
      const held: WlConfig = { version: 7, ssid: 'x', psk: '', settings: {} };
      const w = world(suite, 43, { held });
      // The configurator only starts when it holds a newer version, so lie in the presence.
      w.net.inflight = [];
      const fake = presenceOf(suite, w.enr.state.id, { ne: w.enr.state.ne, held: 0, ctr: w.enr.state.ctr });
      // Make the enrollee's own presence carry held=0 too by clearing its config temporarily.
      w.enr.state = { ...w.enr.state, cfg: null, pres: fake };
      w.net.step(w.conf, { t: 'frame', from: w.enr.mac, bytes: fake });
      w.enr.state = { ...w.enr.state, cfg: held };
      w.net.run(() => w.conf.audits.length > 0);
      expect(w.conf.audits[0].code).toBe(EC.CONFIG_STALE);
      expect(w.enr.state.cfg).toEqual(held);
    });
  });

  describe('fragmentation', () => {
    it('a configuration near the maximum size crosses in 8 fragments, each frame within 250 bytes', () => {
      const settings: { [k: string]: string } = {};
      let i = 0;
      const big: WlConfig = { version: 3, ssid: 'frag', psk: 'p'.repeat(63), settings };
      // Fill with settings until one more would exceed CONFIG_MAX.
      const fits = () => {
        try {
          return encodeConfig(big).length <= CONFIG_MAX;
        } catch (e) {
          return false;
        }
      };
      for (;;) {
        settings['k' + i] = 'v'.repeat(200);
        if (!fits()) {
          delete settings['k' + i];
          break;
        }
        i++;
      }
      const size = encodeConfig(big).length;
      settings.tail = 'z'.repeat(Math.max(0, CONFIG_MAX - size - 2 - 1 - 4 - 1));
      const n = encodeConfig(big).length;
      expect(n).toBeLessThanOrEqual(CONFIG_MAX);
      expect(n).toBeGreaterThan(CONFIG_MAX - 8);
      const w = world(suite, 51, { cfg: big });
      expect(w.net.run(() => w.conf.audits.length > 0)).toBe(true);
      const frags = w.net.sent.filter((f) => f.bytes[2] === T_CONFIG);
      expect(frags.length).toBe(MAX_FRAGS);
      for (const f of frags) expect(f.bytes.length).toBeLessThanOrEqual(250);
      expect(frags[0].bytes.length).toBe(250);
      expect(w.enr.state.cfg).toEqual(big);
    });

    it('a configuration over the maximum is refused by the config command', () => {
      const w = world(suite, 52);
      const huge: WlConfig = { version: 9, ssid: 'h', psk: '', settings: {} };
      for (let i = 0; i < 10; i++) huge.settings['k' + i] = 'v'.repeat(200);
      const r = w.net.command(w.conf, { op: 'config', config: huge });
      expect(r.code).toBe(EC.E_COMMAND);
    });

    it('lost and reordered fragments are recovered by retransmission', () => {
      const settings: { [k: string]: string } = {};
      for (let i = 0; i < 5; i++) settings['k' + i] = 'v'.repeat(200);
      const cfg: WlConfig = { version: 4, ssid: 'frag', psk: 'secret-psk', settings };
      const w = world(suite, 53, { cfg });
      let dropped = 0;
      w.net.run(() => w.conf.audits.length > 0, 1000, (f) => {
        if (f.bytes[2] === T_CONFIG && f.bytes[8] === 2 && dropped++ === 0) return null;
        return f;
      });
      // Reverse the order of the remaining fragments of the first burst is covered by
      // the drop: fragment 2 arrives after 3.. on the retransmission.
      expect(dropped).toBeGreaterThan(0);
      expect(w.conf.audits[0].code).toBe(EC.OK);
      expect(w.enr.state.cfg).toEqual(cfg);
    });
  });

  describe('message loss', () => {
    for (const t of [T_PRESENCE, T_CHALLENGE, T_PROOF, T_CONFIG]) {
      it(`the first frame of type ${t} lost: the handshake still completes`, () => {
        const w = world(suite, 60 + t);
        let dropped = false;
        expect(
          w.net.run(() => w.conf.audits.length > 0, 1000, (f) => {
            if (!dropped && f.bytes[2] === t) {
              dropped = true;
              return null;
            }
            return f;
          }),
        ).toBe(true);
        expect(dropped).toBe(true);
        expect(w.conf.audits[0].code).toBe(EC.OK);
        expect(w.enr.state.cfg).toEqual(CFG1);
      });
    }

    it('a lost ACK is sent again when the configurator re-sends CONFIG, and the audit is OK', () => {
    const w = world(suite, 71);
    let dropped = 0;
    expect(w.net.run(() => w.conf.audits.length > 0, 2000, (f) => (f.bytes[2] === T_ACK && dropped++ === 0 ? null : f))).toBe(true);
    expect(dropped).toBe(2);
    expect(w.conf.audits.map((a) => a.code)).toEqual([EC.OK]);
    const acks = w.net.sent.filter((f) => f.bytes[2] === T_ACK);
    expect(acks).toHaveLength(2);
    expect(acks[1].bytes).toEqual(acks[0].bytes);
    expect(w.enr.state.cfg).toEqual(CFG1);
  });

  it('a lost ACK is settled by the next presence carrying the new version', () => {
      const w = world(suite, 70);
      w.net.run(() => w.conf.audits.length > 0, 2000, (f) => (f.bytes[2] === T_ACK ? null : f));
      expect(w.enr.state.cfg).toEqual(CFG1);
      const codes = w.conf.audits.map((a) => a.code);
      expect(codes[codes.length - 1]).not.toBe(EC.OK);
      w.net.run(() => w.conf.audits.some((a) => a.code === EC.I_CONFIRMED), 2000, (f) => (f.bytes[2] === T_ACK ? null : f));
      const conf = w.conf.audits.find((a) => a.code === EC.I_CONFIRMED)!;
      expect(conf.version).toBe(1);
    });
  });

  describe('flooding (threat 9)', () => {
    it('a flood of unknown hashes costs zero X25519 and a legitimate enrollee still completes', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 80);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-1', c);
      const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: '', revoked: false }], undefined, counted.suite);
      const enr = net.addEnrollee('enr', id, null);
      net.aps[CFG1.ssid] = CFG1.psk;
      net.command(conf, { op: 'config', config: CFG1 });
      net.boot(conf);
      const junk = (k: number) => {
        return presenceOf(suite, { E: net.rand(32), ss: net.rand(32) }, { ne: net.rand(16) });
      };
      for (let k = 0; k < 2000; k++) net.step(conf, { t: 'frame', from: macOf(1000 + (k % 500)), bytes: junk(k) });
      expect(counted.counts.dh + counted.counts.dhPub).toBe(0);
      expect(conf.log.slice(2).every((l) => l.step.code === EC.E_UNKNOWN_KEY && l.step.effects.length === 0)).toBe(true);
      net.boot(enr);
      let k = 0;
      // Interleave more junk with the legitimate exchange.
      expect(
        net.run(() => conf.audits.length > 0, 5000, (f) => {
          for (let j = 0; j < 50; j++) net.step(conf, { t: 'frame', from: macOf(3000 + j), bytes: junk(k++) });
          return f;
        }),
      ).toBe(true);
      expect(conf.audits[0].code).toBe(EC.OK);
      // Exactly one session's work: X = X25519(x, 9) and es = X25519(x, E) (ss was cached).
      expect(counted.counts).toEqual({ dh: 1, dhPub: 1 });
    });

    it('authentic presences of many whitelisted keys at once are bounded by the token bucket; repeats cost nothing', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 81);
      const c = keyFrom(suite, 'configurator');
      const ids = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => makeIdentity(suite, 'bucket-' + i, c));
      const conf = net.addConfigurator(
        'conf', c, ids.map((id) => ({ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: '', revoked: false })),
        { ...CONFIGURATOR_DEFAULTS, maxPending: 8 }, counted.suite,
      );
      net.command(conf, { op: 'config', config: CFG1 });
      net.boot(conf);
      const pres = ids.map((id) => presenceOf(suite, id, { ne: net.rand(16) }));
      const codes: number[] = [];
      for (let r = 0; r < 2; r++) for (const p of pres) codes.push(net.step(conf, { t: 'frame', from: macOf(9), bytes: p }).code);
      // 4 tokens at time 0: four sessions, the other four enrollees rate-limited; the
      // same presences again re-send the four CHALLENGEs (no crypto) and are still rate-limited.
      expect(codes.slice(0, 8)).toEqual([0, 0, 0, 0, EC.E_RATE, EC.E_RATE, EC.E_RATE, EC.E_RATE]);
      expect(codes.slice(8, 16)).toEqual([0, 0, 0, 0, EC.E_RATE, EC.E_RATE, EC.E_RATE, EC.E_RATE]);
      expect(counted.counts.dh).toBe(4);
      // Time refills the bucket.
      net.now += 1000;
      expect(net.step(conf, { t: 'frame', from: macOf(9), bytes: pres[4] }).code).toBe(0);
    });
  });

  describe('pending-session cap', () => {
    it('starts no more key agreements than maxPending while PROOFs are outstanding', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 82);
      const c = keyFrom(suite, 'configurator');
      const ids = [0, 1, 2, 3].map((i) => makeIdentity(suite, 'pending-' + i, c));
      const conf = net.addConfigurator(
        'conf', c, ids.map((id) => ({ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: '', revoked: false })), undefined, counted.suite,
      );
      net.command(conf, { op: 'config', config: CFG1 });
      net.boot(conf);
      const pres = ids.map((id) => presenceOf(suite, id, { ne: net.rand(16) }));
      const codes = pres.map((p) => net.step(conf, { t: 'frame', from: macOf(9), bytes: p }).code);
      expect(CONFIGURATOR_DEFAULTS.maxPending).toBe(2);
      expect(codes).toEqual([0, 0, EC.E_RATE, EC.E_RATE]);
      expect(counted.counts).toEqual({ dh: 2, dhPub: 2 });
      // Time alone does not lift the cap; a session leaving WAIT_PROOF does.
      net.now += 60000;
      expect(net.step(conf, { t: 'frame', from: macOf(9), bytes: pres[2] }).code).toBe(EC.E_RATE);
      net.command(conf, { op: 'revoke', hash: suite.sha256(ids[0].E) });
      expect(net.step(conf, { t: 'frame', from: macOf(9), bytes: pres[2] }).code).toBe(0);
    });
  });

  describe('whitelist commands', () => {
    it('add without ss computes and caches ss at first contact and stores the whitelist', () => {
      const counted = countingSuite(suite);
      const net = new Net(suite, 90);
      const c = keyFrom(suite, 'configurator');
      const id = makeIdentity(suite, 'enrollee-9', c);
      const conf = net.addConfigurator('conf', c, [], undefined, counted.suite);
      const enr = net.addEnrollee('enr', id, null);
      net.aps[CFG1.ssid] = CFG1.psk;
      const add = net.command(conf, { op: 'add', hash: suite.sha256(id.E), group: 'g' });
      expect(add.code).toBe(0);
      const file = decodeWhitelist((add.effects[0] as StoreEffect).bytes);
      expect(file.entries).toEqual([{ hash: suite.sha256(id.E), ss: null, group: 'g', revoked: false }]);
      net.command(conf, { op: 'config', group: 'g', config: CFG1 });
      net.boot(conf);
      net.boot(enr);
      expect(net.run(() => conf.audits.length > 0)).toBe(true);
      expect(conf.audits[0].code).toBe(EC.OK);
      expect(counted.counts).toEqual({ dh: 2, dhPub: 1 });
      const stored = conf.stores.filter((s) => s.file === WHITELIST_FILE);
      const last = decodeWhitelist(stored[stored.length - 1].bytes).entries!;
      expect(last[0].ss).toEqual(suite.dh(c, id.E));
      const list = net.command(conf, { op: 'list' });
      const listing = list.effects[0] as ReportEffect;
      expect(listing.code).toBe(EC.I_WHITELIST);
      expect(listing.detail).toContain(Buffer.from(suite.sha256(id.E)).toString('hex'));
      expect(listing.detail).toContain('confirmed=1');
    });

    it('malformed commands are refused with E_COMMAND and change nothing', () => {
      const w = world(suite, 91);
      for (const cmd of [
        { op: 'add', hash: new Uint8Array(31) },
        { op: 'add', hash: new Uint8Array(32), ss: new Uint8Array(3) },
        { op: 'revoke', hash: new Uint8Array(32) },
        { op: 'config', config: { version: 0, ssid: 'x', psk: '', settings: {} } },
        { op: 'config', hash: 'nope', config: CFG1 },
        { op: 'dance' },
      ]) {
        const prev = w.conf.state;
        const r = w.net.command(w.conf, cmd);
        expect(r.code).toBe(EC.E_COMMAND);
        expect(r.state).toBe(prev);
      }
    });
  });
}

for (const [name, s] of SUITES) describe(name, () => suiteTests(s));
