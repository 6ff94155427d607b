/**
 * The radio bridge's serial framing (firmware/bridge/serial-frames.ts) against
 * an independent encoder written here from the spec (firmware/bridge/README.md)
 * with node:zlib's CRC-32 as the oracle; then the decoder on a bad line:
 * garbage, truncated, duplicated and corrupted frames, frames split at every
 * byte, a seeded fuzz. And the bridge's logic (firmware/bridge/bridge.ts) over
 * fake ports: SEND → radio → STATUS, RECV, refusals, unknown frames, the
 * idle expiry, PING → HELLO with counters, CONSOLE.
 */
import { describe, it, expect } from 'vitest';
import zlib from 'node:zlib';
import {
  encodeFrame, makeDecoder, SerialFrame, MAX_WIRE, MAX_BODY,
  T_RECV, T_SEND, T_STATUS, T_HELLO, T_PING, T_CONSOLE, ST_OK, ST_FAIL, ST_REFUSED,
  recvBody, parseRecv, sendBody, parseSend, statusBody, parseStatus, helloBody, parseHello, HELLO_COUNTERS, CONSOLE_MAGIC,
} from '../../firmware/bridge/serial-frames.ts';
import { startBridge, SerialLine } from '../../firmware/bridge/bridge.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';

/** The spec's layout, built without the module under test. */
function refFrame(seq: number, type: number, body: Uint8Array): Buffer {
  const len = 3 + body.length;
  const head = Buffer.from([0xa7, 0x4e, len >> 8, len & 255, (len >> 8) ^ (len & 255) ^ 0xff, seq >> 8, seq & 255, type]);
  const covered = Buffer.concat([head.subarray(2), Buffer.from(body)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(covered));
  return Buffer.concat([head, Buffer.from(body), crc]);
}

function bytes(n: number, seed: number): Uint8Array {
  const r = makeRng('bytes' + seed);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = r.i32() & 255;
  return b;
}

function simple(frames: SerialFrame[]): [number, number, string][] {
  return frames.map((f) => [f.seq, f.type, Buffer.from(f.body).toString('hex')]);
}

describe('serial frame encoding', () => {
  it('matches the spec layout with a zlib CRC-32, for empty, small and the largest bodies', () => {
    for (const [seq, type, body] of [[0, T_PING, new Uint8Array(0)], [513, T_RECV, bytes(40, 1)], [65535, T_SEND, bytes(MAX_BODY, 2)]] as const) {
      expect(Buffer.from(encodeFrame(seq, type, body)).equals(refFrame(seq, type, body))).toBe(true);
    }
    expect(encodeFrame(0, T_SEND, new Uint8Array(MAX_BODY)).length).toBe(MAX_WIRE);
    expect(() => encodeFrame(0, T_SEND, new Uint8Array(MAX_BODY + 1))).toThrow(/^E_BRIDGE_BODY/);
  });

  it('bodies round-trip; malformed bodies parse to null', () => {
    const mac = new Uint8Array([2, 1, 2, 3, 4, 5]);
    const p = bytes(250, 3);
    expect(parseRecv(recvBody(mac, -71, p))).toEqual({ mac, rssi: -71, payload: p });
    expect(parseRecv(new Uint8Array(6))).toBeNull();
    expect(parseRecv(new Uint8Array(7 + 251))).toBeNull();
    expect(parseSend(sendBody(0xbeef, mac, p))).toEqual({ id: 0xbeef, mac, payload: p });
    expect(parseSend(new Uint8Array(7))).toBeNull();
    expect(parseStatus(statusBody(7, ST_FAIL))).toEqual({ id: 7, status: ST_FAIL });
    expect(parseStatus(new Uint8Array(4))).toBeNull();
    const counters: Record<string, number> = {};
    HELLO_COUNTERS.forEach((k, i) => (counters[k] = i * 1000 + 1));
    const h = { version: 1, mac, boot: 0xdeadbeef, maxPayload: 250, counters };
    expect(parseHello(helloBody(h))).toEqual(h);
    expect(parseHello(helloBody(h).subarray(0, 20))).toBeNull();
  });
});

describe('serial frame decoder on a bad line', () => {
  const frames = [refFrame(1, T_RECV, bytes(30, 4)), refFrame(2, T_STATUS, statusBody(9, ST_OK)), refFrame(3, T_RECV, bytes(257, 5))];
  const want = [[1, T_RECV], [2, T_STATUS], [3, T_RECV]];

  it('decodes back-to-back frames fed one byte at a time', () => {
    const d = makeDecoder();
    const out: SerialFrame[] = [];
    for (const b of Buffer.concat(frames)) out.push(...d.push(new Uint8Array([b])));
    expect(out.map((f) => [f.seq, f.type])).toEqual(want);
    expect(d.stats).toMatchObject({ frames: 3, garbage: 0, crc: 0, truncated: 0, dups: 0, badHeader: 0 });
  });

  it('skips a boot banner and noise between frames (incl. false sync bytes), counting every discarded byte', () => {
    const banner = Buffer.from(' ____                 _ \r\n|  __|___ ___ ___ _ _|_|___ ___ \r\n 2v29 (c) 2025 G.Williams\r\n>');
    const noise = Buffer.from([0xa7, 0xa7, 0x4e, 0x00, 0x01, 0x00, 0xa7, 0x10]); // two false syncs with impossible headers
    const d = makeDecoder();
    const out = d.push(new Uint8Array(Buffer.concat([banner, frames[0], noise, frames[1], frames[2]])));
    expect(out.map((f) => [f.seq, f.type])).toEqual(want);
    expect(d.stats.garbage).toBe(banner.length + noise.length);
    expect(d.stats.badHeader).toBeGreaterThanOrEqual(1);
  });

  it('a truncated frame followed by a whole one: the whole one survives, the cut one is counted', () => {
    const cut = frames[2].subarray(0, 100);
    const d = makeDecoder();
    const out = d.push(new Uint8Array(Buffer.concat([frames[0], cut, frames[1], frames[2]])));
    // frames[1] starts inside the length claimed by the cut frame: found on the rescan.
    expect(out.map((f) => [f.seq, f.type])).toEqual(want);
    expect(d.stats.truncated).toBe(1);
    expect(d.stats.crc).toBe(0);
  });

  it('a partial frame at the end of a burst is dropped by expire() when the line goes quiet', () => {
    const d = makeDecoder();
    expect(d.push(new Uint8Array(Buffer.concat([frames[0], frames[2].subarray(0, 60)])))).toHaveLength(1);
    expect(d.pending()).toBe(60);
    expect(d.expire()).toEqual([]);
    expect(d.pending()).toBe(0);
    expect(d.stats.truncated).toBe(1);
    // The next frame decodes normally.
    expect(simple(d.push(new Uint8Array(frames[1])))[0].slice(0, 2)).toEqual([2, T_STATUS]);
  });

  it('expire() still finds a whole frame hiding in stale bytes (a false sync claimed a long length)', () => {
    // A false header claiming 200 bytes, then a real short frame, then silence.
    const fake = Buffer.from([0xa7, 0x4e, 0x00, 0xc8, 0x00 ^ 0xc8 ^ 0xff, 1, 2]);
    const d = makeDecoder();
    expect(d.push(new Uint8Array(Buffer.concat([fake, frames[1]])))).toEqual([]);
    expect(simple(d.expire()).map((f) => f.slice(0, 2))).toEqual([[2, T_STATUS]]);
    expect(d.pending()).toBe(0);
  });

  it('an exact duplicate is dropped and counted; the same seq with other content is not a duplicate', () => {
    const d = makeDecoder();
    const other = refFrame(2, T_STATUS, statusBody(10, ST_OK));
    const out = d.push(new Uint8Array(Buffer.concat([frames[0], frames[1], frames[1], other, frames[2], frames[2]])));
    expect(out.map((f) => [f.seq, f.type])).toEqual([[1, T_RECV], [2, T_STATUS], [2, T_STATUS], [3, T_RECV]]);
    expect(d.stats.dups).toBe(2);
  });

  it('a flipped bit anywhere in a frame is caught (CRC or header), and the neighbours survive', () => {
    const f = refFrame(5, T_RECV, bytes(60, 6));
    for (let i = 0; i < f.length; i++) {
      for (const bit of [0x01, 0x80]) {
        const bad = Buffer.from(f);
        bad[i] ^= bit;
        const d = makeDecoder();
        const out = d.push(new Uint8Array(Buffer.concat([frames[0], bad, frames[1]])));
        const late = d.expire();
        const seqs = out.concat(late).map((x) => x.seq);
        expect(seqs, 'byte ' + i + ' bit ' + bit).toEqual([1, 2]);
        // Its bytes are discarded and counted (a broken sync byte makes the whole frame noise).
        expect(d.stats.garbage, 'byte ' + i).toBeGreaterThanOrEqual(1);
        expect(d.stats.frames).toBe(2);
      }
    }
  });

  it('seeded fuzz: random noise, cuts and repeats between valid frames never lose an intact frame', () => {
    const seed = 'bridge-fuzz-1';
    const r = makeRng(seed);
    for (let round = 0; round < 30; round++) {
      const d = makeDecoder();
      const stream: Buffer[] = [];
      const intact: number[] = [];
      let seq = 0;
      for (let k = 0; k < 25; k++) {
        const f = refFrame(++seq, T_RECV, bytes((r.i32() >>> 0) % 258, round * 100 + k));
        const what = (r.i32() >>> 0) % 6;
        if (what === 0) stream.push(Buffer.from(bytes((r.i32() >>> 0) % 40, round * 1000 + k))); // noise before
        if (what === 1) {
          stream.push(f.subarray(0, 1 + ((r.i32() >>> 0) % (f.length - 1)))); // cut short, never whole
          continue;
        }
        stream.push(f);
        intact.push(seq);
        if (what === 2) stream.push(f); // duplicated
      }
      const all = Buffer.concat(stream);
      const out: SerialFrame[] = [];
      // Chunk boundaries anywhere, as a USB-serial chip delivers.
      for (let off = 0; off < all.length; ) {
        const n = 1 + ((r.i32() >>> 0) % 64);
        out.push(...d.push(new Uint8Array(all.subarray(off, off + n))));
        off += n;
      }
      out.push(...d.expire());
      expect(out.map((f) => f.seq), 'seed ' + seed + ' round ' + round).toEqual(intact);
    }
  });
});

/** Fake ports for the bridge's logic. */
function fakeBridge() {
  const written: Uint8Array[] = [];
  let onData: ((b: Uint8Array) => void) | null = null;
  let released = false;
  const serial: SerialLine = {
    write: (b) => written.push(new Uint8Array(b)),
    onData: (h) => (onData = h),
    release: () => (released = true),
  };
  const sent: { to: string; payload: string; done?: (ok: boolean) => void }[] = [];
  let recv: ((from: Uint8Array, p: Uint8Array, rssi: number) => void) | null = null;
  const radio = {
    mac: () => new Uint8Array([2, 0xb0, 0, 0, 0, 1]),
    send: (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) => {
      if (to[0] === 0xff && to[1] === 0) throw new Error('E_PEER: peer list full'); // as esp_now_add_peer can fail
      sent.push({ to: Buffer.from(to).toString('hex'), payload: Buffer.from(payload).toString('hex'), done });
    },
    onReceive: (h: any) => (recv = h),
  };
  const timers: { ms: number; cb: () => void; id: number }[] = [];
  let nextT = 0;
  const clock = {
    now: () => 0,
    setTimer: (ms: number, cb: () => void) => { timers.push({ ms, cb, id: ++nextT }); return nextT; },
    clearTimer: (id: number) => { const i = timers.findIndex((t) => t.id === id); if (i >= 0) timers.splice(i, 1); },
  };
  const b = startBridge(radio, serial, clock, { boot: 0x1234abcd });
  const hostDecoder = makeDecoder();
  const take = () => {
    const out: SerialFrame[] = [];
    while (written.length) out.push(...hostDecoder.push(written.shift()!));
    return out;
  };
  return { b, serial, sent, timers, take, feed: (x: Uint8Array) => onData!(x), hear: (...a: Parameters<NonNullable<typeof recv>>) => recv!(...a), released: () => released };
}

describe('the bridge logic over fake ports', () => {
  it('HELLO at boot; SEND → radio → STATUS; RECV with RSSI; refusals; malformed and unknown frames counted', () => {
    const f = fakeBridge();
    const boot = f.take();
    expect(boot).toHaveLength(1);
    expect(boot[0].type).toBe(T_HELLO);
    expect(parseHello(boot[0].body)).toMatchObject({ boot: 0x1234abcd, maxPayload: 250, mac: new Uint8Array([2, 0xb0, 0, 0, 0, 1]) });

    const peer = new Uint8Array([2, 0xee, 0, 0, 0, 7]);
    f.feed(encodeFrame(1, T_SEND, sendBody(41, peer, new Uint8Array([1, 2, 3]))));
    expect(f.sent).toEqual([{ to: '02ee00000007', payload: '010203', done: expect.any(Function) }]);
    expect(f.take()).toEqual([]); // no status until the radio answers
    f.sent[0].done!(false);
    const st = f.take();
    expect(st.map((x) => [x.type, parseStatus(x.body)])).toEqual([[T_STATUS, { id: 41, status: ST_FAIL }]]);

    f.feed(encodeFrame(2, T_SEND, sendBody(42, new Uint8Array([0xff, 0, 1, 2, 3, 4]), new Uint8Array(250))));
    expect(f.take().map((x) => parseStatus(x.body))).toEqual([{ id: 42, status: ST_REFUSED }]);
    expect(f.sent).toHaveLength(1);

    f.hear(peer, new Uint8Array([9, 9]), -63);
    const rx = f.take();
    expect(rx.map((x) => [x.type, parseRecv(x.body)])).toEqual([[T_RECV, { mac: peer, rssi: -63, payload: new Uint8Array([9, 9]) }]]);

    f.feed(encodeFrame(3, T_SEND, new Uint8Array(5))); // too short for a SEND
    f.feed(encodeFrame(4, 0x7f, new Uint8Array(0))); // unknown type
    f.feed(encodeFrame(5, T_CONSOLE, new Uint8Array([1, 2, 3, 4]))); // wrong magic: not a console request
    expect(f.b.counters).toMatchObject({ airRx: 1, airTx: 0, airFail: 1, refused: 1, unknown: 3 });
    expect(f.released()).toBe(false);

    f.feed(encodeFrame(6, T_PING, new Uint8Array(0)));
    const h = f.take().map((x) => parseHello(x.body)!);
    expect(h).toHaveLength(1);
    expect(h[0].counters).toMatchObject({ airRx: 1, airFail: 1, refused: 1, unknown: 3, frames: 6 });
  });

  it('a partial frame arms the idle timer; its expiry drops it, and a duplicated SEND is sent once', () => {
    const f = fakeBridge();
    f.take();
    const peer = new Uint8Array([2, 0xee, 0, 0, 0, 7]);
    const s = encodeFrame(9, T_SEND, sendBody(1, peer, new Uint8Array([5])));
    f.feed(s.subarray(0, 10));
    expect(f.timers).toHaveLength(1);
    f.timers.shift()!.cb();
    expect(f.b.decoder.stats.truncated).toBe(1);
    f.feed(s);
    f.feed(s);
    expect(f.sent).toHaveLength(1);
    expect(f.b.decoder.stats.dups).toBe(1);
    expect(f.timers).toHaveLength(0); // nothing pending: no timer
  });

  it('CONSOLE with the magic hands the line back and the bridge goes quiet', () => {
    const f = fakeBridge();
    f.take();
    f.feed(encodeFrame(1, T_CONSOLE, CONSOLE_MAGIC));
    expect(f.released()).toBe(true);
    expect(f.b.running()).toBe(false);
    f.hear(new Uint8Array(6), new Uint8Array([1]), -50);
    expect(f.take()).toEqual([]);
  });
});
