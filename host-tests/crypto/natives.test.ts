// Native acceleration (crypto-natives.ts): with node:crypto installed as the
// "native", every API gives the same bytes as the pure code on thousands of
// seeded cases, the right counters move (nativeWork vs work), a native may
// decline a call (null → pure), installEngineHooks({}) resets, and the Espruino
// adapter recommended to the binding works against a fake of Espruino's
// require("crypto") (ArrayBuffer results, AES.encrypt(msg, key, {mode:"ECB"})).
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect, afterEach } from 'vitest';
import { createHash, createCipheriv } from 'node:crypto';
import { nativeWork, NativeCrypto } from '../../firmware/crypto/crypto-natives.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { hmacSha256, hmacSha256Parts, hmacSha256Key, hmacSha256WithKey } from '../../firmware/crypto/hmac-sha256.ts';
import { hkdfSha256 } from '../../firmware/crypto/hkdf-sha256.ts';
import { aesExpandKey, aesEncryptBlock } from '../../firmware/crypto/aes128.ts';
import { ccmSeal, ccmOpen } from '../../firmware/crypto/aes-ccm.ts';
import { work } from '../../firmware/crypto/work-counters.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';
import { rng } from './test-rng.ts';


var calls = { sha: 0, aes: 0 };
var nodeNatives: NativeCrypto = {
  sha256: (m) => {
    calls.sha++;
    return new Uint8Array(createHash('sha256').update(m).digest());
  },
  aesEncryptBlock: (k, b) => {
    calls.aes++;
    var c = createCipheriv('aes-128-ecb', k, null);
    c.setAutoPadding(false);
    return new Uint8Array(c.update(b));
  },
};

/** Runs f once pure and once with node natives; returns both results as hex. */
function both(f: () => Uint8Array | null): [string, string] {
  installEngineHooks({});
  var p = f();
  installEngineHooks({ crypto: nodeNatives });
  var n = f();
  installEngineHooks({});
  return [p ? toHex(p) : 'null', n ? toHex(n) : 'null'];
}

afterEach(() => installEngineHooks({}));

describe('native path equals the pure path', () => {
  it('sha256: 3000 seeded messages, lengths 0..300 and boundaries', () => {
    var r = rng(0x5a1);
    var bad: number[] = [];
    var before = calls.sha;
    for (var k = 0; k < 3000; k++) {
      var m = r.bytes(k < 301 ? k : r.int(1200));
      var res = both(() => sha256(m));
      if (res[0] !== res[1]) bad.push(k);
    }
    expect(bad).toEqual([]);
    expect(calls.sha - before).toBe(3000);
  });
  it('AES block: 3000 seeded (key, block) pairs', () => {
    var r = rng(0xae1);
    var bad: number[] = [];
    for (var k = 0; k < 3000; k++) {
      var key = r.bytes(16), blk = r.bytes(16);
      var res = both(() => {
        var o = new Uint8Array(16);
        aesEncryptBlock(aesExpandKey(key), blk, o);
        return o;
      });
      if (res[0] !== res[1]) bad.push(k);
    }
    expect(bad).toEqual([]);
  });
  it('HMAC (the native path concatenates instead of streaming): 2000 cases, keys 0..150', () => {
    var r = rng(0x4a1);
    var bad: number[] = [];
    for (var k = 0; k < 2000; k++) {
      var key = r.bytes(r.int(151)), m1 = r.bytes(r.int(200)), m2 = r.bytes(r.int(50));
      var res = both(() => hmacSha256Parts(key, [m1, m2]));
      var res2 = both(() => hmacSha256(key, m1));
      var res3 = both(() => {
        var pk = hmacSha256Key(key);
        hmacSha256WithKey(pk, [m2]);
        return hmacSha256WithKey(pk, [m1, m2]);
      });
      if (res[0] !== res[1] || res2[0] !== res2[1] || res3[0] !== res3[1] || res3[0] !== res[0]) bad.push(k);
    }
    expect(bad).toEqual([]);
  });
  it('HKDF: 500 cases, outputs 0..300 bytes', () => {
    var r = rng(0x4bd);
    for (var k = 0; k < 500; k++) {
      var ikm = r.bytes(r.int(64)), salt = r.bytes(r.int(40)), info = r.bytes(r.int(30)), len = r.int(301);
      var res = both(() => hkdfSha256(ikm, salt, info, len));
      expect(res[1], 'case ' + k).toBe(res[0]);
    }
  });
  it('CCM seal and open: 1500 cases (nonce 7..13, all tag lengths), and forgeries still rejected natively', () => {
    var r = rng(0xcc1);
    var tags = [4, 6, 8, 10, 12, 14, 16];
    var bad: number[] = [];
    for (var k = 0; k < 1500; k++) {
      var key = r.bytes(16), nonce = r.bytes(7 + r.int(7)), pt = r.bytes(r.int(200)), aad = r.bytes(r.int(40)), tl = tags[r.int(7)];
      var s = both(() => ccmSeal(key, nonce, pt, aad, tl));
      if (s[0] !== s[1]) bad.push(k);
      var sealed = new Uint8Array(Buffer.from(s[1], 'hex'));
      var o = both(() => ccmOpen(key, nonce, sealed, aad, tl));
      if (o[0] !== toHex(pt) || o[1] !== toHex(pt)) bad.push(k);
      sealed[r.int(sealed.length)] ^= 1 << r.int(8);
      var f = both(() => ccmOpen(key, nonce, sealed, aad, tl));
      if (f[0] !== 'null' || f[1] !== 'null') bad.push(k);
    }
    expect(bad).toEqual([]);
  });
});

