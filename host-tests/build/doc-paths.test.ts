/**
 * Every repository path the docs name exists: each `code span` token in
 * docs/*.md and in every README.md that starts with a top-level folder of the
 * project (firmware/, configurator/, host-tests/, build/, docs/, .ci/) must be
 * a file or folder of the checkout. Files move; the docs pointing at them are
 * what goes stale. Skipped on purpose: dist/ (built), globs and templates
 * (`*`, `<name>`, `{a,b}`), and paths relative to the document. Accepted
 * besides existing paths: a vitest filter (`npx vitest run host-tests/sim/power`
 * names the files it prefixes) and the folder of a protocol registered in
 * firmware/codec/protocol-ids.ts that is still being written.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { PROTOCOL_NAMES } from '../../firmware/codec/protocol-ids.ts';

const ROOT = path.resolve(__dirname, '../..');
const TOP = /^(firmware|configurator|host-tests|build|docs|\.ci)\//;

function docs(): string[] {
  const out = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => 'docs/' + f);
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'reports' || e.name.startsWith('.')) continue;
      const r = rel ? rel + '/' + e.name : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name === 'README.md') out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** Repository paths named in code spans of a Markdown text, with their line numbers. */
export function namedPaths(text: string): { path: string; line: number }[] {
  const out: { path: string; line: number }[] = [];
  text.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/`([^`]+)`/g)) {
      for (let tok of m[1].split(/[\s,;()=]+/)) {
        tok = tok.replace(/[.:]+$/, '').replace(/:\d+(:\d+)?$/, '').replace(/#.*$/, '');
        if (!TOP.test(tok) || /[*<>{}$[\]]/.test(tok)) continue;
        out.push({ path: tok, line: i + 1 });
      }
    }
  });
  return out;
}

/** The path exists, or (no extension) prefixes a file name in its folder, or is a registered protocol's folder. */
function resolves(p: string): boolean {
  if (fs.existsSync(path.join(ROOT, p))) return true;
  const base = path.basename(p);
  const dir = path.join(ROOT, path.dirname(p));
  if (!base.includes('.') && fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.startsWith(base))) return true;
  return Object.values(PROTOCOL_NAMES).some((n) => p === `firmware/protocols/${n}/`);
}

describe('paths named in the docs', () => {
  it('the scanner finds paths, and only paths rooted at a project folder', () => {
    const found = namedPaths('see `firmware/ports/ports.ts:12` and `npx vitest run host-tests/sim`,\n`dist/x.js` `host-tests/sim/power-*.test.ts` `../power/a.ts` `build/README.md#layout`');
    expect(resolves('host-tests/sim/power')).toBe(true);
    expect(resolves('host-tests/sim/nothing-like-this')).toBe(false);
    expect(resolves('firmware/protocols/cloud/')).toBe(true);
    expect(resolves('firmware/protocols/cloud/frames.ts')).toBe(fs.existsSync(path.join(ROOT, 'firmware/protocols/cloud/frames.ts')));
    expect(resolves('firmware/codec/error-codes.ts')).toBe(false);
    expect(found).toEqual([
      { path: 'firmware/ports/ports.ts', line: 1 },
      { path: 'host-tests/sim', line: 1 },
      { path: 'build/README.md', line: 2 },
    ]);
  });

  it('every one exists in the checkout', () => {
    const files = docs();
    expect(files).toContain('README.md');
    expect(files).toContain('docs/protocols.md');
    const missing: string[] = [];
    let checked = 0;
    for (const f of files) {
      for (const p of namedPaths(fs.readFileSync(path.join(ROOT, f), 'utf8'))) {
        checked++;
        if (!resolves(p.path)) missing.push(`${f}:${p.line}: ${p.path}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});
