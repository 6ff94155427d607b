// The AES-only enrollee (issue 12): the psk-oob enrollee bundles, per their
// esbuild inputs, hold AES-128 and its modes and KDF and nothing else of
// crypto; the same check refuses the whitelist enrollee (it can fail); the
// size report carries the rule and the figures.
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { bundleModules } from '../../build/pipeline.ts';
import { cryptoModules, sizeReport } from '../../build/size-report.ts';
import { TARGETS } from '../../build/targets.ts';
import { AES_ONLY_BUNDLES, aesOnlyViolations } from '../../build/aes-only.ts';

const ROOT = path.resolve(__dirname, '../..');
const target = (name: string) => TARGETS.find((t) => t.name === name)!;

describe('AES-only enrollee', () => {
  for (const name of AES_ONLY_BUNDLES) {
    it(name + ': no SHA, HMAC, HKDF or EC module among its inputs', async () => {
      const mods = await bundleModules(target(name));
      expect(mods).toContain('firmware/protocols/psk-oob/enrollee.ts');
      const crypto = cryptoModules(mods);
      // The compact byte-wise AES replaces the T-table one in this bundle (build/pipeline.ts).
      expect(crypto).toContain('aes128-small');
      expect(crypto).not.toContain('aes128');
      expect(crypto).toContain('aes-ccm');
      expect(crypto).toContain('kdf-cmac');
      expect(aesOnlyViolations(crypto)).toEqual([]);
      for (const m of mods) expect(m).not.toMatch(/sha|hmac|hkdf|25519|p256|weierstrass|bignum|ecdsa|ecqv|curve/);
    });
  }
  it('the same check refuses the whitelist enrollee (X25519, SHA-256)', async () => {
    const bad = aesOnlyViolations(cryptoModules(await bundleModules(target('espruino/whitelist/enrollee'))));
    expect(bad).toEqual(expect.arrayContaining(['sha256', 'x25519', 'hmac-sha256']));
  });
  it('the size report fails a bundle named AES-only that carries SHA, and prints the built ones beside the whitelist enrollee', () => {
    const r = sizeReport([
      { target: { name: 'espruino/whitelist/enrollee', out: 'dist/espruino/whitelist/enrollee.js', kind: 'board', platform: 'espruino' }, code: 'x'.repeat(20000), modules: ['firmware/crypto/sha256.ts'] },
      { target: { name: 'espruino/psk-oob/enrollee', out: 'dist/espruino/psk-oob/enrollee.js', kind: 'board', platform: 'espruino' }, code: 'x'.repeat(10000), modules: ['firmware/crypto/aes128.ts', 'firmware/crypto/sha256.ts'] },
    ]);
    expect(r.rows[1].errors).toEqual(['not AES-only: sha256']);
    expect(r.table).toMatch(/psk-oob\/enrollee\.js: AES only .* 10000 B .* whitelist enrollee 20000 B \(0\.50 x\)/);
    const built = path.join(ROOT, 'dist/size-report.json');
    if (fs.existsSync(built)) {
      const rows = JSON.parse(fs.readFileSync(built, 'utf8')).outputs as { name: string; errors: string[]; crypto: string[] }[];
      for (const n of AES_ONLY_BUNDLES) {
        const row = rows.find((x) => x.name === n)!;
        expect(row.errors).toEqual([]);
        expect(aesOnlyViolations(row.crypto)).toEqual([]);
      }
    }
  });
});
