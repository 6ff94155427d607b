/**
 * Serial framing between the radio bridge (an ESP32 whose firmware has
 * ESP-NOW, firmware/bridge/bridge.ts) and the bench computer
 * (configurator/transport/serial-bridge.ts). Spec: firmware/bridge/README.md.
 *
 *   offset 0   sync 0xA7 0x4E
 *          2   len u16      bytes from offset 5 up to the CRC (seq + type + body): 3 .. MAX_LEN
 *          4   hchk u8      len_hi ^ len_lo ^ 0xFF: a false sync in garbage rarely passes
 *          5   seq u16      per direction, +1 per frame (a duplicate repeats seq and CRC)
 *          7   type u8
 *          8   body         len - 3 bytes
 *     5 + len  crc u32      CRC-32 (IEEE, firmware/ports/crc32.ts) over offsets 2 .. 5+len
 *
 * A UART gives no framing of its own and a USB-serial chip delivers whatever
 * the board printed at boot, so the decoder never trusts a byte: it hunts for
 * the sync pair, checks the header, waits for the whole frame, checks the CRC,
 * drops a repeat of a recent frame (same seq and CRC),
 * and after a failure moves on by ONE byte and looks again, so a good frame
 * that starts inside a broken one (a truncated frame followed by the next) is
 * still found. Nothing throws; every byte it discards is counted.
 *
 * ES5 (ships in the bridge bundle); the host side uses the same file.
 */
import { crc32 } from '../ports/crc32.ts';
import { readU16, writeU16, readU32, writeU32, copyBytes } from '../bytes/bytes.ts';
import { MAX_FRAME } from '../ports/ports.ts';

export var SYNC0 = 0xa7;
export var SYNC1 = 0x4e;
/** sync 2 + len 2 + hchk 1 */
export var HEADER = 5;
/** the CRC-32 */
export var TRAILER = 4;
/** The largest body: SEND = id 2 + MAC 6 + payload 250. */
export var MAX_BODY = 2 + 6 + MAX_FRAME;
/** len = seq 2 + type 1 + body */
export var MAX_LEN = 3 + MAX_BODY;
/** The longest frame on the line. */
export var MAX_WIRE = HEADER + MAX_LEN + TRAILER;

/** Bridge -> host: an ESP-NOW frame heard: MAC 6, RSSI i8, payload. */
export var T_RECV = 0x01;
/** Bridge -> host: the ESP-NOW send status of a SEND: id u16, status u8 (ST_*). */
export var T_STATUS = 0x02;
/** Bridge -> host: who it is and its counters; sent at boot and in answer to PING. */
export var T_HELLO = 0x03;
/** Host -> bridge: send an ESP-NOW frame: id u16, MAC 6, payload. */
export var T_SEND = 0x81;
/** Host -> bridge: answer with HELLO (keep-alive; the host's "is it there?"). */
export var T_PING = 0x82;
/** Host -> bridge: give the serial line back to the JavaScript console (so it can be re-flashed); body = "REPL". */
export var T_CONSOLE = 0x83;

/** SEND status: ESP-NOW reported success (unicast: the peer's MAC acknowledged). */
export var ST_OK = 0;
/** SEND status: ESP-NOW reported failure (unicast: no MAC-level ACK). */
export var ST_FAIL = 1;
/** SEND status: refused before the radio (payload too long, bad MAC, radio threw). */
export var ST_REFUSED = 2;

/** How many recent frames a duplicate is recognised against. */
export var DUP_WINDOW = 16;

/** Version of this framing, carried in HELLO. */
export var BRIDGE_VERSION = 1;

export interface SerialFrame {
  seq: number;
  type: number;
  body: Uint8Array;
}

/** What the decoder threw away, by reason (all counts). */
export interface DecoderStats {
  /** frames accepted */
  frames: number;
  /** bytes discarded outside accepted frames: boot banners, line noise, broken frames (duplicates not included) */
  garbage: number;
  /** sync pairs whose header check or length was impossible */
  badHeader: number;
  /** complete frames whose CRC failed, with no other frame starting inside them */
  crc: number;
  /** frames cut short: CRC failed with a sync pair inside (the next frame began early), or stale when the line went idle */
  truncated: number;
  /** exact repeats of one of the last DUP_WINDOW frames (same seq and CRC) */
  dups: number;
}

