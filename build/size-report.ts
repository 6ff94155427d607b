/**
 * Size report: raw and gzip bytes of every output, checked against the budgets.
 * Raw bytes are what Espruino stores and keeps in RAM (it runs from source);
 * gzip bytes approximate what flashing over the air transfers.
 */
import { gzipSync } from 'node:zlib';
import { BOARD_WARN_BYTES, ESPRUINO_STORAGE_BYTES, type Target } from './targets.ts';
import { isAesOnlyBundle, aesOnlyViolations, AES_ONLY_TARGET_BYTES } from './aes-only.ts';

export interface SizeRow {
  name: string;
  file: string;
  kind: Target['kind'];
  raw: number;
  gzip: number;
  /** firmware/crypto modules in the bundle (board bundles), by file name without .ts */
  crypto?: string[];
  /** Budget breaches that fail the build. */
  errors: string[];
  /** Worth a look, does not fail the build. */
  warnings: string[];
}

export interface SizeReport {
  budgets: { espruinoStorageBytes: number; boardWarnBytes: number };
  rows: SizeRow[];
  /** The aligned table printed by the build. */
  table: string;
}

export interface SizeInput {
  target: Pick<Target, 'name' | 'out' | 'kind' | 'platform'>;
  code: string;
  /** repository files the bundle is made of (build/pipeline.ts bundleModules), if known */
  modules?: string[];
}

/** The firmware/crypto modules among a bundle's files (the primitives a protocol ships). */
export function cryptoModules(modules: readonly string[]): string[] {
  return modules
    .filter(function (m) { return m.indexOf('firmware/crypto/') === 0; })
    .map(function (m) { return m.substring('firmware/crypto/'.length).replace(/\.ts$/, ''); })
    .sort();
}

export function sizeReport(outputs: readonly SizeInput[]): SizeReport {
  var rows: SizeRow[] = outputs.map(function (o) {
    var bytes = Buffer.from(o.code, 'utf8');
    var row: SizeRow = {
      name: o.target.name,
      file: o.target.out,
      kind: o.target.kind,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      errors: [],
      warnings: [],
    };
    if (o.modules) row.crypto = cryptoModules(o.modules);
    if (isAesOnlyBundle(o.target.name)) {
      // build/aes-only.ts: no SHA, no EC in the AES-only enrollee; without its inputs nothing is proven.
      var bad = o.modules ? aesOnlyViolations(row.crypto as string[]) : ['(inputs unknown)'];
      if (bad.length) row.errors.push('not AES-only: ' + bad.join(' '));
      if (row.raw > AES_ONLY_TARGET_BYTES) row.warnings.push('AES-only enrollee over its ' + kb(AES_ONLY_TARGET_BYTES) + ' target');
    }
    if (o.target.kind === 'board') {
      if (o.target.platform === 'espruino' && row.raw > ESPRUINO_STORAGE_BYTES) {
        row.errors.push('exceeds Espruino Storage (' + kb(ESPRUINO_STORAGE_BYTES) + ')');
      }
      if (row.raw > BOARD_WARN_BYTES) {
        row.warnings.push('board bundle over ' + kb(BOARD_WARN_BYTES) + ' raw (Espruino keeps function source in RAM)');
      }
    }
    return row;
  });
  return {
    budgets: { espruinoStorageBytes: ESPRUINO_STORAGE_BYTES, boardWarnBytes: BOARD_WARN_BYTES },
    rows: rows,
    table: formatTable(rows) + aesOnlyLines(rows),
  };
}

/** The AES-only enrollees beside the whitelist enrollee of the same platform (issue 12). */
function aesOnlyLines(rows: SizeRow[]): string {
  var out: string[] = [];
  rows.forEach(function (r) {
    if (!isAesOnlyBundle(r.name)) return;
    var platform = r.name.split('/')[0];
    var wl = rows.filter(function (x) { return x.name === platform + '/whitelist/enrollee'; })[0];
    out.push(r.file + ': AES only (' + (r.crypto || []).join(' ') + '), ' + r.raw + ' B (' + kb(r.raw) + ') vs ' + kb(AES_ONLY_TARGET_BYTES) + ' target' +
      (wl ? '; whitelist enrollee ' + wl.raw + ' B (' + (r.raw / wl.raw).toFixed(2) + ' x)' : ''));
  });
  return out.length ? '\n\n' + out.join('\n') : '';
}

function kb(n: number): string {
  return (n / 1024).toFixed(n % 1024 ? 1 : 0) + ' KB';
}

function formatTable(rows: SizeRow[]): string {
  var head = ['output', 'kind', 'raw B', 'gzip B', 'raw', 'note'];
  var body = rows.map(function (r) {
    var note = r.errors.concat(r.warnings);
    if (r.crypto) note.unshift('crypto: ' + (r.crypto.length ? r.crypto.join(' ') : 'none'));
    return [r.file, r.kind, String(r.raw), String(r.gzip), kb(r.raw), note.join('; ')];
  });
  var all = [head].concat(body);
  var widths = head.map(function (_h, i) {
    return Math.max.apply(null, all.map(function (row) { return row[i].length; }));
  });
  var numeric = [false, false, true, true, true, false];
  return all.map(function (row) {
    return row.map(function (cell, i) {
      if (i === row.length - 1) return cell;
      return numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
    }).join('  ').trimEnd();
  }).join('\n');
}
