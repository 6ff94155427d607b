/**
 * The pipeline for one target:
 *   esbuild bundle (es2017, iife) -> TypeScript 5.9 transpileModule to ES5
 *   -> esbuild minify (es5) -> hoisting pass -> ES5 proof.
 * Why this order and these tools: build/README.md.
 *
 * Every step is a plain function so tests and scripts can run any part.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { version as acornVersion } from 'acorn';
import { hoistDeclarations } from './hoist.ts';
import { proveEs5, parseEs5, ESPRUINO_KEYWORDS, type ProofError } from './es5-proof.ts';
import { PLATFORM_ENTRY, globalsFor, type Platform, type Target } from './targets.ts';

export { hoistDeclarations } from './hoist.ts';
export { proveEs5, formatErrors, type ProofError } from './es5-proof.ts';
export { sizeReport } from './size-report.ts';

/** The repo root (this file lives in build/). */
export var ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Resolve the `nowboard-platform` module name to one binding file. */
function platformPlugin(file: string): esbuild.Plugin {
  return {
    name: 'nowboard-platform',
    setup: function (b) {
      b.onResolve({ filter: /^nowboard-platform$/ }, function () { return { path: file }; });
    },
  };
}

/**
 * Node's built-in modules do not exist on a board. A package that probes for one
 * (tweetnacl tries `require('crypto')` when it finds no `self.crypto`) gets an
 * empty module instead of a build error, as its `browser` field asks bundlers
 * to do; code that really needs one fails when it runs, on every engine alike.
 */
var NODE_BUILTINS = /^(node:.*|assert|buffer|child_process|crypto|events|fs|http|https|net|os|path|process|stream|string_decoder|tty|url|util|vm|worker_threads|zlib)$/;
function nodeBuiltinsEmpty(): esbuild.Plugin {
  return {
    name: 'node-builtins-empty',
    setup: function (b) {
      b.onResolve({ filter: NODE_BUILTINS }, function (a) { return { path: a.path, namespace: 'node-builtin-empty' }; });
      b.onLoad({ filter: /.*/, namespace: 'node-builtin-empty' }, function () { return { contents: 'module.exports = {};', loader: 'js' }; });
    },
  };
}

/**
 * Entries whose bundle gets the compact byte-wise AES (firmware/crypto/aes128-small.ts)
 * in place of the T-table aes128.ts: the psk-oob enrollee runs a few dozen AES
 * blocks per enrollment, so its size target (issue 12) outweighs block speed.
 */
var SMALL_AES_ENTRY = /psk-oob[\\/]enrollee-main\.ts$/;

function smallAesPlugins(entry: string | undefined): esbuild.Plugin[] {
  if (!entry || !SMALL_AES_ENTRY.test(entry)) return [];
  return [{
    name: 'small-aes',
    setup: function (b) {
      b.onResolve({ filter: /^\.\/aes128\.ts$/ }, function (a) {
        return { path: path.join(a.resolveDir, 'aes128-small.ts') };
      });
    },
  }];
}

export interface BundleInput {
  /** Absolute entry path, or generated source (resolved from `resolveDir`). */
  entry?: string;
  contents?: string;
  resolveDir?: string;
  /** Absolute binding path for `nowboard-platform`, or null for no alias. */
  platformFile: string | null;
}

/** Step 1: esbuild bundle to one ES2017 IIFE, not minified (TypeScript lowers it next). */
export async function bundle(input: BundleInput): Promise<string> {
  var opts: esbuild.BuildOptions = {
    bundle: true,
    format: 'iife',
    target: 'es2017',
    platform: 'neutral',
    minify: false,
    charset: 'ascii',
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // platform 'neutral' has no default; look at `module`/`main` like a bundler would.
    mainFields: ['module', 'main'],
    plugins: [nodeBuiltinsEmpty()].concat(input.platformFile ? [platformPlugin(input.platformFile)] : [], smallAesPlugins(input.entry)),
    // The TypeScript settings that change emitted code, fixed here rather than
    // inherited from tsconfig.json (which serves type checking and host tests):
    // - no "use strict": Espruino ignores it (docs/engines.md row 52), so a strict
    //   bundle would behave differently on Duktape/JerryScript/Node than on the
    //   board; sloppy everywhere is the same everywhere. (Writes to undeclared
    //   names, the strict error that matters, are rejected by the ES5 proof.)
    // - class fields as assignments: define semantics would emit a
    //   defineProperty helper call per field per instance.
    tsconfigRaw: { compilerOptions: { alwaysStrict: false, strict: false, useDefineForClassFields: false, verbatimModuleSyntax: false } },
  };
  if (input.contents !== undefined) {
    opts.stdin = { contents: input.contents, resolveDir: input.resolveDir || ROOT, sourcefile: 'generated-entry.ts', loader: 'ts' };
  } else {
    opts.entryPoints = [input.entry as string];
  }
  var r = await esbuild.build(opts);
  return r.outputFiles![0].text;
}