export interface FrameDecoder {
  /** Feed received bytes; returns the frames they complete (in order). */
  push(bytes: Uint8Array): SerialFrame[];
  /**
   * The line went quiet with a partial frame buffered: it will never complete.
   * Drops it (counted as truncated) and returns any whole frame that starts
   * inside the stale bytes.
   */
  expire(): SerialFrame[];
  /** Bytes buffered (waiting for the rest of a frame). */
  pending(): number;
  /** Forget the last accepted frame (the peer rebooted: its seq starts over). */
  resetSeq(): void;
  stats: DecoderStats;
}

export type Crc32 = (data: Uint8Array) => number;

function hchk(len: number): number {
  return ((len >> 8) ^ (len & 255) ^ 0xff) & 255;
}

/** One frame on the wire. Throws only on a body over MAX_BODY (a caller bug). */
export function encodeFrame(seq: number, type: number, body: Uint8Array, crc?: Crc32): Uint8Array {
  if (body.length > MAX_BODY) throw new Error('E_BRIDGE_BODY ' + body.length);
  var len = 3 + body.length;
  var out = new Uint8Array(HEADER + len + TRAILER);
  out[0] = SYNC0;
  out[1] = SYNC1;
  writeU16(out, 2, len);
  out[4] = hchk(len);
  writeU16(out, 5, seq & 0xffff);
  out[7] = type & 255;
  out.set(body, 8);
  writeU32(out, HEADER + len, (crc || crc32)(out.subarray(2, HEADER + len)));
  return out;
}

export function makeDecoder(crc?: Crc32): FrameDecoder {
  var crcFn = crc || crc32;
  // Twice the longest frame: after each pass fewer than MAX_WIRE bytes remain, so a chunk always fits.
  var cap = 2 * MAX_WIRE;
  var buf = new Uint8Array(cap);
  var n = 0;
  // The (seq, CRC) of the last DUP_WINDOW frames: a repeat of any of them is a duplicate
  // (a whole chunk of the line delivered twice repeats several frames).
  var seen = new Array(2 * DUP_WINDOW);
  var seenAt = 0;
  function forget(): void {
    for (var i = 0; i < seen.length; i++) seen[i] = -1;
  }
  function isDup(seq: number, crc: number): boolean {
    for (var i = 0; i < DUP_WINDOW; i++) if (seen[2 * i] === seq && seen[2 * i + 1] === crc) return true;
    seen[2 * seenAt] = seq;
    seen[2 * seenAt + 1] = crc;
    seenAt = (seenAt + 1) % DUP_WINDOW;
    return false;
  }
  forget();
  var stats: DecoderStats = { frames: 0, garbage: 0, badHeader: 0, crc: 0, truncated: 0, dups: 0 };

  function drop(k: number): void {
    if (k >= n) {
      n = 0;
      return;
    }
    buf.set(buf.subarray(k, n), 0);
    n -= k;
  }

  /** Is there a sync pair starting at an offset in [from, to)? */
  function syncIn(from: number, to: number): boolean {
    for (var i = from; i < to - 1 && i < n - 1; i++) if (buf[i] === SYNC0 && buf[i + 1] === SYNC1) return true;
    return false;
  }

  /** Take every whole frame off the front of the buffer; stop at a partial one. */
  function run(out: SerialFrame[]): void {
    for (;;) {
      var i = 0;
      while (i < n && !(buf[i] === SYNC0 && (i + 1 === n || buf[i + 1] === SYNC1))) i++;
      if (i > 0) {
        stats.garbage += i;
        drop(i);
      }
      if (n < HEADER) return;
      var len = readU16(buf, 2);
      if (buf[4] !== hchk(len) || len < 3 || len > MAX_LEN) {
        stats.badHeader++;
        stats.garbage++;
        drop(1);
        continue;
      }
      var total = HEADER + len + TRAILER;
      if (n < total) return;
      var got = readU32(buf, HEADER + len);
      var want = crcFn(buf.subarray(2, HEADER + len)) >>> 0;
      if (got !== want) {
        if (syncIn(1, total)) stats.truncated++;
        else stats.crc++;
        stats.garbage++;
        drop(1);
        continue;
      }
      var seq = readU16(buf, 5);
      if (isDup(seq, got)) {
        stats.dups++;
      } else {
        stats.frames++;
        out.push({ seq: seq, type: buf[7], body: copyBytes(buf, 8, HEADER + len) });
      }
      drop(total);
    }
  }

  return {
    push: function (bytes: Uint8Array) {
      var out: SerialFrame[] = [];
      var off = 0;
      while (off < bytes.length) {
        var k = Math.min(cap - n, bytes.length - off);
        buf.set(bytes.subarray(off, off + k), n);
        n += k;
        off += k;
        run(out);
      }
      return out;
    },
    expire: function () {
      var out: SerialFrame[] = [];
      if (n === 0) return out;
      stats.truncated++;
      // Every buffered byte is stale; a whole frame may still start inside them.
      while (n > 0) {
        stats.garbage++;
        drop(1);
        run(out);
      }
      return out;
    },
    pending: function () {
      return n;
    },
    resetSeq: forget,
    stats: stats,
  };
}

