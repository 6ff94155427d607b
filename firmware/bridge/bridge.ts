/**
 * The radio bridge: an ESP32 whose firmware has ESP-NOW forwards every frame
 * it hears to the bench computer over its USB serial line, and sends the
 * frames the computer asks it to send, reporting each one's ESP-NOW status.
 * The configurator role then runs on the computer (`nowboard serve --transport
 * bridge:/dev/ttyUSB0`) at host speed, with the bridge as its radio.
 *
 * This file is the bridge's logic over three ports (radio, serial line, clock);
 * the Espruino binding supplies them (firmware/platform/espruino/serial-line.ts),
 * the entry is bridge-main.ts, the framing serial-frames.ts, the spec README.md.
 */
import { RadioPort, ClockPort, MAX_FRAME } from '../ports/ports.ts';
import { equalBytes } from '../bytes/bytes.ts';
import {
  makeDecoder, encodeFrame, Crc32, SerialFrame, FrameDecoder,
  T_SEND, T_PING, T_CONSOLE, T_RECV, T_STATUS, T_HELLO, ST_OK, ST_FAIL, ST_REFUSED, BRIDGE_VERSION,
  recvBody, statusBody, helloBody, parseSend, CONSOLE_MAGIC,
} from './serial-frames.ts';

/** A byte-transparent serial line. */
export interface SerialLine {
  write(bytes: Uint8Array): void;
  /** The one receive handler. */
  onData(handler: (bytes: Uint8Array) => void): void;
  /** Give the line back to the JavaScript console (for re-flashing); no more writes after. */
  release(): void;
}

export interface BridgeOptions {
  /** random per boot, carried in HELLO so the host can tell a restart */
  boot: number;
  /** a native CRC-32 if the engine has one (Espruino's E.CRC32) */
  crc?: Crc32;
  /** a partial frame older than this (ms of silence) is dropped as truncated */
  idleMs?: number;
}

export interface Bridge {
  counters: { [name: string]: number };
  decoder: FrameDecoder;
  /** false once the line was handed back to the console */
  running(): boolean;
}

export function startBridge(radio: RadioPort, serial: SerialLine, clock: ClockPort, opts: BridgeOptions): Bridge {
  var decoder = makeDecoder(opts.crc);
  var counters: { [name: string]: number } = { airRx: 0, airTx: 0, airFail: 0, refused: 0, unknown: 0 };
  var seq = 0;
  var on = true;
  var idleTimer = -1;
  var idleMs = opts.idleMs || 100;
  var mac = radio.mac();

  function write(type: number, body: Uint8Array): void {
    if (!on) return;
    serial.write(encodeFrame(seq, type, body, opts.crc));
    seq = (seq + 1) & 0xffff;
  }

  function hello(): void {
    var c: { [name: string]: number } = {};
    for (var k in counters) c[k] = counters[k];
    var ds: any = decoder.stats;
    for (var j in ds) c[j] = ds[j];
    write(T_HELLO, helloBody({ version: BRIDGE_VERSION, mac: mac, boot: opts.boot >>> 0, maxPayload: MAX_FRAME, counters: c }));
  }

  function statusCb(id: number): (ok: boolean) => void {
    return function (ok: boolean) {
      if (ok) counters.airTx++;
      else counters.airFail++;
      write(T_STATUS, statusBody(id, ok ? ST_OK : ST_FAIL));
    };
  }

  function handle(f: SerialFrame): void {
    if (f.type === T_SEND) {
      var s = parseSend(f.body);
      if (!s) {
        counters.unknown++;
        return;
      }
      try {
        radio.send(s.mac, s.payload, statusCb(s.id));
      } catch (e) {
        // Too long, bad MAC, or the radio refused: the host learns it at once and nothing went on air.
        counters.refused++;
        write(T_STATUS, statusBody(s.id, ST_REFUSED));
      }
    } else if (f.type === T_PING) {
      hello();
    } else if (f.type === T_CONSOLE && equalBytes(f.body, CONSOLE_MAGIC)) {
      on = false;
      serial.release();
    } else {
      counters.unknown++;
    }
  }

  function handleAll(frames: SerialFrame[]): void {
    for (var i = 0; i < frames.length; i++) handle(frames[i]);
  }

  function onIdle(): void {
    idleTimer = -1;
    handleAll(decoder.expire());
  }

  radio.onReceive(function (from: Uint8Array, payload: Uint8Array, rssi: number) {
    counters.airRx++;
    write(T_RECV, recvBody(from, rssi, payload));
  });

  serial.onData(function (bytes: Uint8Array) {
    if (!on) return;
    handleAll(decoder.push(bytes));
    if (idleTimer >= 0) clock.clearTimer(idleTimer);
    idleTimer = decoder.pending() > 0 ? clock.setTimer(idleMs, onIdle) : -1;
  });

  hello();
  return {
    counters: counters,
    decoder: decoder,
    running: function () {
      return on;
    },
  };
}
