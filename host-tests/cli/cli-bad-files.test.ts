/**
 * Issue 9 finding 5 (and 6 where values enter through the CLI): every file the
 * CLI reads is checked by its zod schema (configurator/cli/schemas.ts), and a
 * bad one is refused with a typed CliError naming the file and the field —
 * never "internal error" and a stack trace, never a coerced value, never a file
 * the board would refuse. Each case starts from a good batch made by keygen,
 * breaks one thing, and runs the command that reads it.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { configuratorStorageFiles } from '../../configurator/cli/device-files.ts';
import { readManifest } from '../../configurator/cli/manifest.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { decodeWhitelist } from '../../firmware/protocols/whitelist/records.ts';
import { storeCommands } from '../../configurator/app/config-store.ts';

const ROOT = path.resolve(__dirname, '../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-bad-'));
const run = async (argv: string[]) => main(argv, () => {});
const readJ = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJ = (f: string, v: unknown) => fs.writeFileSync(f, typeof v === 'string' ? v : JSON.stringify(v, null, 2));

async function cliError(argv: string[]): Promise<CliError> {
  const e = await run(argv).then(
    () => null,
    (x) => x,
  );
  expect(e, 'expected a CliError from: ' + argv.join(' ')).toBeInstanceOf(CliError);
  return e as CliError;
}

let good: string;
beforeAll(async () => {
  good = tmp();
  expect(await run(['keygen', '--count', '3', '--out', good, '--per-device-wifi'])).toBe(0);
});

/** A copy of the good batch with `edit` applied to one of its JSON files. */
function batchWith(file: string, edit: (v: any) => any): string {
  const d = tmp();
  fs.cpSync(good, d, { recursive: true });
  const f = path.join(d, file);
  writeJ(f, edit(readJ(f)));
  return d;
}

const flashConfigurator = (d: string) => ['flash', '--manifest', path.join(d, 'manifest.json'), '--role', 'configurator', '--port', '/dev/null', '--dry-run'];

/** [what, file, edit, expected CliError code, message pattern naming file and field] */
const CASES: [string, string, (v: any) => any, string, RegExp][] = [
  ['a null group record', 'configs.json', (v) => ({ ...v, groups: { default: null } }), 'E_FILE_CORRUPT', /configs\.json: groups\.default: .*null/],
  ['a null device record', 'configs.json', (v) => ({ ...v, devices: { ...v.devices, 'dev-0002': null } }), 'E_FILE_CORRUPT', /configs\.json: devices\.dev-0002: .*null/],
  ['a numeric PSK (finding 6: would be an open network)', 'configs.json', (v) => ({ ...v, groups: { default: { ...v.groups.default, psk: 12345678 } } }), 'E_FILE_CORRUPT', /configs\.json: groups\.default\.psk: .*string/],
  ['a numeric setting value', 'configs.json', (v) => ({ ...v, groups: { default: { ...v.groups.default, app: { mqtt: 1883 } } } }), 'E_FILE_CORRUPT', /configs\.json: groups\.default\.app\.mqtt: .*string/],
  ['a setting key __proto__', 'configs.json', () => fs.readFileSync(path.join(good, 'configs.json'), 'utf8').replace('"mqtt"', '"__proto__"'), 'E_FILE_CORRUPT', /configs\.json: groups\.default\.app\.__proto__: .*not allowed/],
  ['a misspelt override field', 'configs.json', (v) => ({ ...v, devices: { 'dev-0001': { pks: 'typo-typo' } } }), 'E_FILE_CORRUPT', /configs\.json: devices\.dev-0001: .*pks/],
  ['an override for a device not on the whitelist', 'configs.json', (v) => ({ ...v, devices: { 'dev-0099': { psk: 'another-psk' } } }), 'E_FILE_CORRUPT', /configs\.json: devices\.dev-0099: no such device/],
  ['a whitelist entry without a group', 'whitelist.json', (v) => ({ ...v, entries: v.entries.map((e: any, i: number) => (i === 1 ? { ...e, group: undefined } : e)) }), 'E_WHITELIST', /whitelist\.json: entries\[1\]\.group: /],
  ['a whitelist group of 33 bytes', 'whitelist.json', (v) => ({ ...v, entries: v.entries.map((e: any) => ({ ...e, group: 'g'.repeat(33) })) }), 'E_WHITELIST', /whitelist\.json: entries\[0\]\.group: .*32 UTF-8 bytes/],
  ['a whitelist group of 11 three-byte characters (33 bytes)', 'whitelist.json', (v) => ({ ...v, entries: v.entries.map((e: any) => ({ ...e, group: '☃'.repeat(11) })) }), 'E_WHITELIST', /entries\[0\]\.group: .*32 UTF-8 bytes/],
  ['a non-string whitelist group (was silently "")', 'whitelist.json', (v) => ({ ...v, entries: v.entries.map((e: any) => ({ ...e, group: 7 })) }), 'E_WHITELIST', /whitelist\.json: entries\[0\]\.group: .*string/],
  ['a duplicate key hash (the board refuses that whitelist)', 'whitelist.json', (v) => ({ ...v, entries: [v.entries[0], { ...v.entries[0], id: 'dev-0077' }, ...v.entries.slice(1)] }), 'E_WHITELIST', /whitelist\.json: entries\[1\]\.keyHash: duplicate key hash/],
  ['a whitelist hash that is not the manifest device\'s', 'whitelist.json', (v) => ({ ...v, entries: [{ ...v.entries[0], keyHash: v.entries[1].keyHash }, { ...v.entries[1], keyHash: v.entries[0].keyHash }, v.entries[2]] }), 'E_WHITELIST', /whitelist\.json: entries\[0\]\.keyHash: is not the key hash of device dev-0001/],
  ['a device of another protocol in a whitelist batch', 'manifest.json', (v) => ({ ...v, devices: v.devices.map((d: any, i: number) => (i === 2 ? { ...d, protocol: 'ecqv' } : d)) }), 'E_MANIFEST', /manifest\.json: devices\[2\]\.protocol: /],
  ['a manifest device group of 40 bytes', 'manifest.json', (v) => ({ ...v, devices: v.devices.map((d: any) => ({ ...d, group: 'x'.repeat(40) })) }), 'E_MANIFEST', /manifest\.json: devices\[0\]\.group: .*32 UTF-8 bytes/],
  ['a manifest whose configurator key is not the batch\'s', 'manifest.json', (v) => ({ ...v, configurator: { publicKey: v.devices[0].publicKey } }), 'E_MANIFEST', /manifest\.json: configurator\.publicKey: is not the key in configurator\.key\.json/],
  ['a manifest device key that is not hex', 'manifest.json', (v) => ({ ...v, devices: v.devices.map((d: any, i: number) => (i === 0 ? { ...d, publicKey: 'zz' + d.publicKey.slice(2) } : d)) }), 'E_MANIFEST', /manifest\.json: devices\[0\]\.publicKey: expected 32 bytes of hex/],
  ['a configurator key that is not a string', 'configurator.key.json', (v) => ({ ...v, privateKey: 5 }), 'E_FILE_CORRUPT', /configurator\.key\.json: privateKey: /],
];

