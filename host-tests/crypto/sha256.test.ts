// SHA-256 (FIPS 180-4): known answers, differential vs @noble/hashes on seeded
// random inputs, incremental == one-shot on random splits, work counter.
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect } from 'vitest';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256, sha256Init, sha256Update, sha256Final } from '../../firmware/crypto/sha256.ts';

import { work } from '../../firmware/crypto/work-counters.ts';
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { rng } from './test-rng.ts';

/** xorshift32: a seeded, reproducible byte source (the seed is printed on failure). */

describe('sha256 known answers (FIPS 180-4 examples)', () => {
  installEngineHooks({});
  it('"abc"', () => {
    expect(toHex(sha256(utf8Encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('empty string', () => {
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('448-bit message (two-block padding)', () => {
    expect(toHex(sha256(utf8Encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });
  it('896-bit message', () => {
    var m = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu';
    expect(toHex(sha256(utf8Encode(m)))).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
  });
  it('one million "a" through the incremental API in odd chunks', () => {
    var st = sha256Init();
    var chunk = new Uint8Array(999);
    for (var i = 0; i < chunk.length; i++) chunk[i] = 0x61;
    var left = 1000000;
    while (left > 0) {
      var n = left < 999 ? left : 999;
      sha256Update(st, n === 999 ? chunk : chunk.subarray(0, n));
      left -= n;
    }
    expect(toHex(sha256Final(st))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
});

describe('sha256 differential vs @noble/hashes', () => {
  installEngineHooks({});
  it('every length 0..300, 10 seeded messages each (3010 cases)', () => {
    var r = rng(0x5a256);
    var bad: string[] = [];
    for (var len = 0; len <= 300; len++) {
      for (var k = 0; k < 10; k++) {
        var m = r.bytes(len);
        var a = toHex(sha256(m));
        var b = toHex(nobleSha256(m));
        if (a !== b) bad.push('len ' + len + ' #' + k);
      }
    }
    expect(bad).toEqual([]);
  });
  it('block-boundary lengths 55, 56, 63, 64, 65, 119, 120, 127, 128, 129 with 200 messages each', () => {
    var r = rng(0xb10c);
    var lens = [55, 56, 63, 64, 65, 119, 120, 127, 128, 129];
    for (var i = 0; i < lens.length; i++) {
      for (var k = 0; k < 200; k++) {
        var m = r.bytes(lens[i]);
        expect(toHex(sha256(m)), 'len ' + lens[i]).toBe(toHex(nobleSha256(m)));
      }
    }
  });
  it('a few long messages (1..20 KB)', () => {
    var r = rng(77);
    for (var k = 0; k < 10; k++) {
      var m = r.bytes(1000 + r.int(20000));
      expect(toHex(sha256(m))).toBe(toHex(nobleSha256(m)));
    }
  });
});

describe('sha256 incremental API', () => {
  installEngineHooks({});
  it('random splits into 1..5 updates equal the one-shot digest (2000 cases)', () => {
    var r = rng(0x1c4e);
    for (var k = 0; k < 2000; k++) {
      var m = r.bytes(r.int(400));
      var st = sha256Init();
      var parts = 1 + r.int(5), off = 0;
      for (var p = 0; p < parts; p++) {
        var end = p === parts - 1 ? m.length : off + r.int(m.length - off + 1);
        sha256Update(st, m.subarray(off, end));
        off = end;
      }
      expect(toHex(sha256Final(st)), 'case ' + k).toBe(toHex(nobleSha256(m)));
    }
  });
  it('two interleaved states do not disturb each other (the shared schedule holds no state between calls)', () => {
    var r = rng(9);
    var m1 = r.bytes(300), m2 = r.bytes(250);
    var s1 = sha256Init(), s2 = sha256Init();
    for (var i = 0; i < 300; i += 50) {
      sha256Update(s1, m1.subarray(i, i + 50));
      if (i < 250) sha256Update(s2, m2.subarray(i, i + 50));
    }
    expect(toHex(sha256Final(s2))).toBe(toHex(nobleSha256(m2)));
    expect(toHex(sha256Final(s1))).toBe(toHex(nobleSha256(m1)));
  });
  it('does not modify its input', () => {
    var m = rng(3).bytes(130);
    var copy = toHex(m);
    sha256(m);
    expect(toHex(m)).toBe(copy);
  });
});

describe('sha256 work counter', () => {
  installEngineHooks({});
  it('bumps work.shaBlock once per compression: ceil((n + 9) / 64)', () => {
    var lens = [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000];
    for (var i = 0; i < lens.length; i++) {
      var before = work.shaBlock;
      sha256(new Uint8Array(lens[i]));
      expect(work.shaBlock - before, 'len ' + lens[i]).toBe(Math.ceil((lens[i] + 9) / 64));
    }
  });
});
