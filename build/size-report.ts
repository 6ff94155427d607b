/**
 * Size report: raw and gzip bytes of every output, checked against the budgets.
 * Raw bytes are what Espruino stores and keeps in RAM (it runs from source);
 * gzip bytes approximate what flashing over the air transfers.
 */
import { gzipSync } from 'node:zlib';
import { BOARD_WARN_BYTES, ESPRUINO_STORAGE_BYTES, type Target } from './targets.ts';

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
    table: formatTable(rows),
  };
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
