/**
 * Node-only loader: runs a board bundle in its own node:vm context whose
 * global object holds only JavaScript's built-ins plus the Espruino globals
 * (espruino-globals.ts). Nothing from Node is reachable: no process, Buffer,
 * require, module, setImmediate, TextEncoder...
 *
 * Host objects are never handed to the board as they are: the usual vm escape
 * (`print.constructor.constructor("return process")()`) works through any
 * host-realm function or object. So every value crossing into the board goes
 * through a membrane that rebuilds it from the board realm's own constructors:
 * functions become board-realm wrappers, typed arrays and ArrayBuffers are
 * copied, plain objects and arrays rebuilt, host errors rethrown as
 * board-realm Errors with the same name and message. Board values passed to
 * the host stay as they are (the host only reads them), except functions,
 * which get the same membrane for the arguments the host later calls them with.
 *
 * A fresh context per boot: rebooting a board is loading it again.
 */
import vm from 'node:vm';
import nodeCrypto from 'node:crypto';
import type { LoadBundle, NativeCrypto } from './sim-world.ts';
import { toStorageBytes } from './flash-storage.ts';
import { convolve } from './espruino-globals.ts';

interface Realm {
  context: vm.Context;
  /**
   * Host function or module object -> its board-side twin, so that
   * require("Storage") === require("Storage") and callbacks keep their identity.
   * Only functions and objects whose properties are all functions or
   * primitives (module objects) are kept: data objects are copied every time.
   */
  twins: WeakMap<object, any>;
  makeFunction: (call: (self: any, args: any[]) => any) => Function;
  newObject: () => any;
  newArray: () => any[];
  newError: (name: string, message: string) => Error;
  copyBytes: (tag: string, bytes: Uint8Array) => any;
}

/** Board-realm helpers, compiled inside the context so their products carry its prototypes. */
var REALM_HELPERS = `(function () {
  return {
    makeFunction: function (call) {
      return function () {
        var args = [];
        for (var i = 0; i < arguments.length; i++) args.push(arguments[i]);
        return call(this, args);
      };
    },
    newObject: function () { return {}; },
    newArray: function () { return []; },
    newError: function (name, message) { var e = new Error(message); e.name = name; return e; },
    copyBytes: function (tag, bytes) {
      if (tag === 'ArrayBuffer') {
        var ab = new ArrayBuffer(bytes.length);
        new Uint8Array(ab).set(bytes);
        return ab;
      }
      var Ctor = this[tag] || Uint8Array;
      var u8 = new Uint8Array(bytes.length);
      u8.set(bytes);
      return new Ctor(u8.buffer);
    }
  };
})()`;

function makeRealm(): Realm {
  // A null-prototype sandbox: a normal one ({}) is a host object, and `this.constructor` on the
  // board's global would reach it (host Object -> host Function -> process).
  var context = vm.createContext(Object.create(null), { name: 'nowboard-board', codeGeneration: { strings: true, wasm: false } });
  // V8 puts WebAssembly on every context; no board engine has it.
  vm.runInContext('delete this.WebAssembly', context);
  var helpers = vm.runInContext(REALM_HELPERS, context);
  var ctors = vm.runInContext('({ Uint8Array: Uint8Array, Int8Array: Int8Array, Uint16Array: Uint16Array, Int16Array: Int16Array, Uint32Array: Uint32Array, Int32Array: Int32Array, Float32Array: Float32Array, Float64Array: Float64Array, Uint8ClampedArray: Uint8ClampedArray })', context);
  return {
    context: context,
    twins: new WeakMap(),
    makeFunction: helpers.makeFunction,
    newObject: helpers.newObject,
    newArray: helpers.newArray,
    newError: helpers.newError,
    copyBytes: function (tag: string, bytes: Uint8Array) {
      return helpers.copyBytes.call(ctors, tag, bytes);
    },
  };
}

function tagOf(v: any): string {
  var t = Object.prototype.toString.call(v);
  return t.substring(8, t.length - 1);
}

