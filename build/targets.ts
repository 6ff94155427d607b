/**
 * What the build makes: one row per output. Add a row to add a bundle.
 *
 * `globals` names a profile in GLOBALS below: the free identifiers (beyond the
 * shared ES5 built-ins) that the engine running this bundle provides. The ES5
 * proof rejects any other free identifier.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { ES5_BUILTINS } from './es5-proof.ts';

export type Platform = 'espruino' | 'jerryscript';
export type GlobalsProfile = 'espruino' | 'espruino-bridge' | 'jerryscript' | 'bench' | 'duk' | 'size' | 'calibrate';

export interface Target {
  /** Short name, also the key in NOWBOARD_BUNDLES: "espruino/whitelist/enrollee". */
  name: string;
  /** Entry file, relative to the repo root (ignored when `generate` is set). */
  entry: string;
  /** Output file, relative to the repo root. */
  out: string;
  /** Binding that `nowboard-platform` resolves to; null = no alias. */
  platform: Platform | null;
  globals: GlobalsProfile;
  /** board: ships on a board (64 KB warning, Storage budget). */
  kind: 'board' | 'bench' | 'harness' | 'size';
  /** Skip with a note when the entry does not exist (someone else writes it). */
  optional?: boolean;
  /** Final sources of these targets are prepended as `var NOWBOARD_BUNDLES = {...}`. */
  embed?: string[];
  /** Source put before the bundle (before hoisting and the proof). */
  prelude?: string;
  /** Size-only bundle: the entry is generated to import and keep every export of this directory. */
  generate?: { dir: string; recursive: boolean };
  /** Generated entry source (imports resolved from the repo root); `entry` then only names it. */
  source?: string;
}

/**
 * The Espruino binding calls `__nbRequire` (firmware/platform/espruino/engine-globals.d.ts):
 * a direct `require(...)` in bundled code becomes esbuild's dynamic-require shim,
 * so the binding reaches Espruino's `require` through this alias instead.
 */
var ESPRUINO_PRELUDE = 'var __nbRequire=require;\n';

/**
 * The board apps of each protocol: one enrollee and one configurator entry.
 * Each becomes a bundle per platform, `dist/<platform>/<protocol>/<role>.js`
 * (target name `<platform>/<protocol>/<role>`), holding only the crypto that
 * protocol's roles import; the size report shows each.
 */
export var BOARD_APPS: { protocol: string; enrollee: string; configurator: string }[] = [
  { protocol: 'whitelist', enrollee: 'firmware/apps/whitelist/enrollee-main.ts', configurator: 'configurator/app/whitelist/configurator-main.ts' },
  { protocol: 'ecqv', enrollee: 'firmware/apps/ecqv/enrollee-main.ts', configurator: 'configurator/app/ecqv/configurator-main.ts' },
  { protocol: 'cloud', enrollee: 'firmware/apps/cloud/enrollee-main.ts', configurator: 'configurator/app/cloud/configurator-main.ts' },
  { protocol: 'psk-oob', enrollee: 'firmware/apps/psk-oob/enrollee-main.ts', configurator: 'configurator/app/psk-oob/configurator-main.ts' },
];

var PLATFORMS: Platform[] = ['espruino', 'jerryscript'];

/** The target name of a protocol's board bundle, e.g. "espruino/whitelist/enrollee". */
export function boardTarget(platform: Platform, protocol: string, role: 'enrollee' | 'configurator'): string {
  return platform + '/' + protocol + '/' + role;
}

function boardTargets(): Target[] {
  var out: Target[] = [];
  BOARD_APPS.forEach(function (app) {
    PLATFORMS.forEach(function (platform) {
      (['enrollee', 'configurator'] as const).forEach(function (role) {
        var name = boardTarget(platform, app.protocol, role);
        out.push({
          name: name, entry: app[role], out: 'dist/' + name + '.js', platform: platform, globals: platform, kind: 'board',
          prelude: platform === 'espruino' ? ESPRUINO_PRELUDE : undefined,
        });
      });
    });
  });
  return out;
}

