/**
 * The ESP-NOW medium: who hears whom, when, and how often frames get lost.
 *
 * Model (numbers from docs/power-model.md and the ESP32 datasheet):
 * - Each node has a MAC and a position in metres. RSSI by log-distance path
 *   loss, RSSI = txPower - (PL(1 m) + 10 n log10(d)), rounded to whole dBm as
 *   ESP-NOW reports it; no fading. A receiver below `sensitivityDbm` does not
 *   get the frame (trace reason 'out-of-range').
 * - Airtime at the PHY rate: (payload + 43 B overhead) x 8 / rate + 192 us
 *   preamble; 250 B at 1 Mbps = 2.536 ms. A sender transmits one frame at a
 *   time: frames queue behind each other (and behind the sender's CPU, see
 *   `earliestStart`). The radio meter reads 'tx' during airtime, 'rx' while on.
 * - Per directed link: loss probability, latency + uniform jitter,
 *   duplication probability (a second copy arrives a little later), reordering
 *   (with probability p an extra uniform delay up to reorderMaxMs, so later
 *   frames can overtake), partitions (dropped) and holds (kept until release).
 * - Broadcast (ff:ff:ff:ff:ff:ff): one transmission, every in-range node draws
 *   its own loss; no ACK, no retry; the send callback reports true once the
 *   frame has left, as ESP-NOW does for broadcast.
 * - Unicast: 802.11 MAC ACK semantics. Each attempt draws loss; on loss the
 *   MAC retries, up to `macRetries` more times (default 3, so 4 attempts;
 *   ESP-IDF retries more, but a small fixed number keeps lossy runs short and
 *   is documented here). Each attempt costs airtime + ACK time (SIFS 10 us +
 *   14-B ACK at 1 Mbps with preamble = 314 us). The callback reports true iff
 *   some attempt reached the peer. A lost ACK is not modelled separately (use
 *   duplication to get repeated deliveries). A frame on a held link counts as
 *   acked (the hold models a slow path, not a loss).
 * - Frames over 250 B are refused: send() throws Error('E_FRAME_TOO_LARGE ...')
 *   and the trace records 'refused'.
 * - Not modelled: collisions, carrier sense, half-duplex (a transmitting node
 *   still receives), channel switching. The channel is always free.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */
import { Rng } from './sim-rng.ts';
import { VirtualClock } from './virtual-clock.ts';
import { Trace, bytesToHex, macText } from './sim-trace.ts';

export var MAX_PAYLOAD = 250;

export interface LinkParams {
  /** Probability that one transmission attempt is lost on this link. */
  loss: number;
  latencyMs: number;
  /** Uniform extra delay in [0, jitterMs). */
  jitterMs: number;
  /** Probability that a delivered frame is delivered a second time. */
  dup: number;
  /** Probability that a frame gets an extra uniform delay in [0, reorderMaxMs). */
  reorder: number;
  reorderMaxMs: number;
}

export interface MediumOptions {
  rateBps?: number;
  overheadBytes?: number;
  preambleUs?: number;
  /** Time the sender waits per attempt for the MAC ACK (SIFS + ACK frame). */
  ackUs?: number;
  macRetries?: number;
  txPowerDbm?: number;
  pathLossAt1mDb?: number;
  pathLossExponent?: number;
  sensitivityDbm?: number;
  /** Defaults for every link; setLink() overrides per directed link. */
  link?: Partial<LinkParams>;
}

export interface NodeSpec {
  id: string;
  mac: Uint8Array;
  x?: number;
  y?: number;
  /** Called at delivery time with fresh copies of the bytes. */
  onReceive: (fromMac: Uint8Array, data: Uint8Array, rssi: number) => void;
  /** Radio meter: 'tx' | 'rx' | 'off' with the virtual time of the change. */
  onRadioState?: (state: string, t: number) => void;
}

interface QueuedFrame {
  dst: Uint8Array;
  payload: Uint8Array;
  done?: (ok: boolean) => void;
  notBefore: number;
  /** the sender MAC the frame claims, when not the node's own (a spoofed frame) */
  as: Uint8Array | null;
}

