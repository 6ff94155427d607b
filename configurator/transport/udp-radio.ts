/**
 * The UDP loopback binding: RadioPort semantics (firmware/ports/ports.ts)
 * over node:dgram, on 127.0.0.1 by default, so separate processes — a Node
 * configurator, a vm-loaded board bundle, a real interpreter using the Espruino
 * binding's dgram fallback — can talk as if over ESP-NOW; and on a provisioning
 * network (`host` 0.0.0.0, peers = the subnet's broadcast address), so
 * `nowboard serve --transport udp` reaches boards on Wi-Fi. Format and rules:
 * docs/udp-binding.md.
 *
 *   datagram = dst MAC (6) | src MAC (6) | payload (0..250)
 *
 * - Each peer binds its own port (on 127.0.0.1 unless `host` says otherwise) and
 *   knows its peers: loopback ports, or "address:port" (a broadcast address too).
 * - Broadcast (ff:ff:ff:ff:ff:ff) goes to every peer port. Unicast goes to the
 *   port learned for that MAC from datagrams received from it; before anything
 *   was heard from it, to every peer port (the others drop it as not theirs).
 * - send() throws E_FRAME_TOO_LARGE over 250 B and E_BAD_MAC for a MAC that is
 *   not 6 bytes; done(ok) is called once, later (never synchronously), with
 *   whether the socket accepted the datagram — UDP has no MAC-level ACK, so
 *   this is the broadcast meaning of ESP-NOW's status, for unicast too.
 * - A receiver drops datagrams not addressed to it (nor broadcast), its own
 *   (a subnet broadcast comes back to the sender) and malformed ones (< 12 or
 *   > 262 bytes), counting each with a typed error.
 * - close() releases the socket.
 */
import dgram from 'node:dgram';
import type { RadioPort } from '../../firmware/ports/ports.ts';

export var MAX_PAYLOAD = 250;
export var HEADER = 12;
export var MAX_DATAGRAM = HEADER + MAX_PAYLOAD;
export var LOOPBACK = '127.0.0.1';
/** RSSI reported for every loopback frame (there is no radio to measure). */
export var LOOPBACK_RSSI = -40;

export type UdpDropCode = 'E_UDP_SHORT' | 'E_UDP_LONG' | 'E_UDP_NOT_FOR_US' | 'E_UDP_OWN';

/** Why a received datagram was dropped. */
export interface UdpDrop {
  code: UdpDropCode;
  length: number;
  fromPort: number;
}

export interface UdpStats {
  sent: number;
  received: number;
  short: number;
  long: number;
  notForUs: number;
  /** our own datagrams heard back (a subnet broadcast reaches its sender too) */
  own: number;
  sendErrors: number;
}

/** Where a datagram goes: a port on loopback, or an address (unicast or broadcast) and port. */
export interface UdpPeer {
  address: string;
  port: number;
}

export interface UdpRadio extends RadioPort {
  /** The bound UDP port. */
  port: number;
  /** Where broadcasts (and unicasts to a MAC not heard from yet) go. */
  peers: UdpPeer[];
  stats: UdpStats;
  /** The most recent drops (bounded: the last 64). */
  drops: UdpDrop[];
  /** MAC (hex) -> where its datagrams came from. */
  learned: { [macHex: string]: UdpPeer };
  addPeer(peer: number | string): void;
  close(): Promise<void>;
}

export interface UdpRadioOptions {
  mac: Uint8Array;
  /** 0 (default) = any free port. */
  port?: number;
  /** Address to bind: 127.0.0.1 (default); 0.0.0.0 on a provisioning network. */
  host?: string;
  /** Loopback ports, or "address:port" strings (e.g. "192.168.4.255:47100"). */
  peers?: (number | string)[];
}

/** A peer as given (a loopback port, or "address:port"); throws E_UDP_PEER for anything else. */
export function parsePeer(p: number | string): UdpPeer {
  if (typeof p === 'number') {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error('E_UDP_PEER: port ' + p + ' is not 1..65535');
    return { address: LOOPBACK, port: p };
  }
  var m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(String(p).trim());
  if (!m) throw new Error('E_UDP_PEER: "' + p + '" is not an IPv4 address:port');
  var octets = m[1].split('.').map(Number);
  var port = Number(m[2]);
  if (octets.some(function (o) { return o > 255; }) || port < 1 || port > 65535) throw new Error('E_UDP_PEER: "' + p + '" is out of range');
  return { address: m[1], port: port };
}

