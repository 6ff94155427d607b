/**
 * A minimal X.509 certificate (RFC 5280 §4.1) for a P-256 key, DER-encoded
 * (X.690), signed ECDSA-with-SHA256 by a CA key: version 1 (no version field,
 * no extensions), a 20-byte serial, issuer CN = "ca", subject CN = the device
 * id in hex, UTCTime validity — the same structure `openssl x509 -new -CA …
 * -force_pubkey` makes without extensions. The bench prints its size beside
 * the ECQV certificate on every engine; host-tests/ecqv/x509-size.test.ts
 * checks that node:crypto parses and verifies it and that openssl's is the
 * same size. ES5-safe (bundled into the crypto bench).
 */
import { concatBytes, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { p256Sign } from '../../firmware/crypto/p256.ts';
import { sigToDer } from '../../firmware/crypto/ecdsa.ts';

function len(n: number): Uint8Array {
  if (n < 128) return new Uint8Array([n]);
  if (n < 256) return new Uint8Array([0x81, n]);
  return new Uint8Array([0x82, n >> 8, n & 255]);
}

function tlv(tag: number, body: Uint8Array): Uint8Array {
  return concatBytes([new Uint8Array([tag]), len(body.length), body]);
}

function seq(parts: Uint8Array[]): Uint8Array {
  return tlv(0x30, concatBytes(parts));
}

var OID_ECDSA_SHA256 = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
var OID_EC_PUBLIC_KEY = new Uint8Array([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
var OID_PRIME256V1 = new Uint8Array([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]);
var OID_CN = new Uint8Array([0x06, 0x03, 0x55, 0x04, 0x03]);

function name(cn: string): Uint8Array {
  return seq([tlv(0x31, seq([OID_CN, tlv(0x0c, utf8Encode(cn))]))]);
}

/** UTCTime YYMMDDHHMMSSZ for seconds since 1970 (years 2000–2049). */
function utcTime(secs: number): Uint8Array {
  var days = Math.floor(secs / 86400), rem = secs - days * 86400;
  // civil from days (H. Hinnant's algorithm)
  var z = days + 719468, era = Math.floor(z / 146097), doe = z - era * 146097;
  var yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  var doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100)), mp = Math.floor((5 * doy + 2) / 153);
  var d = doy - Math.floor((153 * mp + 2) / 5) + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  function two(v: number): string {
    return v < 10 ? '0' + v : String(v);
  }
  var s = two(y % 100) + two(m) + two(d) + two(Math.floor(rem / 3600)) + two(Math.floor((rem % 3600) / 60)) + two(rem % 60) + 'Z';
  return tlv(0x17, utf8Encode(s));
}

/**
 * DER X.509 v1 certificate for `pub` (uncompressed P-256 point), issued by the
 * holder of `caPriv` (32 bytes), valid `days` from `notBefore` (Unix seconds).
 */
export function x509Minimal(pub: Uint8Array, subjectCn: string, caPriv: Uint8Array, notBefore: number, days: number, serial20: Uint8Array): Uint8Array {
  var sn = new Uint8Array(20);
  sn.set(serial20.subarray(0, 20));
  sn[0] = (sn[0] & 0x3f) | 0x40; // positive, 20 bytes, no leading zero (as openssl draws them)
  var alg = seq([OID_ECDSA_SHA256]);
  var tbs = seq([
    tlv(0x02, sn),
    alg,
    name('ca'),
    seq([utcTime(notBefore), utcTime(notBefore + days * 86400)]),
    name(subjectCn),
    seq([seq([OID_EC_PUBLIC_KEY, OID_PRIME256V1]), tlv(0x03, concatBytes([new Uint8Array([0]), pub]))]),
  ]);
  var sig = sigToDer(p256Sign(tbs, caPriv));
  return seq([tbs, alg, tlv(0x03, concatBytes([new Uint8Array([0]), sig]))]);
}
