// Every bundle in dist/ (as built by `npm run build`, which `npm test` runs
// first) passes the ES5 proof again, hoisting invariant included, with the
// allow-list of the engine it is for.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ManifestEntry } from '../../build/build.ts';
import { proveEs5 } from '../../build/es5-proof.ts';
import { TARGETS, BOARD_APPS, globalsFor } from '../../build/targets.ts';

var ROOT = path.join(__dirname, '..', '..');
var MANIFEST = path.join(ROOT, 'dist/build-manifest.json');

function manifest(): ManifestEntry[] {
  if (!fs.existsSync(MANIFEST)) throw new Error('dist/build-manifest.json missing: run `npm run build` (npm test does)');
  return JSON.parse(fs.readFileSync(MANIFEST, 'utf8')).outputs;
}

describe('dist bundles', function () {
  it('every board bundle (two roles × two engines per protocol, and the radio bridge) was built and proven', function () {
    var outs = manifest().map(function (m) { return m.out; });
    var boards = TARGETS.filter(function (t) { return t.kind === 'board'; }).map(function (t) { return t.out; });
    expect(boards.length).toBe(BOARD_APPS.length * 4 + 1);
    expect(boards).toContain('dist/espruino/bridge.js');
    for (var i = 0; i < boards.length; i++) expect(outs).toContain(boards[i]);
  });

  it('every built bundle passes the ES5 proof for its engine', function () {
    var entries = manifest();
    expect(entries.length).toBeGreaterThan(0);
    for (var i = 0; i < entries.length; i++) {
      var m = entries[i];
      var code = fs.readFileSync(path.join(ROOT, m.out), 'utf8');
      var errors = proveEs5(code, { bundle: m.out, globals: globalsFor(m.globals, ROOT), requireHoisted: true });
      expect(errors.map(function (e) { return e.message; })).toEqual([]);
    }
  });

  it('embedded bundles (NOWBOARD_BUNDLES) are exactly the proven board files', function () {
    var entries = manifest().filter(function (m) { return m.embeds.length > 0; });
    for (var i = 0; i < entries.length; i++) {
      var code = fs.readFileSync(path.join(ROOT, entries[i].out), 'utf8');
      // Declared at the top by the hoisting pass, assigned by the prefix.
      expect(code).toMatch(/^("use strict";)?var NOWBOARD_BUNDLES[,;]/);
      var start = code.indexOf('NOWBOARD_BUNDLES={');
      expect(start).toBeGreaterThanOrEqual(0);
      var end = code.indexOf('};\n', start);
      var ctx = vm.createContext({});
      vm.runInContext('var ' + code.slice(start, end + 2), ctx);
      var bundles = ctx.NOWBOARD_BUNDLES as { [k: string]: string };
      expect(Object.keys(bundles).sort()).toEqual(entries[i].embeds.slice().sort());
      entries[i].embeds.forEach(function (name) {
        var t = TARGETS.filter(function (x) { return x.name === name; })[0];
        expect(bundles[name]).toBe(fs.readFileSync(path.join(ROOT, t.out), 'utf8'));
      });
    }
  });

  it('the size report covers every built bundle', function () {
    var report = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/size-report.json'), 'utf8'));
    var files = report.outputs.map(function (r: { file: string }) { return r.file; }).sort();
    expect(files).toEqual(manifest().map(function (m) { return m.out; }).sort());
    report.outputs.forEach(function (r: { file: string; raw: number }) {
      expect(r.raw).toBe(fs.statSync(path.join(ROOT, r.file)).size);
    });
  });
});
