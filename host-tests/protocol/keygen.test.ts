/** Keygen helpers and the frame summary used by traces (firmware/protocols/whitelist/README.md §1, §3). */
import { describe, it, expect } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { SUITES } from './suites.ts';
import { configuratorIdentityFrom, enrolleeIdentityFrom, whitelistEntryFor, enrolleeIdentity, enrolleeIdentityFile } from '../../firmware/protocols/whitelist/keygen.ts';
import { decodeIdentity } from '../../firmware/protocols/whitelist/records.ts';
import { identityBytes } from '../../configurator/cli/device-files.ts';
import { whitelistBatch } from '../../configurator/batch/whitelist-batch.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { frameSummary, encodePresence, encodePresenceBody } from '../../firmware/protocols/whitelist/frames.ts';
import { Net } from './driver.ts';
import { CFG1 } from './fixtures.ts';
import { OK } from '../../firmware/codec/codes.ts';

for (const [name, suite] of SUITES) {
  describe('keygen with the ' + name, () => {
    it('builds identities and whitelist entries that agree with X25519 and SHA-256, and that provision', () => {
      const c = new Uint8Array(32).map((_, i) => i * 7 + 1);
      const e = new Uint8Array(32).map((_, i) => 255 - i);
      const conf = configuratorIdentityFrom(suite, c);
      expect(conf.C).toEqual(x25519.getPublicKey(c));
      const id = enrolleeIdentityFrom(suite, e, conf.C);
      expect(id.E).toEqual(x25519.getPublicKey(e));
      expect(id.ss).toEqual(x25519.getSharedSecret(e, conf.C));
      const entry = whitelistEntryFor(suite, id.E, 'g', c);
      expect(entry.hash).toEqual(sha256(id.E));
      expect(entry.ss).toEqual(id.ss);
      expect(whitelistEntryFor(suite, id.E, 'g').ss).toBeNull();
      expect(() => enrolleeIdentityFrom(suite, e, new Uint8Array(32))).toThrow();
      expect(() => configuratorIdentityFrom(suite, new Uint8Array(31))).toThrow(/E_FIELD/);

      const net = new Net(suite, 77);
      const cn = net.addConfigurator('conf', c, [entry]);
      const en = net.addEnrollee('enr', id, null);
      net.aps[CFG1.ssid] = CFG1.psk;
      net.command(cn, { op: 'config', group: 'g', config: CFG1 });
      net.boot(cn);
      net.boot(en);
      expect(net.run(() => cn.audits.length > 0)).toBe(true);
      expect(cn.audits[0].code).toBe(OK);
    });
  });
}

describe('one identity derivation', () => {
  it('the CLI identity file, the simulator batch and keygen.ts enrolleeIdentity agree, and match @noble', () => {
    const e = new Uint8Array(32).map((_, i) => 3 * i + 5);
    const c = new Uint8Array(32).map((_, i) => 200 - i);
    const C = x25519.getPublicKey(c);
    const want = { e, E: x25519.getPublicKey(e), C, ss: x25519.getSharedSecret(e, C) };
    expect(enrolleeIdentity(e, C)).toEqual(want);
    const file = enrolleeIdentityFile(e, C);
    expect(decodeIdentity(file)).toEqual({ code: 0, identity: want });
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    // The CLI: from a device secret file's fields.
    expect(identityBytes({ id: 'dev-0001', privateKey: hex(e), publicKey: hex(want.E), configuratorPublicKey: hex(C) })).toEqual(file);
    // The simulator's batch: the slot-framed identity file of its enrollee 0.
    const batch = whitelistBatch.makeBatch({ enrollees: 1, configurators: 1, random: (n: number) => (n === 32 ? (batchCalls++ === 0 ? c : e) : new Uint8Array(n)) });
    const raw = whitelistBatch.enrolleeFiles(batch, 0);
    const st = makeSlotStorage({ read: (n) => raw[n], write: () => {}, erase: () => {}, list: () => Object.keys(raw) });
    expect(st.read(IDENTITY_FILE)).toEqual(file);
    expect(() => enrolleeIdentity(e, new Uint8Array(32))).toThrow(/low-order/);
  });
});
let batchCalls = 0;

describe('frameSummary', () => {
  it('names the type and fields, and never throws on garbage', () => {
    const p = encodePresence(encodePresenceBody(1, new Uint8Array(32).fill(0xab), new Uint8Array(16).fill(1), 7, 3, 9), new Uint8Array(16));
    expect(frameSummary(p)).toBe('PRESENCE v1 suite 1 E abababab.. Ne 01010101.. held 7 caps 3 ctr 9 win 0 ms gap 0 s (85 bytes)');
    expect(frameSummary(new Uint8Array([1, 1, 9]))).toBe('undecodable (E_TYPE, 3 bytes)');
    expect(frameSummary(new Uint8Array(0))).toBe('undecodable (E_SHORT, 0 bytes)');
  });
});
