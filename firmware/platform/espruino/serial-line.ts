/**
 * The radio bridge's serial line on Espruino (firmware/bridge/bridge.ts
 * `SerialLine`): one of Espruino's Serial objects, taken away from the
 * JavaScript console so that nothing else writes to it.
 *
 * On an ESP32 the USB-serial chip is wired to UART0, which Espruino calls
 * `Serial1` and uses as its console (boards/ESP32*.py: default_console
 * EV_SERIAL1, 115200 baud). Binary frames and a REPL cannot share the line, so
 * the console moves to `LoopbackA` (forced, so reconnecting does not move it
 * back; output printed there is simply not read) unless the configuration
 * says "keep" (an engine whose console is elsewhere, like the Linux build on
 * its terminal). The host can hand the line back to the console with a
 * CONSOLE frame, after which the bridge can be re-flashed as usual.
 *
 * Configuration: Storage file `nb-bridge.json` (all keys optional):
 *   {"device": "Serial1", "baud": 115200, "console": "move" | "keep",
 *    "path": "/dev/pts/3"  (Linux build only: the tty the Serial object opens),
 *    "rx": pin, "tx": pin  (other UARTs)}
 * Contract of the Serial object: Espruino's reference (Serial.setup, 'data'
 * events with binary strings, Serial.write of a Uint8Array, setConsole).
 */
import { SerialLine } from '../../bridge/bridge.ts';

export interface SerialConfig {
  device: string;
  baud: number;
  console: string;
  path?: string;
  rx?: any;
  tx?: any;
}

export var DEFAULT_SERIAL: SerialConfig = { device: 'Serial1', baud: 115200, console: 'move' };

/** Parse nb-bridge.json; anything unusable falls back to the default, field by field. */
export function serialConfig(text: string | undefined): SerialConfig {
  var cfg: SerialConfig = { device: DEFAULT_SERIAL.device, baud: DEFAULT_SERIAL.baud, console: DEFAULT_SERIAL.console };
  if (!text) return cfg;
  var o: any;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return cfg;
  }
  if (!o || typeof o !== 'object') return cfg;
  if (typeof o.device === 'string') cfg.device = o.device;
  if (typeof o.baud === 'number' && o.baud > 0) cfg.baud = o.baud;
  if (o.console === 'keep' || o.console === 'move') cfg.console = o.console;
  if (typeof o.path === 'string') cfg.path = o.path;
  if (o.rx !== undefined) cfg.rx = o.rx;
  if (o.tx !== undefined) cfg.tx = o.tx;
  return cfg;
}

function serialDevice(name: string): any {
  if (name === 'Serial1' && typeof Serial1 !== 'undefined') return Serial1;
  if (name === 'Serial2' && typeof Serial2 !== 'undefined') return Serial2;
  if (name === 'USB' && typeof USB !== 'undefined') return USB;
  throw new Error('E_NO_SERIAL: no serial device ' + name);
}

function toBytes(s: any): Uint8Array {
  if (typeof s !== 'string') return new Uint8Array(s);
  var out = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255;
  return out;
}

export function espruinoSerialLine(cfg: SerialConfig): SerialLine {
  var dev = serialDevice(cfg.device);
  if (cfg.console !== 'keep') {
    if (typeof LoopbackA !== 'undefined') LoopbackA.setConsole(true);
    else E.setConsole(null, { force: true });
  }
  if (dev.setup) {
    var opts: any = {};
    if (cfg.path) opts.path = cfg.path;
    if (cfg.rx !== undefined) opts.rx = cfg.rx;
    if (cfg.tx !== undefined) opts.tx = cfg.tx;
    dev.setup(cfg.baud, opts);
  }
  var handler: ((b: Uint8Array) => void) | null = null;
  dev.on('data', function (s: any) {
    if (handler) handler(toBytes(s));
  });
  return {
    write: function (bytes: Uint8Array) {
      dev.write(bytes);
    },
    onData: function (h) {
      handler = h;
    },
    release: function () {
      handler = null;
      if (dev.removeAllListeners) dev.removeAllListeners('data');
      if (dev.setConsole) dev.setConsole(true);
    },
  };
}