// ---- bodies ---------------------------------------------------------------

export function recvBody(mac: Uint8Array, rssi: number, payload: Uint8Array): Uint8Array {
  var b = new Uint8Array(7 + payload.length);
  b.set(mac, 0);
  b[6] = rssi & 255;
  b.set(payload, 7);
  return b;
}

export interface RecvBody {
  mac: Uint8Array;
  rssi: number;
  payload: Uint8Array;
}

/** null when the body is malformed (too short, payload over MAX_FRAME). */
export function parseRecv(b: Uint8Array): RecvBody | null {
  if (b.length < 7 || b.length > 7 + MAX_FRAME) return null;
  var r = b[6];
  return { mac: copyBytes(b, 0, 6), rssi: r > 127 ? r - 256 : r, payload: copyBytes(b, 7) };
}

export function sendBody(id: number, mac: Uint8Array, payload: Uint8Array): Uint8Array {
  var b = new Uint8Array(8 + payload.length);
  writeU16(b, 0, id);
  b.set(mac, 2);
  b.set(payload, 8);
  return b;
}

export interface SendBody {
  id: number;
  mac: Uint8Array;
  payload: Uint8Array;
}

/** null when shorter than id + MAC. A payload over MAX_FRAME is returned as is: the bridge refuses it with a STATUS. */
export function parseSend(b: Uint8Array): SendBody | null {
  if (b.length < 8) return null;
  return { id: readU16(b, 0), mac: copyBytes(b, 2, 8), payload: copyBytes(b, 8) };
}

export function statusBody(id: number, status: number): Uint8Array {
  var b = new Uint8Array(3);
  writeU16(b, 0, id);
  b[2] = status;
  return b;
}

export function parseStatus(b: Uint8Array): { id: number; status: number } | null {
  if (b.length !== 3) return null;
  return { id: readU16(b, 0), status: b[2] };
}

/** The counters a HELLO carries, in this order (u32 each). */
export var HELLO_COUNTERS = ['airRx', 'airTx', 'airFail', 'refused', 'frames', 'garbage', 'badHeader', 'crc', 'truncated', 'dups', 'unknown'];

export interface Hello {
  version: number;
  mac: Uint8Array;
  /** random per boot: a new value means the bridge restarted */
  boot: number;
  maxPayload: number;
  counters: { [name: string]: number };
}

export function helloBody(h: Hello): Uint8Array {
  var k = HELLO_COUNTERS.length;
  var b = new Uint8Array(13 + 4 * k);
  b[0] = h.version;
  b.set(h.mac, 1);
  writeU32(b, 7, h.boot);
  b[11] = h.maxPayload;
  b[12] = k;
  for (var i = 0; i < k; i++) writeU32(b, 13 + 4 * i, h.counters[HELLO_COUNTERS[i]] || 0);
  return b;
}

/** null when malformed; counters beyond the names this side knows are ignored (a newer bridge). */
export function parseHello(b: Uint8Array): Hello | null {
  if (b.length < 13 || b.length !== 13 + 4 * b[12]) return null;
  var counters: { [name: string]: number } = {};
  for (var i = 0; i < b[12] && i < HELLO_COUNTERS.length; i++) counters[HELLO_COUNTERS[i]] = readU32(b, 13 + 4 * i);
  return { version: b[0], mac: copyBytes(b, 1, 7), boot: readU32(b, 7), maxPayload: b[11], counters: counters };
}

/** The CONSOLE body: four bytes "REPL", so line noise cannot take the line away by accident. */
export var CONSOLE_MAGIC = new Uint8Array([0x52, 0x45, 0x50, 0x4c]);
