/**
 * The JerryScript binding: ports over the natives of natives.d.ts, which the C
 * host (ESP-IDF + JerryScript) registers. No meter on a real board.
 */
import { Ports, RadioPort, MAX_FRAME, OobPort, UplinkPort } from '../../ports/ports.ts';
import { makeSlotStorage } from '../../ports/slot-storage.ts';
import { toBase64 } from '../../bytes/base64.ts';
import { NativeCrypto } from '../../crypto/crypto-natives.ts';

export function engineNatives(): { crypto?: NativeCrypto; convolve?: any } {
  var c: NativeCrypto = {};
  if (typeof nb_sha256 === 'function') c.sha256 = nb_sha256;
  if (typeof nb_aes128_ecb === 'function') c.aesEncryptBlock = nb_aes128_ecb;
  return { crypto: c };
}

export function bindPorts(): Ports {
  var radio: RadioPort = {
    mac: nb_mac,
    send: function (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) {
      if (to.length !== 6) throw new Error('E_BAD_MAC');
      if (payload.length > MAX_FRAME) throw new Error('E_FRAME_TOO_LARGE ' + payload.length);
      if (!nb_radio_send(to, payload, done || function () {})) throw new Error('E_RADIO_REFUSED');
    },
    onReceive: function (h) {
      nb_radio_on_recv(h);
    },
  };
  // Issue 14: the optional natives; without them the receiver stays on and the board idles.
  if (typeof nb_radio_listen === 'function') {
    var listenNative = nb_radio_listen;
    radio.listen = function (on: boolean) {
      listenNative(on);
    };
  }
  var ports: Ports = {
    radio: radio,
    clock: { now: nb_now_ms, setTimer: nb_set_timer, clearTimer: nb_clear_timer },
    random: { bytes: nb_random },
    storage: makeSlotStorage({
      read: nb_storage_read,
      write: nb_storage_write,
      erase: nb_storage_erase,
      list: nb_storage_list,
    }),
    log: { log: nb_log },
    meter: { state: function () {}, work: function () {} },
    wifi: { join: nb_wifi_join, leave: nb_wifi_leave },
  };
  if (typeof nb_light_sleep === 'function') {
    var sleepNative = nb_light_sleep;
    ports.power = {
      lightSleep: function (ms: number) {
        return !!sleepNative(ms);
      },
    };
  }
  return ports;
}

/**
 * The out-of-band port (protocol psk-oob) over the optional natives of
 * oob-natives.d.ts; without them, outgoing messages are console lines
 * `NBOOB <base64>` and nothing comes in.
 */
export function bindOob(): OobPort {
  if (typeof nb_oob_send === 'function' && typeof nb_oob_on_recv === 'function') return { send: nb_oob_send, onReceive: nb_oob_on_recv };
  return {
    send: function (bytes: Uint8Array) {
      nb_log(1, 'NBOOB ' + toBase64(bytes));
    },
    onReceive: function () {},
  };
}

/** A link to the protocol's server over the optional native of oob-natives.d.ts, else undefined. */
export function bindUplink(): UplinkPort | undefined {
  if (typeof nb_uplink_request === 'function') return { request: nb_uplink_request };
  return undefined;
}
