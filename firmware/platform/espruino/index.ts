/**
 * The Espruino binding: implements the ports (firmware/ports/ports.ts) on
 * Espruino's API. The only firmware file that reads Espruino globals (the
 * radio file beside it aside). Contract of each engine module it uses:
 * docs/bindings.md.
 */
import {
  Ports, RadioPort, MeterPort, WifiPort, ClockPort, PowerPort,
  WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL, WIFI_TIMEOUT,
} from '../../ports/ports.ts';
import { makeSlotStorage, RawStore } from '../../ports/slot-storage.ts';
import { espnowRadio, dgramRadio } from './espnow-radio.ts';
import { provNet, netConfig, wifiResult, NetConfig } from './prov-net.ts';
import { espruinoCryptoNatives } from './crypto-adapter.ts';
import { NativeCrypto } from '../../crypto/crypto-natives.ts';
import { espruinoSerialLine, serialConfig } from './serial-line.ts';
import { SerialLine } from '../../bridge/bridge.ts';
import { OobPort, UplinkPort } from '../../ports/ports.ts';
import { consoleOob } from './oob-console.ts';
import { espruinoUplink } from './uplink.ts';

/** require() that returns undefined for a module the firmware doesn't have. */
export function optionalModule(name: string): any {
  try {
    return __nbRequire(name);
  } catch (e) {
    return undefined;
  }
}

function espruinoRawStore(st: any): RawStore {
  return {
    read: function (name: string) {
      var ab = st.readArrayBuffer(name);
      return ab === undefined ? undefined : new Uint8Array(ab);
    },
    write: function (name: string, data: Uint8Array) {
      // A fresh buffer exactly the file's size: Storage writes the whole ArrayBuffer.
      var copy = new Uint8Array(data.length);
      copy.set(data);
      st.write(name, copy.buffer);
    },
    erase: function (name: string) {
      st.erase(name);
    },
    list: function (prefix: string) {
      var all: string[] = st.list();
      var out: string[] = [];
      for (var i = 0; i < all.length; i++) if (all[i].indexOf(prefix) === 0) out.push(all[i]);
      return out;
    },
  };
}

function randomBytes(n: number): Uint8Array {
  var out = new Uint8Array(n);
  for (var i = 0; i < n; i += 4) {
    var r = E.hwRand();
    for (var k = 0; k < 4 && i + k < n; k++) out[i + k] = (r >>> (8 * k)) & 255;
  }
  return out;
}

function meterPort(): MeterPort {
  var m = optionalModule('NowMeter');
  if (m) return m as MeterPort;
  // On a real board nobody listens; counting is the runtime's job.
  return { state: function () {}, work: function () {} };
}

/** A join that Espruino never answers (it only reports a bad password) is abandoned after this. */
var JOIN_MS = 15000;

function wifiPort(wifi: any, clock: ClockPort): WifiPort {
  return {
    join: function (ssid: string, psk: string, done: (r: number) => void) {
      if (!wifi) {
        clock.setTimer(0, function () { done(WIFI_NO_AP); });
        return;
      }
      var finished = false;
      var guard = clock.setTimer(JOIN_MS, function () {
        if (finished) return;
        finished = true;
        wifi.disconnect();
        done(WIFI_TIMEOUT);
      });
      wifi.connect(ssid, { password: psk }, function (err: any) {
        if (finished) return;
        finished = true;
        clock.clearTimer(guard);
        done(wifiResult(err));
      });
    },
    leave: function () {
      if (wifi) wifi.disconnect();
    },
  };
}

/** Our MAC for the UDP fallback: the Wi-Fi station MAC if known, else a stored locally administered one. */
function fallbackMac(storage: any): Uint8Array {
  var wifi = optionalModule('Wifi');
  if (wifi && wifi.getIP) {
    var ip = wifi.getIP();
    if (ip && ip.mac && ip.mac.length === 17) {
      var m = new Uint8Array(6);
      for (var i = 0; i < 6; i++) m[i] = parseInt(ip.mac.substr(3 * i, 2), 16);
      return m;
    }
  }
  var saved = storage.readArrayBuffer('nb-mac');
  if (saved) return new Uint8Array(saved);
  var mac = randomBytes(6);
  mac[0] = (mac[0] & 0xfc) | 2; // locally administered, unicast
  storage.write('nb-mac', mac.buffer);
  return mac;
}

function espruinoClock(): ClockPort {
  return {
    now: function () {
      return getTime() * 1000;
    },
    setTimer: function (ms: number, cb: () => void) {
      return setTimeout(cb, ms) as unknown as number;
    },
    clearTimer: function (id: number) {
      clearTimeout(id);
    },
  };
}

