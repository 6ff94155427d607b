// The whole pipeline on fixtures: a Map is refused; lowered ES2015+ syntax runs
// the same in node:vm (and in duk when installed) as the TypeScript in Node.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { buildAll } from '../../build/build.ts';
import { buildTarget, lowerToEs5, lowerToEs5Cached, minifyEs5, pruneCaches } from '../../build/pipeline.ts';
import { proveEs5 } from '../../build/es5-proof.ts';
import type { Target } from '../../build/targets.ts';
import { run as runDirect } from './fixtures/features.ts';
import { withoutHoisting } from './no-hoist.ts';
import { bundle } from '../../build/pipeline.ts';

var FIX = path.join(__dirname, 'fixtures');
// These tests check the pipeline itself, not the result cache (tested on its own below).
var NOCACHE = { cacheDir: null };

function fixtureTarget(name: string, entry: string, extra?: Partial<Target>): Target {
  return Object.assign({ name: name, entry: path.join(FIX, entry), out: 'dist/' + name + '.js', platform: null, globals: 'bench', kind: 'bench' }, extra || {}) as Target;
}

/** Run a bundle in a fresh node:vm context with an engine-style print; returns what it printed. */
function runInVm(code: string): string[] {
  var printed: string[] = [];
  vm.runInContext(code, vm.createContext({ print: function (s: string) { printed.push(String(s)); } }));
  return printed;
}