describe('native counters and switching', () => {
  it('native calls bump nativeWork, not work (and the reverse for pure calls)', () => {
    installEngineHooks({ crypto: nodeNatives });
    var w0 = work.shaBlock, a0 = work.aesBlock, n0 = nativeWork.shaBlock, na0 = nativeWork.aesBlock;
    sha256(new Uint8Array(100)); // 2 compressions
    var ks = aesExpandKey(new Uint8Array(16)), b = new Uint8Array(16);
    aesEncryptBlock(ks, b, b);
    aesEncryptBlock(ks, b, b);
    aesEncryptBlock(ks, b, b);
    expect([work.shaBlock - w0, work.aesBlock - a0]).toEqual([0, 0]);
    expect([nativeWork.shaBlock - n0, nativeWork.aesBlock - na0]).toEqual([2, 3]);
    installEngineHooks({});
    sha256(new Uint8Array(100));
    aesEncryptBlock(ks, b, b);
    expect([work.shaBlock - w0, work.aesBlock - a0]).toEqual([2, 1]);
    expect([nativeWork.shaBlock - n0, nativeWork.aesBlock - na0]).toEqual([2, 3]);
  });
  it('installEngineHooks({}) resets: the natives are no longer called', () => {
    installEngineHooks({ crypto: nodeNatives });
    installEngineHooks({});
    var c0 = calls.sha + calls.aes;
    sha256(new Uint8Array(10));
    ccmSeal(new Uint8Array(16), new Uint8Array(13), new Uint8Array(20), new Uint8Array(0), 8);
    expect(calls.sha + calls.aes).toBe(c0);
  });
  it('a schedule made while a native AES was installed still works after it is removed (lazy expansion)', () => {
    var r = rng(42);
    var key = r.bytes(16), blk = r.bytes(16);
    installEngineHooks({ crypto: nodeNatives });
    var ks = aesExpandKey(key);
    var o1 = new Uint8Array(16);
    aesEncryptBlock(ks, blk, o1);
    installEngineHooks({});
    var o2 = new Uint8Array(16);
    aesEncryptBlock(ks, blk, o2);
    expect(toHex(o2)).toBe(toHex(o1));
  });
  it('a native may decline (return null): the pure code answers and counts the work', () => {
    installEngineHooks({ crypto: { sha256: () => null, aesEncryptBlock: () => null } });
    var w0 = work.shaBlock, n0 = nativeWork.shaBlock, a0 = work.aesBlock;
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    var o = new Uint8Array(16);
    aesEncryptBlock(aesExpandKey(new Uint8Array(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'))), new Uint8Array(Buffer.from('00112233445566778899aabbccddeeff', 'hex')), o);
    expect(toHex(o)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect([work.shaBlock - w0, nativeWork.shaBlock - n0, work.aesBlock - a0]).toEqual([1, 0, 1]);
  });
});

// ---------------------------------------------------------------------------
// The adapter recommended for firmware/platform/espruino (ES5; `C` is
// __nbRequire("crypto")). It self-tests each native at boot and installs only
// what answers correctly, because Espruino builds differ (CRYPTO/SHA256/AES/TLS
// are per-board build options) and Espruino's SHA256 on an empty array is not
// relied on (declined → pure).
function espruinoCryptoNatives(C: any): NativeCrypto {
  var n: NativeCrypto = {};
  function hex(b: Uint8Array): string {
    var s = '';
    for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  }
  function sha(m: Uint8Array): Uint8Array | null {
    return m.length ? new Uint8Array(C.SHA256(m)) : null;
  }
  function aes(k: Uint8Array, b: Uint8Array): Uint8Array | null {
    return new Uint8Array(C.AES.encrypt(b, k, { mode: 'ECB' }));
  }
  try {
    // FIPS 180-4 "abc"
    if (C && C.SHA256 && hex(sha(new Uint8Array([0x61, 0x62, 0x63])) as Uint8Array) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad') n.sha256 = sha;
  } catch (e) {
    /* no native SHA-256 on this build */
  }
  try {
    // FIPS 197 C.1
    var k = new Uint8Array(16), p = new Uint8Array(16);
    for (var i = 0; i < 16; i++) {
      k[i] = i;
      p[i] = i * 17;
    }
    if (C && C.AES && hex(aes(k, p) as Uint8Array) === '69c4e0d86a7b0430d8cdb78070b4c55a') n.aesEncryptBlock = aes;
  } catch (e) {
    /* no native AES on this build */
  }
  return n;
}
// ---------------------------------------------------------------------------

/** A fake of Espruino's crypto module with its calling conventions (libs/crypto/jswrap_crypto.c). */
function fakeEspruinoCrypto(opts: { aes: boolean; sha: boolean }): any {
  function ab(b: Buffer): ArrayBuffer {
    var a = new ArrayBuffer(b.length);
    new Uint8Array(a).set(b);
    return a;
  }
  var C: any = {};
  if (opts.sha) C.SHA256 = (m: Uint8Array) => ab(createHash('sha256').update(m).digest());
  if (opts.aes) {
    C.AES = {
      encrypt: (msg: Uint8Array, key: Uint8Array, o?: { mode?: string; iv?: Uint8Array }) => {
        var mode = (o && o.mode) || 'CBC';
        var c =
          mode === 'ECB'
            ? createCipheriv('aes-' + key.length * 8 + '-ecb', key, null)
            : createCipheriv('aes-' + key.length * 8 + '-cbc', key, (o && o.iv) || Buffer.alloc(16));
        c.setAutoPadding(false);
        return ab(c.update(msg));
      },
    };
  }
  return C;
}

describe('recommended Espruino adapter (against a fake of require("crypto"))', () => {
  it('full build: installs both natives; results equal the pure code on 1000 random cases', () => {
    var n = espruinoCryptoNatives(fakeEspruinoCrypto({ aes: true, sha: true }));
    expect(typeof n.sha256).toBe('function');
    expect(typeof n.aesEncryptBlock).toBe('function');
    var r = rng(0xe5);
    for (var k = 0; k < 1000; k++) {
      var m = r.bytes(r.int(300)), key = r.bytes(16), nonce = r.bytes(13), aad = r.bytes(r.int(20));
      installEngineHooks({});
      var p1 = toHex(sha256(m)), p2 = toHex(ccmSeal(key, nonce, m, aad, 8));
      installEngineHooks({ crypto: n });
      var n0 = nativeWork.aesBlock;
      expect(toHex(sha256(m))).toBe(p1);
      expect(toHex(ccmSeal(key, nonce, m, aad, 8))).toBe(p2);
      expect(nativeWork.aesBlock).toBeGreaterThan(n0);
    }
  });
  it('empty message: the adapter declines and the pure code answers', () => {
    installEngineHooks({ crypto: espruinoCryptoNatives(fakeEspruinoCrypto({ aes: true, sha: true })) });
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
  it('a build without AES (or with a wrong one) installs only SHA-256', () => {
    expect(Object.keys(espruinoCryptoNatives(fakeEspruinoCrypto({ aes: false, sha: true })))).toEqual(['sha256']);
    var broken = fakeEspruinoCrypto({ aes: true, sha: true });
    broken.AES.encrypt = () => new ArrayBuffer(16);
    expect(Object.keys(espruinoCryptoNatives(broken))).toEqual(['sha256']);
    expect(Object.keys(espruinoCryptoNatives({}))).toEqual([]);
  });
});
