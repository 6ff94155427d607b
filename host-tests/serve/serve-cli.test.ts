/**
 * `nowboard serve` at the command line: one serve per batch directory (the
 * second refuses and names the first; a dead holder's lock is taken over); a
 * corrupt batch is a typed error before any transport opens; bad flags; the
 * bridge transport absent from this build; Ctrl-C (SIGINT) on a real process
 * mid-batch, then a resume. Waits are bounded; nothing asserts on durations.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dgram from 'node:dgram';
import { spawn, spawnSync } from 'node:child_process';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { acquireBatchLock, LOCK_FILE, LockInfo } from '../../configurator/serve/batch-lock.ts';
import { readAuditLog, isProvisionedCode } from '../../configurator/serve/audit-log.ts';
import { keygenDir, ROOT } from './serve-fixtures.ts';

const BOUND_MS = 120000;
const SIM = ['--transport', 'sim', '--quiet'];

async function serveError(argv: string[]): Promise<CliError> {
  try {
    await main(['serve', ...argv], () => {});
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('serve did not fail: ' + argv.join(' '));
}

function editJson(file: string, f: (v: any) => void): void {
  const v = JSON.parse(fs.readFileSync(file, 'utf8'));
  f(v);
  fs.writeFileSync(file, JSON.stringify(v, null, 2) + '\n');
}

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

function staleLock(dir: string, over: Partial<LockInfo>): LockInfo {
  const info: LockInfo = {
    pid: deadPid(), started: '2026-01-01T00:00:00.000Z', host: os.hostname(), startTick: null, bootId: null, nonce: 'feedfeed', transport: 'udp', ...over,
  };
  fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(info) + '\n');
  return info;
}

describe('nowboard serve: one per batch directory', () => {
  it('a second serve refuses and names the first (pid and start time); released, it may run', async () => {
    const dir = await keygenDir(2);
    const held = acquireBatchLock(dir, 'udp');
    const e = await serveError(['--dir', dir, ...SIM]);
    expect(e.code).toBe('E_LOCKED');
    expect(e.message).toContain(`pid ${process.pid}`);
    expect(e.message).toContain(`started ${held.info.started}`);
    expect(fs.existsSync(path.join(dir, 'audit.jsonl'))).toBe(false);
    expect(() => acquireBatchLock(dir, 'sim')).toThrow(/pid \d+/);
    held.release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    expect(await main(['serve', '--dir', dir, ...SIM], () => {})).toBe(0);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('a lock left by a dead process is stale: taken over, and serve says whose it was', async () => {
    const dir = await keygenDir(2);
    const dead = staleLock(dir, {});
    const out: string[] = [];
    expect(await main(['serve', '--dir', dir, ...SIM], (s) => out.push(s))).toBe(0);
    expect(out.join('\n')).toContain(`took over a stale lock of pid ${dead.pid}`);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('stale too: a live pid that is another process (start tick differs), or a lock from before the last boot; a live holder is not', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-lock-'));
    // This very process's pid, but a start tick it never had: a reused pid.
    staleLock(dir, { pid: process.pid, startTick: 1 });
    const a = acquireBatchLock(dir, 'udp');
    expect(a.tookOver?.startTick).toBe(1);
    a.release();
    if (fs.existsSync('/proc/sys/kernel/random/boot_id')) {
      staleLock(dir, { pid: process.pid, bootId: 'another-boot' });
      const b = acquireBatchLock(dir, 'udp');
      expect(b.tookOver?.bootId).toBe('another-boot');
      b.release();
    }
    // The live holder's own lock (pid alive, same start tick): refused.
    const live = acquireBatchLock(dir, 'udp');
    expect(() => acquireBatchLock(dir, 'udp')).toThrow(CliError);
    live.release();
    // A half-written lock (not JSON), fresh: another process is writing it; refused, not taken.
    fs.writeFileSync(path.join(dir, LOCK_FILE), '{"pid":');
    expect(() => acquireBatchLock(dir, 'udp')).toThrow(/being written/);
  });
});

describe('nowboard serve: bad input is a typed error before anything is sent', () => {
  async function expectRefused(dir: string, code: string, argv: string[] = SIM): Promise<CliError> {
    const e = await serveError(['--dir', dir, ...argv]);
    expect(e.code, e.message).toBe(code);
    // nothing ran: no audit record, no lock left behind
    const log = path.join(dir, 'audit.jsonl');
    expect(fs.existsSync(log) ? readAuditLog(log).records.length : 0).toBe(0);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    return e;
  }

  it('each corrupt or inconsistent batch file is refused with its own code, naming the file', async () => {
    const base = await keygenDir(3);
    const copy = () => {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bad-'));
      fs.cpSync(base, d, { recursive: true });
      return d;
    };
    let d = copy();
    fs.writeFileSync(path.join(d, 'manifest.json'), '{"format": "nowboard-manifest/1", "devi');
    expect((await expectRefused(d, 'E_FILE_CORRUPT')).message).toContain('manifest.json');

    d = copy();
    // its own key hash: a copy of entries[0]'s would be refused earlier, as a duplicate hash (the whitelist schema)
    editJson(path.join(d, 'whitelist.json'), (w) => w.entries.push({ ...w.entries[0], id: 'stranger', keyHash: 'ab'.repeat(32) }));
    expect((await expectRefused(d, 'E_WHITELIST')).message).toContain('stranger');

    d = copy();
    editJson(path.join(d, 'whitelist.json'), (w) => (w.entries[1].keyHash = w.entries[0].keyHash));
    expect((await expectRefused(d, 'E_WHITELIST')).message).toContain('keyHash');

    d = copy();
    const other = await keygenDir(1);
    fs.copyFileSync(path.join(other, 'configurator.key.json'), path.join(d, 'configurator.key.json'));
    expect((await expectRefused(d, 'E_FILE_CORRUPT')).message).toContain('configurator.key.json');

    d = copy();
    editJson(path.join(d, 'configs.json'), (c) => (c.groups.default.psk = 'short'));
    expect((await expectRefused(d, 'E_FILE_CORRUPT')).message).toContain('psk');

    d = copy();
    editJson(path.join(d, 'configs.json'), (c) => {
      c.groups.other = c.groups.default;
      delete c.groups.default;
    });
    expect((await expectRefused(d, 'E_FILE_CORRUPT')).message).toMatch(/no configuration for group "default"/);

    d = copy();
    editJson(path.join(d, 'devices', 'dev-0002.json'), (s) => (s.privateKey = s.privateKey.replace(/^../, s.privateKey.startsWith('00') ? '01' : '00')));
    expect((await expectRefused(d, 'E_FILE_CORRUPT')).message).toContain('dev-0002.json');

    d = await keygenDir(2, ['--protocol', 'ecqv']);
    expect((await expectRefused(d, 'E_MANIFEST')).message).toContain('whitelist configurator only');

    d = copy();
    fs.unlinkSync(path.join(d, 'configs.json'));
    expect((await expectRefused(d, 'E_FILE_MISSING')).message).toContain('configs.json');
  });

  it('with --transport udp nothing reaches the network: a listening peer hears nothing', async () => {
    const d = await keygenDir(2);
    fs.writeFileSync(path.join(d, 'whitelist.json'), 'not json');
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    let heard = 0;
    peer.on('message', () => heard++);
    try {
      await expectRefused(d, 'E_FILE_CORRUPT', ['--transport', 'udp', '--port', '0', '--peers', '127.0.0.1:' + peer.address().port, '--quiet']);
      await new Promise((r) => setTimeout(r, 300));
      expect(heard).toBe(0);
    } finally {
      await new Promise<void>((r) => peer.close(() => r()));
    }
  });

  it('an audit log with a corrupt line is refused (serve will not guess what is done); a torn last line is set aside', async () => {
    const d = await keygenDir(2);
    const log = path.join(d, 'audit.jsonl');
    fs.writeFileSync(log, '{"ev":"run-start","run":"r1"}\ngarbage\n{"ev":"run-stop","run":"r1"}\n');
    const e = await serveError(['--dir', d, ...SIM]);
    expect(e.code).toBe('E_FILE_CORRUPT');
    expect(e.message).toContain('line 2');
    // A crash mid-write leaves a cut-off last line: noted, ignored, and the next record starts on a line of its own.
    fs.writeFileSync(log, '{"ev":"run-start","run":"r1"}\n{"ev":"audit","run":"r1","device":"dev-00');
    const out: string[] = [];
    expect(await main(['serve', '--dir', d, ...SIM], (s) => out.push(s))).toBe(0);
    expect(out.join('\n')).toContain('cut off');
    const back = readAuditLog(log);
    expect(back.torn).toBe(true);
    expect(back.records.filter((r) => r.ev === 'audit' && isProvisionedCode(r.code)).length).toBe(2);
  });

  it('flags: an unknown transport, a bad peer, a bad MAC; a bridge that does not answer', async () => {
    const d = await keygenDir(1);
    expect((await serveError(['--dir', d, '--transport', 'carrier-pigeon'])).code).toBe('E_FLAG_VALUE');
    expect((await serveError(['--dir', d, '--peers', '192.168.4.255'])).code).toBe('E_FLAG_VALUE');
    expect((await serveError(['--dir', d, '--mac', '02:00'])).code).toBe('E_FLAG_VALUE');
    const e = await serveError(['--dir', d, '--transport', 'bridge:/dev/ttyUSB9', '--quiet']);
    expect(e.code).toBe('E_TRANSPORT');
    expect(e.message).toContain('no bridge answering');
    expect(fs.existsSync(path.join(d, LOCK_FILE))).toBe(false);
    expect(readAuditLog(path.join(d, 'audit.jsonl')).records.length).toBe(0);
  });
});

describe('nowboard serve: Ctrl-C', () => {
  it('SIGINT mid-batch: open sessions written as interrupted, exit 130, lock released; a restart resumes and provisions each device once', async () => {
    const dir = await keygenDir(8);
    const log = path.join(dir, 'audit.jsonl');
    const child = spawn(process.execPath, [
      '--import', 'tsx', path.join(ROOT, 'configurator/cli/nowboard.ts'), 'serve', '--dir', dir,
      '--transport', 'sim', '--speed', '2', '--loss', '0.3', '--seed', 'sigint', '--quiet', '--drain-seconds', '1',
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b) => (output += b));
    child.stderr.on('data', (b) => (output += b));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + BOUND_MS;
    // Sessions open once the enrollees have announced themselves: a few virtual seconds after the run starts.
    while (!(fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('"run-start"'))) {
      if (Date.now() > deadline) throw new Error('serve never started: ' + output);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, output).toBe(130);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const first = readAuditLog(log);
    const stopRec = first.records[first.records.length - 1];
    expect(stopRec).toMatchObject({ ev: 'run-stop', reason: 'interrupted' });
    const interrupted = first.records.filter((r) => r.ev === 'interrupted');
    expect(interrupted.length).toBe(stopRec.interrupted);
    expect(output).toContain('stopped: interrupted');

    const out: string[] = [];
    expect(await main(['serve', '--dir', dir, ...SIM, '--seed', 'sigint-2'], (s) => out.push(s))).toBe(0);
    const all = readAuditLog(log).records;
    const oks = new Map<string, number>();
    for (const r of all) if (r.ev === 'audit' && isProvisionedCode(r.code)) oks.set(r.device as string, (oks.get(r.device as string) ?? 0) + 1);
    expect(oks.size).toBe(8);
    expect([...oks.values()].every((n) => n === 1)).toBe(true);
    expect(out.join('\n')).toContain('resuming');
  }, BOUND_MS + 30000);
});
