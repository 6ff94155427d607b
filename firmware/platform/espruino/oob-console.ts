/**
 * The out-of-band port on Espruino (protocol psk-oob, its README "Which binding
 * carries which flight"):
 *
 *  - `require("NowOob")` when the firmware (or the simulator's private per-pair
 *    medium, configurator/sim/oob-medium.ts) provides one: used as is;
 *  - else the serial console at the bench: an outgoing message is the line
 *    `NBOOB <base64>`; an incoming one arrives as the console command
 *    `E.emit('nboob','<base64>')`, which the host relay types
 *    (configurator/oob/serial-oob.ts). A line that is not canonical base64 is dropped.
 */
import { OobPort } from '../../ports/ports.ts';
import { toBase64, fromBase64 } from '../../bytes/base64.ts';

/** The console line prefix of an outgoing OOB message, and the event an incoming one is emitted as. */
export var OOB_LINE = 'NBOOB ';
export var OOB_EVENT = 'nboob';

export function consoleOob(out: (line: string) => void, on: ((ev: string, fn: (s: any) => void) => void) | null): OobPort {
  return {
    send: function (bytes: Uint8Array) {
      out(OOB_LINE + toBase64(bytes));
    },
    onReceive: function (handler: (bytes: Uint8Array) => void) {
      if (!on) return;
      on(OOB_EVENT, function (s: any) {
        var b = typeof s === 'string' ? fromBase64(s) : null;
        if (b) handler(b);
      });
    },
  };
}
