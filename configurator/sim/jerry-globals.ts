/**
 * The global namespace one simulated board sees when it runs a JerryScript
 * bundle (dist/jerryscript/<protocol>/<role>.js): the `nb_*` natives of
 * firmware/platform/jerryscript/natives.d.ts (semantics: docs/bindings.md),
 * implemented on the same board services as the Espruino globals
 * (espruino-globals.ts), so both platforms' bundles share one medium, clock,
 * flash and CPU model. Plus `print` and `console.log`, which the JerryScript
 * profile of the build allows.
 *
 * The Espruino names (E, require, setTimeout...) are deliberately absent: a
 * JerryScript bundle that reached for one would fail here as on the board.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */
import { BoardServices, makeEspruinoGlobals } from './espruino-globals.ts';
import { WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL, WIFI_TIMEOUT } from '../../firmware/ports/ports.ts';
import { toStorageBytes } from './flash-storage.ts';

/** Names the loaders define for a JerryScript board, in a fixed order. */
export var JERRY_GLOBAL_NAMES = [
  'nb_mac', 'nb_radio_send', 'nb_radio_on_recv', 'nb_now_ms', 'nb_set_timer', 'nb_clear_timer', 'nb_random',
  'nb_storage_read', 'nb_storage_write', 'nb_storage_erase', 'nb_storage_list', 'nb_log', 'nb_wifi_join', 'nb_wifi_leave',
  'nb_sha256', 'nb_aes128_ecb', 'nb_radio_listen', 'nb_light_sleep', 'print', 'console',
  // optional (psk-oob): the world's private OOB medium and server link (firmware/platform/jerryscript/oob-natives.d.ts)
  'nb_oob_send', 'nb_oob_on_recv', 'nb_uplink_request',
];

/** The radio refused the frame (size, MAC): nb_radio_send returns false instead of throwing. */
function isRefusal(e: any): boolean {
  var m = e && typeof e.message === 'string' ? e.message : '';
  return m.indexOf('E_FRAME_TOO_LARGE') === 0 || m.indexOf('E_BAD_MAC') === 0;
}

/** Espruino's Wifi error text -> the WIFI_* code the native reports (firmware/ports/ports.ts). */
export function wifiCode(err: any): number {
  if (!err) return WIFI_OK;
  var s = String(err).toLowerCase();
  if (s.indexOf('auth') >= 0) return WIFI_AUTH_FAIL;
  if (s.indexOf('timeout') >= 0) return WIFI_TIMEOUT;
  return WIFI_NO_AP;
}

function u8(data: any): Uint8Array {
  return toStorageBytes(data);
}

export function makeJerryGlobals(svc: BoardServices): { [name: string]: any } {
  var m = svc.modules;
  var espnow = m.ESPNOW;
  var storage = m.Storage;
  var wifi = m.Wifi;
  var crypto = m.crypto;
  // print/console behave as on Espruino (one line per call).
  var common = makeEspruinoGlobals(svc);
  return {
    nb_mac: function () {
      return u8(espnow.mac());
    },
    nb_radio_send: function (mac: Uint8Array, data: Uint8Array, cb: (ok: boolean) => void) {
      try {
        espnow.send(mac, data, function (ok: boolean) {
          if (typeof cb === 'function') cb(!!ok);
        });
      } catch (e) {
        if (isRefusal(e)) return false;
        throw e;
      }
      return true;
    },
    // Issue 14: receiver on/off (ESP-NOW keeps sending either way) and light sleep until the next timer.
    nb_radio_listen: function (on: boolean) {
      espnow.listen(!!on);
    },
    nb_light_sleep: function (ms: number) {
      return svc.lightSleep ? svc.lightSleep(+ms || 0) : false;
    },
    nb_radio_on_recv: function (cb: any) {
      espnow.on('recv', function (mac: any, data: any, rssi: number) {
        cb(u8(mac), u8(data), rssi);
      });
    },
    nb_now_ms: function () {
      return svc.nowMs();
    },
    nb_set_timer: function (ms: number, cb: () => void) {
      return svc.setTimer(cb, +ms || 0, false, []);
    },
    nb_clear_timer: function (id: number) {
      // Never "clear all" (Espruino's clearTimeout() with no argument) from a bad id.
      if (typeof id === 'number') svc.clearTimer(id);
    },
    nb_random: function (n: number) {
      var out = new Uint8Array(n);
      for (var i = 0; i < n; i += 4) {
        var r = svc.hwRand();
        for (var k = 0; k < 4 && i + k < n; k++) out[i + k] = (r >>> (8 * k)) & 255;
      }
      return out;
    },
    nb_storage_read: function (name: string) {
      var ab = storage.readArrayBuffer(name);
      return ab === undefined ? undefined : u8(ab);
    },
    nb_storage_write: function (name: string, data: Uint8Array) {
      storage.write(name, u8(data));
    },
    nb_storage_erase: function (name: string) {
      storage.erase(name);
    },
    nb_storage_list: function (prefix: string) {
      var all: string[] = storage.list();
      var out: string[] = [];
      for (var i = 0; i < all.length; i++) if (all[i].indexOf(prefix) === 0) out.push(all[i]);
      return out;
    },
    nb_log: function (_level: number, line: string) {
      svc.print(String(line));
    },
    nb_wifi_join: function (ssid: string, psk: string, cb: (code: number) => void) {
      wifi.connect(ssid, { password: psk }, function (err: any) {
        cb(wifiCode(err));
      });
    },
    nb_wifi_leave: function () {
      wifi.disconnect();
    },
    // The optional natives exist only when the world simulates native crypto.
    nb_sha256: crypto ? function (data: Uint8Array) { return u8(crypto.SHA256(data)); } : undefined,
    nb_aes128_ecb: crypto ? function (key: Uint8Array, block: Uint8Array) { return u8(crypto.AES.encrypt(block, key, { mode: 'ECB' })); } : undefined,
    print: common.print,
    console: common.console,
    nb_oob_send: m.NowOob ? function (bytes: Uint8Array) { m.NowOob.send(bytes); } : undefined,
    nb_oob_on_recv: m.NowOob ? function (cb: (bytes: Uint8Array) => void) { m.NowOob.onReceive(cb); } : undefined,
    nb_uplink_request: m.NowUplink ? function (path: string, json: string, done: (status: number, json: string | null) => void) { m.NowUplink.request(path, json, done); } : undefined,
  };
}