interface MediumNode {
  id: string;
  mac: Uint8Array;
  macHex: string;
  x: number;
  y: number;
  radioOn: boolean;
  transmitting: boolean;
  /** the sender MAC the frame on the air claims (null: its own) */
  claim: Uint8Array | null;
  /** Frames waiting for the transmitter (FIFO). */
  queue: QueuedFrame[];
  /** A frame is on the air or scheduled to start. */
  txBusy: boolean;
  spec: NodeSpec;
  /** The trace text of this sender's latest frame, reused for every receiver (identity-keyed). */
  hexOfData: Uint8Array | null;
  hexText: string;
  textOfMac: Uint8Array | null;
  macTextCache: string;
}

export interface MediumStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  refused: number;
  retries: number;
  airtimeMs: number;
}

export interface Medium {
  addNode(spec: NodeSpec): void;
  /** Radio on (receives, meter 'rx') or off (frames to it are dropped, meter 'off'). */
  setRadio(id: string, on: boolean): void;
  setLink(fromId: string, toId: string, params: Partial<LinkParams>): void;
  /** Both directions between every a in `a` and b in `b` drop frames until heal(). */
  partition(a: string[], b: string[]): void;
  heal(): void;
  /** Frames from -> to are kept (not delivered) until release(from, to). */
  hold(fromId: string, toId: string): void;
  release(fromId: string, toId: string): void;
  /**
   * Queue a frame. Throws E_FRAME_TOO_LARGE over 250 B, E_BAD_MAC if `toMac`
   * is not 6 bytes. `done(ok)` runs later from the clock, never synchronously.
   * Transmission starts no earlier than `earliestStart` (the sender's CPU).
   */
  send(fromId: string, toMac: Uint8Array, data: Uint8Array, done?: (ok: boolean) => void, earliestStart?: number, asMac?: Uint8Array): void;
  /** The synchronous checks of send() alone (a refusal is traced): lets a board refuse at call time and queue later. */
  validate(fromId: string, toMac: Uint8Array, data: Uint8Array): void;
  airtimeMs(len: number): number;
  /** RSSI from -> to in dBm, and whether it is above the sensitivity. */
  rssi(fromId: string, toId: string): number;
  inRange(fromId: string, toId: string): boolean;
  stats: MediumStats;
}

function isBroadcast(m: Uint8Array): boolean {
  for (var i = 0; i < 6; i++) if (m[i] !== 255) return false;
  return true;
}

function copy(b: Uint8Array): Uint8Array {
  var out = new Uint8Array(b.length);
  for (var i = 0; i < b.length; i++) out[i] = b[i];
  return out;
}

function num(v: number | undefined, d: number): number {
  return typeof v === 'number' ? v : d;
}

function log10(x: number): number {
  return Math.log(x) / Math.LN10;
}

