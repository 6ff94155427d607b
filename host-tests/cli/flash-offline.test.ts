/**
 * `nowboard flash` and flash.sh work with no internet: the command line names
 * no board (the CLI reads the details from the board), runs the pinned
 * `espruino` package from node_modules (never npx), and refuses a board NAME.
 * A batch directory with one bad file fails with a typed error before any
 * board is written. The provisioning network goes to each board as
 * nb-udp.json. Upload and read-back paths run against a stand-in CLI
 * (fixtures/fake-espruino-cli.mjs): success, no connection, a corrupted upload.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'node_modules/espruino/bin/espruino-cli.js');
const FAKE = path.join(__dirname, 'fixtures/fake-espruino-cli.mjs');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-flash-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};
const fails = async (argv: string[]) => run(argv).then(() => null, (e) => e);

let batch: string;
const envBefore = { ...process.env };
afterEach(() => {
  for (const k of ['NOWBOARD_ESPRUINO_CLI', 'FAKE_ESPRUINO_STATE', 'FAKE_ESPRUINO_LOG', 'FAKE_ESPRUINO_MODE']) {
    if (envBefore[k] === undefined) delete process.env[k];
    else process.env[k] = envBefore[k];
  }
});

/** A fresh copy of the batch, so each test may damage its own. */
function copyBatch(): string {
  const d = tmp();
  fs.cpSync(batch, d, { recursive: true });
  return d;
}

