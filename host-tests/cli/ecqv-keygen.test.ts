/**
 * `nowboard keygen --protocol ecqv` (firmware/protocols/ecqv/README.md §9):
 * the manifest records protocol "ecqv" and passes the validator; every secret
 * is mode 0600; the identity files decode with the firmware's decoder and hold
 * K_U = HMAC(master, label ‖ U) (checked with @noble/hashes) and Q_CA = d_CA·G
 * (@noble/curves); and the files are usable: flashed into simulated boards
 * running the built bundles, they certify and provision the batch. Plus the
 * shared-key option's warning, secp160k1, and corrupt files refused by name.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { readManifest } from '../../configurator/cli/manifest.ts';
import { ecqvConfiguratorStorageFiles, readEcqvDeviceSecret, SHARED_KEY_WARNING } from '../../configurator/cli/ecqv-keygen.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { decodeIdentity, decodeCaIdentity } from '../../firmware/protocols/ecqv/records.ts';
import { vmLoader } from '../../configurator/sim/vm-board.ts';
import { makeWorld } from '../../configurator/sim/sim-world.ts';

const ROOT = path.resolve(__dirname, '../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-ecqv-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const H = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

function readStorage(dirOut: string) {
  const files: Record<string, Uint8Array> = {};
  for (const f of fs.readdirSync(dirOut)) files[f] = new Uint8Array(fs.readFileSync(path.join(dirOut, f)));
  return makeSlotStorage({ read: (n) => files[n], write: () => {}, erase: () => {}, list: () => Object.keys(files) });
}

async function expectCliError(argv: string[] | (() => unknown), code: string, msg: RegExp) {
  const err = await Promise.resolve().then(() => (Array.isArray(argv) ? run(argv) : argv())).then(() => null, (e) => e);
  expect(err).toBeInstanceOf(CliError);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(msg);
}

describe('nowboard keygen --protocol ecqv', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp();
    const r = await run(['keygen', '--protocol', 'ecqv', '--count', '3', '--out', dir, '--clock-base', '1800000000', '--validity-days', '30']);
    expect(r.code).toBe(0);
    expect(r.text).not.toContain('WARNING');
  });

  it('writes a manifest with protocol "ecqv" that the validator accepts, secrets 0600, identities the firmware decodes', () => {
    const m = readManifest(path.join(dir, 'manifest.json'));
    expect(m.protocol).toBe('ecqv');
    expect(m.devices.map((d) => d.protocol)).toEqual(['ecqv', 'ecqv', 'ecqv']);
    const ck = JSON.parse(fs.readFileSync(path.join(dir, 'configurator.key.json'), 'utf8'));
    expect(hex(p256.Point.BASE.multiply(BigInt('0x' + ck.privateKey)).toBytes(true))).toBe(m.configurator.publicKey);
    expect(ck).toMatchObject({ keyMode: 'per-device', validityHours: 720, clockBase: 1800000000, suite: 1 });
    for (const f of ['configurator.key.json', 'configs.json']) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    const ids = new Set<string>();
    for (const d of m.devices) {
      expect(fs.statSync(path.join(dir, 'devices', d.id + '.json')).mode & 0o777).toBe(0o600);
      const dec = decodeIdentity(readStorage(path.join(dir, 'devices', d.id)).read('nb-id')!);
      expect(dec.code).toBe(0);
      const id = dec.identity!;
      expect(hex(id.U)).toBe(d.deviceId);
      expect(hex(id.caPub)).toBe(m.configurator.publicKey);
      expect(hex(id.kU)).toBe(hex(hmac(sha256, H(ck.master), Buffer.concat([Buffer.from('nowboard ecqv2 request key'), H(d.deviceId!)]))));
      expect(readEcqvDeviceSecret(dir, d.id).requestKey).toBe(hex(id.kU));
      ids.add(d.deviceId!);
    }
    expect(ids.size).toBe(3);
    const caFiles = ecqvConfiguratorStorageFiles(dir);
    const st = makeSlotStorage({ read: (n) => caFiles[n], write: () => {}, erase: () => {}, list: () => Object.keys(caFiles) });
    const ca = decodeCaIdentity(st.read('nb-cakey')!);
    expect(ca.code).toBe(0);
    expect(hex(ca.identity!.master)).toBe(ck.master);
  });

  it('the files are usable: flashed into simulated boards with the built bundles, the batch is certified and provisioned', () => {
    const m = readManifest(path.join(dir, 'manifest.json'));
    const store = JSON.parse(fs.readFileSync(path.join(dir, 'configs.json'), 'utf8'));
    const grp = store.groups.default;
    const world = makeWorld({ seed: 'keygen-ecqv', loadBundle: vmLoader(), accessPoints: { [grp.ssid]: grp.psk } });
    const src = (role: string) => fs.readFileSync(path.join(ROOT, 'dist/espruino/ecqv/' + role + '.js'), 'utf8');
    const cfg = world.addBoard({ id: 'cfg1', role: 'configurator', src: src('configurator') });
    for (const [name, bytes] of Object.entries(ecqvConfiguratorStorageFiles(dir))) cfg.storage.write(name, bytes);
    const boards = m.devices.map((d, i) => {
      const b = world.addBoard({ id: 'enr' + (i + 1), role: 'enrollee', src: src('enrollee'), x: 2 + i, y: 1 });
      const dd = path.join(dir, 'devices', d.id);
      for (const f of fs.readdirSync(dd)) b.storage.write(f, new Uint8Array(fs.readFileSync(path.join(dd, f))));
      return b;
    });
    for (const b of world.boards) world.boot(b, 0);
    const ok = world.runUntil(
      () => boards.every((b) => b.reports.some((r) => r.ev === 'provisioned')) && cfg.reports.filter((r) => r.ev === 'audit' && r.code === 0).length === boards.length,
      3 * 3600 * 1000,
    );
    expect(ok, JSON.stringify(boards.map((b) => b.reports.slice(-3)))).toBe(true);
    const audits = cfg.reports.filter((r) => r.ev === 'audit' && r.code === 0).map((r) => r.device).sort();
    expect(audits).toEqual(m.devices.map((d) => d.deviceId).sort());
    for (const b of boards) expect(b.crashes).toEqual([]);
  }, 120000);

  it('--shared-request-key: the warning, one key for every device, key mode "shared"', async () => {
    const d = tmp();
    const r = await run(['keygen', '--protocol', 'ecqv', '--count', '2', '--out', d, '--shared-request-key']);
    expect(r.text).toContain(SHARED_KEY_WARNING);
    const ck = JSON.parse(fs.readFileSync(path.join(d, 'configurator.key.json'), 'utf8'));
    expect(ck.keyMode).toBe('shared');
    const m = readManifest(path.join(d, 'manifest.json'));
    for (const dev of m.devices) expect(readEcqvDeviceSecret(d, dev.id).requestKey).toBe(ck.master);
  });

  it('--curve secp160k1: suite 2, 21-byte keys', async () => {
    const d = tmp();
    await run(['keygen', '--protocol', 'ecqv', '--count', '1', '--out', d, '--curve', 'secp160k1']);
    const m = readManifest(path.join(d, 'manifest.json'));
    expect(m.suite).toBe(2);
    expect(m.configurator.publicKey).toHaveLength(42);
    expect(decodeIdentity(readStorage(path.join(d, 'devices', m.devices[0].id)).read('nb-id')!).identity!.suite).toBe(2);
  });

  it('corrupt files are refused by name: manifest ids and suite, a device secret, the CA key; ecqv flags on a whitelist batch', async () => {
    const d = tmp();
    await run(['keygen', '--protocol', 'ecqv', '--count', '2', '--out', d]);
    const mf = path.join(d, 'manifest.json');
    const good = fs.readFileSync(mf, 'utf8');
    const m = JSON.parse(good);
    fs.writeFileSync(mf, JSON.stringify({ ...m, devices: [m.devices[0], { ...m.devices[1], deviceId: m.devices[0].deviceId }] }));
    await expectCliError(() => readManifest(mf), 'E_MANIFEST', /duplicate deviceId/);
    fs.writeFileSync(mf, JSON.stringify({ ...m, devices: [{ ...m.devices[0], deviceId: 'xyz' }] }));
    await expectCliError(() => readManifest(mf), 'E_MANIFEST', /devices\[0\]\.deviceId/);
    fs.writeFileSync(mf, JSON.stringify({ ...m, suite: 3 }));
    await expectCliError(() => readManifest(mf), 'E_MANIFEST', /suite 3/);
    fs.writeFileSync(mf, JSON.stringify({ ...m, configurator: { publicKey: '05' + m.configurator.publicKey.slice(2) } }));
    await expectCliError(() => readManifest(mf), 'E_MANIFEST', /compressed point/);
    fs.writeFileSync(mf, good);
    const sf = path.join(d, 'devices', m.devices[0].id + '.json');
    const sec = JSON.parse(fs.readFileSync(sf, 'utf8'));
    fs.writeFileSync(sf, JSON.stringify({ ...sec, requestKey: sec.requestKey.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) }));
    await expectCliError(() => readEcqvDeviceSecret(d, m.devices[0].id), 'E_FILE_CORRUPT', /requestKey/);
    const kf = path.join(d, 'configurator.key.json');
    const ck = JSON.parse(fs.readFileSync(kf, 'utf8'));
    fs.writeFileSync(kf, JSON.stringify({ ...ck, publicKey: m.devices[0].deviceId }));
    await expectCliError(() => ecqvConfiguratorStorageFiles(d), 'E_FILE_CORRUPT', /publicKey/);
    await expectCliError(['keygen', '--count', '1', '--out', tmp(), '--shared-request-key'], 'E_FLAG_VALUE', /--protocol ecqv only/);
  });
});
