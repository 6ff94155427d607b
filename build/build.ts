/**
 * `npm run build`: every target in targets.ts through the pipeline, then the
 * size report. Writes dist/<target>.js (only proven bundles), dist/readable/
 * (unminified ES5, where proof errors point), dist/build-manifest.json (what
 * was built, with which allow-list, for the test that re-proves dist/) and
 * dist/size-report.json. Exits non-zero if any target fails.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, buildTarget, bundleModules, formatErrors, pruneCaches, type TargetResult } from './pipeline.ts';
import { sizeReport, type SizeInput } from './size-report.ts';
import { TARGETS, type Target } from './targets.ts';

export interface ManifestEntry {
  name: string;
  out: string;
  kind: Target['kind'];
  globals: Target['globals'];
  embeds: string[];
}

export interface BuildSummary {
  results: TargetResult[];
  ok: boolean;
}

/** Write then rename: a test or a simulator reading dist/ during a build never sees half a file. */
function write(root: string, rel: string, text: string) {
  var file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  var tmp = file + '.' + process.pid + '.tmp';
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

export async function buildAll(targets: readonly Target[] = TARGETS, root: string = ROOT, log: (s: string) => void = console.log): Promise<BuildSummary> {
  var started = Date.now();
  var built = new Map<string, string>();
  var results: TargetResult[] = [];
  var manifest: ManifestEntry[] = [];
  var sized: SizeInput[] = [];
  var ok = true;

  // Targets that embed others run after them; everything else in parallel.
  var plain = targets.filter(function (t) { return !t.embed; });
  var embedding = targets.filter(function (t) { return !!t.embed; });
  var first = await Promise.all(plain.map(function (t) { return buildTarget(t, { root: root, built: built }); }));
  first.forEach(function (r) { if (r.code && !r.errors.length && !r.failure) built.set(r.target.name, r.code); });
  var second: TargetResult[] = [];
  for (var i = 0; i < embedding.length; i++) second.push(await buildTarget(embedding[i], { root: root, built: built }));
  results = first.concat(second);

  // Which files each board bundle is made of, for the size report's crypto column.
  var modulesOf = new Map<string, string[]>();
  await Promise.all(results.filter(function (r) { return r.target.kind === 'board' && !r.skipped; }).map(function (r) {
    return bundleModules(r.target, root).then(function (m) { modulesOf.set(r.target.name, m); });
  }));

  results.forEach(function (r) {
    var t = r.target;
    if (r.skipped) {
      log('note: skipped ' + t.name + ': ' + r.skipped);
      return;
    }
    if (r.readable && r.readablePath) write(root, r.readablePath, r.readable);
    var failed = !!r.failure || r.errors.length > 0 || !r.code;
    if (failed) {
      ok = false;
      // A stale bundle must not stand in for one that no longer passes.
      fs.rmSync(path.join(root, t.out), { force: true });
      log('FAIL ' + t.name + ' -> ' + t.out);
      if (r.failure) log('  ' + r.failure.split('\n').join('\n  '));
      if (r.errors.length) log(formatErrors(r.errors));
      return;
    }
    write(root, t.out, r.code as string);
    manifest.push({ name: t.name, out: t.out, kind: t.kind, globals: t.globals, embeds: t.embed || [] });
    sized.push({ target: t, code: r.code as string, modules: modulesOf.get(t.name) });
  });

  var report = sizeReport(sized);
  report.rows.forEach(function (row) {
    row.errors.forEach(function (e) { ok = false; log('FAIL ' + row.file + ': ' + e); });
    row.warnings.forEach(function (w) { log('warning: ' + row.file + ': ' + w); });
  });
  write(root, 'dist/build-manifest.json', JSON.stringify({ outputs: manifest }, null, 2) + '\n');
  write(root, 'dist/size-report.json', JSON.stringify({ budgets: report.budgets, outputs: report.rows }, null, 2) + '\n');
  log('');
  log(report.table);
  log('');
  pruneCaches();
  log((ok ? 'build ok' : 'build FAILED') + ' (' + manifest.length + ' bundles proven ES5, ' + (Date.now() - started) + ' ms)');
  return { results: results, ok: ok };
}

var invokedDirectly = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  buildAll().then(function (s) {
    if (!s.ok) process.exitCode = 1;
  }, function (e) {
    console.error(e);
    process.exitCode = 1;
  });
}
