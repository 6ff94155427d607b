// HMAC-SHA-256 (RFC 2104): RFC 4231 known answers, differential vs @noble/hashes
// (keys up to 200 bytes, i.e. hashed keys > 64), hmacSha256Parts == hmac over the
// concatenation, and 100% of Wycheproof hmac_sha256_test.json.
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect } from 'vitest';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hmacSha256, hmacSha256Parts, hmacSha256Key, hmacSha256WithKey, hmacSha256KeyWipe } from '../../firmware/crypto/hmac-sha256.ts';
import { work } from '../../firmware/crypto/work-counters.ts';

import { ctEqual, fromHex, toHex, utf8Encode, concatBytes } from '../../firmware/bytes/bytes.ts';
import { runWycheproof } from './wycheproof-loader.ts';
import { rng } from './test-rng.ts';


function rep(byte: number, n: number): Uint8Array {
  var b = new Uint8Array(n);
  for (var i = 0; i < n; i++) b[i] = byte;
  return b;
}

installEngineHooks({});

describe('HMAC-SHA-256 RFC 4231 test cases', () => {
  it('case 1', () => {
    expect(toHex(hmacSha256(rep(0x0b, 20), utf8Encode('Hi There')))).toBe(
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    );
  });
  it('case 2 (key shorter than the output)', () => {
    expect(toHex(hmacSha256(utf8Encode('Jefe'), utf8Encode('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
  it('case 3', () => {
    expect(toHex(hmacSha256(rep(0xaa, 20), rep(0xdd, 50)))).toBe(
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
    );
  });
  it('case 4', () => {
    expect(toHex(hmacSha256(fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'), rep(0xcd, 50)))).toBe(
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
    );
  });
  it('case 5 (truncated to 128 bits)', () => {
    expect(toHex(hmacSha256(rep(0x0c, 20), utf8Encode('Test With Truncation')).subarray(0, 16))).toBe(
      'a3b6167473100ee06e0c796c2955552b',
    );
  });
  it('case 6 (131-byte key, hashed first)', () => {
    expect(toHex(hmacSha256(rep(0xaa, 131), utf8Encode('Test Using Larger Than Block-Size Key - Hash Key First')))).toBe(
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
    );
  });
  it('case 7 (131-byte key, long message)', () => {
    var msg =
      'This is a test using a larger than block-size key and a larger than block-size data. ' +
      'The key needs to be hashed before being used by the HMAC algorithm.';
    expect(toHex(hmacSha256(rep(0xaa, 131), utf8Encode(msg)))).toBe(
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    );
  });
});

describe('HMAC-SHA-256 differential vs @noble/hashes', () => {
  it('3000 seeded cases: keys 0..200 bytes (incl. 63, 64, 65 and > 64), messages 0..300 bytes', () => {
    var r = rng(0x4ac);
    var keyLens = [0, 1, 16, 31, 32, 33, 63, 64, 65, 100, 131, 200];
    var bad: string[] = [];
    for (var k = 0; k < 3000; k++) {
      var kl = k < keyLens.length * 50 ? keyLens[k % keyLens.length] : r.int(201);
      var key = r.bytes(kl), msg = r.bytes(r.int(301));
      if (toHex(hmacSha256(key, msg)) !== toHex(nobleHmac(nobleSha256, key, msg))) bad.push('case ' + k + ' key ' + kl + ' msg ' + msg.length);
    }
    expect(bad).toEqual([]);
  });
  it('hmacSha256Parts equals hmacSha256 over the concatenation (500 cases, 0..4 parts)', () => {
    var r = rng(0x9a27);
    for (var k = 0; k < 500; k++) {
      var key = r.bytes(r.int(100));
      var parts: Uint8Array[] = [];
      var np = r.int(5);
      for (var p = 0; p < np; p++) parts.push(r.bytes(r.int(90)));
      expect(toHex(hmacSha256Parts(key, parts)), 'case ' + k).toBe(toHex(hmacSha256(key, concatBytes(parts))));
    }
  });
  it('leaves key and message unchanged', () => {
    var r = rng(5);
    var key = r.bytes(100), msg = r.bytes(70);
    var hk = toHex(key), hm = toHex(msg);
    hmacSha256(key, msg);
    expect(toHex(key)).toBe(hk);
    expect(toHex(msg)).toBe(hm);
  });
});

describe('HMAC-SHA-256 prepared keys', () => {
  it('one prepared key, many messages: equal to noble (300 keys x 5 messages, keys 0..150)', () => {
    var r = rng(0x9e7);
    for (var k = 0; k < 300; k++) {
      var key = r.bytes(r.int(151));
      var pk = hmacSha256Key(key);
      for (var j = 0; j < 5; j++) {
        var a = r.bytes(r.int(100)), b = r.bytes(r.int(100));
        expect(toHex(hmacSha256WithKey(pk, [a, b])), 'key ' + k + ' msg ' + j).toBe(toHex(nobleHmac(nobleSha256, key, concatBytes([a, b]))));
      }
    }
  });
  it('after the first MAC, each further short MAC costs 2 compressions instead of 4', () => {
    var pk = hmacSha256Key(rng(1).bytes(32));
    hmacSha256WithKey(pk, [new Uint8Array(10)]);
    var before = work.shaBlock;
    hmacSha256WithKey(pk, [new Uint8Array(10)]);
    expect(work.shaBlock - before).toBe(2);
    before = work.shaBlock;
    hmacSha256(rng(1).bytes(32), new Uint8Array(10));
    expect(work.shaBlock - before).toBe(4);
  });
  it('wipe clears the padded key blocks and states', () => {
    var pk = hmacSha256Key(rng(2).bytes(32));
    hmacSha256WithKey(pk, [new Uint8Array(3)]);
    hmacSha256KeyWipe(pk);
    var nz = 0, i;
    for (i = 0; i < 64; i++) nz |= pk.ip[i] | pk.op[i];
    for (i = 0; i < 8; i++) nz |= (pk.si as any).h[i] | (pk.so as any).h[i];
    expect(nz).toBe(0);
  });
});

describe('HMAC-SHA-256 Wycheproof', () => {
  it('hmac_sha256_test.json: 100% of vectors (truncated-tag groups compare the prefix)', () => {
    var tally = runWycheproof('hmac_sha256_test.json', (t, g) => {
      var tagBytes = g.tagSize / 8;
      var full = hmacSha256(fromHex(t.key), fromHex(t.msg));
      var expected = fromHex(t.tag);
      // A verifier accepts iff the presented tag equals our (truncated) MAC.
      var ok = expected.length === tagBytes && ctEqual(full.subarray(0, tagBytes), expected);
      return { accepted: ok };
    });
    tally.assertAllPassed();
    expect(tally.applicable).toBe(174);
    expect(tally.validAccepted).toBe(66);
    expect(tally.invalidRejected).toBe(108);
  });
});
