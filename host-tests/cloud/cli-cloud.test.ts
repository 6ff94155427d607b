// `nowboard keygen --protocol cloud` and `nowboard sim --protocol cloud` through the CLI's main().
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../configurator/cli/nowboard.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { decodeNodeIdentity, decodeBrIdentity } from '../../firmware/protocols/cloud/records.ts';
import { getPublicKey, makeCurve } from '../../firmware/crypto/weierstrass.ts';
import { P256_PARAMS, SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';
import { acGrantKey, keyPairOfFile } from '../../configurator/cloud/ac-crypto.ts';
import { readKeyFile } from '../../configurator/cli/command-cloud.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-cloud-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};
const fails = (argv: string[]) => run(argv).then(() => null, (e) => e);

function storageOf(dir: string) {
  return makeSlotStorage({
    read: (n) => (fs.existsSync(path.join(dir, n)) ? new Uint8Array(fs.readFileSync(path.join(dir, n))) : undefined),
    write: () => undefined, erase: () => undefined, list: () => fs.readdirSync(dir),
  });
}

describe('nowboard keygen --protocol cloud', () => {
  it('writes node identities, BR keys pinning the AC key, the trust list and the BR list; keys match', async () => {
    const dir = tmp();
    const r = await run(['keygen', '--protocol', 'cloud', '--count', '3', '--out', dir, '--curve', 'secp160k1', '--macs', '24:0a:c4:00:00:01,24:0a:c4:00:00:02,24-0A-C4-00-00-03']);
    expect(r.code).toBe(0);
    const trust = JSON.parse(fs.readFileSync(path.join(dir, 'trust-list.json'), 'utf8'));
    expect(trust.map((t: any) => [t.sn, t.mac, t.curve])).toEqual([
      ['NB-10001', '240ac4000001', 'secp160k1'], ['NB-10002', '240ac4000002', 'secp160k1'], ['NB-10003', '240ac4000003', 'secp160k1'],
    ]);
    const C = makeCurve(SECP160K1_PARAMS);
    for (const t of trust) {
      const id = decodeNodeIdentity(storageOf(path.join(dir, 'nodes', t.sn)).read('nb-id')!).identity!;
      expect(id.sn).toBe(t.sn);
      expect(toHex(id.mac)).toBe(t.mac);
      expect(toHex(getPublicKey(C, id.priv, false))).toBe(t.pub);
    }
    const brs = JSON.parse(fs.readFileSync(path.join(dir, 'border-routers.json'), 'utf8'));
    expect(brs.map((b: any) => b.id)).toEqual(['br-1', 'br-2']);
    const ac = keyPairOfFile(JSON.parse(fs.readFileSync(path.join(dir, 'ac-key.json'), 'utf8')));
    // README §4.4: each node's K_an is what the AC derives from its key and the row's grant point F
    const kans = new Set<string>();
    for (const t of trust) {
      const id = decodeNodeIdentity(storageOf(path.join(dir, 'nodes', t.sn)).read('nb-id')!).identity!;
      expect(t.gpub).toMatch(/^04[0-9a-f]{128}$/);
      expect(toHex(acGrantKey(ac.privateKey, ac.pubHex, t.sn, t.gpub))).toBe(toHex(id.grantKey));
      kans.add(toHex(id.grantKey));
    }
    expect(kans.size).toBe(trust.length);
    expect((fs.statSync(path.join(dir, 'ac-key.json')).mode & 0o777).toString(8)).toBe('600');
    for (const b of brs) {
      const id = decodeBrIdentity(storageOf(path.join(dir, 'border-routers', b.id)).read('nb-brkey')!).identity!;
      expect(toHex(id.acPub)).toBe(ac.pubHex);
      expect(toHex(getPublicKey(makeCurve(P256_PARAMS), id.priv, false))).toBe(b.pub);
    }
  });

  it('its files load into the AC with nowboard cloud (trust list, BRs, the AC key file)', async () => {
    const dir = tmp();
    expect((await run(['keygen', '--protocol', 'cloud', '--count', '2', '--out', dir, '--ac-host', '10.0.0.5'])).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'border-routers', 'br-1', 'nb-uplink.json'), 'utf8'))).toEqual({ host: '10.0.0.5', port: 47200 });
    const db = path.join(dir, 'ac-data');
    expect((await run(['cloud', 'add', '--db', db, '--from', path.join(dir, 'trust-list.json')])).code).toBe(0);
    for (const b of JSON.parse(fs.readFileSync(path.join(dir, 'border-routers.json'), 'utf8'))) {
      expect((await run(['cloud', 'br', 'add', '--db', db, '--id', b.id, '--pub', b.pub])).code).toBe(0);
    }
    const list = JSON.parse((await run(['cloud', 'list', '--db', db, '--json'])).text);
    expect(list.map((x: any) => x.sn).sort()).toEqual(['NB-10001', 'NB-10002']);
    const brs = JSON.parse((await run(['cloud', 'br', 'list', '--db', db, '--json'])).text);
    expect(brs.map((x: any) => x.id).sort()).toEqual(['br-1', 'br-2']);
    expect(readKeyFile(path.join(dir, 'ac-key.json')).id).toBe('ac-1');
  });

  it('refuses bad cloud flags before writing anything, and cloud flags on other protocols', async () => {
    const dir = path.join(tmp(), 'x');
    expect((await fails(['keygen', '--protocol', 'cloud', '--count', '2', '--out', dir, '--macs', '24:0a:c4:00:00:01']))?.code).toBe('E_FLAG_VALUE');
    expect((await fails(['keygen', '--protocol', 'cloud', '--count', '1', '--out', dir, '--macs', 'zz:0a:c4:00:00:01']))?.code).toBe('E_FLAG_VALUE');
    expect((await fails(['keygen', '--protocol', 'cloud', '--count', '1', '--out', dir, '--ac-pub', '04abcd']))?.code).toBe('E_FLAG_VALUE');
    expect((await fails(['keygen', '--protocol', 'whitelist', '--count', '1', '--out', dir, '--brs', '3']))?.code).toBe('E_FLAG_VALUE');
    expect(fs.existsSync(dir)).toBe(false);
  });
});

