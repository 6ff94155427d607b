/**
 * Radio bindings for Espruino.
 *
 * 1. `require("ESPNOW")` — an ESP-NOW object, present on firmware builds that
 *    expose one and in the simulator. Contract (docs/bindings.md):
 *      mac(): Uint8Array(6)
 *      send(mac: Uint8Array(6), data: Uint8Array, cb?: (ok: boolean) => void)
 *      on('recv', (mac: Uint8Array(6), data: Uint8Array, rssi: number) => void)
 *      listen?(on: boolean)   optional (issue 14): receiver on/off, sending unaffected
 * 2. Fallback for stock Espruino (no ESP-NOW API): UDP datagrams through
 *    `require("dgram")`, framed `dst MAC(6) | src MAC(6) | payload(<=250)` — the
 *    same format as the host's UDP loopback binding (docs/udp-binding.md), so
 *    a Node configurator and a real interpreter can be peers. On a board this
 *    runs over the configurator's provisioning access point (broadcast address
 *    of its subnet); on Linux over loopback.
 */
import { RadioPort, MAX_FRAME } from '../../ports/ports.ts';

export function espnowRadio(espnow: any): RadioPort {
  var handler: ((from: Uint8Array, payload: Uint8Array, rssi: number) => void) | null = null;
  espnow.on('recv', function (mac: Uint8Array, data: Uint8Array, rssi: number) {
    if (handler) handler(new Uint8Array(mac), new Uint8Array(data), rssi);
  });
  var port: RadioPort = {
    mac: function () {
      return new Uint8Array(espnow.mac());
    },
    send: function (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) {
      if (to.length !== 6) throw new Error('E_BAD_MAC');
      if (payload.length > MAX_FRAME) throw new Error('E_FRAME_TOO_LARGE ' + payload.length);
      espnow.send(to, payload, done);
    },
    onReceive: function (h) {
      handler = h;
    },
  };
  // Issue 14: the receiver switch, where the module has one (the project's native
  // module, docs/espnow-module.md; the simulator's). Without it the radio listens always.
  if (typeof espnow.listen === 'function') {
    port.listen = function (on: boolean) {
      espnow.listen(!!on);
    };
  }
  return port;
}

/** Bytes <-> Espruino binary strings (dgram messages are strings there). */
function bytesToString(b: Uint8Array): string {
  var s = '';
  for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
function toBytes(m: any): Uint8Array {
  if (typeof m === 'string') {
    var out = new Uint8Array(m.length);
    for (var i = 0; i < m.length; i++) out[i] = m.charCodeAt(i) & 255;
    return out;
  }
  return new Uint8Array(m);
}

export interface UdpConfig {
  /** Our UDP port. */
  port: number;
  /** Where broadcasts go: "host:port" strings (a subnet broadcast address on an AP, loopback peers on Linux). */
  peers: string[];
}

export function dgramRadio(dgram: any, mac: Uint8Array, cfg: UdpConfig): RadioPort {
  var handler: ((from: Uint8Array, payload: Uint8Array, rssi: number) => void) | null = null;
  var learned: { [mac: string]: string } = {};
  var sock = dgram.createSocket('udp4');
  sock.bind(cfg.port);
  function key(m: Uint8Array): string {
    return bytesToString(m);
  }
  sock.on('message', function (msg: any, rinfo: any) {
    var b = toBytes(msg);
    if (b.length < 12 || b.length > 12 + MAX_FRAME) return;
    var dst = b.subarray(0, 6);
    var bcast = true;
    var mine = true;
    for (var i = 0; i < 6; i++) {
      if (dst[i] !== 255) bcast = false;
      if (dst[i] !== mac[i]) mine = false;
    }
    if (!bcast && !mine) return;
    var src = new Uint8Array(6);
    src.set(b.subarray(6, 12));
    if (rinfo && rinfo.address) learned[key(src)] = rinfo.address + ':' + rinfo.port;
    var payload = new Uint8Array(b.length - 12);
    payload.set(b.subarray(12));
    if (handler) handler(src, payload, -40);
  });
  function sendTo(hostPort: string, data: string): void {
    var c = hostPort.lastIndexOf(':');
    sock.send(data, 0, data.length, parseInt(hostPort.substring(c + 1), 10), hostPort.substring(0, c));
  }
  return {
    mac: function () {
      return mac;
    },
    send: function (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) {
      if (to.length !== 6) throw new Error('E_BAD_MAC');
      if (payload.length > MAX_FRAME) throw new Error('E_FRAME_TOO_LARGE ' + payload.length);
      var frame = new Uint8Array(12 + payload.length);
      frame.set(to, 0);
      frame.set(mac, 6);
      frame.set(payload, 12);
      var data = bytesToString(frame);
      var dest = learned[key(to)];
      if (dest) sendTo(dest, data);
      else for (var i = 0; i < cfg.peers.length; i++) sendTo(cfg.peers[i], data);
      // UDP gives no MAC-level ack; like an ESP-NOW broadcast, "sent" is all we know.
      if (done) setTimeout(function () { done(true); }, 0);
    },
    onReceive: function (h) {
      handler = h;
    },
  };
}
