/**
 * Adapts Espruino's `require("crypto")` (libs/crypto/jswrap_crypto.c: SHA256 →
 * ArrayBuffer, AES.encrypt(data, key, {mode: "ECB"}) → ArrayBuffer) to the hook
 * of firmware/crypto/crypto-natives.ts. Each native is installed only after it
 * reproduces a known answer, so a build with a broken or missing primitive
 * falls back to the pure code instead of producing wrong keys.
 */
import { NativeCrypto } from '../../crypto/crypto-natives.ts';

function hex(b: Uint8Array): string {
  var s = '';
  for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

export function espruinoCryptoNatives(C: any): NativeCrypto {
  var n: NativeCrypto = {};
  function sha(m: Uint8Array): Uint8Array | null {
    // Espruino's SHA256 of an empty message is unreliable across builds: let the pure code do it.
    return m.length ? new Uint8Array(C.SHA256(m)) : null;
  }
  function aes(k: Uint8Array, b: Uint8Array): Uint8Array | null {
    return new Uint8Array(C.AES.encrypt(b, k, { mode: 'ECB' }));
  }
  try {
    // FIPS 180-4 example: SHA-256("abc")
    if (C && C.SHA256 && hex(sha(new Uint8Array([0x61, 0x62, 0x63])) as Uint8Array) === 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad') n.sha256 = sha;
  } catch (e) {
    /* no usable native SHA-256 */
  }
  try {
    // FIPS 197 appendix C.1
    var k = new Uint8Array(16);
    var p = new Uint8Array(16);
    for (var i = 0; i < 16; i++) {
      k[i] = i;
      p[i] = i * 17;
    }
    if (C && C.AES && hex(aes(k, p) as Uint8Array) === '69c4e0d86a7b0430d8cdb78070b4c55a') n.aesEncryptBlock = aes;
  } catch (e) {
    /* no usable native AES */
  }
  return n;
}
