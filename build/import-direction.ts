/**
 * The repository's import rules (README "Layout"), checked over every source file:
 *
 *  - `firmware/` is the portable board code: it imports only files inside
 *    `firmware/` (plus the build alias `nowboard-platform`), never a Node
 *    module nor an npm package;
 *  - `host-tests/` holds tests and fixtures only: nothing outside it imports
 *    from it.
 *
 * Static imports, re-exports, `import type`, dynamic `import()` and `require()`
 * all count. A test runs this over the repository and over a fixture tree with
 * planted wrong-way imports (host-tests/build/import-direction.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';
import ts from 'typescript';

export interface ImportViolation {
  /** importing file, relative to the root, with forward slashes */
  file: string;
  spec: string;
  rule: 'firmware-outside' | 'firmware-node' | 'firmware-package' | 'into-host-tests';
}

/** Build aliases a firmware file may import (build/targets.ts PLATFORM_ENTRY). */
export var FIRMWARE_ALIASES = ['nowboard-platform'];

var SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;
var SKIP = ['node_modules', '.git', 'dist', 'reports', '.vitest-cache'];

function walk(dir: string, out: string[]): string[] {
  if (!fs.existsSync(dir)) return out;
  for (var e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.indexOf(e.name) >= 0) continue;
    var p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (SOURCE.test(e.name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file names: imports, re-exports, import(), require() (comments ignored). */
export function importSpecifiers(text: string): string[] {
  var info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map(function (f) { return f.fileName; });
}

function top(rel: string): string {
  return rel.split('/')[0];
}

/** Check every source file under `root`; returns the violations (empty = clean). */
export function checkImportDirection(root: string): ImportViolation[] {
  var out: ImportViolation[] = [];
  var files = walk(root, []);
  for (var abs of files) {
    var rel = path.relative(root, abs).split(path.sep).join('/');
    var area = top(rel);
    if (area === 'host-tests') continue;
    var text = fs.readFileSync(abs, 'utf8');
    for (var spec of importSpecifiers(text)) {
      var relative = spec.charAt(0) === '.';
      var target = relative ? path.relative(root, path.resolve(path.dirname(abs), spec)).split(path.sep).join('/') : '';
      if (relative && top(target) === 'host-tests') out.push({ file: rel, spec: spec, rule: 'into-host-tests' });
      if (area !== 'firmware') continue;
      if (relative) {
        if (top(target) !== 'firmware') out.push({ file: rel, spec: spec, rule: 'firmware-outside' });
      } else if (spec.indexOf('node:') === 0 || isNodeBuiltin(spec)) out.push({ file: rel, spec: spec, rule: 'firmware-node' });
      else if (FIRMWARE_ALIASES.indexOf(spec) < 0) out.push({ file: rel, spec: spec, rule: 'firmware-package' });
    }
  }
  return out;
}

function isNodeBuiltin(spec: string): boolean {
  return builtinModules.indexOf(spec.split('/')[0]) >= 0;
}