function useFake(mode = 'ok'): { log: () => string[][]; state: () => Record<string, string> } {
  const d = tmp();
  process.env.NOWBOARD_ESPRUINO_CLI = 'node ' + FAKE;
  process.env.FAKE_ESPRUINO_STATE = path.join(d, 'state.json');
  process.env.FAKE_ESPRUINO_LOG = path.join(d, 'calls.log');
  process.env.FAKE_ESPRUINO_MODE = mode;
  fs.writeFileSync(process.env.FAKE_ESPRUINO_LOG, '');
  return {
    log: () => fs.readFileSync(path.join(d, 'calls.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
    state: () => (fs.existsSync(path.join(d, 'state.json')) ? JSON.parse(fs.readFileSync(path.join(d, 'state.json'), 'utf8')) : {}),
  };
}

beforeAll(async () => {
  batch = tmp();
  expect((await run(['keygen', '--count', '3', '--out', batch])).code).toBe(0);
  expect(fs.existsSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'))).toBe(true);
});

describe('flashing offline', () => {
  it('the offline command line: the pinned CLI from node_modules, no --board, no npx; then a CRC read-back of every file', async () => {
    expect(fs.existsSync(CLI)).toBe(true);
    const r = await run(['flash', '--manifest', path.join(batch, 'manifest.json'), '--id', 'dev-0002', '--port', 'tcp://127.0.0.1:2323', '--dry-run']);
    const lines = r.text.split('\n');
    expect(lines).toHaveLength(2);
    const [upload, check] = lines;
    expect(upload.startsWith('node ' + CLI + ' --no-ble -p tcp://127.0.0.1:2323 -b 115200 --storage ')).toBe(true);
    expect(upload).toContain('--storage nb-id~0:' + path.join(batch, 'devices', 'dev-0002', 'nb-id~0'));
    expect(upload).toMatch(/--storage \.bootcde:- \S*dist\/espruino\/whitelist\/enrollee\.js\s*$/);
    for (const l of lines) {
      expect(l).not.toMatch(/--board|npx/);
    }
    expect(check.startsWith('node ' + CLI + ' --no-ble -p tcp://127.0.0.1:2323 -b 115200 -e ')).toBe(true);
    expect(check).toContain('nb-id~0');
    expect(check).toContain('.bootcde');
    expect(check).toContain('E.CRC32');
  });

  it('--board: a local JSON file is passed on; a board name is refused (it would be downloaded)', async () => {
    const boardFile = path.join(tmp(), 'ESP32.json');
    fs.writeFileSync(boardFile, '{"info":{}}');
    const r = await run(['flash', '--manifest', path.join(batch, 'manifest.json'), '--id', 'dev-0001', '--port', '/dev/ttyUSB0', '--board', boardFile, '--no-verify', '--dry-run']);
    expect(r.text.split('\n')).toHaveLength(1);
    expect(r.text).toContain('--board ' + boardFile);
    const e = await fails(['flash', '--manifest', path.join(batch, 'manifest.json'), '--id', 'dev-0001', '--port', '/dev/ttyUSB0', '--board', 'ESP32', '--dry-run']);
    expect(e).toBeInstanceOf(CliError);
    expect(e.code).toBe('E_FLAG_VALUE');
    expect(e.message).toMatch(/local board JSON file/);
    const sh = spawnSync('bash', [path.join(ROOT, 'flash.sh'), '--port', '/dev/ttyS1', '--board', 'ESP32', '--bundle', path.join(ROOT, 'package.json'), '--dry-run'], { encoding: 'utf8' });
    expect(sh.status).toBe(2);
    expect(sh.stderr).toMatch(/local board JSON file/);
  });

  it('a batch directory with one bad file: a typed error naming it, and no board is written', async () => {
    const fake = useFake();
    const cases: [string, (d: string) => void, string, RegExp][] = [
      ['identity file changed', (d) => { const f = path.join(d, 'devices/dev-0003/nb-id~0'); const b = fs.readFileSync(f); b[40] ^= 1; fs.writeFileSync(f, b); }, 'E_FILE_CORRUPT', /dev-0003\/nb-id~0 does not hold the identity/],
      ['identity file gone', (d) => fs.unlinkSync(path.join(d, 'devices/dev-0003/nb-id~0')), 'E_FILE_MISSING', /dev-0003\/nb-id~0 is missing/],
      ['stray file', (d) => fs.writeFileSync(path.join(d, 'devices/dev-0002/notes.txt'), 'x'), 'E_FILE_CORRUPT', /files keygen did not write: notes\.txt/],
      ['secret not JSON', (d) => fs.writeFileSync(path.join(d, 'devices/dev-0003.json'), '{"id": "dev-0003", '), 'E_FILE_CORRUPT', /dev-0003\.json is not valid JSON/],
      ['provisioning file bad', (d) => fs.writeFileSync(path.join(d, 'provisioning.json'), JSON.stringify({ format: 'nowboard-provisioning/1', ssid: 'nb-prov', psk: 'short' })), 'E_FILE_CORRUPT', /provisioning\.json: psk must be 8\.\.63/],
    ];
    for (const [what, damage, code, msg] of cases) {
      const d = copyBatch();
      damage(d);
      const e = await fails(['flash', '--manifest', path.join(d, 'manifest.json'), '--all', '--ports', '/dev/ttyUSB0,/dev/ttyUSB1,/dev/ttyUSB2']);
      expect(e, what).toBeInstanceOf(CliError);
      expect(e.code, what).toBe(code);
      expect(e.message, what).toMatch(msg);
    }
    const d = copyBatch();
    fs.writeFileSync(path.join(d, 'whitelist.json'), '{"format": "nope"}');
    const e = await fails(['flash', '--manifest', path.join(d, 'manifest.json'), '--role', 'configurator', '--port', '/dev/ttyUSB9']);
    expect(e.code).toBe('E_WHITELIST');
    expect(fake.log()).toEqual([]); // nothing reached the CLI, so nothing reached a board
    expect(fake.state()).toEqual({});
  });

  it('the provisioning network goes to every board as nb-udp.json (the configurator starts the AP when asked)', async () => {
    const fake = useFake();
    const d = copyBatch();
    fs.writeFileSync(path.join(d, 'provisioning.json'), JSON.stringify({ format: 'nowboard-provisioning/1', ssid: 'nb-prov-7', psk: 'bench-secret-7', configuratorAP: true }));
    await run(['flash', '--manifest', path.join(d, 'manifest.json'), '--id', 'dev-0001', '--port', '/dev/ttyUSB0']);
    await run(['flash', '--manifest', path.join(d, 'manifest.json'), '--role', 'configurator', '--port', '/dev/ttyUSB1']);
    const uploads = fake.log().filter((a) => !a.includes('-e'));
    expect(uploads).toHaveLength(2);
    const udpOf = (args: string[]) => {
      const s = args[args.findIndex((a, i) => args[i - 1] === '--storage' && a.startsWith('nb-udp.json:'))];
      return JSON.parse(fs.readFileSync(s.slice('nb-udp.json:'.length), 'utf8'));
    };
    expect(udpOf(uploads[0])).toEqual({ port: 47100, peers: ['192.168.4.255:47100'], ssid: 'nb-prov-7', psk: 'bench-secret-7', ap: false });
    expect(udpOf(uploads[1])).toEqual({ port: 47100, peers: ['192.168.4.255:47100'], ssid: 'nb-prov-7', psk: 'bench-secret-7', ap: true });
    // Without the file, no nb-udp.json is sent (and a stale one is removed).
    fs.unlinkSync(path.join(d, 'provisioning.json'));
    await run(['flash', '--manifest', path.join(d, 'manifest.json'), '--id', 'dev-0001', '--port', '/dev/ttyUSB0']);
    expect(fake.log().at(-2)!.some((a) => a.startsWith('nb-udp.json:'))).toBe(false);
    expect(fs.existsSync(path.join(d, 'devices/dev-0001/nb-udp.json'))).toBe(false);
  });

  it('flash.sh reads success from the CLI output and verifies by read-back: ok, no connection, corrupted upload', async () => {
    const bundle = path.join(ROOT, 'dist/espruino/whitelist/enrollee.js');
    const ident = path.join(batch, 'devices/dev-0001');
    const sh = () => spawnSync('bash', [path.join(ROOT, 'flash.sh'), '--port', '/dev/ttyUSB0', '--bundle', bundle, '--identity', ident], { encoding: 'utf8', env: process.env });
    let fake = useFake('ok');
    let r = sh();
    expect(r.status).toBe(0);
    const want = [zlib.crc32(fs.readFileSync(path.join(ident, 'nb-id~0'))), zlib.crc32(fs.readFileSync(bundle))];
    expect(r.stdout).toContain('verified 2 files on /dev/ttyUSB0 (CRC-32 ' + JSON.stringify(want) + ')');
    expect(Buffer.from(fake.state()['.bootcde'], 'hex').equals(fs.readFileSync(bundle))).toBe(true);
    fake = useFake('noconnect');
    r = sh();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/E_FLASH_UPLOAD/);
    fake = useFake('corrupt');
    r = sh();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/E_FLASH_VERIFY.*want CRC-32 \[\d+,\d+\], board says \[\d+,\d+\]/);
    expect(fake.log()).toHaveLength(2);
  });
});
