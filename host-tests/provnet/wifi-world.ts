/**
 * Test harness: Wi-Fi networks in memory, for boards in node:vm that have no
 * ESP-NOW and speak over UDP (firmware/platform/espruino/prov-net.ts). Each
 * board gets an Espruino-like `Wifi` (connect / disconnect / startAP / getIP /
 * getDetails) and `dgram` (createSocket('udp4') → bind, on('message'), send).
 *
 * Rules, like a real access point's:
 *  - a station is on a network after `connect(ssid, {password})` answered
 *    null (right passphrase, after `assocMs`); a wrong one answers
 *    "Bad password"; an unknown SSID never answers (Espruino keeps retrying
 *    silently; getDetails().status says "no_ap_found");
 *  - an access point exists once its board called startAP (the configurator)
 *    or when listed in `fixedAps` (a bench access point, a target network);
 *  - a datagram leaves only if its sender is on a network (station joined or
 *    AP started) and reaches the sockets on that same network bound to the
 *    port: broadcast (x.x.x.255) every one but the sender, unicast the one
 *    with that address. Sent while on no network: dropped and recorded.
 */
import type { LiveBoard } from '../bridge/live-board.ts';

export interface Member {
  board: LiveBoard;
  mac: string;
  ip: string;
  /** the SSID this board is on (station or AP), or null */
  on: string | null;
  ap: string | null;
  log: string[];
  sockets: { port: number; onMessage: ((msg: string, rinfo: any) => void) | null }[];
  /** datagrams this board tried to send while on no network */
  strayed: number;
  /** datagrams sent, per network */
  sent: { [ssid: string]: number };
}

export interface WifiWorld {
  members: Member[];
  /** fixed access points: ssid -> passphrase */
  fixedAps: { [ssid: string]: string };
  add(board: LiveBoard, mac: string): { Wifi: any; dgram: any; member: Member };
}

function binary(b: Uint8Array): string {
  var s = '';
  for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

export function makeWifiWorld(fixedAps: { [ssid: string]: string }, assocMs: number): WifiWorld {
  var apPsk: { [ssid: string]: string } = {};
  var world: WifiWorld = { members: [], fixedAps: fixedAps, add: add };

  function pskOf(ssid: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(apPsk, ssid)) return apPsk[ssid];
    if (Object.prototype.hasOwnProperty.call(fixedAps, ssid)) return fixedAps[ssid];
    return undefined;
  }

  function add(board: LiveBoard, mac: string): { Wifi: any; dgram: any; member: Member } {
    var n = world.members.length + 2;
    var m: Member = { board: board, mac: mac, ip: '192.168.4.' + n, on: null, ap: null, log: [], sockets: [], strayed: 0, sent: {} };
    world.members.push(m);
    var attempt = 0;
    var status = 'idle';
    var Wifi = {
      connect: function (ssid: string, opts: any, cb?: any) {
        var my = ++attempt;
        m.log.push('connect ' + ssid);
        m.on = null;
        status = 'connecting';
        setTimeout(function () {
          if (my !== attempt || board.stopped()) return;
          var psk = pskOf(ssid);
          if (psk === undefined) {
            status = 'no_ap_found'; // and Espruino stays silent
            return;
          }
          if (psk !== ((opts && opts.password) || '')) {
            status = 'wrong_password';
            if (typeof cb === 'function') board.guard(cb, ['Bad password']);
            return;
          }
          status = 'connected';
          m.on = ssid;
          m.log.push('on ' + ssid);
          if (typeof cb === 'function') board.guard(cb, [null]);
        }, assocMs);
      },
      disconnect: function () {
        attempt++;
        m.log.push('disconnect');
        m.on = m.ap;
        status = 'off';
      },
      startAP: function (ssid: string, opts: any, cb?: any) {
        m.log.push('startAP ' + ssid);
        setTimeout(function () {
          if (board.stopped()) return;
          apPsk[ssid] = (opts && opts.password) || '';
          m.ap = ssid;
          m.on = ssid;
          m.ip = '192.168.4.1';
          if (typeof cb === 'function') board.guard(cb, [null]);
        }, assocMs);
      },
      getIP: function () {
        return { ip: m.on ? m.ip : '0.0.0.0', mac: mac };
      },
      getDetails: function () {
        return { status: status };
      },
    };
    var dgram = {
      createSocket: function () {
        var sock = { port: 0, onMessage: null as any };
        m.sockets.push(sock);
        return {
          bind: function (port: number) {
            sock.port = port;
          },
          on: function (ev: string, fn: any) {
            if (ev === 'message') sock.onMessage = fn;
          },
          send: function (data: string, offset: number, length: number, port: number, address: string) {
            if (!m.on) {
              m.strayed++;
              return;
            }
            var net = m.on;
            m.sent[net] = (m.sent[net] || 0) + 1;
            var msg = typeof data === 'string' ? data.substr(offset, length) : binary(new Uint8Array(data as any).subarray(offset, offset + length));
            var bcast = /\.255$/.test(address);
            world.members.forEach(function (o) {
              if (o === m || o.on !== net || o.board.stopped()) return;
              if (!bcast && o.ip !== address) return;
              o.sockets.forEach(function (s) {
                if (s.port !== port || !s.onMessage) return;
                var fn = s.onMessage;
                setTimeout(function () { o.board.guard(fn, [msg, { address: m.ip, port: sock.port }]); }, 1);
              });
            });
          },
        };
      },
    };
    return { Wifi: Wifi, dgram: dgram, member: m };
  }
  return world;
}
