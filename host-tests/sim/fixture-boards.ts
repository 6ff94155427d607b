/**
 * Tiny hand-written ES5 board programs for simulator tests: they use the same
 * Espruino surface as the built bundles (require via the __nbRequire prelude,
 * ESPNOW, Storage, timers, print) but stay fixed while the real apps evolve.
 * HELLO/WELCOME mirrors the apps' first interim exchange.
 */
import { Board, World } from '../../configurator/sim/sim-world.ts';

/** Broadcasts HELLO every 500 ms until a WELCOME arrives; stores it; reports provisioned. */
export var HELLO_ENROLLEE = [
  'var __nbRequire = require;',
  'var radio = __nbRequire("ESPNOW");',
  'var st = __nbRequire("Storage");',
  'var tries = 0, done = false, timer;',
  'function text(d) { var s = ""; for (var i = 0; i < d.length; i++) s += String.fromCharCode(d[i]); return s; }',
  'function bytes(s) { var b = new Uint8Array(s.length); for (var i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; }',
  'radio.on("recv", function (mac, data, rssi) {',
  '  if (done || text(data) !== "WELCOME") return;',
  '  done = true; clearTimeout(timer);',
  '  st.write("welcome", data);',
  '  print("NOWBOARD {\\"ev\\":\\"provisioned\\",\\"tries\\":" + tries + ",\\"rssi\\":" + rssi + "}");',
  '});',
  'function hello() {',
  '  if (done) return;',
  '  tries++;',
  '  radio.send(new Uint8Array([255, 255, 255, 255, 255, 255]), bytes("HELLO"));',
  '  timer = setTimeout(hello, 500);',
  '}',
  'hello();',
].join('\n');

/** Answers every HELLO with a unicast WELCOME and reports served. */
export var WELCOME_CONFIGURATOR = [
  'var __nbRequire = require;',
  'var radio = __nbRequire("ESPNOW");',
  'function text(d) { var s = ""; for (var i = 0; i < d.length; i++) s += String.fromCharCode(d[i]); return s; }',
  'function hex(m) { var s = ""; for (var i = 0; i < m.length; i++) s += (i ? ":" : "") + (m[i] < 16 ? "0" : "") + m[i].toString(16); return s; }',
  'radio.on("recv", function (mac, data) {',
  '  if (text(data) !== "HELLO") return;',
  '  radio.send(mac, new Uint8Array([87, 69, 76, 67, 79, 77, 69]), function (ok) {',
  '    if (ok) print("NOWBOARD {\\"ev\\":\\"served\\",\\"to\\":\\"" + hex(mac) + "\\"}");',
  '  });',
  '});',
].join('\n');

/** Never reports anything: a scenario with it must not finish. */
export var SILENT_BOARD = 'var __nbRequire = require; __nbRequire("ESPNOW"); print("silent");';

/** The same for a JerryScript board (the nb_* natives of configurator/sim/jerry-globals.ts). */
export var SILENT_JERRY_BOARD = 'nb_radio_on_recv(function () {}); print("silent");';

/**
 * When a fixture board is done: an enrollee once it reports provisioned; a
 * configurator once it has reported served for every enrollee's MAC.
 */
export function fixtureFinished(b: Board, world: World): boolean {
  if (!b.alive) return false;
  var i: number;
  if (b.role !== 'configurator') {
    for (i = 0; i < b.reports.length; i++) if (b.reports[i].ev === 'provisioned') return true;
    return false;
  }
  var served: { [mac: string]: boolean } = {};
  for (i = 0; i < b.reports.length; i++) if (b.reports[i].ev === 'served') served[String(b.reports[i].to)] = true;
  for (i = 0; i < world.boards.length; i++) {
    if (world.boards[i].role === 'enrollee' && !served[world.boards[i].macText]) return false;
  }
  return true;
}
