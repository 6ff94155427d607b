import { describe, it, expect } from 'vitest';
import { evalInBoard, vmLoader } from '../../configurator/sim/vm-board.ts';
import { makeWorld } from '../../configurator/sim/sim-world.ts';
import { makeEspruinoGlobals, convolve } from '../../configurator/sim/espruino-globals.ts';

function probeGlobals() {
  const lines: string[] = [];
  const g = makeEspruinoGlobals({
    nowMs: () => 1500, setTimer: () => 1, clearTimer: () => {}, print: (l) => lines.push(l), hwRand: () => -5,
    modules: { Storage: { read: () => 'x', readArrayBuffer: () => new Uint8Array([1, 2]).buffer } },
  });
  return { g, lines };
}

describe('vm-board: nothing from Node is visible', () => {
  it('Node globals are absent', () => {
    const { g } = probeGlobals();
    const names = ['process', 'Buffer', 'module', 'exports', '__dirname', '__filename', 'setImmediate', 'queueMicrotask',
      'TextEncoder', 'TextDecoder', 'URL', 'fetch', 'global', 'structuredClone', 'performance', 'WebAssembly'];
    const types = evalInBoard(`[${names.map((n) => `typeof ${n}`).join(',')}]`, g);
    expect(Array.from(types)).toEqual(names.map(() => 'undefined'));
  });

  it('the classic escapes stay inside the board realm', () => {
    const { g } = probeGlobals();
    const probes = [
      'this.constructor.constructor("return typeof process")()',
      'Object.getPrototypeOf(this).constructor.constructor("return typeof process")()',
      'print.constructor("return typeof process")()',
      'getTime.constructor.constructor("return typeof process")()',
      'E.constructor.constructor("return typeof process")()',
      'E.hwRand.constructor("return typeof process")()',
      'console.log.constructor("return typeof process")()',
      'require("Storage").readArrayBuffer("f").constructor.constructor("return typeof process")()',
      '(function(){ try { require("fs") } catch (e) { return e.constructor.constructor("return typeof process")() } })()',
      '(function(){ try { require("child_process") } catch (e) { return e instanceof Error ? "undefined" : "foreign error" } })()',
    ];
    for (const p of probes) expect(evalInBoard(p, g), p).toBe('undefined');
  });

  it('require gives Espruino modules only; values handed in belong to the board realm', () => {
    const { g, lines } = probeGlobals();
    const r = evalInBoard(`
      var ab = require("Storage").readArrayBuffer("f");
      print("t", getTime(), E.hwRand());
      var msg; try { require("http") } catch (e) { msg = e.message }
      var ab2 = require("Storage").readArrayBuffer("f");
      [ab instanceof ArrayBuffer, new Uint8Array(ab)[1], msg, typeof require("Storage").read,
       require("Storage") === require("Storage"), ab === ab2].join(",")`, g);
    // modules keep their identity; data is copied on every call
    expect(r).toBe('true,2,Module http not found,function,true,false');
    expect(lines).toEqual(['t 1.5 -5']);
  });
});