describe('bad batch files are refused with a typed error naming the file and the field', () => {
  for (const [what, file, edit, code, msg] of CASES) {
    it(what, async () => {
      const d = batchWith(file, edit);
      const outDir = path.join(d, 'configurator-files');
      const e = await cliError(flashConfigurator(d));
      expect(e.code).toBe(code);
      expect(e.message).toMatch(msg);
      expect(e.message).not.toMatch(/TypeError|internal error|at .*\.ts:\d+/);
      // Nothing the board would read was written.
      expect(fs.existsSync(outDir)).toBe(false);
    });
  }

  it('a bad device secret is refused before anything touches a board', async () => {
    const d = batchWith('devices/dev-0002.json', (v) => ({ ...v, privateKey: null }));
    const e = await cliError(['flash', '--manifest', path.join(d, 'manifest.json'), '--id', 'dev-0002', '--port', '/dev/null', '--dry-run']);
    expect(e.code).toBe('E_FILE_CORRUPT');
    expect(e.message).toMatch(/dev-0002\.json: privateKey: /);
  });

  it('the whitelist commands refuse a bad whitelist.json and write none', async () => {
    const d = batchWith('whitelist.json', (v) => ({ ...v, entries: [v.entries[0], v.entries[0]] }));
    const before = fs.readFileSync(path.join(d, 'whitelist.json'), 'utf8');
    const e = await cliError(['whitelist', 'revoke', '--manifest', path.join(d, 'manifest.json'), '--id', 'dev-0001']);
    expect(e.code).toBe('E_WHITELIST');
    expect(e.message).toMatch(/entries\[1\]/);
    expect(fs.readFileSync(path.join(d, 'whitelist.json'), 'utf8')).toBe(before);
  });

  it('from the shell: one typed line on stderr and exit 1, never a stack trace', () => {
    const d = batchWith('configs.json', (v) => ({ ...v, groups: { default: null } }));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'configurator/cli/nowboard.ts'), ...flashConfigurator(d)], { encoding: 'utf8', cwd: ROOT });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^nowboard: E_FILE_CORRUPT: .*configs\.json: groups\.default: /);
    expect(r.stderr).not.toMatch(/internal error|    at /);
  });
});

describe('keygen refuses flags that would make files a board or the CLI refuses later', () => {
  it('a 40-character --group (keygen used to succeed, then flash --role configurator crashed)', async () => {
    const d = path.join(tmp(), 'batch');
    const e = await cliError(['keygen', '--count', '2', '--out', d, '--group', 'g'.repeat(40)]);
    expect(e.code).toBe('E_FLAG_VALUE');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/--group .*32/);
    expect(fs.existsSync(d)).toBe(false);
  });

  it('a --prefix that makes ids the manifest refuses, and an over-long --ssid', async () => {
    const d = path.join(tmp(), 'batch');
    expect((await cliError(['keygen', '--count', '2', '--out', d, '--prefix', 'bad prefix/'])).message).toMatch(/--prefix/);
    expect((await cliError(['keygen', '--count', '2', '--out', d, '--ssid', 's'.repeat(33)])).message).toMatch(/--ssid/);
    expect(fs.existsSync(d)).toBe(false);
  });

  it('a good batch gives configurator files the board decodes in full', () => {
    const files = configuratorStorageFiles(good);
    const st = makeSlotStorage({ read: (n) => files[n], write: () => {}, erase: () => {}, list: () => Object.keys(files) });
    const wl = decodeWhitelist(st.read('nb.whitelist')!);
    expect(wl.code).toBe(0);
    expect(wl.entries!.length).toBe(readManifest(path.join(good, 'manifest.json')).devices.length);
    const sc = storeCommands(st.read('nb.store')!);
    expect(sc).toMatchObject({ bad: 0, error: '' });
    expect(sc.cmds.length).toBe(1 + 3); // the group record and three per-device overrides
  });
});
