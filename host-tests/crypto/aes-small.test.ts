// Compact byte-wise AES-128 (aes128-small.ts, the psk-oob enrollee's): the same
// suite as the T-table implementation (aes-block-suite.ts).
import * as aes from '../../firmware/crypto/aes128-small.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';
import { aesBlockSuite } from './aes-block-suite.ts';

aesBlockSuite('AES-128 (compact)', {
  aesExpandKey: aes.aesExpandKey,
  aesEncryptBlock: aes.aesEncryptBlock,
  // Round keys as 176 bytes.
  lastRoundKeyHex(ks) {
    var w = ks.r as Uint8Array;
    if (w.length !== 176) throw new Error('schedule is ' + w.length + ' bytes, not 176');
    return toHex(w.subarray(160, 176));
  },
});
