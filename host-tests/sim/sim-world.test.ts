import { describe, it, expect } from 'vitest';
import { vmLoader, nodeNativeCrypto } from '../../configurator/sim/vm-board.ts';
import { makeWorld, WorldOptions } from '../../configurator/sim/sim-world.ts';
import { convolve } from '../../configurator/sim/espruino-globals.ts';
import { cpuSecondsFor } from '../../configurator/power/power-model.ts';

const PRE = 'var __nbRequire = require;\n';
function world(extra?: Partial<WorldOptions>) {
  return makeWorld({ seed: 'world-test', loadBundle: vmLoader(), cpuSecondsFor: null, ...extra });
}
function lines(b: { lines: { text: string }[] }) {
  return b.lines.map((l) => l.text);
}

describe('Espruino globals', () => {
  it('E.convolve follows Espruino: sum a[i] * b[(i + offset) mod b.length]', () => {
    const ref = (a: number[], b: number[], off: number) => {
      let v = 0;
      for (let i = 0; i < a.length; i++) v += a[i] * b[(((i + off) % b.length) + b.length) % b.length];
      return v;
    };
    const a = [1, 2, 3, 4, 5];
    const b = [7, -1, 3];
    for (const off of [0, 1, 2, 3, 7, -1, -4]) expect(convolve(a, b, off)).toBe(ref(a, b, off));
    expect(convolve(new Uint16Array([65535, 2]), new Int32Array([65535, 1 << 20]), 0)).toBe(65535 * 65535 + 2 * (1 << 20));
    expect(() => convolve(5, [1], 0)).toThrow();
  });

  it('getTime, timers with arguments, clearTimeout() clearing everything, E.hwRand from the seed', () => {
    const run = (seed: string) => {
      const w = world({ seed });
      const b = w.addBoard({ id: 'b', role: 'x', src: `
        setTimeout(function (a, b) { print("t1", getTime(), a, b); }, 250, "x", 7);
        var iv = setInterval(function () { print("iv", getTime()); }, 100);
        setTimeout(function () { clearInterval(iv); print("r", E.hwRand(), E.hwRand()); }, 350);
        setTimeout(function () { setTimeout(function () { print("never"); }, 10); setInterval(function () { print("never"); }, 10); clearTimeout(); print("cleared"); }, 400);
      ` });
      w.boot(b);
      w.run(1000);
      return lines(b);
    };
    const out = run('s1');
    expect(out.slice(0, 5)).toEqual(['iv 0.1', 'iv 0.2', 't1 0.25 x 7', 'iv 0.3', out[4]]);
    const r = out[4].split(' ');
    expect(r[0]).toBe('r');
    expect(+r[1] | 0).toBe(+r[1]);
    expect(out.slice(5)).toEqual(['cleared']);
    expect(run('s1')).toEqual(out);
    expect(run('s2')[4]).not.toEqual(out[4]);
  });

  it('require: Storage, ESPNOW, Wifi, NowMeter, NowBoard; crypto only when configured; others not found', () => {
    const src = PRE + `
      var names = ["Storage", "ESPNOW", "Wifi", "NowMeter", "NowBoard", "crypto", "dgram", "fs"];
      for (var i = 0; i < names.length; i++) {
        try { __nbRequire(names[i]); print(names[i] + " ok"); } catch (e) { print(e.message); }
      }
      var nb = __nbRequire("NowBoard"); print(nb.id + "/" + nb.role);`;
    const w1 = world();
    const b1 = w1.addBoard({ id: 'e7', role: 'enrollee', src });
    w1.boot(b1);
    w1.run(1);
    expect(lines(b1)).toEqual(['Storage ok', 'ESPNOW ok', 'Wifi ok', 'NowMeter ok', 'NowBoard ok',
      'Module crypto not found', 'Module dgram not found', 'Module fs not found', 'e7/enrollee']);
    const w2 = world({ nativeCrypto: nodeNativeCrypto });
    const b2 = w2.addBoard({ id: 'e7', role: 'enrollee', src });
    w2.boot(b2);
    w2.run(1);
    expect(lines(b2)[5]).toBe('crypto ok');
  });

  it('native crypto: SHA256 and AES-128-ECB give the standard vectors as ArrayBuffers', () => {
    const w = world({ nativeCrypto: nodeNativeCrypto });
    const b = w.addBoard({ id: 'c', role: 'x', src: PRE + `
      var c = __nbRequire("crypto");
      function hex(ab) { var u = new Uint8Array(ab), s = ""; for (var i = 0; i < u.length; i++) s += (u[i] < 16 ? "0" : "") + u[i].toString(16); return s; }
      var key = new Uint8Array(16), pt = new Uint8Array(16);
      for (var i = 0; i < 16; i++) { key[i] = i; pt[i] = i * 17; }
      var h = c.SHA256("abc");
      print(h instanceof ArrayBuffer, hex(h));
      print(hex(c.AES.encrypt(pt, key, { mode: "ECB" })));
      try { c.AES.encrypt(pt, key, { mode: "CBC" }); } catch (e) { print("refused " + e.message); }` });
    w.boot(b);
    w.run(1);
    expect(lines(b)).toEqual([
      'true ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      '69c4e0d86a7b0430d8cdb78070b4c55a',
      'refused crypto.AES: only mode "ECB" is simulated, got CBC',
    ]);
    expect(b.nativeCryptoCalls).toBe(3);
  });

  it('Wifi.connect against the fake AP table (THREATS #13): ok, auth fail, no AP found, timeout', () => {
    const w = world({ accessPoints: { lab: 'right-psk', mute: null } });
    const b = w.addBoard({ id: 'w', role: 'x', src: PRE + `
      var wifi = __nbRequire("Wifi");
      function tryJoin(ssid, psk) { wifi.connect(ssid, { password: psk }, function (err) { print(ssid + "/" + psk + " -> " + err + " @" + getTime()); }); }
      tryJoin("lab", "right-psk"); tryJoin("lab", "wrong"); tryJoin("nowhere", "x"); tryJoin("mute", "x");` });
    w.boot(b);
    w.run(20000);
    expect(lines(b)).toEqual([
      'lab/wrong -> auth fail @1.2', 'lab/right-psk -> null @1.5', 'nowhere/x -> no AP found @2.5', 'mute/x -> timeout @10',
    ]);
    expect(b.wifiLog.map((x) => x.result)).toEqual(['auth fail', null, 'no AP found', 'timeout']);
  });
});

