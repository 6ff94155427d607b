/**
 * Test harness for the radio bridge over a real pseudo-terminal pair:
 *
 *  - `startSocat(dir)`: `socat` makes two linked ptys, `dir/host` (the bench
 *    computer's end) and `dir/board` (the bridge's end); `kill()` is the USB
 *    cable pulled out, a second `startSocat(dir)` plugs it back in.
 *  - `espruinoSerial(board, path)`: an Espruino-like `Serial1` for a board in
 *    node:vm (setup(baud, {path}), on('data', fn) with binary strings as
 *    Espruino delivers them, write(data), removeAllListeners, setConsole),
 *    bound to the pty through the `serialport` package. `faults.tx` / `faults.rx`
 *    may rewrite each chunk the board writes / receives (garbage, truncation,
 *    duplication) to play a bad serial line.
 */
import { spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SerialPort } from 'serialport';
import type { LiveBoard } from './live-board.ts';

export interface Socat {
  host: string;
  board: string;
  kill(): Promise<void>;
}

async function waitFor(pred: () => boolean, ms: number, what: string): Promise<void> {
  var t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startSocat(dir: string): Promise<Socat> {
  var host = path.join(dir, 'host');
  var board = path.join(dir, 'board');
  var child: ChildProcess = spawn('socat', ['pty,raw,echo=0,link=' + host, 'pty,raw,echo=0,link=' + board], { stdio: 'ignore' });
  var exited = false;
  child.on('exit', () => { exited = true; });
  await waitFor(() => exited || (fs.existsSync(host) && fs.existsSync(board)), 5000, 'socat ptys');
  if (exited) throw new Error('socat exited at once (is it installed? .ci/run installs it)');
  return {
    host,
    board,
    kill: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      await waitFor(() => exited, 5000, 'socat to exit');
    },
  };
}

export type ChunkFault = (bytes: Uint8Array) => Uint8Array[];

export interface FakeSerial {
  /** the object the board sees as Serial1 */
  serial: any;
  faults: { tx: ChunkFault | null; rx: ChunkFault | null };
  /** bytes the board wrote / received (after faults) */
  counts: { tx: number; rx: number };
  consoleBack: boolean;
  close(): void;
}

function toBinaryString(b: Uint8Array): string {
  var s = '';
  for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function toBytes(data: any): Uint8Array {
  if (typeof data === 'string') {
    var out = new Uint8Array(data.length);
    for (var i = 0; i < data.length; i++) out[i] = data.charCodeAt(i) & 255;
    return out;
  }
  if (typeof data === 'number') return new Uint8Array([data & 255]);
  return new Uint8Array(data);
}

export function espruinoSerial(board: LiveBoard): FakeSerial {
  var port: SerialPort | null = null;
  var listeners: ((s: string) => void)[] = [];
  var fake: FakeSerial = {
    faults: { tx: null, rx: null },
    counts: { tx: 0, rx: 0 },
    consoleBack: false,
    serial: {
      setup: function (baud: number, opts: any) {
        if (!opts || !opts.path) throw new Error('fake Serial1: the Linux-style setup needs {path}');
        port = new SerialPort({ path: opts.path, baudRate: baud });
        port.on('error', () => {});
        port.on('data', (d: Buffer) => {
          var chunks = fake.faults.rx ? fake.faults.rx(new Uint8Array(d)) : [new Uint8Array(d)];
          for (var c of chunks) {
            fake.counts.rx += c.length;
            var s = toBinaryString(c);
            for (var fn of listeners.slice()) board.guard(fn, [s]);
          }
        });
      },
      on: function (ev: string, fn: (s: string) => void) {
        if (ev === 'data') listeners.push(fn);
      },
      removeAllListeners: function (ev: string) {
        if (ev === 'data') listeners = [];
      },
      write: function (data: any) {
        var b = toBytes(data);
        var chunks = fake.faults.tx ? fake.faults.tx(b) : [b];
        for (var c of chunks) {
          fake.counts.tx += c.length;
          if (port) port.write(Buffer.from(c));
        }
      },
      setConsole: function () {
        fake.consoleBack = true;
      },
    },
    close: function () {
      listeners = [];
      if (port && port.isOpen) port.close();
      port = null;
    },
  };
  board.onStop.push(fake.close);
  return fake;
}
