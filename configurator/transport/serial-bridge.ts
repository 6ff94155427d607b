/**
 * The host side of the radio bridge (firmware/bridge/README.md): an ESP32
 * with ESP-NOW on a USB serial line becomes this computer's radio, a
 * `RadioPort` (firmware/ports/ports.ts) that `nowboard serve --transport
 * bridge:/dev/ttyUSB0` hands to the configurator core.
 *
 *   const bridge = openSerialBridge({ path: '/dev/ttyUSB0' });
 *   await bridge.ready(5000);                 // first HELLO: the bridge's MAC
 *   bridge.onReceive((mac, payload, rssi) => ...);
 *   bridge.send(mac, payload, (ok) => ...);   // ok = the ESP-NOW send status
 *   bridge.on('gone', (reason) => ...);       // unplugged, or silent too long
 *   bridge.on('back', (info) => ...);         // answering again (info.rebooted)
 *
 * Connection states: `connecting` (until the first HELLO), `up`, `gone`,
 * `closed` (after close()). The link is watched both ways: the port closing
 * (a USB unplug) and silence (no frame for `goneAfterMs` although we PING
 * every `pingMs`) make it `gone`; the port is re-opened every `reopenMs` and
 * a HELLO makes it `up` again.
 *
 * Nothing that can be retried is lost across an outage: sends asked for while
 * the bridge is not up wait in a queue (bounded: beyond `queueLimit` the
 * oldest is answered `done(false)`, counted as `overflow`), and sends written
 * but not yet answered by a STATUS when the bridge went away (or rebooted) are
 * written again when it is back (counted as `resent`; a frame may then go on
 * air twice, which ESP-NOW allows and every protocol core tolerates). A SEND
 * with no STATUS after `statusTimeoutMs` while up is answered `done(false)`.
 * Frames the bridge hears while unplugged are lost like any radio loss; the
 * protocols retry.
 *
 * Bad input on the line (garbage, truncated or duplicated frames) is dropped
 * and counted by the shared decoder (firmware/bridge/serial-frames.ts); a
 * well-framed but malformed body is counted as `malformed`.
 */
import { EventEmitter } from 'node:events';
import { SerialPort } from 'serialport';
import type { RadioPort } from '../../firmware/ports/ports.ts';
import {
  makeDecoder, encodeFrame, FrameDecoder, SerialFrame, Hello, DecoderStats,
  T_RECV, T_STATUS, T_HELLO, T_SEND, T_PING, T_CONSOLE, ST_OK, ST_REFUSED, CONSOLE_MAGIC,
  parseRecv, parseStatus, parseHello, sendBody,
} from '../../firmware/bridge/serial-frames.ts';

export var MAX_PAYLOAD = 250;

export type BridgeState = 'connecting' | 'up' | 'gone' | 'closed';

/** The serial line as this module uses it (the default opens a `serialport` SerialPort). */
export interface SerialLink {
  write(bytes: Uint8Array): void;
  close(): void;
}
export interface SerialHandlers {
  onOpen(): void;
  onData(bytes: Uint8Array): void;
  /** The port could not open, or closed (err set when it was not our close()). */
  onClose(err?: Error): void;
}
export type OpenSerial = (path: string, baud: number, h: SerialHandlers) => SerialLink;

export interface SerialBridgeOptions {
  /** serial device, e.g. /dev/ttyUSB0 */
  path: string;
  baud?: number;
  /** PING interval while the port is open (ms) */
  pingMs?: number;
  /** silence after which the bridge counts as gone (ms) */
  goneAfterMs?: number;
  /** re-open attempts while the port is closed (ms) */
  reopenMs?: number;
  /** a SEND not answered by a STATUS in this time (while up) is done(false) */
  statusTimeoutMs?: number;
  /** a partial frame older than this (ms of silence) is dropped as truncated */
  idleMs?: number;
  /** sends held while the bridge is not up */
  queueLimit?: number;
  open?: OpenSerial;
}