describe('CPU busy model and power account', () => {
  const WORKER = PRE + `
    var m = __nbRequire("NowMeter"), radio = __nbRequire("ESPNOW");
    radio.on("recv", function () { print("NOWBOARD {\\"ev\\":\\"rx\\",\\"at\\":" + getTime() * 1000 + "}"); });
    m.work("fmul25519", 100);
    m.op("x25519", 1);
    radio.send(new Uint8Array([255,255,255,255,255,255]), new Uint8Array(10));`;
  const PEER = PRE + `
    var radio = __nbRequire("ESPNOW");
    radio.on("recv", function (mac, d) { print("NOWBOARD {\\"ev\\":\\"got\\",\\"at\\":" + getTime() * 1000 + "}"); });
    setTimeout(function () { radio.send(new Uint8Array([255,255,255,255,255,255]), new Uint8Array(5)); }, 5);`;

  it('work reported in a callback delays its frames and the next events by cpuSecondsFor(work)', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader(), keepMeterLog: true });
    const a = w.addBoard({ id: 'a', role: 'x', src: WORKER });
    const p = w.addBoard({ id: 'p', role: 'x', x: 2, src: PEER });
    w.boot(a);
    w.boot(p);
    w.run(10000);
    const busyMs = cpuSecondsFor({ fmul25519: 100, event: 1 }, 'espruino-esp32-js') * 1000;
    expect(busyMs).toBeGreaterThan(100); // 100 field multiplications in JS on Espruino: far from free
    expect(a.cpuBusyMs).toBeGreaterThanOrEqual(busyMs);
    const got = p.reports.find((r) => r.ev === 'got')!;
    // the frame left when the CPU was done, then took airtime + latency
    expect(got.at).toBeCloseTo(busyMs + w.medium.airtimeMs(10) + 0.05, 6);
    // p's frame (sent at 5 ms + p's own event cost) reached a while a was busy: handled once a was free
    const rx = a.reports.find((r) => r.ev === 'rx')!;
    expect(rx.at).toBeCloseTo(busyMs, 6);
    expect(a.workTotals.fmul25519).toBe(100);
    expect(a.opTotals.x25519).toBe(1);
    const e = a.power.energy(Math.max(w.clock.now(), a.power.lastChangeMs()));
    expect(e.totalMj).toBeGreaterThan(0);
    expect(e.ops.map((o: any) => o.label)).toContain('x25519');
    const cpu = w.timeline(a).filter((x) => x.component === 'cpu').map((x) => x.state);
    expect(cpu.slice(0, 3)).toEqual(['idle', 'cpu', 'idle']);
    const radio = w.timeline(a).filter((x) => x.component === 'radio').map((x) => x.state);
    expect(radio).toContain('tx');
  });

  it('an unknown work unit is a firmware bug: the board crashes with the power model error', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader() });
    const b = w.addBoard({ id: 'b', role: 'x', src: PRE + '__nbRequire("NowMeter").work("fmulBogus", 1);' });
    w.boot(b);
    w.run(10);
    expect(b.crashes.map((c) => c.error)).toEqual([expect.stringMatching(/E_POWER_UNKNOWN_UNIT/)]);
  });
});

