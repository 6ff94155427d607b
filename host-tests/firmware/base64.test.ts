// Base64 (RFC 4648 §4): the RFC's §10 vectors, round trips against Node's
// Buffer, and refusal of anything non-canonical (never a throw).
import { describe, it, expect } from 'vitest';
import { toBase64, fromBase64 } from '../../firmware/bytes/base64.ts';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

describe('base64', () => {
  it('RFC 4648 §10 test vectors', () => {
    const v: [string, string][] = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [a, b] of v) {
      expect(toBase64(enc(a))).toBe(b);
      expect(Buffer.from(fromBase64(b)!).toString('utf8')).toBe(a);
    }
  });
  it('round trips every length 0..300 like Buffer', () => {
    for (let n = 0; n <= 300; n++) {
      const b = new Uint8Array(n).map((_, i) => (i * 151 + n) & 255);
      const s = toBase64(b);
      expect(s).toBe(Buffer.from(b).toString('base64'));
      expect(Array.from(fromBase64(s)!)).toEqual(Array.from(b));
    }
  });
  it('refuses non-canonical input with null', () => {
    for (const s of ['Zg', 'Zg=', 'Z===', 'Zh==', 'Zm9v!', 'Zm=v', '====', 'Zm9vYg==Zg==', ' Zm9v', 'Zm9v\n']) expect(fromBase64(s)).toBeNull();
    expect(fromBase64(123 as any)).toBeNull();
  });
});
