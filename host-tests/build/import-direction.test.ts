/**
 * Issue 8: `firmware/` imports nothing outside itself and never Node; nothing
 * outside `host-tests/` imports from it. The checker runs on the repository
 * (must be clean) and on a fixture tree with planted wrong-way imports (must
 * name each one), so the test can fail.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { checkImportDirection } from '../../build/import-direction.ts';

var ROOT = path.resolve(__dirname, '../..');

describe('import direction', () => {
  it('the repository has no wrong-way import', () => {
    expect(checkImportDirection(ROOT)).toEqual([]);
  });

  it('finds every planted wrong-way import in the fixture tree, and nothing else', () => {
    var found = checkImportDirection(path.join(__dirname, 'fixtures/import-direction'));
    var rows = found.map((v) => v.file + ' ' + v.spec + ' ' + v.rule).sort();
    expect(rows).toEqual([
      'configurator/app/app.ts ../../host-tests/fixture.ts into-host-tests',
      'configurator/app/app.ts ../../host-tests/fixture.ts into-host-tests',
      'firmware/core/wrong.ts ../../configurator/app/app.ts firmware-outside',
      'firmware/core/wrong.ts @noble/curves/nist.js firmware-package',
      'firmware/core/wrong.ts net firmware-node',
      'firmware/core/wrong.ts node:fs firmware-node',
      'firmware/core/wrong.ts path firmware-node',
    ]);
  });
});