/**
 * The repository files a board target's bundle is made of (esbuild's metafile
 * inputs), relative to the root with forward slashes: what the size report
 * lists per bundle (e.g. which crypto modules a protocol's enrollee carries),
 * and what a build check asserts a bundle does not contain.
 */
export async function bundleModules(t: Target, root: string = ROOT): Promise<string[]> {
  if (t.generate || !t.entry) return [];
  var entry = path.resolve(root, t.entry);
  if (!fs.existsSync(entry)) return [];
  var platformFile = t.platform ? path.join(root, PLATFORM_ENTRY[t.platform as Platform]) : null;
  var r = await esbuild.build({
    entryPoints: [entry], bundle: true, format: 'iife', target: 'es2017', platform: 'neutral', write: false,
    metafile: true, logLevel: 'silent', mainFields: ['module', 'main'],
    plugins: [nodeBuiltinsEmpty()].concat(platformFile ? [platformPlugin(platformFile)] : [], smallAesPlugins(entry)),
  });
  return Object.keys(r.metafile!.inputs).map(function (k) {
    return path.relative(root, path.resolve(root, k)).split(path.sep).join('/');
  }).sort();
}

/**
 * Step 2: ES2017 -> ES5 with TypeScript. esbuild cannot lower to ES5 (it refuses
 * classes, let/const, destructuring... at target es5) and TypeScript 7 dropped
 * ES5 emit, so TypeScript 5.9 it is. downlevelIteration makes for-of work on
 * typed arrays and strings the way the source means it.
 */
export function lowerToEs5(code: string): string {
  var out = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: LOWER_OPTIONS,
  });
  var diags = out.diagnostics || [];
  if (diags.length) {
    throw new Error('TypeScript ES5 lowering failed:\n' + diags.map(function (d) { return '  ' + ts.flattenDiagnosticMessageText(d.messageText, '\n'); }).join('\n'));
  }
  return out.outputText;
}

var LOWER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES5,
  // The input is a script (an IIFE); CommonJS only because transpileModule's
  // isolatedModules requires some module kind at ES5. A script emits no module code.
  module: ts.ModuleKind.CommonJS,
  downlevelIteration: true,
  removeComments: true,
  importHelpers: false,
  noEmitHelpers: false,
  newLine: ts.NewLineKind.LineFeed,
};

/** Where lowered output is kept between builds, keyed by a hash of its input. */
export var LOWER_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'nowboard-es5');

/**
 * lowerToEs5 with a content-addressed cache. TypeScript's ES5 emit is the slow
 * step (about 1 s per 100 KB bundle) and the build runs before every `npm test`,
 * while most runs change only some bundles. The key covers the input, the
 * TypeScript version and the options, so a hit is exactly what a fresh run gives.
 */
export function lowerToEs5Cached(code: string, cacheDir: string = LOWER_CACHE_DIR): string {
  var key = createHash('sha256').update(ts.version).update('\0').update(JSON.stringify(LOWER_OPTIONS)).update('\0').update(code).digest('hex');
  var file = path.join(cacheDir, key + '.js');
  try {
    var hit = fs.readFileSync(file, 'utf8');
    touch(file);
    return hit;
  } catch (_e) {
    // not cached yet
  }
  var out = lowerToEs5(code);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write then rename: concurrent builds never read a half-written entry.
    var tmp = file + '.' + process.pid + '.tmp';
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, file);
  } catch (_e) {
    // A read-only tree still builds, only slower.
  }
  return out;
}

