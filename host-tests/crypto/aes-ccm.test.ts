// AES-128-CCM (RFC 3610 / SP 800-38C): RFC 3610 packet vectors 1-3 and 13,
// differential vs node:crypto aes-128-ccm on seeded random cases, forgery
// rejection (every tag/ciphertext byte, aad, nonce), parameter errors, the aesBlock
// count, and 100% of applicable Wycheproof aes_ccm_test.json vectors.
import { installEngineHooks } from '../../firmware/crypto/engine-hooks.ts';
import { describe, it, expect } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { ccmSeal, ccmOpen } from '../../firmware/crypto/aes-ccm.ts';

import { work } from '../../firmware/crypto/work-counters.ts';
import { fromHex, toHex } from '../../firmware/bytes/bytes.ts';
import { runWycheproof } from './wycheproof-loader.ts';
import { rng } from './test-rng.ts';


function nodeSeal(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLen: number): string {
  var c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLen });
  c.setAAD(aad, { plaintextLength: pt.length });
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()]).toString('hex');
}

function seq(from: number, n: number): Uint8Array {
  var b = new Uint8Array(n);
  for (var i = 0; i < n; i++) b[i] = (from + i) & 255;
  return b;
}

installEngineHooks({});

describe('AES-CCM RFC 3610 packet vectors (§8)', () => {
  // Each packet: the first `hdr` bytes are the additional data, the rest the message.
  var key = fromHex('c0c1c2c3c4c5c6c7c8c9cacbcccdcecf');
  var cases = [
    { n: 1, nonce: '00000003020100a0a1a2a3a4a5', len: 31, hdr: 8, M: 8, out: '588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0' },
    { n: 2, nonce: '00000004030201a0a1a2a3a4a5', len: 32, hdr: 8, M: 8, out: '72c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916' },
    { n: 3, nonce: '00000005040302a0a1a2a3a4a5', len: 33, hdr: 8, M: 8, out: '51b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5' },
    { n: 13, nonce: '00412b4ea9cdbe3c9696766cfa', len: 31, hdr: 8, M: 8, out: '4cb97f86a2a4689a877947ab8091ef5386a6ffbdd080f8e78cf7cb0cddd7b3' },
  ];
  // Vectors 1-3 use the key C0..CF and packet bytes 00, 01, ...; #13 has its own key and packet.
  var keys: { [n: number]: Uint8Array } = { 13: fromHex('d7828d13b2b0bdc325a76236df93cc6b') };
  var pkts: { [n: number]: string } = { 13: '0be1a88bace018b108e8cf97d820ea258460e96ad9cf5289054d895ceac47c' };
  cases.forEach((c) => {
    it('packet vector #' + c.n, () => {
      var k = keys[c.n] || key;
      var pkt = pkts[c.n] ? fromHex(pkts[c.n]) : seq(0, c.len);
      var aad = pkt.subarray(0, c.hdr), msg = pkt.subarray(c.hdr);
      var nonce = fromHex(c.nonce);
      // Our seal must match node's (an independent implementation) before it is compared to the RFC text.
      var sealed = ccmSeal(k, nonce, msg, aad, c.M);
      expect(toHex(sealed)).toBe(nodeSeal(k, nonce, msg, aad, c.M));
      expect(toHex(sealed)).toBe(c.out);
      var opened = ccmOpen(k, nonce, sealed, aad, c.M);
      expect(opened && toHex(opened)).toBe(toHex(msg));
    });
  });
});

describe('AES-CCM differential vs node:crypto aes-128-ccm', () => {
  it('3000 seeded cases: nonce 7..13, every tag length, message 0..300, aad 0..100', () => {
    var r = rng(0xcc3);
    var tags = [4, 6, 8, 10, 12, 14, 16];
    var bad: string[] = [];
    for (var k = 0; k < 3000; k++) {
      var nl = 7 + r.int(7), tl = tags[r.int(7)];
      var key = r.bytes(16), nonce = r.bytes(nl), pt = r.bytes(r.int(301)), aad = r.bytes(k % 5 === 0 ? 0 : r.int(101));
      var sealed = ccmSeal(key, nonce, pt, aad, tl);
      if (toHex(sealed) !== nodeSeal(key, nonce, pt, aad, tl)) {
        bad.push('seal ' + k);
        continue;
      }
      var opened = ccmOpen(key, nonce, sealed, aad, tl);
      if (!opened || toHex(opened) !== toHex(pt)) bad.push('open ' + k);
    }
    expect(bad).toEqual([]);
  });
  it('the protocol shapes: 13-byte nonce, 8- and 16-byte tags, message lengths 0..250', () => {
    var r = rng(0x13);
    for (var len = 0; len <= 250; len++) {
      for (var t = 8; t <= 16; t += 8) {
        var key = r.bytes(16), nonce = r.bytes(13), pt = r.bytes(len), aad = r.bytes(r.int(40));
        expect(toHex(ccmSeal(key, nonce, pt, aad, t)), 'len ' + len + ' tag ' + t).toBe(nodeSeal(key, nonce, pt, aad, t));
      }
    }
  });
  it('long additional data: lengths around the 2-byte / 6-byte encoding switch (0xfeff, 0xff00)', () => {
    var r = rng(0xff00);
    var lens = [0xfeff, 0xff00, 0xff01];
    for (var i = 0; i < lens.length; i++) {
      var key = r.bytes(16), nonce = r.bytes(13), pt = r.bytes(20), aad = r.bytes(lens[i]);
      var sealed = ccmSeal(key, nonce, pt, aad, 16);
      expect(toHex(sealed), 'aad ' + lens[i]).toBe(nodeSeal(key, nonce, pt, aad, 16));
      expect(toHex(ccmOpen(key, nonce, sealed, aad, 16) as Uint8Array)).toBe(toHex(pt));
    }
  });
  it('largest message for L = 2 (65535 bytes) works', () => {
    var r = rng(0xffff);
    var key = r.bytes(16), nonce = r.bytes(13), pt = r.bytes(65535), aad = r.bytes(5);
    expect(toHex(ccmSeal(key, nonce, pt, aad, 8))).toBe(nodeSeal(key, nonce, pt, aad, 8));
  });
});

