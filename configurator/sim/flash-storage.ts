/**
 * A subset of Espruino's `require("Storage")` on top of the flash fake, laid
 * out the way Espruino lays out its Storage area: files are contiguous entries
 * appended one after another,
 *
 *   size u32 LE | name (28 B, NUL-padded) | data (padded to 4 B)
 *
 * and an entry whose size reads 0xFFFFFFFF marks the free space. Writing a
 * file that exists first marks the old entry deleted (its name programmed to
 * zeros: allowed on NOR flash, it only clears bits), then appends the header,
 * then the data, in 256-B program pieces. A power cut between those steps
 * leaves what a real chip would: the file gone, or present with its full size
 * but trailing 0xFF bytes. (Espruino's own write is no more atomic; the
 * firmware's two-slot store must cope.)
 *
 * When the free space is too small the area is compacted: live files are read
 * into RAM, the used pages erased and the files rewritten. Like a naive
 * compaction it is not power-safe; `compactions` counts them so a test can
 * see whether one happened. Erases come only from compaction, as on Espruino.
 *
 * API (Espruino semantics, whole files only): read(name) -> binary string or
 * undefined; readArrayBuffer(name) -> ArrayBuffer or undefined; write(name,
 * data) with a string, ArrayBuffer, typed array, array of bytes, or any other
 * object (written as JSON, as Espruino does); erase(name); list(regex?) ->
 * names in flash order. Names are 1..28 characters; longer ones throw.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */
import { Flash, FLASH_PAGE } from './flash-fake.ts';

export var MAX_NAME = 28;
var HEADER = 32;
var FREE = 0xffffffff;

export interface StorageModule {
  read(name: string): string | undefined;
  readArrayBuffer(name: string): ArrayBuffer | undefined;
  write(name: string, data: any): boolean;
  erase(name: string): void;
  list(filter?: any): string[];
  /** Bytes still free at the end of the area (without compaction). */
  getFree(): number;
  compact(): void;
  compactions(): number;
}