export function makeMedium(clock: VirtualClock, rng: Rng, trace: Trace, options?: MediumOptions): Medium {
  var o = options || {};
  var rateBps = num(o.rateBps, 1000000);
  var overheadBytes = num(o.overheadBytes, 43);
  var preambleUs = num(o.preambleUs, 192);
  var ackUs = num(o.ackUs, 10 + 14 * 8 * (1000000 / rateBps) + 192);
  var macRetries = num(o.macRetries, 3);
  var txPowerDbm = num(o.txPowerDbm, 19.5);
  var pl1m = num(o.pathLossAt1mDb, 40);
  var plExp = num(o.pathLossExponent, 3);
  var sensitivity = num(o.sensitivityDbm, -97);
  var dl = o.link || {};
  var defaults: LinkParams = {
    loss: num(dl.loss, 0),
    latencyMs: num(dl.latencyMs, 0.05),
    jitterMs: num(dl.jitterMs, 0),
    dup: num(dl.dup, 0),
    reorder: num(dl.reorder, 0),
    reorderMaxMs: num(dl.reorderMaxMs, 0),
  };
  var nodes: MediumNode[] = [];
  var byId: { [id: string]: MediumNode } = {};
  var byMac: { [hex: string]: MediumNode } = {};
  var links: { [key: string]: LinkParams } = {};
  var partitioned: { [key: string]: boolean } = {};
  var held: { [key: string]: boolean } = {};
  var heldFrames: { [key: string]: { from: MediumNode; to: MediumNode; toMac: Uint8Array; data: Uint8Array; rssi: number; attempt: number; claim: Uint8Array | null }[] } = {};
  var stats: MediumStats = { sent: 0, delivered: 0, dropped: 0, duplicated: 0, refused: 0, retries: 0, airtimeMs: 0 };

  function linkKey(a: string, b: string): string {
    return a + '>' + b;
  }

  function linkOf(a: string, b: string): LinkParams {
    return links[linkKey(a, b)] || defaults;
  }

  function node(id: string): MediumNode {
    var n = byId[id];
    if (!n) throw new Error('sim-medium: unknown node ' + id);
    return n;
  }

  function airtimeMs(len: number): number {
    return ((len + overheadBytes) * 8 * 1000) / rateBps + preambleUs / 1000;
  }

  function rssiOf(a: MediumNode, b: MediumNode): number {
    var dx = a.x - b.x;
    var dy = a.y - b.y;
    var d = Math.sqrt(dx * dx + dy * dy);
    if (d < 0.1) d = 0.1;
    return Math.round(txPowerDbm - (pl1m + 10 * plExp * log10(d)));
  }

  function radioState(n: MediumNode): void {
    if (n.spec.onRadioState) n.spec.onRadioState(n.transmitting ? 'tx' : n.radioOn ? 'rx' : 'off', clock.now());
  }

  function record(t: number, from: MediumNode, to: MediumNode | null, toMac: Uint8Array, data: Uint8Array,
    outcome: 'delivered' | 'dropped' | 'duplicated' | 'refused' | 'held', reason: string, attempt: number, rssi: number): void {
    trace.add({
      kind: 'frame', t: t, from: from.id, fromMac: from.macHex, to: to ? to.id : '*', toMac: destText(from, toMac),
      len: data.length, hex: hexOf(from, data), outcome: outcome, reason: reason, attempt: attempt, rssi: rssi,
    });
  }

  // A broadcast is recorded once per receiver: format its bytes once.
  function hexOf(from: MediumNode, data: Uint8Array): string {
    if (from.hexOfData !== data) {
      from.hexOfData = data;
      from.hexText = bytesToHex(data);
    }
    return from.hexText;
  }

  function destText(from: MediumNode, toMac: Uint8Array): string {
    if (from.textOfMac !== toMac) {
      from.textOfMac = toMac;
      from.macTextCache = macText(toMac);
    }
    return from.macTextCache;
  }

  /** Why a single attempt from -> to cannot arrive regardless of luck, or ''. */
  function blocked(from: MediumNode, to: MediumNode, rssi: number): string {
    if (partitioned[linkKey(from.id, to.id)]) return 'partition';
    if (rssi < sensitivity) return 'out-of-range';
    return '';
  }

  /** Hand a frame to the receiver at time `at` (re-checking its radio then). */
  function deliverAt(at: number, from: MediumNode, to: MediumNode, toMac: Uint8Array, data: Uint8Array,
    rssi: number, attempt: number, outcome: 'delivered' | 'duplicated', reason: string): void {
    // ESP-NOW does not authenticate the sender: a node may claim any MAC (send's asMac).
    var fromMac = copy(from.claim || from.mac);
    clock.at(at, function () {
      if (!to.radioOn) {
        stats.dropped++;
        record(clock.now(), from, to, toMac, data, 'dropped', 'radio-off', attempt, rssi);
        return;
      }
      if (outcome === 'duplicated') stats.duplicated++;
      else stats.delivered++;
      record(clock.now(), from, to, toMac, data, outcome, reason, attempt, rssi);
      to.spec.onReceive(copy(fromMac), copy(data), rssi);
    });
  }

  /** Delivery timing draws for one frame that made it through the air. */
  function scheduleArrival(txEnd: number, from: MediumNode, to: MediumNode, toMac: Uint8Array, data: Uint8Array,
    rssi: number, attempt: number, reason: string): void {
    var lp = linkOf(from.id, to.id);
    var delay = lp.latencyMs;
    if (lp.jitterMs > 0) delay += rng.range(0, lp.jitterMs);
    if (lp.reorder > 0 && rng.chance(lp.reorder)) delay += rng.range(0, lp.reorderMaxMs);
    deliverAt(txEnd + delay, from, to, toMac, data, rssi, attempt, 'delivered', reason);
    if (lp.dup > 0 && rng.chance(lp.dup)) {
      // The copy comes one more airtime later, as a retransmission would.
      deliverAt(txEnd + delay + airtimeMs(data.length) + lp.latencyMs, from, to, toMac, data, rssi, attempt, 'duplicated', 'dup');
    }
  }

  function holdFrame(from: MediumNode, to: MediumNode, toMac: Uint8Array, data: Uint8Array, rssi: number, attempt: number): void {
    var k = linkKey(from.id, to.id);
    if (!heldFrames[k]) heldFrames[k] = [];
    heldFrames[k].push({ from: from, to: to, toMac: toMac, data: data, rssi: rssi, attempt: attempt, claim: from.claim });
    record(clock.now(), from, to, toMac, data, 'held', 'hold', attempt, rssi);
  }

  function transmitBroadcast(from: MediumNode, toMac: Uint8Array, data: Uint8Array, done: (ok: boolean) => void): void {
    var air = airtimeMs(data.length);
    from.transmitting = true;
    radioState(from);
    stats.airtimeMs += air;
    var txEnd = clock.now() + air;
    for (var i = 0; i < nodes.length; i++) {
      var to = nodes[i];
      if (to === from) continue;
      var rssi = rssiOf(from, to);
      var why = blocked(from, to, rssi);
      if (why) {
        stats.dropped++;
        record(txEnd, from, to, toMac, data, 'dropped', why, 1, rssi);
        continue;
      }
      if (rng.chance(linkOf(from.id, to.id).loss)) {
        stats.dropped++;
        record(txEnd, from, to, toMac, data, 'dropped', 'loss', 1, rssi);
        continue;
      }
      if (held[linkKey(from.id, to.id)]) {
        holdFrame(from, to, toMac, data, rssi, 1);
        continue;
      }
      scheduleArrival(txEnd, from, to, toMac, data, rssi, 1, 'ok');
    }
    clock.at(txEnd, function () {
      from.transmitting = false;
      radioState(from);
      done(true);
    });
  }

  function transmitUnicast(from: MediumNode, toMac: Uint8Array, data: Uint8Array, done: (ok: boolean) => void): void {
    var air = airtimeMs(data.length);
    var to = byMac[bytesToHex(toMac)] || null;
    var start = clock.now();
    var attempts = 0;
    var ok = false;
    var rssi = to ? rssiOf(from, to) : 0;
    from.transmitting = true;
    radioState(from);
    while (!ok && attempts <= macRetries) {
      attempts++;
      var txEnd = start + attempts * air + (attempts - 1) * (ackUs / 1000);
      if (attempts > 1) stats.retries++;
      stats.airtimeMs += air;
      if (!to || to === from) {
        stats.dropped++;
        record(txEnd, from, to, toMac, data, 'dropped', 'no-such-peer', attempts, 0);
        continue;
      }
      var why = blocked(from, to, rssi);
      if (!why && rng.chance(linkOf(from.id, to.id).loss)) why = 'loss';
      if (why) {
        stats.dropped++;
        record(txEnd, from, to, toMac, data, 'dropped', why, attempts, rssi);
        continue;
      }
      ok = true;
      if (held[linkKey(from.id, to.id)]) holdFrame(from, to, toMac, data, rssi, attempts);
      else scheduleArrival(txEnd, from, to, toMac, data, rssi, attempts, 'ok');
    }
    var end = start + attempts * (air + ackUs / 1000);
    clock.at(end, function () {
      from.transmitting = false;
      radioState(from);
      done(ok);
    });
  }

  /** Start the next queued frame of `from` if its transmitter is idle. */
  function pump(from: MediumNode): void {
    if (from.txBusy || from.queue.length === 0) return;
    var f = from.queue.shift() as QueuedFrame;
    from.txBusy = true;
    var start = f.notBefore > clock.now() ? f.notBefore : clock.now();
    clock.at(start, function () {
      from.claim = f.as;
      var finish = function (ok: boolean) {
        from.txBusy = false;
        if (f.done) f.done(ok);
        pump(from);
      };
      if (isBroadcast(f.dst)) transmitBroadcast(from, f.dst, f.payload, finish);
      else transmitUnicast(from, f.dst, f.payload, finish);
    });
  }

  var medium: Medium = {
    stats: stats,
    addNode: function (spec: NodeSpec) {
      if (!spec.mac || spec.mac.length !== 6) throw new Error('sim-medium: node ' + spec.id + ' needs a 6-byte MAC');
      var hex = bytesToHex(spec.mac);
      if (byId[spec.id] || byMac[hex]) throw new Error('sim-medium: duplicate node ' + spec.id + ' / ' + hex);
      var n: MediumNode = {
        id: spec.id, mac: copy(spec.mac), macHex: macText(spec.mac), x: num(spec.x, 0), y: num(spec.y, 0),
        radioOn: true, transmitting: false, claim: null, queue: [], txBusy: false, spec: spec,
        hexOfData: null, hexText: '', textOfMac: null, macTextCache: '',
      };
      nodes.push(n);
      byId[spec.id] = n;
      byMac[hex] = n;
    },
    setRadio: function (id: string, on: boolean) {
      var n = node(id);
      if (n.radioOn === on) return;
      n.radioOn = on;
      radioState(n);
    },
    setLink: function (fromId: string, toId: string, params: Partial<LinkParams>) {
      node(fromId);
      node(toId);
      var base = linkOf(fromId, toId);
      links[linkKey(fromId, toId)] = {
        loss: num(params.loss, base.loss),
        latencyMs: num(params.latencyMs, base.latencyMs),
        jitterMs: num(params.jitterMs, base.jitterMs),
        dup: num(params.dup, base.dup),
        reorder: num(params.reorder, base.reorder),
        reorderMaxMs: num(params.reorderMaxMs, base.reorderMaxMs),
      };
    },
    partition: function (a: string[], b: string[]) {
      for (var i = 0; i < a.length; i++) {
        for (var j = 0; j < b.length; j++) {
          partitioned[linkKey(a[i], b[j])] = true;
          partitioned[linkKey(b[j], a[i])] = true;
        }
      }
    },
    heal: function () {
      partitioned = {};
    },
    hold: function (fromId: string, toId: string) {
      node(fromId);
      node(toId);
      held[linkKey(fromId, toId)] = true;
    },
    release: function (fromId: string, toId: string) {
      var k = linkKey(fromId, toId);
      delete held[k];
      var frames = heldFrames[k] || [];
      delete heldFrames[k];
      for (var i = 0; i < frames.length; i++) {
        var f = frames[i];
        var was = f.from.claim;
        f.from.claim = f.claim;
        deliverAt(clock.now() + linkOf(fromId, toId).latencyMs, f.from, f.to, f.toMac, f.data, f.rssi, f.attempt, 'delivered', 'released');
        f.from.claim = was;
      }
    },
    send: function (fromId: string, toMac: Uint8Array, data: Uint8Array, done?: (ok: boolean) => void, earliestStart?: number, asMac?: Uint8Array) {
      medium.validate(fromId, toMac, data);
      var from = node(fromId);
      var dst = copy(toMac);
      stats.sent++;
      var as = asMac && asMac.length === 6 ? copy(asMac) : null;
      from.queue.push({ dst: dst, payload: copy(data), done: done, notBefore: typeof earliestStart === 'number' ? earliestStart : 0, as: as });
      pump(from);
    },
    validate: function (fromId: string, toMac: Uint8Array, data: Uint8Array) {
      var from = node(fromId);
      if (!toMac || toMac.length !== 6) throw new Error('E_BAD_MAC');
      if (data.length > MAX_PAYLOAD) {
        stats.refused++;
        record(clock.now(), from, byMac[bytesToHex(toMac)] || null, toMac, copy(data), 'refused', 'too-large', 0, 0);
        throw new Error('E_FRAME_TOO_LARGE ' + data.length + ' > ' + MAX_PAYLOAD);
      }
    },
    airtimeMs: airtimeMs,
    rssi: function (fromId: string, toId: string) {
      return rssiOf(node(fromId), node(toId));
    },
    inRange: function (fromId: string, toId: string) {
      return rssiOf(node(fromId), node(toId)) >= sensitivity;
    },
  };
  return medium;
}
