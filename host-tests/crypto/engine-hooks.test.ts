/**
 * The one install point for engine accelerations (firmware/crypto/engine-hooks.ts):
 * each call sets every hook (absent = pure JS), so calls replace rather than
 * merge, `{}` resets, and no other product file installs a hook.
 */
import { describe, expect, it, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { installEngineHooks, activeEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { convolveP } from '../../firmware/crypto/bignum-limbs.ts';
import '../../firmware/crypto/field25519.ts';
import { natives } from '../../firmware/crypto/crypto-natives.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { x25519Base } from '../../firmware/crypto/x25519.ts';

const ROOT = path.resolve(__dirname, '../..');
const model = (a: Float64Array, b: Float64Array, off: number) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[(i + off) % b.length];
  return s;
};
const nodeSha = (m: Uint8Array) => new Uint8Array(createHash('sha256').update(m).digest());

afterEach(() => {
  installEngineHooks({});
});

describe('engine hooks', () => {
  it('a second install replaces the first; {} resets to pure JS', () => {
    expect(installEngineHooks({ convolve: model, crypto: { sha256: nodeSha } })).toEqual(['sha256', 'convolve']);
    expect(convolveP()).toBe(model);
    expect(natives.s).not.toBeNull();
    expect(installEngineHooks({ crypto: { sha256: nodeSha } })).toEqual(['sha256']);
    expect(convolveP()).toBeNull();
    installEngineHooks({});
    expect(activeEngineHooks()).toEqual([]);
    expect(natives.s).toBeNull();
    expect(natives.a).toBeNull();
  });

  it('results are the same with and without hooks', () => {
    const k = new Uint8Array(32).map((_, i) => i * 7 + 1);
    const m = new Uint8Array(100).map((_, i) => i);
    const pure = [x25519Base(k), sha256(m)];
    installEngineHooks({ convolve: model, crypto: { sha256: nodeSha } });
    expect([x25519Base(k), sha256(m)]).toEqual(pure);
  });

  it('engine-hooks.ts is the only way in: no crypto module exports an installer of its own', () => {
    const dir = path.join(ROOT, 'firmware/crypto');
    const installers: string[] = [];
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.ts')) continue;
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/^export function (install\w*)/gm)) installers.push(f + ' ' + m[1]);
    }
    expect(installers).toEqual(['engine-hooks.ts installEngineHooks']);
  });

  it('modules subscribe when loaded: a bundle without the field code never loads it', async () => {
    const { bundleModules } = await import('../../build/pipeline.ts');
    const mods = await bundleModules({ name: 't', entry: 'firmware/crypto/aes-ccm.ts', out: 'dist/t.js', platform: null, globals: 'size', kind: 'size' });
    expect(mods).toContain('firmware/crypto/engine-hooks.ts');
    expect(mods).toContain('firmware/crypto/aes128.ts');
    expect(mods.filter((m) => /field25519|bignum-limbs|p256/.test(m))).toEqual([]);
  });
});
