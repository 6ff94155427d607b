/**
 * The serial-console binding of the out-of-band channel at the bench
 * (firmware/protocols/psk-oob/README.md §2, "Which binding carries which
 * flight"): a board prints an outgoing OOB message as the console line
 * `NBOOB <base64>` (firmware/platform/espruino/oob-console.ts); the host reads
 * it, and delivers it to the other end of the pair by typing
 * `E.emit('nboob','<base64>')` on that board's console.
 *
 * `OobRelay` pairs one configurator console with any number of enrollee
 * consoles: an enrollee's messages go to the configurator; the
 * configurator's go to the enrollee whose ID they carry (offset 3, learned
 * from that enrollee's own flight 1). Everything else on the consoles passes
 * by untouched. Lines that look like OOB but do not decode are counted, never
 * relayed.
 */
import { fromBase64, toBase64 } from '../../firmware/bytes/base64.ts';
import { PROTO_PSK_OOB } from '../../firmware/codec/protocol-ids.ts';
import { MAX_FRAME } from '../../firmware/ports/ports.ts';

export const OOB_PREFIX = 'NBOOB ';

/** One console as the relay sees it: whole lines in, text out. */
export interface ConsoleLines {
  onLine(cb: (line: string) => void): void;
  write(text: string): void;
}

/** The OOB message of a console line, or null (not an OOB line, or not canonical base64 of a psk-oob message). */
export function parseOobLine(line: string): Uint8Array | null {
  const l = line.replace(/\r$/, '');
  if (!l.startsWith(OOB_PREFIX)) return null;
  const b = fromBase64(l.substring(OOB_PREFIX.length).trim());
  if (!b || b.length < 11 || b.length > MAX_FRAME || b[0] !== PROTO_PSK_OOB) return null;
  return b;
}

/** The console line a board prints for a message. */
export function oobLine(bytes: Uint8Array): string {
  return OOB_PREFIX + toBase64(bytes);
}

/** What the host types on a board's console to hand it a message (base64 has no quote or backslash). */
export function oobConsoleCommand(bytes: Uint8Array): string {
  return "E.emit('nboob','" + toBase64(bytes) + "')\n";
}

export interface OobRelayStats {
  toConfigurator: number;
  toEnrollee: number;
  /** OOB-looking lines that did not decode */
  refused: number;
  /** configurator messages for an ID no enrollee console has announced */
  unrouted: number;
}

export function oobRelay(configurator: ConsoleLines, enrollees: ConsoleLines[], log?: (s: string) => void): { stats: OobRelayStats } {
  const stats: OobRelayStats = { toConfigurator: 0, toEnrollee: 0, refused: 0, unrouted: 0 };
  const byId = new Map<string, number>();
  const idOf = (b: Uint8Array) => Buffer.from(b.subarray(3, 11)).toString('hex');
  enrollees.forEach((en, i) => {
    en.onLine((line) => {
      if (!line.startsWith(OOB_PREFIX)) return;
      const b = parseOobLine(line);
      if (!b) {
        stats.refused++;
        return;
      }
      byId.set(idOf(b), i);
      stats.toConfigurator++;
      configurator.write(oobConsoleCommand(b));
      if (log) log(`enrollee ${i} -> configurator: type ${b[2]}, ${b.length} bytes`);
    });
  });
  configurator.onLine((line) => {
    if (!line.startsWith(OOB_PREFIX)) return;
    const b = parseOobLine(line);
    if (!b) {
      stats.refused++;
      return;
    }
    const i = byId.get(idOf(b));
    if (i === undefined) {
      stats.unrouted++;
      return;
    }
    stats.toEnrollee++;
    enrollees[i].write(oobConsoleCommand(b));
    if (log) log(`configurator -> enrollee ${i}: type ${b[2]}, ${b.length} bytes`);
  });
  return { stats };
}

/** A Node byte stream (a serial port, a socket, a PassThrough in tests) as console lines. */
export function streamLines(stream: NodeJS.ReadWriteStream): ConsoleLines {
  let buf = '';
  const cbs: ((l: string) => void)[] = [];
  stream.on('data', (d: Buffer | string) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.substring(0, nl).replace(/\r$/, '');
      buf = buf.substring(nl + 1);
      for (const cb of cbs) cb(line);
    }
  });
  return {
    onLine: (cb) => {
      cbs.push(cb);
    },
    write: (text) => {
      stream.write(text);
    },
  };
}
