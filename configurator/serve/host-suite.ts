/**
 * Suite 1 of the whitelist protocol (firmware/protocols/whitelist/README.md §4)
 * at host speed, for `nowboard serve`: X25519 (RFC 7748) from @noble/curves,
 * SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), HKDF-SHA256 (RFC 5869) and
 * AES-128-CCM (RFC 3610, SP 800-38C) from node:crypto (OpenSSL). Byte for byte
 * the same functions as firmware/protocols/whitelist/suite-x25519.ts, which the
 * boards run (host-tests/serve/host-suite.test.ts compares them on random inputs).
 *
 * It counts its own work, because neither library bumps the firmware's work
 * counters (firmware/crypto/work-counters.ts): whole X25519s as `x25519Op`,
 * SHA-256 compressions as `shaBlockNative`, AES block operations as
 * `aesBlockNative` — units of configurator/power/cost-table.ts, costed on its
 * `host` engine. The runtime reports them to the meter (`extraWork`), which is
 * how the simulator charges the host's CPU time (configurator/serve/sim-transport.ts).
 * Block counts follow the algorithms' padding exactly for SHA-256; for CCM they
 * count the CBC-MAC and CTR blocks (RFC 3610 §2.2-2.3).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { createHash, createHmac, hkdfSync, createCipheriv, createDecipheriv } from 'node:crypto';
import type { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import type { ExtraCounter } from '../../firmware/runtime/runtime.ts';

/** Work the host suite did, in cost-table units. */
export interface HostWork {
  x25519Op: number;
  shaBlockNative: number;
  aesBlockNative: number;
  [unit: string]: number;
}

export interface HostSuite {
  suite: WhitelistSuiteCrypto;
  work: HostWork;
  /** The counters as the runtime's `extraWork` (firmware/runtime/runtime.ts). */
  extraWork: ExtraCounter[];
}

function u8(b: Uint8Array): Uint8Array {
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** SHA-256 compressions for a message of n bytes: the 0x80 byte and the 8-byte length pad it (FIPS 180-4 §5.1.1). */
export function shaBlocks(n: number): number {
  return Math.ceil((n + 9) / 64);
}

/** HMAC-SHA256 of an n-byte message with a key of at most 64 bytes: inner hash over 64 + n bytes, outer over 64 + 32. */
function hmacBlocks(keyLen: number, n: number): number {
  return (keyLen > 64 ? shaBlocks(keyLen) : 0) + shaBlocks(64 + n) + shaBlocks(64 + 32);
}

/** AES blocks of CCM over pt and aad: CBC-MAC over B0, the length-prefixed aad and pt; CTR over pt and the tag (RFC 3610). */
function ccmBlocks(ptLen: number, aadLen: number): number {
  var ptBlocks = Math.ceil(ptLen / 16);
  var aadBlocks = aadLen > 0 ? Math.ceil((aadLen + 2) / 16) : 0;
  return 1 + aadBlocks + ptBlocks + ptBlocks + 1;
}

export function hostSuite(id?: number): HostSuite {
  var work: HostWork = { x25519Op: 0, shaBlockNative: 0, aesBlockNative: 0 };
  var suite: WhitelistSuiteCrypto = {
    id: id === undefined ? 1 : id,
    dh: function (priv, pub) {
      work.x25519Op++;
      var out = x25519.getSharedSecret(priv, pub);
      var z = 0;
      for (var i = 0; i < out.length; i++) z |= out[i];
      // The suite contract (suite.ts): an all-zero output (low-order peer key) throws.
      if (z === 0) throw new Error('E_X25519_ZERO');
      return u8(out);
    },
    dhPub: function (priv) {
      work.x25519Op++;
      return u8(x25519.getPublicKey(priv));
    },
    sha256: function (m) {
      work.shaBlockNative += shaBlocks(m.length);
      return u8(createHash('sha256').update(m).digest());
    },
    hmac: function (k, m) {
      work.shaBlockNative += hmacBlocks(k.length, m.length);
      return u8(createHmac('sha256', k).update(m).digest());
    },
    hkdf: function (ikm, salt, info, len) {
      // Extract (one HMAC over ikm) and one HMAC per 32-byte output block (RFC 5869 §2.2-2.3).
      var n = Math.ceil(len / 32);
      work.shaBlockNative += hmacBlocks(salt.length || 32, ikm.length) + n * hmacBlocks(32, 32 + info.length + 1);
      return new Uint8Array(hkdfSync('sha256', ikm, salt, info, len));
    },
    seal: function (key, nonce, pt, aad, tagLen) {
      work.aesBlockNative += ccmBlocks(pt.length, aad.length);
      var c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLen });
      c.setAAD(aad, { plaintextLength: pt.length });
      var ct = Buffer.concat([c.update(pt), c.final()]);
      return u8(Buffer.concat([ct, c.getAuthTag()]));
    },
    open: function (key, nonce, sealed, aad, tagLen) {
      if (sealed.length < tagLen) return null;
      work.aesBlockNative += ccmBlocks(sealed.length - tagLen, aad.length);
      var ct = sealed.subarray(0, sealed.length - tagLen);
      var tag = sealed.subarray(sealed.length - tagLen);
      try {
        var d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLen });
        d.setAuthTag(tag);
        d.setAAD(aad, { plaintextLength: ct.length });
        var pt = d.update(ct);
        d.final();
        return u8(pt);
      } catch (e) {
        // A tag that does not verify (or a malformed input) is "no plaintext", never a throw.
        return null;
      }
    },
  };
  var extraWork: ExtraCounter[] = [
    { src: work, key: 'x25519Op', unit: 'x25519Op' },
    { src: work, key: 'shaBlockNative', unit: 'shaBlockNative' },
    { src: work, key: 'aesBlockNative', unit: 'aesBlockNative' },
  ];
  return { suite: suite, work: work, extraWork: extraWork };
}
