// The hoisting pass: after it, every scope starts with its vars and function
// declarations (what Espruino needs), and standard JS behaves exactly as before.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { hoistDeclarations } from '../../build/hoist.ts';
import { parseEs5, proveEs5 } from '../../build/es5-proof.ts';
import { minifyEs5 } from '../../build/pipeline.ts';
import { withoutHoisting } from './no-hoist.ts';

type N = any;

/** Run a script in a fresh context; returns the context (its globals). */
function run(code: string, globals?: object): any {
  var ctx = vm.createContext(Object.assign({}, globals || {}));
  vm.runInContext(code, ctx);
  return ctx;
}
/** `out` of a script whose top-level `let out` is not a global property. */
function runOut(code: string): any {
  var ctx = vm.createContext({ result: null });
  vm.runInContext(code + '\n;result = out;', ctx);
  return ctx.result;
}
/** The name of the error `f` throws (errors from a vm context are of its own realm). */
function errorName(f: () => void): string {
  try {
    f();
  } catch (e) {
    return (e as Error).name;
  }
  return 'no error';
}
function hoistedOk(code: string) {
  return proveEs5(code, { bundle: 'hoisted.js', globals: ['out', 'String'], requireHoisted: true });
}

describe('hoistDeclarations', function () {
  it('moves a function declaration above its first call: f(); function f(){}', function () {
    var src = 'var out = f();\nfunction f() { return 42; }';
    var outCode = hoistDeclarations(src);
    var ast: N = parseEs5(outCode);
    expect(ast.body.map(function (s: N) { return s.type; })).toEqual(['VariableDeclaration', 'FunctionDeclaration', 'ExpressionStatement']);
    expect(ast.body[0].declarations.map(function (d: N) { return d.id.name + ':' + (d.init === null); })).toEqual(['out:true']);
    expect(ast.body[1].id.name).toBe('f');
    expect(run(outCode).out).toBe(run(src).out);
    expect(run(outCode).out).toBe(42);
    expect(hoistedOk(outCode)).toEqual([]);
  });

  it('declares a var from a skipped branch at the top: function g(c){ if(c){var z=1} return z }', function () {
    var src = 'function g(c){ if(c){var z=1} return z }\nvar out = [g(false), g(true)];';
    var outCode = hoistDeclarations(src);
    var g: N = parseEs5(outCode).body.filter(function (s: N) { return s.type === 'FunctionDeclaration'; })[0];
    var first = g.body.body[0];
    expect(first.type).toBe('VariableDeclaration');
    expect(first.declarations.map(function (d: N) { return d.id.name; })).toEqual(['z']);
    expect(first.declarations[0].init).toBe(null);
    expect(run(outCode).out).toEqual([undefined, 1]);
    expect(run(outCode).out).toEqual(run(src).out);
    expect(hoistedOk(outCode)).toEqual([]);
  });

  it('collects vars from for-heads, for-in, switch, try/catch and nested blocks, not nested functions', function () {
    var src = [
      'function h(o) {',
      '  for (var i = 0; i < 1; i++) { var a = i; }',
      '  for (var k in o) { if (k) { var b = k; } }',
      '  switch (a) { case 0: var c = 3; }',
      '  try { var d = 4; } catch (e) { var f = e; }',
      '  var inner = function () { var notMine = 1; return notMine; };',
      '  return [i, a, k, b, c, d, f, inner()];',
      '}',
      'var out = h({ q: 1 });',
    ].join('\n');
    var outCode = hoistDeclarations(src);
    var h: N = parseEs5(outCode).body.filter(function (s: N) { return s.type === 'FunctionDeclaration'; })[0];
    expect(h.body.body[0].declarations.map(function (d: N) { return d.id.name; })).toEqual(['i', 'a', 'k', 'b', 'c', 'd', 'f', 'inner']);
    expect(run(outCode).out).toEqual(run(src).out);
    expect(hoistedOk(outCode)).toEqual([]);
  });

  it('hoists inside nested functions and keeps the nested edits when the outer function moves', function () {
    var src = 'var out = outer();\nfunction outer() { var r = inner(); return r; function inner() { return helper() + late; var late = 1; function helper() { return 7; } } }';
    var outCode = hoistDeclarations(src);
    expect(run(outCode).out).toBe(run(src).out);
    expect(Number.isNaN(run(outCode).out)).toBe(true); // `late` is undefined when read, in both
    expect(hoistedOk(outCode)).toEqual([]);
  });

  it('rewrites a function declaration inside a block into an assignment at the top of the block', function () {
    var src = 'function h(c) { if (c) { var r = k(); function k() { return 5; } return r; } return typeof k; }\nvar out = [h(true), h(false)];';
    var outCode = hoistDeclarations(src);
    expect(outCode).toContain('k=function');
    expect(run(outCode).out).toEqual([5, 'undefined']);
    expect(run(outCode).out).toEqual(run(src).out);
    expect(hoistedOk(outCode)).toEqual([]);
  });

  it('keeps "use strict" first, does not redeclare parameters, and keeps statements apart without semicolons', function () {
    var src = '"use strict"\nvar x = 1\nfunction f() { return 2 }\n[x].forEach(function (v) { out = v + f() })\nfunction p(a) { if (0) { var a = 9 } return a }\nvar out2 = p(5)';
    var outCode = hoistDeclarations(src);
    var ast: N = parseEs5(outCode);
    expect(ast.body[0].directive).toBe('use strict');
    var p: N = ast.body.filter(function (s: N) { return s.type === 'FunctionDeclaration' && s.id.name === 'p'; })[0];
    expect(p.body.body[0].type).toBe('IfStatement'); // no `var a;` added: `a` is a parameter
    var ctx = run(outCode, { out: 0 });
    expect(ctx.out).toBe(3);
    expect(ctx.out2).toBe(5);
  });

  it('leaves code with nothing to hoist unchanged', function () {
    var src = 'var a,b;function f(){return 1}a=f();b=a+1;';
    expect(hoistDeclarations(src)).toBe(src);
  });

  it('is idempotent: hoisting hoisted code changes nothing', function () {
    var src = '"use strict";x();function x(){if(1){var q=y();function y(){return 1}}return q}var w=function(){z();function z(){}for(var i in {}){}};';
    var once = hoistDeclarations(src);
    expect(once).not.toBe(src);
    expect(hoistDeclarations(once)).toBe(once);
    expect(hoistedOk(once)).toEqual([]);
  });

  it('keeps a real ES5 library (tweetnacl, 2400 lines, calls before declarations) computing the same results, minified or not', async function () {
    var src = fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'tweetnacl', 'nacl-fast.js'), 'utf8');
    function results(code: string): string {
      var mod = { exports: {} as any };
      vm.runInContext(code, vm.createContext({ module: mod, Uint8Array: Uint8Array, Float64Array: Float64Array, Int32Array: Int32Array }));
      var nacl = mod.exports;
      var seed = new Uint8Array(32);
      for (var i = 0; i < 32; i++) seed[i] = (i * 29 + 7) & 255;
      var msg = new Uint8Array(100);
      for (var j = 0; j < 100; j++) msg[j] = j;
      var kp = nacl.sign.keyPair.fromSeed(seed);
      var hex = function (a: Uint8Array) { return Buffer.from(a).toString('hex'); };
      return [hex(nacl.scalarMult.base(seed)), hex(nacl.hash(msg)), hex(nacl.sign.detached(msg, kp.secretKey)),
        String(nacl.sign.detached.verify(msg, nacl.sign.detached(msg, kp.secretKey), kp.publicKey)),
        hex(nacl.secretbox(msg, seed.subarray(0, 24), seed))].join('|');
    }
    var expected = results(src);
    var hoisted = hoistDeclarations(src);
    expect(hoisted).not.toBe(src);
    expect(results(hoisted)).toBe(expected);
    var minHoisted = hoistDeclarations(await minifyEs5(src));
    expect(results(minHoisted)).toBe(expected);
    var hoistErrors = proveEs5(minHoisted, { bundle: 'nacl.js', globals: ['module', 'self', 'require', 'Uint8Array', 'Float64Array', 'Int32Array', 'Math', 'Error', 'Object'], requireHoisted: true })
      .filter(function (e) { return e.kind === 'hoist' || e.kind === 'syntax'; });
    expect(hoistErrors).toEqual([]);
  });

});

