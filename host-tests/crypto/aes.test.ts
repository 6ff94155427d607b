// AES-128 block encryption, the T-table implementation (aes128.ts): the shared
// suite of aes-block-suite.ts (FIPS 197, SP 800-38A, differential vs node:crypto).
import * as aes from '../../firmware/crypto/aes128.ts';
import { aesBlockSuite } from './aes-block-suite.ts';

aesBlockSuite('AES-128 (T-tables)', {
  aesExpandKey: aes.aesExpandKey,
  aesEncryptBlock: aes.aesEncryptBlock,
  // Round keys as big-endian 32-bit words.
  lastRoundKeyHex(ks) {
    var w = ks.r as Int32Array;
    var last = '';
    for (var i = 40; i < 44; i++) last += ('0000000' + (w[i] >>> 0).toString(16)).slice(-8);
    return last;
  },
});
