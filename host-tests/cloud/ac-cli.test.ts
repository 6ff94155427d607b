// `nowboard cloud …` (configurator/cli/command-cloud.ts) on a PGlite directory:
// key generation, BR registration, trust list, audit, typed errors, and
// `cloud serve` as a real process — a BR joins a node over HTTP with the key
// files the CLI made, a second process is locked out of the directory, SIGTERM
// stops it cleanly.
import { describe, it, expect, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { readKeyFile } from '../../configurator/cli/command-cloud.ts';
import { keyPairOfFile } from '../../configurator/cloud/ac-crypto.ts';
import { AcHttpClient } from '../../configurator/cloud/ac-client.ts';
import { makeNode, signJoin } from './cloud-fixtures.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-cloud-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const dbDir = path.join(tmp, 'ac-data');
const acKeyFile = path.join(tmp, 'ac-key.json');
const brKeyFile = path.join(tmp, 'br-a.key.json');

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, (s) => lines.push(s));
  return { code, out: lines.join('\n') };
}
async function runErr(args: string[]): Promise<CliError> {
  try {
    await run(args);
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError from ' + args.join(' '));
}

const nodes = [makeNode('p256'), makeNode('secp160k1')];

describe('nowboard cloud (admin)', () => {
  it('init makes a private key file once; br add makes and registers a BR key', async () => {
    const r = await run(['cloud', 'init', '--key', acKeyFile, '--id', 'ac-cli']);
    expect(r.code).toBe(0);
    expect((fs.statSync(acKeyFile).mode & 0o777).toString(8)).toBe('600');
    const kf = readKeyFile(acKeyFile);
    expect(r.out).toContain(kf.pub);
    expect((await runErr(['cloud', 'init', '--key', acKeyFile])).code).toBe('E_FILE_EXISTS');
    expect((await run(['cloud', 'br', 'add', '--db', dbDir, '--id', 'br-a', '--key-out', brKeyFile])).code).toBe(0);
    expect(readKeyFile(brKeyFile).id).toBe('br-a');
  });

  it('add --from, list, revoke, audit; mistakes are typed errors', async () => {
    const file = path.join(tmp, 'nodes.json');
    fs.writeFileSync(file, JSON.stringify(nodes.map((n) => ({ sn: n.sn, mac: n.mac.replace(/(..)(?!$)/g, '$1:'), pub: n.pubHex, curve: n.curve, gpub: n.gpubHex }))));
    expect((await run(['cloud', 'add', '--db', dbDir, '--from', file])).out).toMatch(/added 2 nodes/);
    const dup = await runErr(['cloud', 'add', '--db', dbDir, '--from', file]);
    expect(dup.code).toBe('E_CLOUD');
    expect(dup.message).toMatch(/already in the trust list/);
    const bad = await runErr(['cloud', 'add', '--db', dbDir, '--sn', 'X1', '--mac', '020000000001', '--pub', '04' + '11'.repeat(64), '--gpub', nodes[0].gpubHex]);
    expect(bad.message).toMatch(/not an uncompressed p256 public key on the curve/);
    expect((await runErr(['cloud', 'add', '--db', dbDir, '--sn', 'X1'])).code).toBe('E_FLAG_MISSING');
    expect((await runErr(['cloud', 'frobnicate'])).code).toBe('E_USAGE');
    const extra = makeNode();
    expect((await runErr(['cloud', 'add', '--db', dbDir, '--sn', extra.sn, '--mac', extra.mac, '--pub', extra.pubHex])).code).toBe('E_FLAG_MISSING');
    await run(['cloud', 'add', '--db', dbDir, '--sn', extra.sn, '--mac', extra.mac, '--pub', extra.pubHex, '--gpub', extra.gpubHex]);
    await run(['cloud', 'revoke', '--db', dbDir, '--sn', extra.sn]);
    const again = await runErr(['cloud', 'revoke', '--db', dbDir, '--sn', extra.sn]);
    expect(again.message).toMatch(/already revoked/);
    expect(again.exitCode).toBe(1);
    const list = JSON.parse((await run(['cloud', 'list', '--db', dbDir, '--json'])).out);
    expect(list.map((r: any) => [r.sn, r.status]).sort()).toEqual([[extra.sn, 'revoked'], [nodes[0].sn, 'active'], [nodes[1].sn, 'active']].sort());
    const audit = JSON.parse((await run(['cloud', 'audit', '--db', dbDir, '--json', '--sn', extra.sn])).out);
    expect(audit.map((r: any) => r.action)).toEqual(['trust-add', 'trust-revoke']);
    expect(audit[0].actor).toMatch(/^admin:/);
  });
});

describe('nowboard cloud serve (a process)', () => {
  it('serves joins with the CLI-made keys, locks its directory, stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'configurator/cli/nowboard.ts', 'cloud', 'serve', '--db', dbDir, '--key', acKeyFile, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    const url = await new Promise<string>((res, rej) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /on (http:\/\/\S+) /.exec(stdout);
        if (m) res(m[1]);
      });
      void exited.then((c) => rej(new Error(`serve exited ${c}: ${stderr}`)));
    });
    try {
      const acKf = readKeyFile(acKeyFile);
      const brKf = readKeyFile(brKeyFile);
      const client = new AcHttpClient({ url, brId: brKf.id, brKey: keyPairOfFile(brKf).privateKey, acPubHex: acKf.pub, acId: 'ac-cli' });
      for (const n of nodes) {
        const a = await client.join(signJoin(n, Math.floor(Date.now() / 1000)));
        expect(a.ok, n.curve).toBe(true);
        expect(a.pub).toBe(n.pubHex);
      }
      const locked = await runErr(['cloud', 'list', '--db', dbDir]);
      expect(locked.code).toBe('E_LOCKED');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/SIGTERM: stopping/);
    // The directory is free again and holds what the service decided.
    const audit = JSON.parse((await run(['cloud', 'audit', '--db', dbDir, '--json'])).out);
    expect(audit.filter((r: any) => r.action === 'join' && r.result === 'OK').length).toBe(2);
  });
});