describe('hoisted code does not rely on hoisting (Espruino-like run: var -> let, function f(){} -> let f = function(){})', function () {
  it('the two docs/engines.md failures fail under the emulation and pass once hoisted', function () {
    var callFirst = 'var out = f();\nfunction f() { return 42; }';
    expect(errorName(function () { run(withoutHoisting(callFirst)); })).toBe('ReferenceError');
    expect(runOut(withoutHoisting(hoistDeclarations(callFirst)))).toBe(42);
    var branchVar = 'function g(c){ if(c){var z=1} return z }\nvar out = [g(false), g(true)];';
    expect(errorName(function () { run(withoutHoisting(branchVar)); })).toBe('ReferenceError');
    expect(runOut(withoutHoisting(hoistDeclarations(branchVar)))).toEqual([undefined, 1]);
  });

  it('tweetnacl, minified and hoisted, runs without hoisting and computes the same', async function () {
    var src = fs.readFileSync(path.join(__dirname, '..', '..', 'node_modules', 'tweetnacl', 'nacl-fast.js'), 'utf8');
    function hashOf(code: string): string {
      var mod = { exports: {} as any };
      vm.runInContext(code, vm.createContext({ module: mod, Uint8Array: Uint8Array, Float64Array: Float64Array, Int32Array: Int32Array }));
      var msg = new Uint8Array(64);
      for (var j = 0; j < 64; j++) msg[j] = j * 3;
      var seed = new Uint8Array(32);
      return Buffer.from(mod.exports.hash(msg)).toString('hex') + Buffer.from(mod.exports.scalarMult.base(seed.fill(9))).toString('hex');
    }
    var expected = hashOf(src);
    expect(hashOf(withoutHoisting(hoistDeclarations(await minifyEs5(src))))).toBe(expected);
  });
});