describe('AES-CCM authentication failures return null', () => {
  var r = rng(0xbad);
  var key = r.bytes(16), nonce = r.bytes(13), pt = r.bytes(37), aad = r.bytes(11);
  var sealed = ccmSeal(key, nonce, pt, aad, 8);
  it('every single-bit flip of ciphertext or tag (each byte, 3 bit positions)', () => {
    var accepted: string[] = [];
    for (var i = 0; i < sealed.length; i++) {
      for (var bit = 0; bit < 8; bit += 3) {
        var s = new Uint8Array(sealed);
        s[i] ^= 1 << bit;
        if (ccmOpen(key, nonce, s, aad, 8) !== null) accepted.push(i + ':' + bit);
      }
    }
    expect(accepted).toEqual([]);
  });
  it('wrong aad, nonce, key, tag length, truncation, or appended byte', () => {
    var aad2 = new Uint8Array(aad);
    aad2[0] ^= 1;
    expect(ccmOpen(key, nonce, sealed, aad2, 8)).toBeNull();
    expect(ccmOpen(key, nonce, sealed, new Uint8Array(0), 8)).toBeNull();
    var n2 = new Uint8Array(nonce);
    n2[12] ^= 0x80;
    expect(ccmOpen(key, n2, sealed, aad, 8)).toBeNull();
    var k2 = new Uint8Array(key);
    k2[5] ^= 4;
    expect(ccmOpen(k2, nonce, sealed, aad, 8)).toBeNull();
    expect(ccmOpen(key, nonce, sealed, aad, 10)).toBeNull();
    expect(ccmOpen(key, nonce, sealed.subarray(0, sealed.length - 1), aad, 8)).toBeNull();
    var longer = new Uint8Array(sealed.length + 1);
    longer.set(sealed);
    expect(ccmOpen(key, nonce, longer, aad, 8)).toBeNull();
    // The untouched frame still opens: the rejections above are not a broken open().
    expect(toHex(ccmOpen(key, nonce, sealed, aad, 8) as Uint8Array)).toBe(toHex(pt));
  });
  it('a tag-only frame (empty message) opens, and fails when its tag is changed', () => {
    var s = ccmSeal(key, nonce, new Uint8Array(0), aad, 16);
    expect(s.length).toBe(16);
    expect((ccmOpen(key, nonce, s, aad, 16) as Uint8Array).length).toBe(0);
    s[15] ^= 1;
    expect(ccmOpen(key, nonce, s, aad, 16)).toBeNull();
  });
});