interface Entry {
  addr: number;
  size: number;
  name: string;
  live: boolean;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

function readU32(b: Uint8Array, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}

function tag(x: any): string {
  return Object.prototype.toString.call(x);
}

/** The bytes Espruino would store for `data`. */
export function toStorageBytes(data: any): Uint8Array {
  var i: number;
  var out: Uint8Array;
  if (typeof data === 'string') {
    out = new Uint8Array(data.length);
    for (i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 255;
    return out;
  }
  // instanceof for Espruino, whose Object.prototype.toString.call(x) is String(x)
  // (never "[object ArrayBuffer]"); the tag for node:vm, where a board-realm
  // ArrayBuffer is not an instance of the host's.
  if ((typeof ArrayBuffer !== 'undefined' && data instanceof ArrayBuffer) || tag(data) === '[object ArrayBuffer]') {
    var view = new Uint8Array(data);
    out = new Uint8Array(view.length);
    for (i = 0; i < view.length; i++) out[i] = view[i];
    return out;
  }
  if (data && typeof data === 'object' && typeof data.byteLength === 'number' && data.buffer) {
    var bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    out = new Uint8Array(bytes.length);
    for (i = 0; i < bytes.length; i++) out[i] = bytes[i];
    return out;
  }
  if (Array.isArray(data)) {
    out = new Uint8Array(data.length);
    for (i = 0; i < data.length; i++) out[i] = data[i] & 255;
    return out;
  }
  return toStorageBytes(JSON.stringify(data));
}

function checkName(name: any): void {
  if (typeof name !== 'string' || name.length === 0) throw new Error('Storage: file name must be a non-empty string');
  if (name.length > MAX_NAME) throw new Error('Storage: file name "' + name + '" is longer than ' + MAX_NAME + ' characters');
}

export function makeFlashStorage(flash: Flash): StorageModule {
  var compactionCount = 0;

  /** Walk the entries; stops at the free marker or the end of flash. */
  function scan(): { entries: Entry[]; end: number } {
    var entries: Entry[] = [];
    var addr = 0;
    while (addr + HEADER <= flash.size) {
      var h = flash.read(addr, HEADER);
      var size = readU32(h, 0);
      if (size === FREE) break;
      var name = '';
      var live = true;
      for (var i = 4; i < HEADER; i++) {
        if (h[i] === 0 || h[i] === 0xff) break;
        name += String.fromCharCode(h[i]);
      }
      if (name.length === 0) live = false;
      var next = addr + HEADER + align4(size);
      if (next > flash.size) break; // a garbled size: nothing readable beyond
      entries.push({ addr: addr, size: size, name: name, live: live });
      addr = next;
    }
    return { entries: entries, end: addr };
  }

  function find(name: string): Entry | undefined {
    var s = scan().entries;
    for (var i = s.length - 1; i >= 0; i--) if (s[i].live && s[i].name === name) return s[i];
    return undefined;
  }

  function readBytes(e: Entry): Uint8Array {
    return flash.read(e.addr + HEADER, e.size);
  }

  function markDeleted(e: Entry): void {
    flash.program(e.addr + 4, new Uint8Array(MAX_NAME));
  }

  function append(addr: number, name: string, bytes: Uint8Array): void {
    var h = new Uint8Array(HEADER);
    var n = bytes.length;
    h[0] = n & 255;
    h[1] = (n >>> 8) & 255;
    h[2] = (n >>> 16) & 255;
    h[3] = (n >>> 24) & 255;
    for (var i = 0; i < name.length; i++) h[4 + i] = name.charCodeAt(i) & 255;
    flash.program(addr, h);
    if (n > 0) flash.program(addr + HEADER, bytes);
  }

  function compact(): void {
    var s = scan();
    var keep: { name: string; bytes: Uint8Array }[] = [];
    for (var i = 0; i < s.entries.length; i++) {
      if (s.entries[i].live) keep.push({ name: s.entries[i].name, bytes: readBytes(s.entries[i]) });
    }
    var usedPages = Math.min(Math.ceil((s.end + HEADER) / FLASH_PAGE), flash.size / FLASH_PAGE);
    for (var p = 0; p < usedPages; p++) flash.erasePage(p);
    var addr = 0;
    for (var j = 0; j < keep.length; j++) {
      append(addr, keep[j].name, keep[j].bytes);
      addr += HEADER + align4(keep[j].bytes.length);
    }
    compactionCount++;
  }

  var storage: StorageModule = {
    read: function (name: string) {
      checkName(name);
      var e = find(name);
      if (!e) return undefined;
      var b = readBytes(e);
      var s = '';
      for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
      return s;
    },
    readArrayBuffer: function (name: string) {
      checkName(name);
      var e = find(name);
      if (!e) return undefined;
      return readBytes(e).buffer as ArrayBuffer;
    },
    write: function (name: string, data: any) {
      checkName(name);
      var bytes = toStorageBytes(data);
      var old = find(name);
      if (old) markDeleted(old);
      var need = HEADER + align4(bytes.length);
      var end = scan().end;
      // Keep room for the free marker's header after the new entry.
      if (end + need + HEADER > flash.size) {
        compact();
        end = scan().end;
        if (end + need + HEADER > flash.size) throw new Error('Storage: not enough free space for "' + name + '" (' + bytes.length + ' B)');
      }
      append(end, name, bytes);
      return true;
    },
    erase: function (name: string) {
      checkName(name);
      var e = find(name);
      if (e) markDeleted(e);
    },
    list: function (filter?: any) {
      var re: any = filter;
      if (typeof filter === 'string') re = new RegExp(filter);
      var s = scan().entries;
      var out: string[] = [];
      for (var i = 0; i < s.length; i++) {
        if (!s[i].live) continue;
        if (re && typeof re.test === 'function' && !re.test(s[i].name)) continue;
        out.push(s[i].name);
      }
      return out;
    },
    getFree: function () {
      var free = flash.size - scan().end - HEADER;
      return free > 0 ? free : 0;
    },
    compact: compact,
    compactions: function () {
      return compactionCount;
    },
  };
  return storage;
}
