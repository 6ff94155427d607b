// Generated firmware sources must be exactly what their generator writes today:
// a hand edit of the unrolled code (or a generator change not re-run) fails here.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { generate, OUT_PATH } from '../../build/gen-p256-field-mul.ts';

describe('generated sources', () => {
  it('firmware/crypto/p256-field-mul.ts equals the output of build/gen-p256-field-mul.ts', () => {
    var onDisk = readFileSync(OUT_PATH, 'utf8');
    var fresh = generate();
    expect(fresh.length).toBeGreaterThan(10000);
    expect(onDisk).toBe(fresh);
  });
});