describe('AES-CCM parameter errors throw E_CCM_PARAM / E_KEY_LENGTH', () => {
  var key = new Uint8Array(16), e = new Uint8Array(0);
  it('nonce length outside 7..13', () => {
    var lens = [0, 6, 14, 16, 64];
    for (var i = 0; i < lens.length; i++) {
      expect(() => ccmSeal(key, new Uint8Array(lens[i]), e, e, 8)).toThrow(/^E_CCM_PARAM/);
      expect(() => ccmOpen(key, new Uint8Array(lens[i]), new Uint8Array(8), e, 8)).toThrow(/^E_CCM_PARAM/);
    }
  });
  it('tag length not in {4,6,8,10,12,14,16}', () => {
    var lens = [0, 2, 3, 5, 7, 9, 15, 17, 18, 32, 8.5, NaN, -8];
    for (var i = 0; i < lens.length; i++) {
      expect(() => ccmSeal(key, new Uint8Array(13), e, e, lens[i])).toThrow(/^E_CCM_PARAM/);
      expect(() => ccmOpen(key, new Uint8Array(13), new Uint8Array(40), e, lens[i])).toThrow(/^E_CCM_PARAM/);
    }
  });
  it('sealed shorter than the tag', () => {
    expect(() => ccmOpen(key, new Uint8Array(13), new Uint8Array(7), e, 8)).toThrow(/^E_CCM_PARAM/);
  });
  it('message longer than L = 2 allows (65536 bytes with a 13-byte nonce)', () => {
    expect(() => ccmSeal(key, new Uint8Array(13), new Uint8Array(65536), e, 8)).toThrow(/^E_CCM_PARAM/);
    expect(() => ccmOpen(key, new Uint8Array(13), new Uint8Array(65536 + 8), e, 8)).toThrow(/^E_CCM_PARAM/);
  });
  it('AES-192/256 keys throw E_KEY_LENGTH', () => {
    expect(() => ccmSeal(new Uint8Array(24), new Uint8Array(13), e, e, 8)).toThrow(/^E_KEY_LENGTH/);
    expect(() => ccmOpen(new Uint8Array(32), new Uint8Array(13), new Uint8Array(8), e, 8)).toThrow(/^E_KEY_LENGTH/);
  });
});

describe('AES-CCM work count', () => {
  it('seal and open each cost 2 + ceil((aadHeader + a) / 16) + 2 * ceil(m / 16) blocks', () => {
    var r = rng(1);
    var shapes = [
      [0, 0],
      [0, 64],
      [11, 64],
      [14, 1],
      [30, 250],
    ];
    for (var i = 0; i < shapes.length; i++) {
      var a = shapes[i][0], m = shapes[i][1];
      var expected = 2 + (a ? Math.ceil((a + 2) / 16) : 0) + 2 * Math.ceil(m / 16);
      var key = r.bytes(16), nonce = r.bytes(13);
      var before = work.aesBlock;
      var s = ccmSeal(key, nonce, r.bytes(m), r.bytes(a), 8);
      expect(work.aesBlock - before, 'seal a=' + a + ' m=' + m).toBe(expected);
      before = work.aesBlock;
      ccmOpen(key, nonce, s, new Uint8Array(a), 8);
      expect(work.aesBlock - before, 'open a=' + a + ' m=' + m).toBe(expected);
    }
  });
});

describe('AES-CCM Wycheproof', () => {
  it('aes_ccm_test.json: 100% of applicable vectors (AES-128 groups)', () => {
    var tally = runWycheproof('aes_ccm_test.json', (t, g) => {
      if (g.keySize !== 128) return { skip: 'AES-' + g.keySize + ' key: boards use AES-128 only (aesExpandKey throws E_KEY_LENGTH)' };
      var key = fromHex(t.key), iv = fromHex(t.iv), aad = fromHex(t.aad), msg = fromHex(t.msg);
      var ct = fromHex(t.ct), tag = fromHex(t.tag), tagLen = g.tagSize / 8;
      var sealedIn = new Uint8Array(ct.length + tag.length);
      sealedIn.set(ct);
      sealedIn.set(tag, ct.length);
      var badParams = t.flags.indexOf('InvalidNonceSize') >= 0 || t.flags.indexOf('InvalidTagSize') >= 0 || t.flags.indexOf('InsecureTagSize') >= 0;
      if (badParams) {
        // Illegal parameters: both directions must refuse with E_CCM_PARAM (never a result,
        // never another exception such as an overflow on 268-byte nonces, CVE-2017-18330).
        var errs: string[] = [];
        try {
          ccmSeal(key, iv, msg, aad, tagLen);
          errs.push('seal accepted');
        } catch (e) {
          if (!/^E_CCM_PARAM/.test((e as Error).message)) errs.push('seal: ' + (e as Error).message);
        }
        try {
          var o = ccmOpen(key, iv, sealedIn, aad, tagLen);
          errs.push('open returned ' + (o === null ? 'null' : 'plaintext'));
        } catch (e) {
          if (!/^E_CCM_PARAM/.test((e as Error).message)) errs.push('open: ' + (e as Error).message);
        }
        return errs.length ? { accepted: true, mismatch: errs.join('; ') } : { accepted: false };
      }
      var opened = ccmOpen(key, iv, sealedIn, aad, tagLen);
      if (t.result === 'valid') {
        // A valid vector must also be what we produce when sealing.
        var sealed = toHex(ccmSeal(key, iv, msg, aad, tagLen));
        if (sealed !== t.ct + t.tag) return { accepted: true, mismatch: 'seal gave ' + sealed };
      }
      if (opened === null) return { accepted: false };
      return { accepted: true, mismatch: toHex(opened) === t.msg ? undefined : 'open gave ' + toHex(opened) };
    });
    tally.assertAllPassed();
    expect(tally.skipped).toBe(368);
    expect(tally.applicable).toBe(184);
  });
});