export interface SerialBridgeStats extends DecoderStats {
  /** SEND frames written (resends included) */
  sent: number;
  statusOk: number;
  statusFail: number;
  refused: number;
  statusTimeouts: number;
  /** SENDs written again after an outage or a bridge reboot */
  resent: number;
  /** sends refused because the queue was full */
  overflow: number;
  /** RECV frames handed to the receive handler */
  received: number;
  /** well-framed frames with a malformed body or an unknown type */
  malformed: number;
  /** outages so far */
  gone: number;
}

export interface SerialBridge extends RadioPort {
  state(): BridgeState;
  /** The latest HELLO (its `counters` are the bridge's own), or null before the first. */
  hello(): Hello | null;
  stats: SerialBridgeStats;
  /** Resolves with the first HELLO; rejects with E_BRIDGE_TIMEOUT after `timeoutMs`. */
  ready(timeoutMs: number): Promise<Hello>;
  /** Sends waiting for the bridge, and sends written but not yet answered. */
  backlog(): { queued: number; inFlight: number };
  /** Ask the bridge to give the serial line back to its JavaScript console (to re-flash it). */
  releaseConsole(): void;
  close(): Promise<void>;
  on(ev: 'state', fn: (state: BridgeState, detail: string) => void): this;
  on(ev: 'gone', fn: (reason: string) => void): this;
  on(ev: 'back', fn: (info: { rebooted: boolean; hello: Hello }) => void): this;
  on(ev: 'hello', fn: (hello: Hello) => void): this;
}

/** The default opener: a `serialport` SerialPort, raw bytes. */
export var openSerialPort: OpenSerial = function (path, baud, h) {
  var closedByUs = false;
  var port = new SerialPort({ path: path, baudRate: baud, autoOpen: false });
  port.on('data', function (d: Buffer) {
    h.onData(new Uint8Array(d.buffer, d.byteOffset, d.length));
  });
  port.on('close', function (err: any) {
    h.onClose(closedByUs ? undefined : err || new Error('E_BRIDGE_CLOSED: port closed'));
  });
  port.on('error', function () {
    // Reported through open()'s callback or 'close'.
  });
  port.open(function (err) {
    if (err) h.onClose(err);
    else h.onOpen();
  });
  return {
    write: function (bytes) {
      if (port.isOpen) port.write(Buffer.from(bytes));
    },
    close: function () {
      closedByUs = true;
      if (port.isOpen) port.close();
    },
  };
};

