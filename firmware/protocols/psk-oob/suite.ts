/**
 * The crypto the psk-oob cores use, injected (README.md "Key schedule"): a
 * key derivation (SP 800-108 counter mode over AES-CMAC) and AES-128-CCM.
 * Nothing else: the enrollee's bundle carries AES and no SHA or EC
 * (build/aes-only.ts proves it from the bundle's inputs).
 */
import { kdfCmac } from '../../crypto/kdf-cmac.ts';
import { ccmSeal, ccmOpen } from '../../crypto/aes-ccm.ts';

export interface PskOobSuite {
  kdf(key: Uint8Array, label: Uint8Array, context: Uint8Array, outBytes: number): Uint8Array;
  /** ciphertext ‖ tag (tagLen bytes) */
  seal(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array;
  /** plaintext, or null when the tag does not verify */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array, tagLen: number): Uint8Array | null;
}

/** The board's suite: the project's BigInt-free AES primitives. */
export function firmwareSuite(): PskOobSuite {
  return { kdf: kdfCmac, seal: ccmSeal, open: ccmOpen };
}
