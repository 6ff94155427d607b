/**
 * The enrollee's cryptographic work for one whitelist handshake, alone, with the
 * firmware suite and fixed inputs (README.md §4.5). The crypto
 * benchmark times `enrolleeHandshakeCrypto()` against one tweetnacl X25519 on the
 * same engine: the speed target is "no slower than that one multiplication".
 *
 * The sequence mirrors enrollee.ts step for step — the PRESENCE tag (once per
 * nonce), the transcript hash, the static challenge tag, one X25519, HKDF, the
 * challenge tag, two chain hashes, the proof tag, opening one
 * CONFIG fragment of a typical size and sealing the ACK. Tags do not verify with
 * these fixed inputs; the work is the same, because tag checks and CCM opening
 * do all their computation before comparing.
 */
import { fromHex, concatBytes } from '../../bytes/bytes.ts';
import {
  encodePresenceBody, encodeChallengeBody, configHeader, ackHeader, CAP_WIFI, CAP_SETTINGS, AEAD_TAG_LEN, TAG_LEN,
} from './frames.ts';
import { firmwareSuite } from './suite-x25519.ts';
import { transcriptH1, deriveKeys, macTag, chainHash, ccmNonce, presenceTag, staticTag, DIR_C2E, DIR_E2C } from './keys.ts';
import { ctEqual } from '../../bytes/bytes.ts';

var S = firmwareSuite();
/** Fixed inputs (byte strings borrowed from RFC 7748 §5.2/§6.1 vectors; only their sizes matter here). */
var e = fromHex('a8abababababababababababababababababababababababababababababab6b');
var E = fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c');
var C = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
var ss = fromHex('4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742');
var X = fromHex('29aa3c877e8dee8f06d982495c2610eeb1136a2982388d18ce0ea111a6d0396c');
var SID = 0x1234abcd;
var PRESENCE_BODY = encodePresenceBody(1, E, new Uint8Array(16), 0, CAP_WIFI | CAP_SETTINGS, 1);
var CHAL_BODY = encodeChallengeBody(1, SID, X, new Uint8Array(16));
var CHAL_TAG = new Uint8Array(TAG_LEN);
/** A CONFIG fragment the size of a typical record (SSID, PSK, two settings). */
var FRAG_HDR = configHeader(1, SID, 0, 1);
var FRAG_SEALED = new Uint8Array(96 + AEAD_TAG_LEN);
var ACK_HDR = ackHeader(1, SID);

/** The last outputs, kept so an optimiser cannot drop the work. */
export var sink: { ok: boolean; ack: Uint8Array | null } = { ok: false, ack: null };

export function enrolleeHandshakeCrypto(): void {
  var ptag = presenceTag(S, ss, PRESENCE_BODY);
  var pres = concatBytes([PRESENCE_BODY, ptag]);
  var pre = ctEqual(staticTag(S, ss, ptag, concatBytes([CHAL_BODY, CHAL_TAG])), CHAL_TAG);
  var h1 = transcriptH1(S, C, pres, CHAL_BODY);
  var es = S.dh(e, X);
  var k = deriveKeys(S, [ss, es], h1);
  var ok = pre || ctEqual(macTag(S, k.cm, h1), CHAL_TAG);
  var h2 = chainHash(S, h1, CHAL_TAG);
  var proof = macTag(S, k.em, h2);
  var h3 = chainHash(S, h2, proof);
  var pt = S.open(k.ce, ccmNonce(DIR_C2E, SID, 0), FRAG_SEALED, concatBytes([FRAG_HDR, h3]), AEAD_TAG_LEN);
  var ackPt = new Uint8Array(5);
  sink.ok = ok || pt !== null;
  sink.ack = S.seal(k.ee, ccmNonce(DIR_E2C, SID, 0), ackPt, concatBytes([ACK_HDR, h3]), AEAD_TAG_LEN);
}
