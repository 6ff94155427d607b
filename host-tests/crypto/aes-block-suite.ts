// The AES-128 block suite run against each implementation (aes.test.ts: the
// T-table aes128.ts; aes-small.test.ts: the compact aes128-small.ts): FIPS 197
// Appendix B and C.1, key expansion (Appendix A.1), SP 800-38A ECB vectors,
// differential vs node:crypto aes-128-ecb on seeded random keys/blocks, in-place
// use, key-length checks, and the aesBlock work counter.
import { describe, it, expect } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { fromHex, toHex } from '../../firmware/bytes/bytes.ts';
import { rng } from './test-rng.ts';

export interface AesImpl {
  aesExpandKey(key: Uint8Array): { r: unknown };
  aesEncryptBlock(ks: any, input: Uint8Array, out: Uint8Array): void;
  /** the schedule's last round key (FIPS 197 A.1 w[40..43]) as 32 hex digits, from the implementation's layout */
  lastRoundKeyHex(ks: any): string;
}

function nodeEcb(key: Uint8Array, block: Uint8Array): string {
  var c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  return c.update(block).toString('hex');
}

export function aesBlockSuite(name: string, impl: AesImpl) {
  const { aesExpandKey, aesEncryptBlock } = impl;
  function enc(keyHex: string, ptHex: string): string {
    var out = new Uint8Array(16);
    aesEncryptBlock(aesExpandKey(fromHex(keyHex)), fromHex(ptHex), out);
    return toHex(out);
  }
  installEngineHooks({});

  describe(`${name}: FIPS 197 known answers`, () => {
    it('Appendix C.1 (AES-128)', () => {
      expect(enc('000102030405060708090a0b0c0d0e0f', '00112233445566778899aabbccddeeff')).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    });
    it('Appendix B (cipher example)', () => {
      expect(enc('2b7e151628aed2a6abf7158809cf4f3c', '3243f6a8885a308d313198a2e0370734')).toBe('3925841d02dc09fbdc118597196a0b32');
    });
    it('Appendix A.1 key expansion: last round key w[40..43]', () => {
      expect(impl.lastRoundKeyHex(aesExpandKey(fromHex('2b7e151628aed2a6abf7158809cf4f3c')))).toBe('d014f9a8c9ee2589e13f0cc8b6630ca6');
    });
    it('SP 800-38A F.1.1 ECB-AES128.Encrypt, 4 blocks', () => {
      var key = '2b7e151628aed2a6abf7158809cf4f3c';
      var pairs = [
        ['6bc1bee22e409f96e93d7e117393172a', '3ad77bb40d7a3660a89ecaf32466ef97'],
        ['ae2d8a571e03ac9c9eb76fac45af8e51', 'f5d3d58503b9699de785895a96fdbaaf'],
        ['30c81c46a35ce411e5fbc1191a0a52ef', '43b1cd7f598ece23881b00e3ed030688'],
        ['f69f2445df4f9b17ad2b417be66c3710', '7b0c785e27e8ad3f8223207104725dd4'],
      ];
      for (var i = 0; i < pairs.length; i++) expect(enc(key, pairs[i][0])).toBe(pairs[i][1]);
    });
  });

  describe(`${name}: differential vs node:crypto aes-128-ecb`, () => {
    it('3000 seeded random (key, block) pairs', () => {
      var r = rng(0xae5);
      var bad: number[] = [];
      for (var k = 0; k < 3000; k++) {
        var key = r.bytes(16), block = r.bytes(16), out = new Uint8Array(16);
        aesEncryptBlock(aesExpandKey(key), block, out);
        if (toHex(out) !== nodeEcb(key, block)) bad.push(k);
      }
      expect(bad).toEqual([]);
    });
    it('one schedule, 1000 blocks; also in place (in === out)', () => {
      var r = rng(0x5eed);
      var key = r.bytes(16), ks = aesExpandKey(key);
      for (var k = 0; k < 1000; k++) {
        var block = r.bytes(16), expected = nodeEcb(key, block);
        aesEncryptBlock(ks, block, block);
        expect(toHex(block)).toBe(expected);
      }
    });
    it('the schedule copies the key: changing the caller key afterwards has no effect', () => {
      var r = rng(11);
      var key = r.bytes(16), block = r.bytes(16), keep = new Uint8Array(key);
      var ks = aesExpandKey(key);
      key[0] ^= 1;
      var out = new Uint8Array(16);
      aesEncryptBlock(ks, block, out);
      expect(toHex(out)).toBe(nodeEcb(keep, block));
    });
  });

  describe(`${name}: parameter checks and counters`, () => {
    it('non-16-byte keys throw E_KEY_LENGTH (boards use AES-128 only)', () => {
      var lens = [0, 1, 15, 17, 24, 32];
      for (var i = 0; i < lens.length; i++) expect(() => aesExpandKey(new Uint8Array(lens[i]))).toThrow(/^E_KEY_LENGTH/);
    });
    it('bumps work.aesBlock once per block', () => {
      var ks = aesExpandKey(new Uint8Array(16)), b = new Uint8Array(16);
      var before = work.aesBlock;
      for (var i = 0; i < 7; i++) aesEncryptBlock(ks, b, b);
      expect(work.aesBlock - before).toBe(7);
    });
  });
}