/** Membrane: host value -> board-realm value. */
function toBoard(realm: Realm, v: any, seenSoFar: Map<any, any> | null): any {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return v;
  // Created only for objects: most calls (E.convolve in a crypto loop) return numbers.
  if (realm.twins.has(v)) return realm.twins.get(v);
  var seen = seenSoFar || new Map();
  if (seen.has(v)) return seen.get(v);
  if (typeof v === 'function') {
    var hostFn = v;
    var wrapped = realm.makeFunction(function (_self: any, args: any[]) {
      var hostArgs: any[] = [];
      for (var i = 0; i < args.length; i++) hostArgs.push(fromBoard(realm, args[i]));
      var result: any;
      try {
        result = hostFn.apply(undefined, hostArgs);
      } catch (e: any) {
        throw realm.newError(e && e.name ? String(e.name) : 'Error', e && e.message !== undefined ? String(e.message) : String(e));
      }
      return toBoard(realm, result, null);
    });
    realm.twins.set(v, wrapped);
    return wrapped;
  }
  var tag = tagOf(v);
  if (tag === 'ArrayBuffer') return realm.copyBytes('ArrayBuffer', new Uint8Array(v));
  if (ArrayBuffer.isView(v)) {
    var bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return realm.copyBytes(tag === 'DataView' ? 'Uint8Array' : tag, new Uint8Array(bytes));
  }
  if (Array.isArray(v)) {
    var arr = realm.newArray();
    seen.set(v, arr);
    for (var i = 0; i < v.length; i++) arr.push(toBoard(realm, v[i], seen));
    return arr;
  }
  if (v instanceof RegExp) return vm.runInContext(String(v), realm.context);
  var obj = realm.newObject();
  seen.set(v, obj);
  var moduleLike = true;
  for (var k of Object.keys(v)) {
    var pv = v[k];
    obj[k] = toBoard(realm, pv, seen);
    // A nested module object (crypto.AES) has just become a twin; data objects never do.
    if (pv !== null && typeof pv === 'object' && !realm.twins.has(pv)) moduleLike = false;
  }
  if (moduleLike) realm.twins.set(v, obj);
  return obj;
}

/** Board value -> host: data as is; board functions get host-to-board argument conversion. */
function fromBoard(realm: Realm, v: any): any {
  if (typeof v !== 'function') return v;
  var boardFn = v;
  return function (this: any) {
    var args: any[] = [];
    for (var i = 0; i < arguments.length; i++) args.push(toBoard(realm, arguments[i], null));
    return boardFn.apply(undefined, args);
  };
}

export interface VmLoaderOptions {
  /** File name shown in stack traces. */
  filename?: string;
}

/**
 * E.convolve is pure and hot (field multiplication in crypto loops): run the
 * same source compiled inside the board realm instead of through the membrane.
 */
function installRealmConvolve(realm: Realm, globals: { [name: string]: any }, g: any): void {
  if (!globals.E || globals.E.convolve !== convolve || !g.E) return;
  g.E.convolve = vm.runInContext('(' + convolve.toString() + ')', realm.context);
}

/** A LoadBundle for sim-world: each call makes a new context (a new life of the board). */
export function vmLoader(opts?: VmLoaderOptions): LoadBundle {
  var filename = (opts && opts.filename) || 'board.js';
  return function (src: string, globals: { [name: string]: any }, boardId: string) {
    var realm = makeRealm();
    var seen = new Map();
    var g = vm.runInContext('this', realm.context);
    for (var name of Object.keys(globals)) g[name] = toBoard(realm, globals[name], seen);
    installRealmConvolve(realm, globals, g);
    var script = new vm.Script(src, { filename: boardId + ':' + filename });
    script.runInContext(realm.context);
  };
}

/** Run code in a fresh board context with the given globals and return its (board-realm) result; for tests. */
export function evalInBoard(code: string, globals: { [name: string]: any }): any {
  var realm = makeRealm();
  var seen = new Map();
  var g = vm.runInContext('this', realm.context);
  for (var name of Object.keys(globals)) g[name] = toBoard(realm, globals[name], seen);
  installRealmConvolve(realm, globals, g);
  return vm.runInContext(code, realm.context);
}

function bytesOf(data: any): Buffer {
  return Buffer.from(toStorageBytes(data));
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  var ab = new ArrayBuffer(b.length);
  new Uint8Array(ab).set(b);
  return ab;
}

/**
 * Espruino's optional `require("crypto")` subset, on node:crypto: SHA256(data)
 * -> ArrayBuffer(32); AES.encrypt(data, key, {mode: "ECB"}) -> ArrayBuffer.
 * Only ECB, whole 16-B blocks, AES-128/192/256 (anything else throws, rather
 * than silently padding).
 */
export var nodeNativeCrypto: NativeCrypto = {
  SHA256: function (data: any) {
    return toArrayBuffer(nodeCrypto.createHash('sha256').update(bytesOf(data)).digest());
  },
  AES: {
    encrypt: function (data: any, key: any, options?: any) {
      var mode = options && options.mode ? String(options.mode).toUpperCase() : 'CBC';
      if (mode !== 'ECB') throw new Error('crypto.AES: only mode "ECB" is simulated, got ' + mode);
      var k = bytesOf(key);
      if (k.length !== 16 && k.length !== 24 && k.length !== 32) throw new Error('crypto.AES: key must be 16, 24 or 32 bytes');
      var d = bytesOf(data);
      if (d.length % 16 !== 0) throw new Error('crypto.AES: ECB data must be whole 16-byte blocks');
      var c = nodeCrypto.createCipheriv('aes-' + k.length * 8 + '-ecb', k, null);
      c.setAutoPadding(false);
      return toArrayBuffer(Buffer.concat([c.update(d), c.final()]));
    },
  },
};
