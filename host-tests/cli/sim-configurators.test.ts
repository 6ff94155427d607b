/**
 * Issue 13 part 5: `nowboard sim --configurator host|esp32|host,esp32` —
 * esp32 is the configurator bundle on a simulated ESP32 (the default), host is
 * `nowboard serve`'s engine over the simulator's transport, and both together
 * are printed side by side. Bad values are typed errors (E_FLAG_VALUE, exit 2)
 * raised before anything runs.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../configurator/cli/nowboard.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { configuratorKinds } from '../../configurator/cli/sim-configurators.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-simcfg-'));
const run = async (argv: string[]) => {
  const lines: string[] = [];
  const code = await main(argv, (s) => lines.push(s));
  return { code, text: lines.join('\n') };
};
async function cliError(argv: string[]): Promise<CliError> {
  const e = await run(argv).then(
    () => null,
    (x) => x,
  );
  expect(e, 'expected a CliError from: ' + argv.join(' ')).toBeInstanceOf(CliError);
  return e as CliError;
}

/** The side-by-side table's row for a configurator, as cells. */
function row(text: string, label: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(label));
  expect(line, `no row "${label}" in:\n${text}`).toBeTruthy();
  return line!.slice(label.length).trim().split(/\s{2,}/);
}

describe('nowboard sim --configurator', () => {
  it('parses one kind or both, in the order given', () => {
    expect(configuratorKinds('esp32')).toEqual(['esp32']);
    expect(configuratorKinds('host')).toEqual(['host']);
    expect(configuratorKinds('host,esp32')).toEqual(['host', 'esp32']);
    expect(configuratorKinds(' esp32 , host ')).toEqual(['esp32', 'host']);
  });

  it('bad values are E_FLAG_VALUE before anything runs', async () => {
    const dir = path.join(tmp(), 'out');
    for (const [v, msg] of [
      ['arm', /unknown configurator "arm"/],
      ['host,host', /host named twice/],
      ['', /names no configurator/],
      ['host,', /names no configurator/],
      ['ESP32', /unknown configurator "ESP32"/],
    ] as const) {
      const e = await cliError(['sim', '--quiet', '--configurator', v, '--count', '1', '--out', dir]);
      expect(e.code).toBe('E_FLAG_VALUE');
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(msg);
    }
    const noValue = await cliError(['sim', '--configurator']);
    expect(noValue.code).toBe('E_FLAG_VALUE');
    // serve is one whitelist configurator.
    const several = await cliError(['sim', '--quiet', '--configurator', 'host', '--configurators', '2', '--out', dir]);
    expect(several.code).toBe('E_FLAG_VALUE');
    expect(several.message).toMatch(/--configurators 2/);
    const other = await cliError(['sim', '--quiet', '--configurator', 'host', '--protocol', 'all', '--out', dir]);
    expect(other.code).toBe('E_FLAG_VALUE');
    expect(other.message).toMatch(/whitelist protocol only/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('host: serve\'s engine provisions the batch over the simulator', async () => {
    const r = await run(['sim', '--quiet', '--configurator', 'host', '--count', '3', '--loss', '0', '--seed', 'simcfg-host']);
    expect(r.code).toBe(0);
    expect(r.text).toContain('--- configurator host');
    expect(r.text).toMatch(/3\/3 enrollees provisioned by the host configurator/);
    expect(r.text).not.toContain('--- configurator esp32');
    // Host-speed key agreement: two X25519 per session, on the host suite.
    expect(r.text).toMatch(/6 X25519 for 3 sessions/);
  });

  it('host,esp32: both run and are printed side by side; the host is the faster one', async () => {
    const r = await run(['sim', '--quiet', '--configurator', 'host,esp32', '--count', '3', '--loss', '0', '--seed', 'simcfg-both', '--out', tmp()]);
    expect(r.code).toBe(0);
    const host = row(r.text, 'host (nowboard serve)');
    const esp = row(r.text, 'esp32 (bundle)');
    expect(host[0]).toBe('3/3');
    expect(esp[0]).toBe('3/3');
    const secs = (c: string) => Number(c.replace(' s', ''));
    expect(secs(host[1])).toBeGreaterThan(0);
    expect(secs(host[1])).toBeLessThan(secs(esp[1]));
    // The ESP32 bundle's configurator CPU is its X25519s (tens of seconds); serve's is milliseconds.
    expect(secs(esp[3])).toBeGreaterThan(10);
    expect(secs(host[3])).toBeLessThan(1);
    // The bundle's pool: fewer than two X25519 per session.
    expect(Number(esp[5])).toBeLessThan(2);
    expect(r.text).toMatch(/host makespan = 0\.\d+ × the ESP32 configurator's/);
  });

  it('esp32 (the default) is the existing report', async () => {
    const dir = tmp();
    const r = await run(['sim', '--quiet', '--configurator', 'esp32', '--count', '2', '--loss', '0', '--seed', 'simcfg-esp', '--out', dir]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/2\/2 enrollees provisioned/);
    expect(fs.existsSync(path.join(dir, 'sim-report.md'))).toBe(true);
  });
});