interface PendingSend {
  id: number;
  to: Uint8Array;
  payload: Uint8Array;
  done?: (ok: boolean) => void;
  at: number;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

export function openSerialBridge(o: SerialBridgeOptions): SerialBridge {
  var baud = o.baud ?? 115200;
  var pingMs = o.pingMs ?? 500;
  var goneAfterMs = o.goneAfterMs ?? 2000;
  var reopenMs = o.reopenMs ?? 250;
  var statusTimeoutMs = o.statusTimeoutMs ?? 3000;
  var idleMs = o.idleMs ?? 100;
  var queueLimit = o.queueLimit ?? 256;
  var opener = o.open ?? openSerialPort;

  var em = new EventEmitter();
  var decoder: FrameDecoder = makeDecoder();
  var st: BridgeState = 'connecting';
  var link: SerialLink | null = null;
  var portOpen = false;
  var lastRx = 0;
  var seq = 0;
  var nextId = 1;
  var latest: Hello | null = null;
  var handler: ((from: Uint8Array, payload: Uint8Array, rssi: number) => void) | null = null;
  var queue: PendingSend[] = [];
  var inFlight = new Map<number, PendingSend>();
  var tick: NodeJS.Timeout | null = null;
  var reopenTimer: NodeJS.Timeout | null = null;
  var idleTimer: NodeJS.Timeout | null = null;
  var readyWaiters: { resolve: (h: Hello) => void; reject: (e: Error) => void; t: NodeJS.Timeout }[] = [];
  var stats: SerialBridgeStats = Object.assign(decoder.stats, {
    sent: 0, statusOk: 0, statusFail: 0, refused: 0, statusTimeouts: 0, resent: 0, overflow: 0, received: 0, malformed: 0, gone: 0,
  });

  function setState(s: BridgeState, detail: string): void {
    if (st === s) return;
    st = s;
    em.emit('state', s, detail);
  }

  function write(type: number, body: Uint8Array): void {
    if (!link || !portOpen) return;
    link.write(encodeFrame(seq, type, body));
    seq = (seq + 1) & 0xffff;
  }

  function writeSend(p: PendingSend): void {
    p.at = Date.now();
    inFlight.set(p.id, p);
    stats.sent++;
    write(T_SEND, sendBody(p.id, p.to, p.payload));
  }

  function answer(p: PendingSend, ok: boolean): void {
    if (p.done) {
      var d = p.done;
      p.done = undefined;
      d(ok);
    }
  }

  function flush(): void {
    while (queue.length && st === 'up' && portOpen) writeSend(queue.shift()!);
  }

  /** Sends the bridge may not have carried out go back to the head of the queue, in id order. */
  function requeueInFlight(): void {
    if (!inFlight.size) return;
    var back = Array.from(inFlight.values()).sort(function (a, b) { return a.at - b.at; });
    inFlight.clear();
    stats.resent += back.length;
    queue = back.concat(queue);
  }

  function goGone(reason: string): void {
    if (st === 'closed' || st === 'gone') return;
    var wasConnecting = st === 'connecting';
    requeueInFlight();
    if (!wasConnecting) stats.gone++;
    setState(wasConnecting ? 'connecting' : 'gone', reason);
    if (!wasConnecting) em.emit('gone', reason);
  }

  function onHello(h: Hello): void {
    var rebooted = latest !== null && latest.boot !== h.boot;
    var was = st;
    latest = h;
    em.emit('hello', h);
    if (rebooted) requeueInFlight();
    if (was !== 'up') {
      setState('up', 'hello from ' + hex(h.mac));
      if (was === 'gone') em.emit('back', { rebooted: rebooted, hello: h });
      var w = readyWaiters;
      readyWaiters = [];
      w.forEach(function (x) { clearTimeout(x.t); x.resolve(h); });
    }
    flush();
  }

  function handle(f: SerialFrame): void {
    if (f.type === T_RECV) {
      var r = parseRecv(f.body);
      if (!r) return void stats.malformed++;
      stats.received++;
      if (handler) handler(r.mac, r.payload, r.rssi);
    } else if (f.type === T_STATUS) {
      var s = parseStatus(f.body);
      if (!s) return void stats.malformed++;
      var p = inFlight.get(s.id);
      if (!p) return; // answered already (timed out), or from before a resend
      inFlight.delete(s.id);
      if (s.status === ST_OK) stats.statusOk++;
      else if (s.status === ST_REFUSED) stats.refused++;
      else stats.statusFail++;
      answer(p, s.status === ST_OK);
    } else if (f.type === T_HELLO) {
      var h = parseHello(f.body);
      if (!h) return void stats.malformed++;
      onHello(h);
    } else {
      stats.malformed++;
    }
  }

  function onData(bytes: Uint8Array): void {
    var frames = decoder.push(bytes);
    if (frames.length) lastRx = Date.now();
    for (var i = 0; i < frames.length; i++) handle(frames[i]);
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    if (decoder.pending() > 0) {
      idleTimer = setTimeout(function () {
        idleTimer = null;
        var late = decoder.expire();
        if (late.length) lastRx = Date.now();
        late.forEach(handle);
      }, idleMs);
    }
  }

  function onTick(): void {
    var now = Date.now();
    if (portOpen) {
      write(T_PING, new Uint8Array(0));
      if (st === 'up' && now - lastRx > goneAfterMs) goGone('E_BRIDGE_SILENT: no frame for ' + (now - lastRx) + ' ms');
    }
    if (st === 'up') {
      inFlight.forEach(function (p, id) {
        if (now - p.at <= statusTimeoutMs) return;
        inFlight.delete(id);
        stats.statusTimeouts++;
        answer(p, false);
      });
    }
  }

  function openPort(): void {
    reopenTimer = null;
    if (st === 'closed') return;
    decoder.resetSeq();
    link = opener(o.path, baud, {
      onOpen: function () {
        if (st === 'closed') return;
        portOpen = true;
        lastRx = Date.now();
        write(T_PING, new Uint8Array(0));
      },
      onData: function (b) {
        if (st !== 'closed') onData(b);
      },
      onClose: function (err) {
        portOpen = false;
        link = null;
        if (st === 'closed') return;
        goGone('E_BRIDGE_PORT: ' + (err ? err.message : 'closed'));
        if (!reopenTimer) reopenTimer = setTimeout(openPort, reopenMs);
      },
    });
  }

  var bridge = Object.assign(em, {
    mac: function () {
      if (!latest) throw new Error('E_BRIDGE_NOT_READY: no HELLO from the bridge yet');
      return new Uint8Array(latest.mac);
    },
    send: function (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) {
      if (!to || to.length !== 6) throw new Error('E_BAD_MAC');
      if (payload.length > MAX_PAYLOAD) throw new Error('E_FRAME_TOO_LARGE ' + payload.length);
      if (st === 'closed') {
        if (done) setImmediate(done, false);
        return;
      }
      var p: PendingSend = { id: nextId, to: new Uint8Array(to), payload: new Uint8Array(payload), done: done, at: 0 };
      nextId = nextId === 0xffff ? 1 : nextId + 1;
      if (st === 'up' && portOpen && queue.length === 0) {
        writeSend(p);
        return;
      }
      queue.push(p);
      while (queue.length > queueLimit) {
        var old = queue.shift()!;
        stats.overflow++;
        if (old.done) setImmediate(answer, old, false);
      }
    },
    onReceive: function (h: (from: Uint8Array, payload: Uint8Array, rssi: number) => void) {
      handler = h;
    },
    state: function () {
      return st;
    },
    hello: function () {
      return latest;
    },
    stats: stats,
    ready: function (timeoutMs: number) {
      if (latest && st === 'up') return Promise.resolve(latest);
      return new Promise<Hello>(function (resolve, reject) {
        var t = setTimeout(function () {
          readyWaiters = readyWaiters.filter(function (x) { return x.t !== t; });
          reject(new Error('E_BRIDGE_TIMEOUT: no HELLO from ' + o.path + ' in ' + timeoutMs + ' ms'));
        }, timeoutMs);
        readyWaiters.push({ resolve: resolve, reject: reject, t: t });
      });
    },
    backlog: function () {
      return { queued: queue.length, inFlight: inFlight.size };
    },
    releaseConsole: function () {
      write(T_CONSOLE, CONSOLE_MAGIC);
    },
    close: function () {
      if (st === 'closed') return Promise.resolve();
      setState('closed', 'close()');
      if (tick) clearInterval(tick);
      if (reopenTimer) clearTimeout(reopenTimer);
      if (idleTimer) clearTimeout(idleTimer);
      readyWaiters.forEach(function (x) { clearTimeout(x.t); x.reject(new Error('E_BRIDGE_CLOSED')); });
      readyWaiters = [];
      var left = queue.concat(Array.from(inFlight.values()));
      queue = [];
      inFlight.clear();
      left.forEach(function (p) { answer(p, false); });
      if (link) link.close();
      link = null;
      portOpen = false;
      return Promise.resolve();
    },
  }) as unknown as SerialBridge;

  tick = setInterval(onTick, pingMs);
  openPort();
  return bridge;
}
