/**
 * The out-of-band bindings of psk-oob: the serial console relay over fake
 * serial streams (NBOOB lines in, E.emit commands out, routed by device ID),
 * the Espruino console binding's own encoding, and `nowboard oob qr` decoded
 * back with a QR reader (jsqr over pngjs).
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { PNG } from 'pngjs';
import jsQR from 'jsqr';
import { parseOobLine, oobLine, oobConsoleCommand, oobRelay, streamLines } from '../../configurator/oob/serial-oob.ts';
import { consoleOob } from '../../firmware/platform/espruino/oob-console.ts';
import { main } from '../../configurator/cli/nowboard.ts';
import { makeWorld, bootAll, run } from './driver.ts';

/** A fake serial port: what the board prints comes out of `board`, what the host writes lands in `written`. */
function fakeSerial() {
  const stream = new PassThrough();
  const written: string[] = [];
  const origWrite = stream.write.bind(stream);
  const port = {
    on: (ev: string, cb: any) => (ev === 'data' ? stream.on('data', cb) : undefined),
    write: (t: string) => {
      written.push(t);
      return true;
    },
  };
  return { port, written, print: (line: string) => origWrite(line + '\r\n'), raw: (chunk: string) => origWrite(chunk) };
}

const tick = () => new Promise((r) => setImmediate(r));

function messages() {
  const w = makeWorld(2, { seed: 11 });
  bootAll(w);
  run(w);
  return w.oob;
}

describe('serial console binding', () => {
  it('NBOOB lines round-trip; anything else is refused', () => {
    const [f1] = messages();
    expect(parseOobLine(oobLine(f1))).toEqual(f1);
    expect(parseOobLine(oobLine(f1) + '\r')).toEqual(f1);
    for (const bad of ['', 'NBOOB', 'NBOOB !!', 'NBOOB ' + Buffer.from('hello').toString('base64'), 'hello NBOOB x', oobLine(f1).slice(0, -2)]) {
      expect(parseOobLine(bad), bad).toBeNull();
    }
    expect(oobConsoleCommand(f1)).toBe("E.emit('nboob','" + Buffer.from(f1).toString('base64') + "')\n");
  });

  it("the board side (firmware/platform/espruino/oob-console.ts) prints the relay's line and takes its command", () => {
    const [f1] = messages();
    const lines: string[] = [];
    const handlers: { [ev: string]: (s: any) => void } = {};
    const port = consoleOob((l) => lines.push(l), (ev, fn) => (handlers[ev] = fn));
    port.send(f1);
    expect(lines).toEqual([oobLine(f1)]);
    const got: Uint8Array[] = [];
    port.onReceive((b) => got.push(b));
    // What `E.emit('nboob','…')` typed by the host does on Espruino: the handler gets the string.
    const cmd = oobConsoleCommand(f1);
    handlers.nboob(cmd.substring(cmd.indexOf(",'") + 2, cmd.lastIndexOf("')")));
    handlers.nboob('not base64!');
    handlers.nboob(42);
    expect(got).toEqual([f1]);
  });

  it('relay over fake serial streams: enrollee flights to the configurator, the configurator’s to the enrollee whose ID they carry', async () => {
    const msgs = messages();
    const f1a = msgs.find((m) => m[2] === 1)!;
    const f1b = msgs.filter((m) => m[2] === 1)[1];
    const f4b = msgs.find((m) => m[2] === 4 && Buffer.from(m.subarray(3, 11)).equals(Buffer.from(f1b.subarray(3, 11))))!;
    const cfg = fakeSerial();
    const ea = fakeSerial();
    const eb = fakeSerial();
    const r = oobRelay(streamLines(cfg.port as any), [streamLines(ea.port as any), streamLines(eb.port as any)]);
    ea.print('>NOWBOARD {"ev":"boot"}');
    ea.print(oobLine(f1a));
    eb.print(oobLine(f1b));
    eb.print('NBOOB garbage==');
    await tick();
    expect(cfg.written).toEqual([oobConsoleCommand(f1a), oobConsoleCommand(f1b)]);
    // Split across reads, as a serial port delivers it.
    const line = oobLine(f4b);
    cfg.raw(line.slice(0, 10));
    await tick();
    expect(eb.written).toEqual([]);
    cfg.raw(line.slice(10) + '\r');
    await tick();
    cfg.raw('\n');
    await tick();
    expect(eb.written).toEqual([oobConsoleCommand(f4b)]);
    expect(ea.written).toEqual([]);
    expect(r.stats).toMatchObject({ toConfigurator: 2, toEnrollee: 1, refused: 1, unrouted: 0 });
  });
});

describe('nowboard oob qr', () => {
  it('prints a terminal code and writes an SVG and a PNG that decode back to the NBOOB line', async () => {
    const [f1] = messages();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-qr-'));
    const out: string[] = [];
    const code = await main(['oob', 'qr', '--line', oobLine(f1), '--svg', path.join(dir, 'f1.svg'), '--png', path.join(dir, 'f1.png')], (s) => out.push(s));
    expect(code).toBe(0);
    expect(out[0].split('\n').length).toBeGreaterThan(10);
    expect(fs.readFileSync(path.join(dir, 'f1.svg'), 'utf8')).toMatch(/^<svg/);
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'f1.png')));
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    expect(qr && qr.data).toBe(oobLine(f1));
    expect(parseOobLine(qr!.data)).toEqual(f1);
  });
  it('refuses what is not a psk-oob message, and a missing message flag', async () => {
    await expect(main(['oob', 'qr', '--line', 'NBOOB aGVsbG8='], () => {})).rejects.toMatchObject({ code: 'E_FLAG_VALUE' });
    await expect(main(['oob', 'qr', '--hex', 'zz'], () => {})).rejects.toMatchObject({ code: 'E_FLAG_VALUE' });
    await expect(main(['oob', 'qr'], () => {})).rejects.toMatchObject({ code: 'E_FLAG_MISSING' });
    await expect(main(['oob', 'scan'], () => {})).rejects.toMatchObject({ code: 'E_USAGE' });
  });
});
