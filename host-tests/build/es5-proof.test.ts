// The ES5 proof: one fixture per forbidden thing must be rejected with a message
// naming it and its line:column; clean ES5 must pass.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { proveEs5 } from '../../build/es5-proof.ts';
import { globalsFor } from '../../build/targets.ts';

var FIX = path.join(__dirname, 'fixtures');
var ROOT = path.join(__dirname, '..', '..');
var espruino = globalsFor('espruino', ROOT);

function prove(code: string, bundle = 'fixture.js') {
  return proveEs5(code, { bundle: bundle, globals: espruino });
}

// [fixture, kind, offending thing, line, column]
var REJECTS: [string, string, string, number, number][] = [
  ['let.js', 'syntax', 'let declaration', 2, 1],
  ['arrow.js', 'syntax', 'arrow function (=>)', 2, 9],
  ['class.js', 'syntax', 'class syntax', 2, 1],
  ['template.js', 'syntax', 'template literal', 2, 9],
  ['label.js', 'label', 'outer', 2, 1],
  ['bigint.js', 'global', 'BigInt', 1, 11],
  ['map.js', 'global', 'Map', 2, 13],
  ['set.js', 'global', 'Set', 1, 13],
  ['symbol.js', 'global', 'Symbol', 1, 11],
  ['promise.js', 'global', 'Promise', 2, 10],
  ['math-imul.js', 'member', 'Math.imul', 2, 10],
  ['array-from.js', 'member', 'Array.from', 1, 12],
  ['generator-helper.js', 'helper', '__generator', 1, 5],
  ['getter.js', 'getter', 'get twice', 3, 3],
  ['espruino-keyword.js', 'keyword', 'of', 2, 16],
];

describe('proveEs5 rejects each forbidden thing', function () {
  for (var i = 0; i < REJECTS.length; i++) {
    (function (row) {
      it(row[0] + ' -> ' + row[2], function () {
        var code = fs.readFileSync(path.join(FIX, 'reject', row[0]), 'utf8');
        var errors = prove(code, 'reject/' + row[0]);
        expect(errors.length).toBeGreaterThan(0);
        var e = errors[0];
        expect({ kind: e.kind, what: e.what, line: e.line, column: e.column }).toEqual({ kind: row[1], what: row[2], line: row[3], column: row[4] });
        expect(e.message).toContain('reject/' + row[0] + ':' + row[3] + ':' + row[4] + ':');
        expect(e.message).toContain(row[2].split(' ')[0]);
      });
    })(REJECTS[i]);
  }
});

describe('proveEs5 accepts clean ES5', function () {
  it('clean fixture passes with no errors, for every profile', function () {
    var code = fs.readFileSync(path.join(FIX, 'clean-es5.js'), 'utf8');
    for (var p of ['espruino', 'jerryscript', 'bench', 'duk', 'size'] as const) {
      expect(proveEs5(code, { bundle: 'clean-es5.js', globals: globalsFor(p, ROOT) })).toEqual([]);
    }
  });

  it('a local named like a missing built-in is not a global use', function () {
    expect(prove('function f(Map) { return new Map(); }\nvar Set = function () {};\nnew Set();')).toEqual([]);
    expect(prove('try { x(); } catch (Promise) { Promise.x; }\nfunction x() {}')).toEqual([]);
  });

  it('Object.assign and Date.now are allowed; Object.getOwnPropertyDescriptors is not', function () {
    expect(prove('var o = Object.assign({}, {a: 1}); var t = Date.now();')).toEqual([]);
    var e = prove('var d = Object.getOwnPropertyDescriptors({});');
    expect(e.map(function (x) { return x.what; })).toEqual(['Object.getOwnPropertyDescriptors']);
  });
});

describe('proveEs5: names Espruino lexes as keywords', function () {
  it('rejects of/let/static as any identifier and undefined as a binding; allows them as property names', function () {
    var bad = prove('var of = 1;\nfunction f(let) { return let; }\ntry {} catch (static) {}\nvar undefined = 2;\nof = 3;');
    expect(bad.map(function (e) { return e.kind + ' ' + e.what + ' ' + e.line; })).toEqual([
      'keyword of 1', 'keyword let 2', 'keyword let 2', 'keyword static 3', 'keyword undefined 4', 'keyword of 5',
    ]);
    expect(prove('var o = { of: 1, static: 2, let: 3 };\nvar v = o.of + o.static + o.let;\nvar u = v === undefined;')).toEqual([]);
  });
});

