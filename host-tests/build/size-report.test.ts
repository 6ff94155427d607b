// The size report: byte counts, gzip level 9, budgets and the printed table.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sizeReport } from '../../build/size-report.ts';
import { BOARD_WARN_BYTES, ESPRUINO_STORAGE_BYTES } from '../../build/targets.ts';

function filler(n: number, seed: number): string {
  // Deterministic, poorly compressible ASCII so gzip sizes differ from raw.
  var s = '';
  var x = seed;
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += String.fromCharCode(33 + (x % 90));
  }
  return s;
}

describe('sizeReport', function () {
  it('counts raw UTF-8 bytes and gzip -9 bytes', function () {
    var code = 'var a = "caf\\u00e9";' + filler(3000, 1);
    var r = sizeReport([{ target: { name: 'x', out: 'dist/x.js', kind: 'bench', platform: null }, code: code }]);
    expect(r.rows[0].raw).toBe(Buffer.byteLength(code));
    expect(r.rows[0].gzip).toBe(gzipSync(Buffer.from(code), { level: 9 }).length);
    expect(r.rows[0].gzip).toBeLessThan(r.rows[0].raw);
  });

  it('warns over 64 KB for a board bundle only, fails over the Espruino Storage budget', function () {
    var big = filler(BOARD_WARN_BYTES + 1, 2);
    var r = sizeReport([
      { target: { name: 'b', out: 'dist/espruino/b.js', kind: 'board', platform: 'espruino' }, code: big },
      { target: { name: 's', out: 'dist/size/s.js', kind: 'size', platform: 'espruino' }, code: big },
      { target: { name: 'ok', out: 'dist/espruino/ok.js', kind: 'board', platform: 'espruino' }, code: filler(BOARD_WARN_BYTES, 3) },
    ]);
    expect(r.rows[0].warnings.length).toBe(1);
    expect(r.rows[0].errors).toEqual([]);
    expect(r.rows[1].warnings).toEqual([]);
    expect(r.rows[2].warnings).toEqual([]);
    var huge = sizeReport([{ target: { name: 'h', out: 'dist/espruino/h.js', kind: 'board', platform: 'espruino' }, code: filler(ESPRUINO_STORAGE_BYTES + 1, 4) }]);
    expect(huge.rows[0].errors[0]).toMatch(/Espruino Storage/);
  });

  it('prints an aligned table: numbers right-aligned in their columns', function () {
    var r = sizeReport([
      { target: { name: 'a', out: 'dist/a.js', kind: 'board', platform: 'jerryscript' }, code: filler(10, 5) },
      { target: { name: 'long', out: 'dist/some/longer-name.js', kind: 'size', platform: null }, code: filler(12345, 6) },
    ]);
    var lines = r.table.split('\n');
    expect(lines.length).toBe(3);
    expect(lines[1]).toContain('dist/a.js');
    // The raw-bytes column ends at the same offset on every line.
    var ends = lines.slice(1).map(function (l, i) {
      var v = String(r.rows[i].raw);
      return l.indexOf(' ' + v + ' ') + v.length + 1;
    });
    expect(ends[0]).toBe(ends[1]);
    expect(lines[0].indexOf('raw B') + 'raw B'.length).toBe(ends[0]);
  });
});