/**
 * The protocols whose simulator batch is ES5-safe, so their standard scenario
 * can run inside a real engine: `npm run test:engines` (host-tests/engines/)
 * runs dist/engines/<protocol>/scenario-<platform>.js for each, on the
 * bundles of BOARD_APPS. One line per protocol: its BatchProtocol as
 * '<module>#<export>'. A BOARD_APPS protocol missing here is listed by the
 * runner as not run.
 */
export var ENGINE_BATCHES: { [protocol: string]: string } = {
  whitelist: 'configurator/batch/whitelist-batch.ts#whitelistBatch',
  ecqv: 'configurator/batch/ecqv-batch.ts#ecqvBatch',
  'psk-oob': 'configurator/batch/psk-oob-batch.ts#pskOobBatch',
  // The AC of the cloud batch is ES5 only in the engine suite's build of it (the default one is @noble's stub).
  cloud: 'host-tests/engines/cloud-engine-batch.ts#cloudEngineBatch',
};

/** The engine scenario's target name and output, e.g. "engines/whitelist/scenario-jerryscript". */
export function engineScenarioTarget(protocol: string, platform: Platform): string {
  return 'engines/' + protocol + '/scenario-' + platform;
}

function engineTargets(): Target[] {
  var out: Target[] = [];
  BOARD_APPS.forEach(function (app) {
    var ref = ENGINE_BATCHES[app.protocol];
    if (!ref) return;
    var mod = ref.split('#')[0];
    var exp = ref.split('#')[1];
    PLATFORMS.forEach(function (platform) {
      var name = engineScenarioTarget(app.protocol, platform);
      out.push({
        name: name, entry: 'host-tests/engines/engine-scenario.ts', out: 'dist/' + name + '.js', platform: null, globals: 'duk', kind: 'harness',
        source: 'import { ' + exp + ' as batch } from ' + JSON.stringify('./' + mod) + ';\n' +
          "import { runEngineScenario } from './host-tests/engines/engine-scenario.ts';\n" +
          'runEngineScenario({ protocol: ' + JSON.stringify(app.protocol) + ', platform: ' + JSON.stringify(platform) + ', batch: batch });\n',
        embed: [boardTarget(platform, app.protocol, 'enrollee'), boardTarget(platform, app.protocol, 'configurator')],
      });
    });
  });
  return out;
}

export var TARGETS: Target[] = boardTargets().concat(engineTargets(), [
  // The calibration bench a user uploads to a real ESP32 (`nowboard calibrate`); also runs in Duktape and node:vm.
  {
    name: 'espruino/calibrate', entry: 'firmware/platform/espruino/calibrate-main.ts', out: 'dist/espruino/calibrate.js', platform: null, globals: 'calibrate', kind: 'bench',
    prelude: "var __nbRequire=typeof require==='function'?require:undefined;\n",
  },
  // The radio bridge for ESP32 firmware with ESP-NOW (firmware/bridge/README.md).
  { name: 'espruino/bridge', entry: 'firmware/bridge/bridge-main.ts', out: 'dist/espruino/bridge.js', platform: 'espruino', globals: 'espruino-bridge', kind: 'board', prelude: ESPRUINO_PRELUDE },
  { name: 'bench/crypto-bench', entry: 'host-tests/bench/crypto-bench-entry.ts', out: 'dist/bench/crypto-bench.js', platform: null, globals: 'bench', kind: 'bench', optional: true },
  { name: 'engines/crypto-selfcheck', entry: 'host-tests/engines/crypto-selfcheck-entry.ts', out: 'dist/engines/crypto-selfcheck.js', platform: null, globals: 'bench', kind: 'bench' },
  // Size-only: never run; they show what each library costs on its own and are
  // proven like the rest (so crypto and protocol code is checked even before an
  // app imports it). Bound to espruino in case a module imports the platform.
  { name: 'size/crypto', entry: '', out: 'dist/size/crypto.js', platform: 'espruino', globals: 'size', kind: 'size', generate: { dir: 'firmware/crypto', recursive: true } },
  { name: 'size/protocols', entry: '', out: 'dist/size/protocols.js', platform: 'espruino', globals: 'size', kind: 'size', generate: { dir: 'firmware/protocols', recursive: true } },
]);

