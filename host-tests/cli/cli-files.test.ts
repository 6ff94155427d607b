import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { decodeIdentity } from '../../firmware/protocols/whitelist/records.ts';

const ROOT = path.resolve(__dirname, '../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-cli-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};
const expectCliError = async (argv: string[], code: string, exit: number, msg: RegExp) => {
  const err = await run(argv).then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(CliError);
  expect(err.code).toBe(code);
  expect(err.exitCode).toBe(exit);
  expect(err.message).toMatch(msg);
};

describe('nowboard keygen / whitelist / flash', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tmp();
    const r = await run(['keygen', '--count', '4', '--out', dir, '--per-device-wifi']);
    expect(r.code).toBe(0);
  });

  it('writes a manifest whose hashes are SHA-256 of the public keys, and identity files the firmware can read', () => {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(m.devices).toHaveLength(4);
    const ckey = JSON.parse(fs.readFileSync(path.join(dir, 'configurator.key.json'), 'utf8'));
    expect(Buffer.from(x25519.getPublicKey(Buffer.from(ckey.privateKey, 'hex'))).toString('hex')).toBe(m.configurator.publicKey);
    for (const d of m.devices) {
      expect(Buffer.from(sha256(Buffer.from(d.publicKey, 'hex'))).toString('hex')).toBe(d.keyHash);
      // Read the flashed file back through the firmware's own slot store and decoder.
      const files: Record<string, Uint8Array> = {};
      for (const f of fs.readdirSync(path.join(dir, 'devices', d.id))) files[f] = new Uint8Array(fs.readFileSync(path.join(dir, 'devices', d.id, f)));
      const st = makeSlotStorage({ read: (n) => files[n], write: () => {}, erase: () => {}, list: () => Object.keys(files) });
      const dec = decodeIdentity(st.read('nb-id')!);
      expect(dec.code).toBe(0);
      expect(Buffer.from(dec.identity!.E).toString('hex')).toBe(d.publicKey);
      expect(Buffer.from(dec.identity!.C).toString('hex')).toBe(m.configurator.publicKey);
      // ss must equal what the configurator computes from its side.
      expect(Buffer.from(dec.identity!.ss).toString('hex')).toBe(
        Buffer.from(x25519.getSharedSecret(Buffer.from(ckey.privateKey, 'hex'), dec.identity!.E)).toString('hex'),
      );
    }
    const store = JSON.parse(fs.readFileSync(path.join(dir, 'configs.json'), 'utf8'));
    const psks = m.devices.map((d: { id: string }) => store.devices[d.id].psk);
    expect(new Set(psks).size).toBe(4); // per-device Wi-Fi credentials
  });

  it('refuses to overwrite a batch without --force', async () => {
    await expectCliError(['keygen', '--count', '1', '--out', dir], 'E_FILE_EXISTS', 1, /already holds a batch/);
  });

  it('revokes and re-adds a device', async () => {
    const mf = path.join(dir, 'manifest.json');
    expect((await run(['whitelist', 'revoke', '--manifest', mf, '--id', 'dev-0003'])).code).toBe(0);
    let w = JSON.parse(fs.readFileSync(path.join(dir, 'whitelist.json'), 'utf8'));
    expect(w.entries.find((e: { id: string }) => e.id === 'dev-0003').status).toBe('revoked');
    const list = await run(['whitelist', 'list', '--manifest', mf]);
    expect(list.text).toMatch(/3 active, 1 revoked/);
    await run(['whitelist', 'add', '--manifest', mf, '--id', 'dev-0003']);
    w = JSON.parse(fs.readFileSync(path.join(dir, 'whitelist.json'), 'utf8'));
    expect(w.entries.every((e: { status: string }) => e.status === 'active')).toBe(true);
    await expectCliError(['whitelist', 'revoke', '--manifest', mf, '--id', 'nope'], 'E_WHITELIST', 1, /no device "nope"/);
  });

  it('gives typed errors for bad flags', async () => {
    await expectCliError(['keygen', '--count', 'x', '--out', dir], 'E_FLAG_VALUE', 2, /--count must be an integer/);
    await expectCliError(['keygen', '--count', '0', '--out', dir], 'E_FLAG_VALUE', 2, /--count must be >= 1/);
    await expectCliError(['keygen', '--out', dir], 'E_FLAG_MISSING', 2, /--count is required/);
    await expectCliError(['keygen', '--count', '2', '--frobnicate'], 'E_FLAG_UNKNOWN', 2, /unknown flag --frobnicate/);
    await expectCliError(['sim', '--loss', '1.5'], 'E_FLAG_VALUE', 2, /--loss must be <= 0.95/);
    await expectCliError(['launch'], 'E_USAGE', 2, /unknown command "launch"/);
  });

  it('gives typed errors for corrupt files', async () => {
    const bad = tmp();
    fs.writeFileSync(path.join(bad, 'manifest.json'), '{"format": "nowboard-manifest/1", ');
    await expectCliError(['whitelist', 'build', '--manifest', path.join(bad, 'manifest.json')], 'E_FILE_CORRUPT', 1, /not valid JSON/);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    m.devices[1].keyHash = m.devices[0].keyHash;
    fs.writeFileSync(path.join(bad, 'manifest.json'), JSON.stringify(m));
    await expectCliError(['whitelist', 'build', '--manifest', path.join(bad, 'manifest.json')], 'E_MANIFEST', 1, /devices\[1\]\.keyHash: is not SHA-256/);
    await expectCliError(['whitelist', 'list', '--manifest', path.join(bad, 'missing.json')], 'E_FILE_MISSING', 1, /cannot read/);
  });

  it('flash --dry-run prints one espruino command per board with the bundle and identity files', async () => {
    // npm test builds dist/ first; the bundle must be there.
    expect(fs.existsSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'))).toBe(true);
    const r = await run(['flash', '--manifest', path.join(dir, 'manifest.json'), '--all', '--ports', '/dev/ttyUSB0,/dev/ttyUSB1,/dev/ttyUSB2,/dev/ttyUSB3', '--dry-run']);
    const cmds = r.text.split('\n').filter((l) => l.includes('espruino') && !l.includes(' -e ')); // uploads, not the read-backs
    expect(cmds).toHaveLength(4);
    expect(cmds[1]).toContain('-p /dev/ttyUSB1');
    expect(cmds[1]).toContain('--storage nb-id~0:' + path.join(dir, 'devices', 'dev-0002', 'nb-id~0'));
    expect(cmds[1]).toMatch(/--storage \.bootcde:- .*dist\/espruino\/whitelist\/enrollee\.js/);
    await expectCliError(['flash', '--manifest', path.join(dir, 'manifest.json'), '--all', '--ports', '/dev/ttyUSB0'], 'E_FLAG_VALUE', 2, /one port per device/);
  });

  it('flash.sh rejects bad flags with exit 2 and prints commands in dry-run', () => {
    const sh = (args: string[]) => spawnSync('bash', [path.join(ROOT, 'flash.sh'), ...args], { encoding: 'utf8' });
    let r = sh(['--port', '/dev/ttyUSB0', '--bundle', path.join(ROOT, 'package.json'), '--baud', 'fast']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--baud must be a number/);
    r = sh(['--bundle', path.join(ROOT, 'package.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--port is required/);
    r = sh(['--port', '/dev/ttyS1', '--bundle', path.join(ROOT, 'package.json'), '--nope']);
    expect(r.status).toBe(2);
    r = sh(['--port', '/dev/ttyS1', '--baud', '921600', '--bundle', path.join(ROOT, 'package.json'), '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/espruino-cli\.js --no-ble -p \/dev\/ttyS1 -b 921600 --storage \.bootcde:- .*package\.json/);
  });
});