function hasDuk(): boolean {
  var r = spawnSync('duk', ['-e', 'print(1)'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

describe('pipeline', function () {
  it('a TS entry using new Map() fails the proof, naming Map', async function () {
    var r = await buildTarget(fixtureTarget('fixture/uses-map', 'uses-map.ts'), NOCACHE);
    expect(r.failure).toBeUndefined();
    expect(r.errors.map(function (e) { return e.what; })).toContain('Map');
    var e = r.errors.filter(function (x) { return x.what === 'Map'; })[0];
    expect(e.message).toMatch(/^dist\/readable\/fixture\/uses-map\.js:\d+:\d+: free global `Map`/);
  });

  it('buildAll fails and writes no bundle when a target fails the proof', async function () {
    var tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-build-'));
    var logged: string[] = [];
    var s = await buildAll([fixtureTarget('fixture/uses-map', 'uses-map.ts')], tmp, function (l) { logged.push(l); });
    expect(s.ok).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'dist/fixture/uses-map.js'))).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'dist/readable/fixture/uses-map.js'))).toBe(true);
    expect(logged.join('\n')).toMatch(/FAIL fixture\/uses-map[\s\S]*free global `Map`/);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('classes, extends, for-of, default/rest params, destructuring run the same after lowering', async function () {
    var expected = runDirect();
    var r = await buildTarget(fixtureTarget('fixture/features', 'features-entry.ts'), NOCACHE);
    expect(r.failure).toBeUndefined();
    expect(r.errors).toEqual([]);
    var code = r.code as string;
    // The output really is ES5 and really was hoisted.
    expect(proveEs5(code, { bundle: 'features.js', globals: ['print'], requireHoisted: true }).filter(function (e) { return e.kind === 'syntax' || e.kind === 'hoist'; })).toEqual([]);
    // Sloppy like Espruino, and class fields as plain assignments (no defineProperty helper).
    expect(code).not.toMatch(/use strict/);
    expect(r.readable).not.toMatch(/__publicField|__defNormalProp/);
    expect(runInVm(code)).toEqual([expected]);
    expect(runInVm(r.readable as string)).toEqual([expected]);
    // Espruino-like run (no hoisting, see no-hoist.ts): the build's output needs
    // none, while TypeScript's raw ES5 (__extends above `function Square`) fails.
    expect(runInVm(withoutHoisting(code))).toEqual([expected]);
    var raw = lowerToEs5(await bundle({ entry: path.join(FIX, 'features-entry.ts'), platformFile: null }));
    expect(function () { runInVm(withoutHoisting(raw)); }).toThrow(/before initialization|is not defined/);
    if (hasDuk()) {
      var tmp = path.join(os.tmpdir(), 'nb-features-' + process.pid + '.js');
      fs.writeFileSync(tmp, code);
      var d = spawnSync('duk', [tmp], { encoding: 'utf8' });
      fs.rmSync(tmp, { force: true });
      expect(d.stderr).toBe('');
      expect(d.stdout.trim()).toBe(expected);
    }
  });

  it('Node built-ins resolve to an empty module; ESM-imports-CommonJS interop is refused', async function () {
    var r = await buildTarget(fixtureTarget('fixture/node-builtin', 'node-builtin-entry.cjs'), NOCACHE);
    expect(r.failure).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(runInVm(r.code as string)).toEqual(['randomBytes: false']);
    var esm = await buildTarget(fixtureTarget('fixture/esm-cjs', 'esm-imports-cjs.ts'), NOCACHE);
    expect(esm.errors.map(function (e) { return e.what; })).toContain('__toESM');
  });

  it('minifyEs5 never names a local after a word Espruino lexes as a keyword (it had produced `of`)', async function () {
    // 3000 locals in one scope push esbuild's renamer through every two-letter name
    var src = 'function f(x){';
    for (var i = 0; i < 3000; i++) src += 'var v' + i + ' = (x * 31 + ' + i + ') % 1000003; x = v' + i + ' + 1;';
    src += 'return x}\nvar out = f(1);';
    var min = await minifyEs5(src);
    expect(proveEs5(min, { bundle: 'many-locals.js', globals: [] })).toEqual([]);
    var names = min.match(/[A-Za-z_$][\w$]*/g) as string[];
    expect(names.length).toBeGreaterThan(3000);
    expect(names).not.toContain('of');
    expect(min).not.toContain('__nbEspruinoKeywords');
    var ctx: { out?: number } = {};
    vm.runInNewContext(min, ctx);
    var x = 1;
    for (var k = 0; k < 3000; k++) x = ((x * 31 + k) % 1000003) + 1;
    expect(ctx.out).toBe(x);
  });

  it('lowerToEs5 + minifyEs5 emit ES5 for ES2017 input', async function () {
    var es5 = await minifyEs5(lowerToEs5('const f = (a, ...r) => `${a}:${r.length}`; class A { m() { return f(1, 2); } } var out = new A().m();'));
    expect(proveEs5(es5, { bundle: 'x.js', globals: [] }).filter(function (e) { return e.kind === 'syntax'; })).toEqual([]);
    var ctx = vm.createContext({});
    vm.runInContext(es5, ctx);
    expect(ctx.out).toBe('1:1');
  });

  it('the lowering cache returns what TypeScript returns, keyed by content', function () {
    var dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-lower-'));
    var src = 'var f = (a) => a * 2; var out = f(21);';
    var fresh = lowerToEs5(src);
    expect(lowerToEs5Cached(src, dir)).toBe(fresh);
    var files = fs.readdirSync(dir);
    expect(files.length).toBe(1);
    // A second call is served from the file (proved by planting a marker in it).
    fs.writeFileSync(path.join(dir, files[0]), fresh + '/*cached*/');
    expect(lowerToEs5Cached(src, dir)).toBe(fresh + '/*cached*/');
    expect(lowerToEs5Cached(src + ' ', dir)).toBe(lowerToEs5(src + ' '));
    expect(fs.readdirSync(dir).length).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the result cache gives back exactly what a fresh run gives, and is used', async function () {
    var dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-result-'));
    var t = fixtureTarget('fixture/features', 'features-entry.ts');
    var fresh = await buildTarget(t, NOCACHE);
    var first = await buildTarget(t, { cacheDir: dir });
    expect([first.code, first.readable, first.errors]).toEqual([fresh.code, fresh.readable, fresh.errors]);
    var files = fs.readdirSync(dir);
    expect(files.length).toBe(1);
    var entry = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
    entry.code += '/*from cache*/';
    fs.writeFileSync(path.join(dir, files[0]), JSON.stringify(entry));
    expect((await buildTarget(t, { cacheDir: dir })).code).toBe(fresh.code + '/*from cache*/');
    // Another allow-list is another key.
    await buildTarget(Object.assign({}, t, { globals: 'duk' }), { cacheDir: dir });
    expect(fs.readdirSync(dir).length).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('pruning keeps the most recently used cache entries', function () {
    var dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-prune-'));
    for (var i = 0; i < 5; i++) {
      var f = path.join(dir, 'e' + i + '.json');
      fs.writeFileSync(f, '{}');
      fs.utimesSync(f, new Date(1000 * (i + 1)), new Date(1000 * (i + 1)));
    }
    pruneCaches(2, [dir]);
    expect(fs.readdirSync(dir).sort()).toEqual(['e3.json', 'e4.json']);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a size-only target keeps every export of every module in a directory (recursively)', async function () {
    var t = fixtureTarget('fixture/size', '', { generate: { dir: path.join(FIX, 'size-lib'), recursive: true }, globals: 'size', kind: 'size' });
    var r = await buildTarget(t, NOCACHE);
    expect(r.errors).toEqual([]);
    expect(r.readable).toContain('function alphaOne(');
    expect(r.readable).toContain('function betaTwice(');
    expect(r.readable).toContain('ALPHA_TABLE');
    var flat = await buildTarget(Object.assign({}, t, { generate: { dir: path.join(FIX, 'size-lib'), recursive: false } }), NOCACHE);
    expect(flat.readable).not.toContain('betaTwice');
    var none = await buildTarget(Object.assign({}, t, { generate: { dir: path.join(FIX, 'no-such-dir'), recursive: true } }), NOCACHE);
    expect(none.skipped).toMatch(/no modules/);
  });

  it('an optional target without its entry is skipped; a required one fails', async function () {
    var opt = await buildTarget(fixtureTarget('fixture/missing', 'missing-entry.ts', { optional: true }), NOCACHE);
    expect(opt.skipped).toMatch(/does not exist/);
    var req = await buildTarget(fixtureTarget('fixture/missing', 'missing-entry.ts'), NOCACHE);
    expect(req.failure).toMatch(/does not exist/);
  });

  it('an embedding target gets NOWBOARD_BUNDLES with the final board sources, runnable with new Function', async function () {
    var board = await buildTarget(fixtureTarget('fixture/features', 'features-entry.ts'), NOCACHE);
    var built = new Map([['fixture/features', board.code as string]]);
    var t = fixtureTarget('fixture/harness', 'embed-harness.ts', { embed: ['fixture/features'], globals: 'duk', kind: 'harness' });
    var missing = await buildTarget(t, NOCACHE);
    expect(missing.failure).toMatch(/needs fixture\/features/);
    var r = await buildTarget(t, { built: built, cacheDir: null });
    expect(r.errors).toEqual([]);
    expect(r.code).toContain('NOWBOARD_BUNDLES={"fixture/features":' + JSON.stringify(board.code));
    expect(runInVm(r.code as string)).toEqual(['board said: ' + runDirect()]);
  });
});
