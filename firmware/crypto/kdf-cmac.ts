/**
 * Key derivation in counter mode, NIST SP 800-108r1 §4.1, with AES-CMAC
 * (aes-cmac.ts) as the PRF, so a board derives keys with AES alone:
 *
 *   K(i) = CMAC(KI, [i]_8 ‖ Label ‖ 0x00 ‖ Context ‖ [L]_16)   i = 1, 2, …
 *   KO   = the leftmost L bits of K(1) ‖ K(2) ‖ …
 *
 * Counter r = 8 bits before the fixed input, L encoded in 16 bits big-endian
 * (SP 800-108r1 §4: the widths are the implementation's choice and are fixed
 * here once for the protocol). Label and Context are bytes; the psk-oob
 * protocol puts its purpose string in Label and the identities, the
 * transaction id and the nonces in Context (firmware/protocols/psk-oob/README.md,
 * "Key schedule").
 *
 * Output lengths are whole bytes, 1 … 255 × 16; anything else throws E_KDF_LENGTH.
 */
import { aesCmac } from './aes-cmac.ts';

export function kdfCmac(ki: Uint8Array, label: Uint8Array, context: Uint8Array, outBytes: number): Uint8Array {
  if (!(outBytes >= 1 && outBytes <= 255 * 16 && outBytes % 1 === 0)) throw new Error('E_KDF_LENGTH ' + outBytes);
  var bits = outBytes * 8;
  var fixed = new Uint8Array(1 + label.length + 1 + context.length + 2);
  fixed.set(label, 1);
  fixed[1 + label.length] = 0;
  fixed.set(context, 2 + label.length);
  fixed[fixed.length - 2] = (bits >> 8) & 255;
  fixed[fixed.length - 1] = bits & 255;
  var out = new Uint8Array(outBytes);
  for (var i = 1, off = 0; off < outBytes; i++, off += 16) {
    fixed[0] = i;
    var k = aesCmac(ki, fixed);
    for (var j = 0; j < 16 && off + j < outBytes; j++) out[off + j] = k[j];
  }
  return out;
}