describe('vm-board in a world: crash, stop, reboot with the same flash', () => {
  const COUNTER = `
    var __nbRequire = require;
    var st = __nbRequire("Storage");
    var n = +(st.read("boots") || "0") + 1;
    st.write("boots", String(n));
    print("NOWBOARD {\\"ev\\":\\"boot\\",\\"n\\":" + n + "}");
    var ticks = 0;
    setInterval(function () {
      ticks++;
      if (ticks === 3 && n === 1) throw new Error("boom at tick 3");
      print("tick " + n + "." + ticks);
    }, 100);
  `;

  it('an uncaught exception in a callback is a crash with board id and error; the board stops', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader(), cpuSecondsFor: null });
    const b = w.addBoard({ id: 'b1', role: 'enrollee', src: COUNTER });
    w.boot(b);
    w.run(1000);
    expect(b.crashes.map((c) => [c.board, c.error])).toEqual([['b1', 'Error: boom at tick 3']]);
    expect(b.alive).toBe(false);
    expect(b.lines.map((l) => l.text).filter((t) => t.startsWith('tick'))).toEqual(['tick 1.1', 'tick 1.2']);
    // reboot: a fresh context, the same flash
    w.boot(b);
    w.run(1500);
    expect(b.reports.map((r) => r.n)).toEqual([1, 2]);
    expect(b.alive).toBe(true);
    expect(b.lines.map((l) => l.text).filter((t) => t.startsWith('tick 2.')).length).toBe(5);
    expect(w.trace.records.filter((r) => r.kind === 'board' && r.ev === 'crash').length).toBe(1);
  });

  it('a syntax error in the bundle is a boot crash', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader(), cpuSecondsFor: null });
    const b = w.addBoard({ id: 'bad', role: 'enrollee', src: 'var x = ;' });
    w.boot(b);
    w.run(10);
    expect(b.crashes.length).toBe(1);
    expect(b.crashes[0].error).toMatch(/SyntaxError/);
  });

  it('received frames arrive as board-realm Uint8Arrays', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader(), cpuSecondsFor: null });
    const rx = w.addBoard({ id: 'rx', role: 'x', src: `
      var __nbRequire = require;
      __nbRequire("ESPNOW").on("recv", function (mac, data, rssi) {
        print("NOWBOARD " + JSON.stringify({ ev: "rx", u8: data instanceof Uint8Array && mac instanceof Uint8Array, len: data.length, mac6: mac.length, rssi: typeof rssi }));
      });` });
    const tx = w.addBoard({ id: 'tx', role: 'x', x: 2, src: `
      var __nbRequire = require;
      __nbRequire("ESPNOW").send(new Uint8Array([255,255,255,255,255,255]), new Uint8Array([1,2,3]));` });
    w.boot(rx);
    w.boot(tx, 5);
    w.run(100);
    expect(rx.reports.map((r) => [r.ev, r.u8, r.len, r.mac6, r.rssi])).toEqual([['rx', true, 3, 6, 'number']]);
  });
});

describe('reboot of a running board', () => {
  it('is a reset, not a crash; the new life starts from the same flash', () => {
    const w = makeWorld({ seed: 1, loadBundle: vmLoader(), cpuSecondsFor: null });
    const b = w.addBoard({ id: 'r', role: 'x', src: 'var __nbRequire = require; var st = __nbRequire("Storage"); st.write("n", String(+(st.read("n") || "0") + 1)); setInterval(function () {}, 50);' });
    w.boot(b);
    w.boot(b, 100);
    w.run(200);
    expect(b.crashes).toEqual([]);
    expect(b.boots).toBe(2);
    expect(b.storage.read('n')).toBe('2');
    expect(w.trace.records.filter((r) => r.kind === 'board').map((r: any) => r.ev)).toEqual(['boot', 'reset', 'boot']);
  });
});

describe('E.convolve compiled inside the board realm', () => {
  it('is a board-realm function and gives exactly the host results', () => {
    const { g } = probeGlobals();
    const cases = evalInBoard(`
      var out = [];
      var a = new Int32Array(16), b = new Int32Array(31), s = 12345;
      function rnd() { s = (s * 1103515245 + 12345) % 2147483648; return (s % 131071) - 65535; }
      for (var t = 0; t < 40; t++) {
        for (var i = 0; i < a.length; i++) a[i] = rnd();
        for (var k = 0; k < b.length; k++) b[k] = rnd();
        var off = rnd() % 50;
        out.push([Array.prototype.slice.call(a), Array.prototype.slice.call(b), off, E.convolve(a, b, off)]);
      }
      out.push([[1, 2], "ab", 1, E.convolve([1, 2], "ab", 1)]);
      out.push([E.convolve.constructor("return typeof process")()]);
      out`, g);
    const list = Array.from(cases as any[]);
    expect(list.pop()[0]).toBe('undefined');
    for (const [a, b, off, got] of list) expect(got).toBe(convolve(a, b, off));
  });
});