/**
 * Step 3: minify the ES5. Input and target are ES5, so esbuild only renames,
 * drops whitespace and comments, and folds constants; the proof afterwards
 * checks it emitted nothing newer. Top-level names of a script are not renamed,
 * so TypeScript's helpers keep their names for the proof's helper check.
 */
export async function minifyEs5(code: string): Promise<string> {
  // esbuild never gives a local the name of a global the code reads, so a
  // throw-away top-level function that reads Espruino's extra keywords keeps the
  // renamer off them (it had produced a local `of`, which Espruino's lexer
  // refuses); the function is cut out of the result again.
  var sentinel = 'function ' + KEYWORD_SENTINEL + '(){return[' + ESPRUINO_KEYWORDS.join(',') + ']}';
  var r = await esbuild.transform(code + '\n' + sentinel + '\n', { minify: true, target: 'es5', charset: 'ascii', legalComments: 'none', loader: 'js' });
  return removeTopLevelFunction(r.code, KEYWORD_SENTINEL);
}

/** Name of the function minifyEs5 appends and removes. */
var KEYWORD_SENTINEL = '__nbEspruinoKeywords';

/** `code` without the top-level function declaration `name` (which must be there once). */
function removeTopLevelFunction(code: string, name: string): string {
  var ast = parseEs5(code);
  var hits = ast.body.filter(function (st: { type: string; id?: { name: string } }) {
    return st.type === 'FunctionDeclaration' && st.id && st.id.name === name;
  });
  if (hits.length !== 1) throw new Error('minifier output: expected one top-level ' + name + ', found ' + hits.length);
  return code.slice(0, hits[0].start) + code.slice(hits[0].end);
}

/** Source for a size-only entry: import every export of every module of `dir` and keep it alive. */
export async function generateKeepAllEntry(dir: string, recursive: boolean, platformFile: string | null): Promise<string | null> {
  var files = listTs(dir, recursive);
  if (!files.length) return null;
  // Ask esbuild for each module's export names (its metafile lists them), so
  // re-exports count and type-only exports don't.
  var r = await esbuild.build({
    entryPoints: files, bundle: true, format: 'esm', platform: 'neutral', target: 'es2017', write: false,
    outdir: path.join(ROOT, '.export-scan'), metafile: true, logLevel: 'silent',
    plugins: platformFile ? [platformPlugin(platformFile)] : [],
  });
  var exportsOf = new Map<string, string[]>();
  var outputs = r.metafile!.outputs;
  Object.keys(outputs).forEach(function (k) {
    var o = outputs[k];
    if (o.entryPoint) exportsOf.set(path.resolve(ROOT, o.entryPoint), o.exports);
  });
  var lines: string[] = ['var keep: { [k: string]: unknown } = {};'];
  files.forEach(function (f, i) {
    var names = exportsOf.get(f) || [];
    if (!names.length) return;
    var spec = names.filter(function (n) { return n !== 'default'; }).map(function (n, j) { return n + ' as m' + i + '_' + j; });
    var rel = './' + path.relative(ROOT, f).split(path.sep).join('/');
    if (spec.length) lines.push('import { ' + spec.join(', ') + ' } from ' + JSON.stringify(rel) + ';');
    names.forEach(function (n, j) {
      if (n === 'default') {
        lines.push('import m' + i + '_default from ' + JSON.stringify(rel) + ';');
        lines.push('keep[' + JSON.stringify(rel + '#default') + '] = m' + i + '_default;');
      } else {
        lines.push('keep[' + JSON.stringify(rel + '#' + n) + '] = m' + i + '_' + j + ';');
      }
    });
  });
  return lines.join('\n') + '\n';
}

function listTs(dir: string, recursive: boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  var out: string[] = [];
  fs.readdirSync(dir, { withFileTypes: true }).forEach(function (e) {
    var p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out = out.concat(listTs(p, true));
    } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') && !e.name.endsWith('.test.ts')) {
      out.push(p);
    }
  });
  return out.sort();
}

export interface TargetResult {
  target: Target;
  /** Why the target was skipped (optional entry missing, nothing to measure). */
  skipped?: string;
  /** Final bundle (minified, hoisted, proven) — only meaningful when errors is empty. */
  code?: string;
  /** Lowered and hoisted, not minified: where to read an error's line:column. */
  readable?: string;
  readablePath?: string;
  errors: ProofError[];
  /** A failure before the proof (esbuild or TypeScript), already formatted. */
  failure?: string;
}

