/**
 * Byte helpers shared by every layer. ES5-safe: no TextEncoder (absent on
 * Espruino and JerryScript), no Uint8Array.prototype.slice (returns a plain
 * Array on Espruino), no fill (absent on Duktape), no apply() over big arrays.
 */

/** A fresh copy of `a[start, end)`, as a Uint8Array on every engine. */
export function copyBytes(a: Uint8Array, start?: number, end?: number): Uint8Array {
  var s = start === undefined ? 0 : start;
  var e = end === undefined ? a.length : end;
  var out = new Uint8Array(e - s);
  out.set(a.subarray(s, e));
  return out;
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  var n = 0;
  for (var i = 0; i < parts.length; i++) n += parts[i].length;
  var out = new Uint8Array(n);
  var off = 0;
  for (var j = 0; j < parts.length; j++) {
    out.set(parts[j], off);
    off += parts[j].length;
  }
  return out;
}

/** Non-constant-time equality: for public data only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (var i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time equality for tags and MACs: the time depends on the length only. */
export function ctEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  var d = 0;
  for (var i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

/** Overwrite a secret buffer with zeros (no fill() on Duktape). */
export function wipe(a: Uint8Array): void {
  for (var i = 0; i < a.length; i++) a[i] = 0;
}

var HEX = '0123456789abcdef';

export function toHex(a: Uint8Array): string {
  var s = '';
  for (var i = 0; i < a.length; i++) s += HEX.charAt(a[i] >> 4) + HEX.charAt(a[i] & 15);
  return s;
}

/** Throws on odd length or a non-hex character. */
export function fromHex(h: string): Uint8Array {
  if (h.length % 2) throw new Error('E_HEX: odd length');
  var out = new Uint8Array(h.length / 2);
  for (var i = 0; i < out.length; i++) {
    var hi = HEX.indexOf(h.charAt(2 * i).toLowerCase());
    var lo = HEX.indexOf(h.charAt(2 * i + 1).toLowerCase());
    if (hi < 0 || lo < 0) throw new Error('E_HEX: bad character at ' + 2 * i);
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** UTF-8 encode without TextEncoder. */
export function utf8Encode(s: string): Uint8Array {
  // Never coerce: a number, null or object where a string belongs is a caller's
  // type confusion (e.g. a numeric PSK becoming an open network), not "" (issue 9).
  if (typeof s !== 'string') throw new Error('E_FIELD: expected a string, got ' + (s === null ? 'null' : typeof s));
  var out: number[] = [];
  for (var i = 0; i < s.length; i++) {
    var c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      var c2 = s.charCodeAt(i + 1);
      if (c2 >= 0xdc00 && c2 < 0xe000) {
        c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/** UTF-8 decode without TextDecoder; throws E_UTF8 on malformed input. */
export function utf8Decode(b: Uint8Array): string {
  var s = '';
  var i = 0;
  while (i < b.length) {
    var c = b[i++];
    var need = 0;
    if (c < 0x80) need = 0;
    else if (c >= 0xc2 && c < 0xe0) { need = 1; c &= 31; }
    else if (c >= 0xe0 && c < 0xf0) { need = 2; c &= 15; }
    else if (c >= 0xf0 && c < 0xf5) { need = 3; c &= 7; }
    else throw new Error('E_UTF8: bad lead byte at ' + (i - 1));
    if (i + need > b.length) throw new Error('E_UTF8: truncated');
    for (var k = 0; k < need; k++) {
      var cc = b[i++];
      if ((cc & 0xc0) !== 0x80) throw new Error('E_UTF8: bad continuation');
      c = (c << 6) | (cc & 63);
    }
    if (c >= 0x10000) {
      c -= 0x10000;
      s += String.fromCharCode(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
    } else s += String.fromCharCode(c);
  }
  return s;
}

export function writeU16(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >> 8) & 255;
  b[off + 1] = v & 255;
}
export function readU16(b: Uint8Array, off: number): number {
  return (b[off] << 8) | b[off + 1];
}
export function writeU32(b: Uint8Array, off: number, v: number): void {
  b[off] = (v >>> 24) & 255;
  b[off + 1] = (v >>> 16) & 255;
  b[off + 2] = (v >>> 8) & 255;
  b[off + 3] = v & 255;
}
export function readU32(b: Uint8Array, off: number): number {
  return ((b[off] << 24) >>> 0) + ((b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]);
}

/** Format a MAC as aa:bb:cc:dd:ee:ff. */
export function macToString(m: Uint8Array): string {
  var s = '';
  for (var i = 0; i < m.length; i++) s += (i ? ':' : '') + HEX.charAt(m[i] >> 4) + HEX.charAt(m[i] & 15);
  return s;
}
