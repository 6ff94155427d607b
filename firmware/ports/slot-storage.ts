/**
 * Atomic replace on top of a plain named-file store (THREATS #12).
 *
 * Flash file systems (Espruino's Storage included) give no guarantee about a
 * file that was being written when the power went: it may be missing, short or
 * garbled. So every logical file lives in two slots, `<name>~0` and `<name>~1`,
 * each framed as
 *
 *   magic 0x4E ('N') | seq u32 | length u32 | crc32 u32 | data
 *
 * A write goes to the slot that does NOT hold the newest valid copy, with
 * seq + 1; the newest copy is never touched, so a cut at any point leaves
 * either the old bytes (the new slot fails its CRC or length check) or the new
 * ones. A read picks the valid slot with the highest seq. One write costs one
 * file write (and whatever erases the underlying store does for it).
 */
import { StoragePort } from './ports.ts';
import { crc32 } from './crc32.ts';
import { readU32, writeU32 } from '../bytes/bytes.ts';

/** The raw store a binding provides (Espruino Storage, a flash fake, a directory). */
export interface RawStore {
  read(name: string): Uint8Array | undefined;
  write(name: string, data: Uint8Array): void;
  erase(name: string): void;
  list(prefix: string): string[];
}

var MAGIC = 0x4e;
var HEADER = 13;
/** Espruino's Storage limits names to 28 characters; two are taken by the slot suffix. */
export var MAX_NAME = 26;

function checkName(name: string): void {
  if (!name || name.length > MAX_NAME || name.indexOf('~') >= 0) {
    throw new Error('E_STORAGE_NAME: "' + name + '" (1..' + MAX_NAME + ' chars, no "~")');
  }
}

/** Parse one slot; undefined when missing, short, wrong magic or CRC mismatch. */
function parseSlot(raw: Uint8Array | undefined): { seq: number; data: Uint8Array } | undefined {
  if (!raw || raw.length < HEADER || raw[0] !== MAGIC) return undefined;
  var seq = readU32(raw, 1);
  var len = readU32(raw, 5);
  if (raw.length !== HEADER + len) return undefined;
  var data = new Uint8Array(len);
  data.set(raw.subarray(HEADER, HEADER + len));
  if (crc32(data) !== readU32(raw, 9)) return undefined;
  return { seq: seq, data: data };
}

/** Newer of two sequence numbers with wrap-around (serial-number arithmetic). */
function newer(a: number, b: number): boolean {
  return ((a - b) >>> 0) < 0x80000000 && a !== b;
}

export function makeSlotStorage(raw: RawStore): StoragePort {
  function current(name: string): { slot: number; seq: number; data: Uint8Array } | undefined {
    var a = parseSlot(raw.read(name + '~0'));
    var b = parseSlot(raw.read(name + '~1'));
    if (a && (!b || newer(a.seq, b.seq))) return { slot: 0, seq: a.seq, data: a.data };
    if (b) return { slot: 1, seq: b.seq, data: b.data };
    return undefined;
  }
  return {
    read: function (name: string): Uint8Array | undefined {
      checkName(name);
      var c = current(name);
      return c ? c.data : undefined;
    },
    write: function (name: string, data: Uint8Array): void {
      checkName(name);
      var c = current(name);
      var slot = c ? 1 - c.slot : 0;
      var seq = c ? (c.seq + 1) >>> 0 : 1;
      var out = new Uint8Array(HEADER + data.length);
      out[0] = MAGIC;
      writeU32(out, 1, seq);
      writeU32(out, 5, data.length);
      writeU32(out, 9, crc32(data));
      out.set(data, HEADER);
      raw.write(name + '~' + slot, out);
    },
    erase: function (name: string): void {
      checkName(name);
      // Newest slot last: a cut in between leaves the older copy valid, which a
      // factory reset simply repeats; it never resurrects a newer one.
      var c = current(name);
      var first = c ? 1 - c.slot : 0;
      raw.erase(name + '~' + first);
      raw.erase(name + '~' + (1 - first));
    },
    list: function (prefix: string): string[] {
      var names = raw.list(prefix);
      var out: string[] = [];
      for (var i = 0; i < names.length; i++) {
        var n = names[i];
        var k = n.length - 2;
        if (k > 0 && n.charAt(k) === '~') {
          var base = n.substring(0, k);
          if (out.indexOf(base) < 0 && current(base)) out.push(base);
        }
      }
      return out;
    },
  };
}

/**
 * The raw Storage files (slot-framed) that writing these logical files through
 * the slot store produces: what keygen and flash write into a board's Storage,
 * and what the simulator puts in a virtual board's flash.
 */
export function slotFiles(logical: { [name: string]: Uint8Array }): { [raw: string]: Uint8Array } {
  var files: { [raw: string]: Uint8Array } = {};
  var raw: RawStore = {
    read: function (n) {
      return files[n];
    },
    write: function (n, d) {
      files[n] = d;
    },
    erase: function (n) {
      delete files[n];
    },
    list: function (p) {
      var out: string[] = [];
      for (var k in files) if (k.indexOf(p) === 0) out.push(k);
      return out;
    },
  };
  var st = makeSlotStorage(raw);
  for (var name in logical) st.write(name, logical[name]);
  return files;
}