describe('power cuts through the flash fake', () => {
  const WRITER = PRE + `
    var st = __nbRequire("Storage");
    var n = 0;
    setInterval(function () {
      n++;
      try { st.write("log", "entry " + n); } catch (e) { print("swallowed " + e.name); }
      print("wrote " + n);
    }, 10);`;

  it('the board dies at the cut even if firmware catches the error; reboot sees the flash as it was', () => {
    const w = world();
    const b = w.addBoard({ id: 'b', role: 'x', src: WRITER });
    w.boot(b);
    w.run(35); // three writes
    b.flash.cutPowerAfter(2); // the next write: delete old, header, (cut before data)
    w.run(100);
    expect(b.alive).toBe(false);
    expect(b.powerCuts).toBe(1);
    expect(b.crashes).toEqual([]);
    expect(lines(b).filter((l) => l.startsWith('wrote'))).toEqual(['wrote 1', 'wrote 2', 'wrote 3']);
    expect(b.storage.read('log')).toBe('\xff'.repeat('entry 4'.length)); // header written, data not
    w.boot(b);
    w.run(125);
    expect(b.alive).toBe(true);
    expect(b.storage.read('log')).toBe('entry 2');
  });
});

describe('trace options', () => {
  it('traceFrames: false keeps board events and drops frame records', () => {
    const mk = (traceFrames?: boolean) => {
      const w = makeWorld({ seed: 1, loadBundle: vmLoader(), cpuSecondsFor: null, traceFrames });
      const a = w.addBoard({ id: 'a', role: 'x', src: PRE + '__nbRequire("ESPNOW").send(new Uint8Array([255,255,255,255,255,255]), new Uint8Array(3)); print("sent");' });
      w.addBoard({ id: 'b', role: 'x', x: 1, src: PRE + '__nbRequire("ESPNOW").on("recv", function () { print("NOWBOARD {\\"ev\\":\\"got\\"}"); });' });
      w.boot(w.board('b'));
      w.boot(a, 1);
      w.run(50);
      return w;
    };
    const full = mk();
    const lean = mk(false);
    expect(full.trace.frames().length).toBe(1);
    expect(lean.trace.frames().length).toBe(0);
    expect(lean.trace.records.map((r: any) => r.ev)).toEqual(full.trace.records.filter((r) => r.kind === 'board').map((r: any) => r.ev));
    expect(lean.board('b').reports.map((r) => r.ev)).toEqual(['got']);
  });
});

describe('receive queue of a busy board', () => {
  it('holds at most rxQueueLimit received frames; the rest are dropped and traced', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader(), rxQueueLimit: 3 });
    // The receiver spends ~1.2 s of CPU on its first frame; 10 more arrive meanwhile.
    const rx = w.addBoard({ id: 'rx', role: 'x', src: PRE + `
      var m = __nbRequire("NowMeter"), n = 0;
      __nbRequire("ESPNOW").on("recv", function (mac, d) { n++; if (n === 1) m.work("fmul25519", 100); print("NOWBOARD {\\"ev\\":\\"rx\\",\\"b\\":" + d[0] + "}"); });` });
    const tx = w.addBoard({ id: 'tx', role: 'x', x: 1, src: PRE + `
      var r = __nbRequire("ESPNOW"), i = 0;
      var iv = setInterval(function () { r.send(new Uint8Array([255,255,255,255,255,255]), new Uint8Array([i++])); if (i === 11) clearInterval(iv); }, 50);` });
    w.boot(rx);
    w.boot(tx);
    w.run(10000);
    expect(rx.reports.map((r) => r.b)).toEqual([0, 1, 2, 3]); // the first, then the 3 that fit
    expect(rx.rxDropped).toBe(7);
    expect(w.trace.records.filter((r: any) => r.ev === 'rx-queue-full').length).toBe(7);
  });
});