export interface BuildOptions {
  root?: string;
  /** Whole-result cache directory; null = always run every step. Default RESULT_CACHE_DIR. */
  cacheDir?: string | null;
  /** Final sources of already built targets, by name, for `embed`. */
  built?: Map<string, string>;
}

/** Where the readable (unminified) ES5 of a target goes. */
export function readablePathFor(t: Target): string {
  return t.out.replace(/^dist\//, 'dist/readable/');
}

/**
 * Run the whole pipeline for one target. Never throws for a bad bundle: errors
 * come back in the result, so the build can report every target.
 */
export async function buildTarget(t: Target, options?: BuildOptions): Promise<TargetResult> {
  var root = (options && options.root) || ROOT;
  var built = (options && options.built) || new Map<string, string>();
  var res: TargetResult = { target: t, errors: [] };
  var platformFile = t.platform ? path.join(root, PLATFORM_ENTRY[t.platform as Platform]) : null;

  var input: BundleInput;
  if (t.generate) {
    var src = await generateKeepAllEntry(path.resolve(root, t.generate.dir), t.generate.recursive, platformFile);
    if (src === null) { res.skipped = 'no modules in ' + t.generate.dir + ' yet'; return res; }
    input = { contents: src, resolveDir: root, platformFile: platformFile };
  } else if (t.source !== undefined) {
    input = { contents: t.source, resolveDir: root, platformFile: platformFile };
  } else {
    var entry = path.resolve(root, t.entry);
    if (!fs.existsSync(entry)) {
      if (t.optional) { res.skipped = t.entry + ' does not exist yet'; return res; }
      res.failure = 'entry ' + t.entry + ' does not exist';
      return res;
    }
    input = { entry: entry, platformFile: platformFile };
  }

  var globals = globalsFor(t.globals, root);
  var prefix = t.prelude || '';
  if (t.embed && t.embed.length) {
    var missing = t.embed.filter(function (n) { return !built.has(n); });
    if (missing.length) { res.failure = 'needs ' + missing.join(', ') + ' built and proven first'; return res; }
    var obj: string[] = t.embed.map(function (n) { return JSON.stringify(n) + ':' + JSON.stringify(built.get(n)); });
    prefix += 'var NOWBOARD_BUNDLES={' + obj.join(',') + '};\n';
  }

  var bundled: string;
  try {
    bundled = await bundle(input);
  } catch (e) {
    res.failure = errorText(e);
    return res;
  }
  res.readablePath = readablePathFor(t);

  // Same bundle, prefix, allow-list and pipeline code -> same result; the build
  // runs before every `npm test`, so most runs need only esbuild.
  var cacheDir = options && options.cacheDir !== undefined ? options.cacheDir : RESULT_CACHE_DIR;
  var cacheFile = cacheDir ? path.join(cacheDir, resultKey(bundled, prefix, globals, t) + '.json') : null;
  if (cacheFile) {
    var hit = readCached(cacheFile);
    if (hit) {
      res.readable = hit.readable;
      res.code = hit.code;
      res.errors = hit.errors;
      res.failure = hit.failure;
      return res;
    }
  }
  await finishTarget(res, bundled, prefix, globals);
  if (cacheFile) writeCached(cacheFile, { readable: res.readable, code: res.code, errors: res.errors, failure: res.failure });
  return res;
}

/** Steps 2-5 for one bundle; fills res.readable, res.code, res.errors or res.failure. */
async function finishTarget(res: TargetResult, bundled: string, prefix: string, globals: Set<string>): Promise<void> {
  var lowered: string;
  try {
    lowered = lowerToEs5Cached(bundled);
  } catch (e) {
    res.failure = errorText(e);
    return;
  }

  // Proof of the readable form first: its line:column point at code a person can
  // read, and esbuild's own helpers still have their names here.
  try {
    res.readable = hoistDeclarations(prependAfterDirectives(lowered, prefix));
  } catch (e) {
    res.failure = 'hoisting failed: ' + errorText(e);
    return;
  }
  res.errors = proveEs5(res.readable, { bundle: res.readablePath as string, globals: globals, requireHoisted: true });
  if (res.errors.length) return;

  // Minify the harness without the embedded bundles (already final), then prepend them.
  var min = await minifyEs5(lowered);
  try {
    res.code = hoistDeclarations(prependAfterDirectives(min, prefix));
  } catch (e) {
    res.failure = 'hoisting failed on minified output: ' + errorText(e);
    return;
  }
  res.errors = proveEs5(res.code, { bundle: res.target.out, globals: globals, requireHoisted: true });
}

/** Where whole-target results are kept between builds. */
export var RESULT_CACHE_DIR = path.join(ROOT, 'node_modules', '.cache', 'nowboard-build');

/** The pipeline's own code and tool versions: a change to either invalidates every cached result. */
var PIPELINE_FINGERPRINT = (function () {
  var h = createHash('sha256').update(ts.version + '|' + esbuild.version + '|' + acornVersion);
  var dir = path.dirname(new URL(import.meta.url).pathname);
  fs.readdirSync(dir).filter(function (f) { return f.endsWith('.ts'); }).sort().forEach(function (f) {
    h.update(f).update('\0').update(fs.readFileSync(path.join(dir, f)));
  });
  return h.digest('hex');
})();

function resultKey(bundled: string, prefix: string, globals: Set<string>, t: Target): string {
  return createHash('sha256')
    .update(PIPELINE_FINGERPRINT).update('\0')
    .update(t.out).update('\0')
    .update(Array.from(globals).sort().join(',')).update('\0')
    .update(prefix).update('\0')
    .update(bundled)
    .digest('hex');
}

interface CachedResult { readable?: string; code?: string; errors: ProofError[]; failure?: string }

function readCached(file: string): CachedResult | null {
  try {
    var r = JSON.parse(fs.readFileSync(file, 'utf8')) as CachedResult;
    touch(file);
    return r;
  } catch (_e) {
    return null;
  }
}

/** Mark a cache entry as used now, so pruning keeps it. */
function touch(file: string) {
  try {
    var now = new Date();
    fs.utimesSync(file, now, now);
  } catch (_e) {
    // best effort
  }
}

/**
 * Keep the newest `keep` entries of each cache directory (by last use): every
 * edit of a source makes new entries, and nothing else would ever remove them.
 */
export function pruneCaches(keep: number = 200, dirs: string[] = [LOWER_CACHE_DIR, RESULT_CACHE_DIR]) {
  dirs.forEach(function (dir) {
    var files: { f: string; t: number }[] = [];
    try {
      fs.readdirSync(dir).forEach(function (name) {
        var f = path.join(dir, name);
        files.push({ f: f, t: fs.statSync(f).mtimeMs });
      });
    } catch (_e) {
      return;
    }
    files.sort(function (a, b) { return b.t - a.t; });
    files.slice(keep).forEach(function (x) { fs.rmSync(x.f, { force: true }); });
  });
}

function writeCached(file: string, r: CachedResult) {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    var tmp = file + '.' + process.pid + '.tmp';
    fs.writeFileSync(tmp, JSON.stringify(r));
    fs.renameSync(tmp, file);
  } catch (_e) {
    // A read-only tree still builds, only slower.
  }
}

/**
 * Put `prefix` after a leading "use strict" so the directive stays a directive
 * (the build emits none, but an entry may carry its own).
 */
export function prependAfterDirectives(code: string, prefix: string): string {
  if (!prefix) return code;
  var m = /^\s*(['"])use strict\1;?\n?/.exec(code);
  var cut = m ? m[0].length : 0;
  var head = code.slice(0, cut);
  if (head && !/;\s*$/.test(head)) head = head.replace(/\s*$/, ';');
  return head + prefix + code.slice(cut);
}

function errorText(e: unknown): string {
  var err = e as { errors?: esbuild.Message[]; message?: string };
  if (err && err.errors && err.errors.length) {
    return err.errors.map(function (m) {
      var loc = m.location ? m.location.file + ':' + m.location.line + ':' + (m.location.column + 1) + ': ' : '';
      return loc + m.text;
    }).join('\n');
  }
  return String(err && err.message ? err.message : e);
}
