/**
 * A WhitelistSuiteCrypto built from reference implementations (@noble/curves
 * X25519, @noble/hashes SHA-256/HMAC/HKDF, node:crypto AES-128-CCM). Test-only:
 * it lets the protocol tests run independently of firmware/crypto/, and the
 * differential tests compare the firmware suite against it.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hmac } from '@noble/hashes/hmac.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';

function u8(b: Uint8Array | Buffer): Uint8Array {
  return new Uint8Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export function nobleSuite(id = 1): WhitelistSuiteCrypto {
  return {
    id,
    dh: function (priv, pub) {
      const out = x25519.getSharedSecret(priv, pub);
      let z = 0;
      for (let i = 0; i < out.length; i++) z |= out[i];
      if (z === 0) throw new Error('E_X25519_ZERO');
      return u8(out);
    },
    dhPub: (priv) => u8(x25519.getPublicKey(priv)),
    sha256: (m) => u8(sha256(m)),
    hmac: (k, m) => u8(hmac(sha256, k, m)),
    hkdf: (ikm, salt, info, len) => u8(hkdf(sha256, ikm, salt, info, len)),
    seal: function (key, nonce, pt, aad, tagLen) {
      const c = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLen });
      c.setAAD(aad, { plaintextLength: pt.length });
      const ct = Buffer.concat([c.update(pt), c.final()]);
      return u8(Buffer.concat([ct, c.getAuthTag()]));
    },
    open: function (key, nonce, sealed, aad, tagLen) {
      if (sealed.length < tagLen) return null;
      const ct = sealed.subarray(0, sealed.length - tagLen);
      const tag = sealed.subarray(sealed.length - tagLen);
      try {
        const d = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: tagLen });
        d.setAuthTag(tag);
        d.setAAD(aad, { plaintextLength: ct.length });
        const pt = d.update(ct);
        d.final();
        return u8(pt);
      } catch (e) {
        return null;
      }
    },
  };
}

/** Wrap a suite to count its X25519 operations (flood and cost tests). */
export function countingSuite(inner: WhitelistSuiteCrypto): { suite: WhitelistSuiteCrypto; counts: { dh: number; dhPub: number } } {
  const counts = { dh: 0, dhPub: 0 };
  const suite: WhitelistSuiteCrypto = {
    id: inner.id,
    dh: (a, b) => {
      counts.dh++;
      return inner.dh(a, b);
    },
    dhPub: (a) => {
      counts.dhPub++;
      return inner.dhPub(a);
    },
    sha256: inner.sha256,
    hmac: inner.hmac,
    hkdf: inner.hkdf,
    seal: inner.seal,
    open: inner.open,
  };
  return { suite, counts };
}