/**
 * The radio and the Wi-Fi port together: ESP-NOW if the firmware has it, else
 * UDP broadcast through `dgram` (docs/bindings.md), over the provisioning
 * network of nb-udp.json when it names one (prov-net.ts).
 */
function netPorts(storage: any, clock: ClockPort): { radio: RadioPort; wifi: WifiPort } {
  var wifi = optionalModule('Wifi');
  var espnow = optionalModule('ESPNOW');
  if (espnow) return { radio: espnowRadio(espnow), wifi: wifiPort(wifi, clock) };
  var dgram = optionalModule('dgram');
  if (!dgram) throw new Error('E_NO_RADIO: neither ESPNOW nor dgram');
  var cfg: NetConfig = netConfig(storage.read('nb-udp.json')) || { port: 47100, peers: ['192.168.4.255:47100'] };
  var inner = dgramRadio(dgram, fallbackMac(storage), cfg);
  if (!cfg.ssid || !wifi) return { radio: inner, wifi: wifiPort(wifi, clock) };
  var pn = provNet(wifi, inner, cfg, clock);
  return { radio: pn.radio, wifi: pn.wifi };
}

/** Hooks the binding offers engine accelerations through, set by the app at boot. */
export function engineNatives(): { crypto?: NativeCrypto; convolve?: any } {
  var c = optionalModule('crypto');
  return {
    crypto: c ? espruinoCryptoNatives(c) : undefined,
    convolve: typeof E !== 'undefined' && E.convolve ? E.convolve : undefined,
  };
}

/**
 * Light sleep (issue 14), where the firmware offers it: an `ESP32` object with
 * `lightSleep(ms)`. Stock Espruino for the ESP32 has none (it has
 * `ESP32.deepSleep`, which reboots and so loses the RAM state a session needs),
 * so there the board idles at the modem-sleep floor with the receiver off
 * (docs/bindings.md says what that costs).
 */
function powerPort(): PowerPort | undefined {
  var esp32 = optionalModule('ESP32');
  if (!esp32 || typeof esp32.lightSleep !== 'function') return undefined;
  return {
    lightSleep: function (ms: number) {
      esp32.lightSleep(ms);
      return true;
    },
  };
}

export function bindPorts(): Ports {
  var st = __nbRequire('Storage');
  var clock = espruinoClock();
  var net = netPorts(st, clock);
  var ports: Ports = {
    radio: net.radio,
    clock: clock,
    random: { bytes: randomBytes },
    storage: makeSlotStorage(espruinoRawStore(st)),
    log: {
      log: function (_level: number, msg: string) {
        print(msg);
      },
    },
    meter: meterPort(),
    wifi: net.wifi,
    uplink: espruinoUplink(optionalModule('NowUplink'), optionalModule('http'), st.read('nb-uplink.json'), clock),
  };
  var power = powerPort();
  if (power) ports.power = power;
  return ports;
}

/**
 * The out-of-band port (protocol psk-oob): a `NowOob` module if the firmware or
 * the simulator has one, else the serial console (oob-console.ts).
 */
export function bindOob(): OobPort {
  var m = optionalModule('NowOob');
  if (m) return m as OobPort;
  var e: any = typeof E !== 'undefined' ? E : null;
  return consoleOob(function (line: string) {
    print(line);
  }, e && e.on ? function (ev: string, fn: (s: any) => void) {
    e.on(ev, fn);
  } : null);
}

/**
 * A link to the protocol's server when the firmware (or the simulator) offers
 * one as `require("NowUplink")` ({request(path, json, done)}), else undefined.
 */
export function bindUplink(): UplinkPort | undefined {
  var m = optionalModule('NowUplink');
  return m && typeof m.request === 'function' ? (m as UplinkPort) : undefined;
}

/** What the radio bridge bundle runs on (firmware/bridge/bridge-main.ts). */
export interface BridgePorts {
  radio: RadioPort;
  serial: SerialLine;
  clock: ClockPort;
  boot: number;
  crc?: (data: Uint8Array) => number;
}

/** The radio, the serial line named in `nb-bridge.json` (serial-line.ts) and a clock. */
export function bindBridge(): BridgePorts {
  var st = __nbRequire('Storage');
  var nativeCrc = typeof E !== 'undefined' && E.CRC32 ? E.CRC32 : undefined;
  var clock = espruinoClock();
  return {
    radio: netPorts(st, clock).radio,
    serial: espruinoSerialLine(serialConfig(st.read('nb-bridge.json'))),
    clock: clock,
    // hwRand alone repeats across restarts on engines that seed it the same way (Linux builds): add the clock.
    boot: (E.hwRand() ^ Math.floor(getTime() * 1000)) >>> 0,
    crc: nativeCrc
      ? function (d: Uint8Array) {
          return nativeCrc!(d) >>> 0;
        }
      : undefined,
  };
}
