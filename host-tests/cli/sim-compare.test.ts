/**
 * Issue 14: `nowboard sim --protocol a,b|all` runs the same batch per
 * protocol and writes one comparison table. Checked with every registered
 * protocol through the CLI, and with a fake second protocol (the whitelist
 * bundles with a configurator that computes its per-enrollee secrets at first
 * contact instead of at keygen, so its figures differ) through the same code.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { runSimBatch, deviceRows, protocolRun } from '../../configurator/cli/command-sim.ts';
import { protocolNames, hostProtocol, HostProtocol } from '../../configurator/protocols/index.ts';
import { whitelistBatch } from '../../configurator/batch/whitelist-batch.ts';
import { runEnergy, compareRows, compareMarkdown, COMPARE_HEADERS } from '../../configurator/power/provisioning-report.ts';
import { median, percentile } from '../../configurator/power/provisioning-energy.ts';

const ROOT = path.resolve(__dirname, '../..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-cmp-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};

describe('protocols side by side', () => {
  it('--protocol all: one row per registered protocol, each with its own report', async () => {
    const dir = tmp();
    const r = await run(['sim', '--quiet', '--protocol', 'all', '--count', '2', '--loss', '0', '--seed', 'cmp-all', '--out', dir]);
    const md = fs.readFileSync(path.join(dir, 'compare.md'), 'utf8');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| protocol') && !l.startsWith('| ---'));
    expect(rows.map((l) => l.split(' | ')[0].slice(2))).toEqual(protocolNames());
    // (Other protocols' own outcomes are their tests' business; the whitelist batch must succeed.)
    expect(rows.find((l) => l.startsWith('| whitelist |'))!.split(' | ')[1]).toBe('2/2');
    for (const p of protocolNames()) expect(fs.existsSync(path.join(dir, p, 'sim-report.md'))).toBe(true);
    expect(r.text).toContain('comparison: ');
  });

  it('a fake second protocol: each row holds that run\'s median, p95, latency, frames and bytes', () => {
    const wl = hostProtocol('whitelist');
    const fake: HostProtocol = {
      id: 200,
      name: 'whitelist-lazy',
      summary: 'test: the configurator computes ss at first contact',
      batch: { ...whitelistBatch, name: 'whitelist-lazy', configuratorFiles: (b, ci, o) => whitelistBatch.configuratorFiles(b, ci, { ...o, precompute: false }) },
    };
    const bundles = {
      enrollee: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/enrollee.js'), 'utf8'),
      configurator: fs.readFileSync(path.join(ROOT, 'dist/espruino/whitelist/configurator.js'), 'utf8'),
    };
    const runs = [wl, fake].map((p) => {
      const r = runSimBatch({ protocol: p, bundles, seed: 'cmp-fake', enrollees: 3, loss: 0.05, maxMs: 3600000 });
      expect(r.ok).toBe(true);
      const energy = runEnergy(r, p.steps ?? []);
      return { r, run: protocolRun(p.name, r, energy, deviceRows(r, energy)) };
    });
    const rows = compareRows(runs.map((x) => x.run));
    expect(rows.map((x) => x[0])).toEqual(['whitelist', 'whitelist-lazy']);
    const col = (name: string) => COMPARE_HEADERS.indexOf(name);
    for (let i = 0; i < 2; i++) {
      const { r } = runs[i];
      const enr = runs[i].run.energy.rows.filter((x) => x.role === 'enrollee');
      const per = enr.map((x) => x.toProvisioned!.mJ);
      expect(rows[i][col('provisioned')]).toBe('3/3');
      expect(rows[i][col('to provisioned median (J)')]).toBe((median(per)! / 1000).toFixed(3));
      expect(rows[i][col('to provisioned p95 (J)')]).toBe((percentile(per, 95)! / 1000).toFixed(3));
      const lat = r.boards.filter((b) => b.role === 'enrollee').map((b) => b.reports.find((x) => x.ev === 'provisioned')!.t - b.reports.find((x) => x.ev === 'boot')!.t);
      expect(rows[i][col('latency median (s)')]).toBe((median(lat)! / 1000).toFixed(1));
      // Frames on the air: every transmission start of every board, counted from the trace independently.
      const starts = new Set(r.trace.frames().filter((f) => f.outcome !== 'refused').map((f) => f.from + '|' + f.attempt + '|' + f.hex + '|' + Math.round(f.t)));
      expect(rows[i][col('frames on air')]).toBe(String(starts.size));
    }
    // The lazy configurator does one more X25519 per enrollee: it spends more per provisioning.
    const cfg = (i: number) => parseFloat(rows[i][col('configurator per provisioning (J)')]);
    expect(cfg(1)).toBeGreaterThan(cfg(0));
    const md = compareMarkdown(runs.map((x) => x.run), 'note');
    expect(md.split('\n').filter((l) => l.startsWith('| whitelist')).length).toBe(2);
  });

  it('bad --protocol lists are flag errors', async () => {
    for (const [spec, re] of [['nope', /unknown protocol "nope"/], ['whitelist,whitelist', /named twice/], [',', /no protocol named/]] as const) {
      const e = await run(['sim', '--protocol', spec, '--count', '1']).then(() => null, (x) => x);
      expect(e).toBeInstanceOf(CliError);
      expect(e.code).toBe('E_FLAG_VALUE');
      expect(e.message).toMatch(re);
    }
  });
});
