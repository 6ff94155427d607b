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

  it('no product file but engine-hooks.ts installs a hook', () => {
    const low = /\b(installNativeCrypto|installConvolve25519|installConvolveP)\s*\(/;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          for (const line of text.split('\n')) {
            if (/^\s*(\*|\/\/)/.test(line) || /^export function/.test(line)) continue;
            if (low.test(line)) offenders.push(path.relative(ROOT, p) + ': ' + line.trim());
          }
        }
      }
    };
    for (const d of ['firmware', 'configurator']) walk(path.join(ROOT, d));
    expect(offenders.filter((o) => !o.startsWith('firmware/crypto/engine-hooks.ts'))).toEqual([]);
    // the check must be able to fail: the hook file itself calls all three
    expect(offenders.filter((o) => o.startsWith('firmware/crypto/engine-hooks.ts')).length).toBe(3);
  });
});