describe('proveEs5 details', function () {
  it('accepts typeof probes and guarded uses, rejects the same use unguarded', function () {
    expect(prove('var s = typeof Symbol === "function" && Symbol.iterator;')).toEqual([]);
    expect(prove('var s = typeof Symbol<"u" ? Symbol.iterator : 0;')).toEqual([]);
    expect(prove('if (typeof Math.imul == "function") Math.imul(1, 2);')).toEqual([]);
    expect(prove('var m = Math.clz32 || function (x) { return x; };')).toEqual([]);
    expect(prove('var s = typeof Symbol; var t = Symbol.iterator;').map(function (x) { return x.what; })).toEqual(['Symbol']);
    // The minifier's rewritten forms: negated tests guard the other branch.
    expect(prove('typeof Symbol != "function" || Symbol.iterator;')).toEqual([]);
    expect(prove('typeof Symbol > "u" ? 0 : Symbol.iterator;')).toEqual([]);
    expect(prove('if (typeof Symbol === "undefined") {} else { Symbol.iterator; }')).toEqual([]);
    expect(prove('!(typeof Symbol == "function") || Symbol.iterator;')).toEqual([]);
    expect(prove('if (typeof Symbol !== "undefined") {} else { Symbol.iterator; }').map(function (x) { return x.what; })).toEqual(['Symbol']);
    expect(prove('typeof Symbol == "function" || Symbol.iterator;').map(function (x) { return x.what; })).toEqual(['Symbol']);
    expect(prove('typeof Symbol < "u" ? 0 : Symbol.iterator;').map(function (x) { return x.what; })).toEqual(['Symbol']);
    expect(prove('if (typeof Symbol === "function") {} Symbol.iterator;').map(function (x) { return x.what; })).toEqual(['Symbol']);
  });

  it('rejects a RegExp counted quantifier (Espruino 2v29 never matches it), accepts * + ? and an escaped brace', function () {
    expect(prove('var r = /^[0-9a-f]{32}$/;').map(function (x) { return x.kind + ':' + x.what; })).toEqual(['regex:regex counted quantifier {n}']);
    expect(prove('var r = /a{2,}/;').length).toBe(1);
    expect(prove('var r = /a{1,3}b/;').length).toBe(1);
    expect(prove('var r = /^[0-9a-f]+$/; var s = /a*b?c/; var t = /\\{1}/;')).toEqual([]);
  });

  it('rejects a write to an undeclared global, with, and getters via defineProperty', function () {
    expect(prove('leaked = 1;')[0].what).toBe('leaked');
    expect(prove('with ({a: 1}) { a; }')[0].kind).toBe('with');
    // Espruino 2v29 throws "Assignment to a constant" on an array's length.
    expect(prove('var a = [1, 2]; a.length = 1;').map(function (x) { return x.kind; })).toEqual(['length']);
    expect(prove('var a = [1, 2]; a["length"] = 0;').map(function (x) { return x.kind; })).toEqual(['length']);
    expect(prove('var a = [1, 2]; a.splice(1); var n = a.length;')).toEqual([]);
    var g = prove('Object.defineProperty({}, "x", { get: function () { return 1; } });');
    expect(g[0].kind).toBe('getter');
    expect(prove('Object.defineProperty({}, "x", { value: 1, writable: true });')).toEqual([]);
  });

  it('rejects a raw non-ASCII character, accepts its escape', function () {
    var e = prove('var a = 1;\nvar s = "caf\u00e9";');
    expect(e.map(function (x) { return x.kind + ':' + x.what + '@' + x.line + ':' + x.column; })).toEqual(['ascii:U+00E9@2:13']);
    expect(prove('var s = "caf\\u00e9";')).toEqual([]);
  });

  it('rejects typed-array slice via the prototype, and reports every problem', function () {
    var e = prove('var s = Uint8Array.prototype.slice;\nvar m = new Map();\nvar w = new WeakMap();');
    expect(e.map(function (x) { return x.what + '@' + x.line; })).toEqual(['Uint8Array.prototype.slice@1', 'Map@2', 'WeakMap@3']);
  });

  it('the per-target table: E is an Espruino global, not a JerryScript one', function () {
    expect(prove('E.hwRand();')).toEqual([]);
    var jerry = proveEs5('E.hwRand();', { bundle: 'j.js', globals: globalsFor('jerryscript', ROOT) });
    expect(jerry[0].what).toBe('E');
  });

  it('JerryScript natives come from firmware/platform/jerryscript/*.d.ts', function () {
    var dts = path.join(ROOT, 'firmware/platform/jerryscript');
    var declared = fs.readdirSync(dts).filter(function (f) { return f.endsWith('.d.ts'); })
      .map(function (f) { return fs.readFileSync(path.join(dts, f), 'utf8'); }).join('\n');
    var m = /declare function (\w+)/.exec(declared);
    var jerry = globalsFor('jerryscript', ROOT);
    if (m) expect(jerry.has(m[1])).toBe(true);
    expect(jerry.has('nb_not_declared_anywhere')).toBe(false);
    expect(jerry.has('print')).toBe(true);
  });

  it('requireHoisted flags a call before a declaration that was not hoisted', function () {
    var e = proveEs5('f();\nfunction f() {}', { bundle: 'h.js', globals: espruino, requireHoisted: true });
    expect(e.map(function (x) { return x.kind + ':' + x.what; })).toEqual(['hoist:f']);
    var v = proveEs5('function g(c) { if (c) { var z = 1; } return z; }', { bundle: 'h.js', globals: espruino, requireHoisted: true });
    expect(v.map(function (x) { return x.kind + ':' + x.what; })).toEqual(['hoist:z']);
  });
});