function samePeer(a: UdpPeer, b: UdpPeer): boolean {
  return a.address === b.address && a.port === b.port;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

function isBroadcast(m: Uint8Array): boolean {
  for (var i = 0; i < 6; i++) if (m[i] !== 255) return false;
  return true;
}

function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  for (var i = 0; i < 6; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Encode one datagram; throws the RadioPort errors. */
export function encodeDatagram(dst: Uint8Array, src: Uint8Array, payload: Uint8Array): Uint8Array {
  if (!dst || dst.length !== 6 || !src || src.length !== 6) throw new Error('E_BAD_MAC');
  if (payload.length > MAX_PAYLOAD) throw new Error('E_FRAME_TOO_LARGE ' + payload.length + ' > ' + MAX_PAYLOAD);
  var d = new Uint8Array(HEADER + payload.length);
  d.set(dst, 0);
  d.set(src, 6);
  d.set(payload, HEADER);
  return d;
}

/** Decode one datagram for `me`: the frame, or the typed reason it is dropped. */
export function decodeDatagram(msg: Uint8Array, me: Uint8Array): { dst: Uint8Array; src: Uint8Array; payload: Uint8Array } | UdpDropCode {
  if (msg.length < HEADER) return 'E_UDP_SHORT';
  if (msg.length > MAX_DATAGRAM) return 'E_UDP_LONG';
  var dst = new Uint8Array(msg.subarray(0, 6));
  if (!isBroadcast(dst) && !sameMac(dst, me)) return 'E_UDP_NOT_FOR_US';
  var src = new Uint8Array(msg.subarray(6, 12));
  if (sameMac(src, me)) return 'E_UDP_OWN';
  return { dst: dst, src: src, payload: new Uint8Array(msg.subarray(HEADER)) };
}

export function createUdpRadio(opts: UdpRadioOptions): Promise<UdpRadio> {
  if (!opts.mac || opts.mac.length !== 6) return Promise.reject(new Error('E_BAD_MAC'));
  var mac = new Uint8Array(opts.mac);
  var peers: UdpPeer[];
  try {
    peers = (opts.peers || []).map(parsePeer);
  } catch (e) {
    return Promise.reject(e);
  }
  var sock = dgram.createSocket('udp4');
  var handler: ((from: Uint8Array, payload: Uint8Array, rssi: number) => void) | null = null;
  var closed = false;
  var radio: UdpRadio = {
    port: 0,
    peers: peers,
    stats: { sent: 0, received: 0, short: 0, long: 0, notForUs: 0, own: 0, sendErrors: 0 },
    drops: [],
    learned: {},
    mac: function () {
      return new Uint8Array(mac);
    },
    send: function (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) {
      var d = encodeDatagram(to, mac, payload);
      var dests: UdpPeer[];
      var known = radio.learned[hex(to)];
      if (!isBroadcast(to) && known !== undefined) dests = [known];
      else dests = radio.peers.slice();
      var pending = dests.length;
      var allOk = true;
      function one(err: Error | null): void {
        if (err) {
          allOk = false;
          radio.stats.sendErrors++;
        }
        if (--pending === 0 && done) done(allOk);
      }
      if (pending === 0 || closed) {
        // Nobody to send to: still asynchronous, and not ok.
        if (done) setImmediate(function () { done(false); });
        return;
      }
      radio.stats.sent++;
      for (var i = 0; i < dests.length; i++) sock.send(d, dests[i].port, dests[i].address, one);
    },
    onReceive: function (h) {
      handler = h;
    },
    addPeer: function (p: number | string) {
      var peer = parsePeer(p);
      for (var i = 0; i < radio.peers.length; i++) if (samePeer(radio.peers[i], peer)) return;
      radio.peers.push(peer);
    },
    close: function () {
      if (closed) return Promise.resolve();
      closed = true;
      return new Promise(function (resolve) {
        sock.close(function () {
          resolve();
        });
      });
    },
  };
  function drop(code: UdpDropCode, length: number, fromPort: number): void {
    if (code === 'E_UDP_SHORT') radio.stats.short++;
    else if (code === 'E_UDP_LONG') radio.stats.long++;
    else if (code === 'E_UDP_OWN') radio.stats.own++;
    else radio.stats.notForUs++;
    radio.drops.push({ code: code, length: length, fromPort: fromPort });
    if (radio.drops.length > 64) radio.drops.shift();
  }
  sock.on('message', function (msg: Buffer, rinfo: dgram.RemoteInfo) {
    var r = decodeDatagram(new Uint8Array(msg), mac);
    if (typeof r === 'string') {
      drop(r, msg.length, rinfo.port);
      return;
    }
    radio.stats.received++;
    radio.learned[hex(r.src)] = { address: rinfo.address, port: rinfo.port };
    if (handler) handler(r.src, r.payload, LOOPBACK_RSSI);
  });
  return new Promise(function (resolve, reject) {
    sock.once('error', reject);
    sock.bind(opts.port || 0, opts.host || LOOPBACK, function () {
      sock.removeListener('error', reject);
      // A socket error after bind (a network gone away) must not end the process: count it, keep going.
      sock.on('error', function () {
        radio.stats.sendErrors++;
      });
      // Peers may be a subnet's broadcast address (a provisioning network).
      sock.setBroadcast(true);
      radio.port = sock.address().port;
      resolve(radio);
    });
  });
}

/**
 * The ESPNOW object of the simulator's contract (mac, send, on('recv')) on
 * top of a UDP radio, for a board bundle loaded in node:vm: its
 * require("ESPNOW") then talks to other processes. `wrapCallback` lets the
 * caller route callbacks (e.g. to record crashes).
 */
export function espnowOverUdp(radio: UdpRadio): any {
  return {
    mac: function () {
      return radio.mac();
    },
    send: function (to: any, data: any, cb?: (ok: boolean) => void) {
      radio.send(new Uint8Array(to), new Uint8Array(data), cb);
    },
    on: function (ev: string, fn: (mac: Uint8Array, data: Uint8Array, rssi: number) => void) {
      if (ev === 'recv') radio.onReceive(fn);
    },
  };
}
