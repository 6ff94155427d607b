/**
 * The key schedule of psk-oob (README.md "Key schedule"). Every key comes out
 * of one KDF (NIST SP 800-108 counter mode, PRF = AES-CMAC) with a purpose
 * label and a context that binds who and which transaction:
 *
 *   dev   = ID_i ‖ NID ‖ gen                       (16 bytes)
 *   K_f1  = KDF(K, "po f1",  dev)                   flight 1 (SBI → SBS via SBR)
 *   K_f4  = KDF(K, "po f4",  dev ‖ ID_c ‖ TID)      flight 4 (SBR → SBI), handed to the SBR by the SBS
 *   PSK'  = KDF(K, "po psk", dev ‖ ID_c ‖ TID ‖ RN_i ‖ RN_c)   the new key, generation gen + 1
 *   ses   = ID_i ‖ NID ‖ ID_c ‖ TID
 *   K_f5  = KDF(PSK', "po f5",  ses)                flight 5 (SBI → SBR)
 *   K_c2e = KDF(PSK', "po c2e", ses)                CONFIG (SBR → SBI over ESP-NOW)
 *   K_e2c = KDF(PSK', "po e2c", ses)                ACK (SBI → SBR)
 *   K_c2s = KDF(SK_cs, "po c2s", ID_c), K_s2c = KDF(SK_cs, "po s2c", ID_c)   the SBR ↔ SBS link
 *
 * K is the device's current key: the installer's IK at generation 0, the
 * PSK of the last re-key after that. The paper derives PSK = E(RN_i ⊕ RN_c, IK)
 * (a raw block encryption keyed by the nonces); here the nonces are KDF
 * context under K, and both IDs, the NID and the TID are bound in.
 */
import { writeU32, concatBytes } from '../../bytes/bytes.ts';
import { PskOobSuite } from './suite.ts';
import { KEY_LEN } from './frames.ts';

function ascii(s: string): Uint8Array {
  var b = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}

var L_F1 = ascii('po f1');
var L_F4 = ascii('po f4');
var L_PSK = ascii('po psk');
var L_F5 = ascii('po f5');
var L_C2E = ascii('po c2e');
var L_E2C = ascii('po e2c');
var L_C2S = ascii('po c2s');
var L_S2C = ascii('po s2c');

function u32(v: number): Uint8Array {
  var b = new Uint8Array(4);
  writeU32(b, 0, v);
  return b;
}

export function devContext(id: Uint8Array, nid: number, gen: number): Uint8Array {
  return concatBytes([id, u32(nid), u32(gen)]);
}

export function keyF1(s: PskOobSuite, k: Uint8Array, id: Uint8Array, nid: number, gen: number): Uint8Array {
  return s.kdf(k, L_F1, devContext(id, nid, gen), KEY_LEN);
}

export function keyF4(s: PskOobSuite, k: Uint8Array, id: Uint8Array, nid: number, gen: number, idc: Uint8Array, tid: number): Uint8Array {
  return s.kdf(k, L_F4, concatBytes([devContext(id, nid, gen), idc, u32(tid)]), KEY_LEN);
}

export function newPsk(s: PskOobSuite, k: Uint8Array, id: Uint8Array, nid: number, gen: number, idc: Uint8Array, tid: number, rni: Uint8Array, rnc: Uint8Array): Uint8Array {
  return s.kdf(k, L_PSK, concatBytes([devContext(id, nid, gen), idc, u32(tid), rni, rnc]), KEY_LEN);
}

export interface SessionKeys {
  f5: Uint8Array;
  c2e: Uint8Array;
  e2c: Uint8Array;
}

export function sessionKeys(s: PskOobSuite, psk: Uint8Array, id: Uint8Array, nid: number, idc: Uint8Array, tid: number): SessionKeys {
  var ctx = concatBytes([id, u32(nid), idc, u32(tid)]);
  return { f5: s.kdf(psk, L_F5, ctx, KEY_LEN), c2e: s.kdf(psk, L_C2E, ctx, KEY_LEN), e2c: s.kdf(psk, L_E2C, ctx, KEY_LEN) };
}

export interface LinkKeys {
  c2s: Uint8Array;
  s2c: Uint8Array;
}

export function linkKeys(s: PskOobSuite, kcs: Uint8Array, idc: Uint8Array): LinkKeys {
  return { c2s: s.kdf(kcs, L_C2S, idc, KEY_LEN), s2c: s.kdf(kcs, L_S2C, idc, KEY_LEN) };
}
