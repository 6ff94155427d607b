/**
 * Suite 1 of the whitelist protocol (README.md §4) built from
 * the firmware primitives: X25519 (RFC 7748, throws on an all-zero output),
 * SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104), HKDF-SHA256 (RFC 5869) and
 * AES-128-CCM (RFC 3610 / SP 800-38C). ES5-safe; what ships on the boards.
 */
import { x25519, x25519Base } from '../../crypto/x25519.ts';
import { sha256 } from '../../crypto/sha256.ts';
import { hmacSha256 } from '../../crypto/hmac-sha256.ts';
import { hkdfSha256 } from '../../crypto/hkdf-sha256.ts';
import { ccmSeal, ccmOpen } from '../../crypto/aes-ccm.ts';
import { SUITE_X25519 } from './frames.ts';
import { WhitelistSuiteCrypto } from './suite.ts';

/** `id` 1 (default) or 2: suite 2 uses the same primitives (frames.ts SUITE_STRICT). */
export function firmwareSuite(id?: number): WhitelistSuiteCrypto {
  return {
    id: id === undefined ? SUITE_X25519 : id,
    dh: x25519,
    dhPub: x25519Base,
    sha256: sha256,
    hmac: hmacSha256,
    hkdf: hkdfSha256,
    seal: ccmSeal,
    open: ccmOpen,
  };
}