/** The binding file per platform, relative to the repo root. */
export var PLATFORM_ENTRY: { [p in Platform]: string } = {
  espruino: 'firmware/platform/espruino/index.ts',
  jerryscript: 'firmware/platform/jerryscript/index.ts',
};

/** Engine globals per profile, beyond ES5_BUILTINS. */
var ENGINE_GLOBALS: { [p in GlobalsProfile]: string[] } = {
  // Espruino reference: E (hwRand, ...), require('Storage'|'ESP32'|'Wifi'), getTime, timers, print.
  espruino: ['E', 'require', 'getTime', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'print', 'console'],
  // The radio bridge also owns a serial line (firmware/platform/espruino/serial-line.ts).
  'espruino-bridge': ['E', 'require', 'getTime', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'print', 'console', 'Serial1', 'Serial2', 'USB', 'LoopbackA'],
  // Plus the natives the JerryScript binding declares in firmware/platform/jerryscript/*.d.ts.
  jerryscript: ['print', 'console'],
  // `self`: tweetnacl (the bench's reference) names it in its module wrapper;
  // host-tests/bench/tweetnacl-env.ts defines it on engines that lack it.
  bench: ['print', 'console', 'getTime', 'Date', 'self'],
  duk: ['print', 'console', 'getTime', 'Date'],
  size: [],
  // Espruino's, plus what the calibration bench falls back on elsewhere (Date, Duktape) and its optional knob.
  calibrate: ['E', 'require', 'getTime', 'setTimeout', 'print', 'console', 'Date', 'process', 'Duktape', 'NOWBOARD_CALIBRATE_MIN_S'],
};

/** Names declared (`declare var/function/namespace/class`) in the .d.ts files of a directory. */
export function declaredGlobals(dir: string): string[] {
  var names: string[] = [];
  if (!fs.existsSync(dir)) return names;
  var files = fs.readdirSync(dir).filter(function (f) { return f.endsWith('.d.ts'); }).sort();
  for (var i = 0; i < files.length; i++) {
    var text = fs.readFileSync(path.join(dir, files[i]), 'utf8');
    var sf = ts.createSourceFile(files[i], text, ts.ScriptTarget.Latest, false);
    collect(sf.statements, true);
  }
  function collect(stmts: ts.NodeArray<ts.Statement>, needDeclare: boolean) {
    stmts.forEach(function (st) {
      var mods = ts.canHaveModifiers(st) ? ts.getModifiers(st) : undefined;
      var isDeclare = !needDeclare || !!(mods && mods.some(function (m) { return m.kind === ts.SyntaxKind.DeclareKeyword; }));
      if (ts.isModuleDeclaration(st) && st.name.text === 'global' && st.body && ts.isModuleBlock(st.body)) {
        collect(st.body.statements, false); // declare global { var x: T }
        return;
      }
      if (!isDeclare) return;
      if (ts.isVariableStatement(st)) {
        st.declarationList.declarations.forEach(function (d) { if (ts.isIdentifier(d.name)) names.push(d.name.text); });
      } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
        names.push(st.name.text);
      } else if (ts.isModuleDeclaration(st) && ts.isIdentifier(st.name)) {
        names.push(st.name.text);
      }
    });
  }
  return names;
}

/** The full allow-list of free identifiers for a profile. */
export function globalsFor(profile: GlobalsProfile, root: string): Set<string> {
  var set = new Set<string>(Object.keys(ES5_BUILTINS));
  ENGINE_GLOBALS[profile].forEach(function (g) { set.add(g); });
  if (profile === 'jerryscript') {
    declaredGlobals(path.join(root, 'firmware/platform/jerryscript')).forEach(function (g) { set.add(g); });
  }
  return set;
}

/** Espruino's Storage area for JS files on an ESP32 (4 MB flash layout). */
export var ESPRUINO_STORAGE_BYTES = 896 * 1024;
/** A board bundle above this is worth a look: Espruino keeps function source in RAM. */
export var BOARD_WARN_BYTES = 64 * 1024;