describe('nowboard sim --protocol cloud', () => {
  it('provisions through two BRs and the embedded AC, rejoin and revocation OK, and writes Tables III and I', async () => {
    const dir = tmp();
    const r = await run(['sim', '--protocol', 'cloud', '--count', '4', '--loss', '0.05', '--seed', 'cli-cloud', '--quiet', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/OK {3}batch: 4\/4 nodes provisioned through 2 border routers/);
    expect(r.text).toMatch(/OK {3}rejoin: /);
    expect(r.text).toMatch(/OK {3}revocation: .*refused by cfg1, cfg2/);
    expect(r.text).toMatch(/pglite:memory/);
    const md = fs.readFileSync(path.join(dir, 'paper000-tables.md'), 'utf8');
    expect(md).toMatch(/\| paper 000, MSP430 \+ CC2420, secp160k1 \(measured\) \| ECC Sign \| 1 \| 5\.73 \| 32\.0 \| 173\.0 \|/);
    expect(md).toMatch(/\| paper 000, MSP430 \+ CC2420, secp160k1 \(measured\) \| ECC Decrypt \| 1 \| 5\.30 \| 30\.0 \| 160\.0 \|/);
    // model rows exist for both curves, with a positive time and energy = power × time
    for (const curve of ['secp160k1', 'P-256']) {
      for (const op of ['ECC Sign', 'ECC Decrypt']) {
        const row = md.split('\n').find((l) => l.includes(`${curve}, CPU active, radio off`) && l.includes(`| ${op} |`))!;
        const cells = row.split('|').map((c) => c.trim());
        const t = Number(cells[4]), p = Number(cells[5]), e = Number(cells[6]);
        expect(t).toBeGreaterThan(1);
        expect(Math.abs(e - p * t)).toBeLessThan(p * 0.006 + 0.1); // t is printed to 0.01 s
      }
    }
    expect(md).toMatch(/dist\/espruino\/cloud\/enrollee\.js \| \d+ B raw, \d+ B gzip/);
    expect(md).toMatch(/55389/);
    expect(fs.existsSync(path.join(dir, 'sim-report.md'))).toBe(true);
    const audit = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    expect(audit).toMatch(/E_AC_SN_REVOKED/);
  });
});
