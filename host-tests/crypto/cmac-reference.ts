/**
 * Test oracle: AES-CMAC (NIST SP 800-38B) and the SP 800-108 counter-mode KDF
 * built on node:crypto's AES (ECB for L, CBC for the MAC chain) and BigInt
 * doubling, sharing no code with firmware/crypto/aes-cmac.ts or kdf-cmac.ts.
 */
import { createCipheriv } from 'node:crypto';

/** CMAC from SP 800-38B's definition, on node:crypto (zero-IV CBC), sharing no code with the firmware. */
export function cmacSubkeys(key: Uint8Array): { L: Buffer; k1: Buffer; k2: Buffer } {
  const c = createCipheriv('aes-128-ecb', key, null);
  c.setAutoPadding(false);
  const L = Buffer.concat([c.update(Buffer.alloc(16)), c.final()]);
  // Doubling in GF(2^128) with BigInt (host only): shift left, reduce by x^128 + x^7 + x^2 + x + 1.
  const dbl = (b: Buffer) => {
    const x = (BigInt('0x' + b.toString('hex')) << 1n) & ((1n << 128n) - 1n);
    const r = b[0] & 0x80 ? x ^ 0x87n : x;
    return Buffer.from(r.toString(16).padStart(32, '0'), 'hex');
  };
  const k1 = dbl(L);
  return { L, k1, k2: dbl(k1) };
}

export function nodeCmac(key: Uint8Array, msg: Uint8Array): Buffer {
  const { k1, k2 } = cmacSubkeys(key);
  const n = msg.length;
  const complete = n > 0 && n % 16 === 0;
  const padded = Buffer.alloc(complete ? n : (Math.floor(n / 16) + 1) * 16);
  Buffer.from(msg).copy(padded);
  if (!complete) padded[n] = 0x80;
  const last = padded.length - 16;
  const k = complete ? k1 : k2;
  for (let i = 0; i < 16; i++) padded[last + i] ^= k[i];
  const c = createCipheriv('aes-128-cbc', key, Buffer.alloc(16));
  c.setAutoPadding(false);
  const out = Buffer.concat([c.update(padded), c.final()]);
  return out.subarray(out.length - 16);
}


/** SP 800-108r1 §4.1 with r = 8 and [L] in 16 bits, as firmware/crypto/kdf-cmac.ts fixes them. */
export function nodeKdf(key: Uint8Array, label: Uint8Array, context: Uint8Array, outBytes: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 1; parts.length * 16 < outBytes; i++) {
    const fixed = Buffer.concat([Buffer.from([i]), Buffer.from(label), Buffer.from([0]), Buffer.from(context), Buffer.from([(outBytes * 8) >> 8, (outBytes * 8) & 255])]);
    parts.push(nodeCmac(key, fixed));
  }
  return Buffer.concat(parts).subarray(0, outBytes);
}
