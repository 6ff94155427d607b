/**
 * Base64 (RFC 4648 §4, with padding) without atob/btoa, which ES5 engines
 * need not have: the text form of psk-oob messages on a console line
 * (`NBOOB <base64>`), in a QR code and in the SBR ↔ SBS link's JSON.
 * The decoder never throws: null for anything that is not canonical base64.
 */
var B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function toBase64(b: Uint8Array): string {
  var s = '';
  for (var i = 0; i < b.length; i += 3) {
    var n = (b[i] << 16) | ((i + 1 < b.length ? b[i + 1] : 0) << 8) | (i + 2 < b.length ? b[i + 2] : 0);
    s += B64.charAt(n >> 18) + B64.charAt((n >> 12) & 63);
    s += i + 1 < b.length ? B64.charAt((n >> 6) & 63) : '=';
    s += i + 2 < b.length ? B64.charAt(n & 63) : '=';
  }
  return s;
}

export function fromBase64(s: string): Uint8Array | null {
  if (typeof s !== 'string' || s.length % 4) return null;
  var pad = s.charAt(s.length - 1) === '=' ? (s.charAt(s.length - 2) === '=' ? 2 : 1) : 0;
  var out = new Uint8Array((s.length / 4) * 3 - pad);
  var o = 0;
  for (var i = 0; i < s.length; i += 4) {
    var n = 0;
    for (var j = 0; j < 4; j++) {
      var c = s.charAt(i + j);
      var v = B64.indexOf(c);
      if (c === '=' && i + 4 === s.length && j >= 4 - pad) v = 0;
      else if (v < 0 || c === '') return null;
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  // Canonical only: the bits a padded tail leaves over must be zero.
  return toBase64(out) === s ? out : null;
}
