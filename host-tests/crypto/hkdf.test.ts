// HKDF-SHA-256 (RFC 5869): Appendix A.1-A.3, differential vs @noble/hashes,
// length limits, and 100% of Wycheproof hkdf_sha256_test.json (invalid = size
// too large: must throw E_HKDF_LENGTH).
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect } from 'vitest';
import { hkdf as nobleHkdf } from '@noble/hashes/hkdf.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hkdfExtract, hkdfExpand, hkdfSha256 } from '../../firmware/crypto/hkdf-sha256.ts';

import { fromHex, toHex } from '../../firmware/bytes/bytes.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { runWycheproof } from './wycheproof-loader.ts';
import { rng } from './test-rng.ts';


function seq(from: number, n: number): Uint8Array {
  var b = new Uint8Array(n);
  for (var i = 0; i < n; i++) b[i] = from + i;
  return b;
}
function rep(byte: number, n: number): Uint8Array {
  var b = new Uint8Array(n);
  for (var i = 0; i < n; i++) b[i] = byte;
  return b;
}

installEngineHooks({});

describe('HKDF-SHA-256 RFC 5869 Appendix A', () => {
  it('A.1 basic', () => {
    var ikm = rep(0x0b, 22), salt = seq(0, 13), info = seq(0xf0, 10);
    var prk = hkdfExtract(salt, ikm);
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    var okm = '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865';
    expect(toHex(hkdfExpand(prk, info, 42))).toBe(okm);
    expect(toHex(hkdfSha256(ikm, salt, info, 42))).toBe(okm);
  });
  it('A.2 longer inputs and output (82 bytes)', () => {
    var ikm = seq(0, 80), salt = seq(0x60, 80), info = seq(0xb0, 80);
    var prk = hkdfExtract(salt, ikm);
    expect(toHex(prk)).toBe('06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244');
    expect(toHex(hkdfSha256(ikm, salt, info, 82))).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09' +
        'da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87',
    );
  });
  it('A.3 zero-length salt and info', () => {
    var ikm = rep(0x0b, 22), empty = new Uint8Array(0);
    expect(toHex(hkdfExtract(empty, ikm))).toBe('19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04');
    expect(toHex(hkdfSha256(ikm, empty, empty, 42))).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    );
  });
});

describe('HKDF-SHA-256 differential vs @noble/hashes', () => {
  it('2000 seeded cases: ikm 0..100, salt 0..100 (incl. empty), info 0..60, length 0..600', () => {
    var r = rng(0x4bdf);
    var bad: string[] = [];
    for (var k = 0; k < 2000; k++) {
      var ikm = r.bytes(r.int(101)), salt = r.bytes(k % 7 === 0 ? 0 : r.int(101)), info = r.bytes(r.int(61));
      var len = k % 50 === 0 ? 255 * 32 - r.int(3) : r.int(601);
      if (toHex(hkdfSha256(ikm, salt, info, len)) !== toHex(nobleHkdf(nobleSha256, ikm, salt, info, len))) bad.push('case ' + k);
    }
    expect(bad).toEqual([]);
  });
});

describe('HKDF-SHA-256 limits', () => {
  var prk = hkdfExtract(new Uint8Array(0), rep(1, 32));
  it('length 0 gives an empty output; 255*32 is allowed', () => {
    expect(hkdfExpand(prk, new Uint8Array(0), 0).length).toBe(0);
    expect(hkdfExpand(prk, new Uint8Array(0), 8160).length).toBe(8160);
  });
  it('length > 255*32, negative or fractional throws E_HKDF_LENGTH', () => {
    expect(() => hkdfExpand(prk, new Uint8Array(0), 8161)).toThrow(/^E_HKDF_LENGTH/);
    expect(() => hkdfSha256(prk, new Uint8Array(0), new Uint8Array(0), 8161)).toThrow(/^E_HKDF_LENGTH/);
    expect(() => hkdfExpand(prk, new Uint8Array(0), -1)).toThrow(/^E_HKDF_LENGTH/);
    expect(() => hkdfExpand(prk, new Uint8Array(0), 1.5)).toThrow(/^E_HKDF_LENGTH/);
  });
  it('expand prepares the PRK once: 96 bytes with a short info cost 2 + 3 * 2 compressions', () => {
    var before = work.shaBlock;
    hkdfExpand(prk, new Uint8Array(10), 96);
    expect(work.shaBlock - before).toBe(8);
  });
  it('empty salt equals 32 zero bytes (RFC 5869 §2.2)', () => {
    var ikm = rep(7, 40);
    expect(toHex(hkdfExtract(new Uint8Array(0), ikm))).toBe(toHex(hkdfExtract(new Uint8Array(32), ikm)));
  });
});

describe('HKDF-SHA-256 Wycheproof', () => {
  it('hkdf_sha256_test.json: 100% of vectors', () => {
    var tally = runWycheproof('hkdf_sha256_test.json', (t) => {
      var ikm = fromHex(t.ikm), salt = fromHex(t.salt), info = fromHex(t.info);
      if (t.result === 'invalid') {
        // The only invalid vectors are SizeTooLarge: the refusal must be E_HKDF_LENGTH,
        // not some other exception (which would be a bug that merely looks like a refusal).
        try {
          hkdfSha256(ikm, salt, info, t.size);
        } catch (e) {
          var m = (e as Error).message;
          return /^E_HKDF_LENGTH/.test(m) ? { accepted: false } : { accepted: true, mismatch: 'wrong error: ' + m };
        }
        return { accepted: true };
      }
      var okm = toHex(hkdfSha256(ikm, salt, info, t.size));
      return { accepted: true, mismatch: okm === t.okm ? undefined : 'okm ' + okm };
    });
    tally.assertAllPassed();
    expect(tally.applicable).toBe(86);
    expect(tally.invalidRejected).toBe(3);
  });
});
