/**
 * `nowboard sim --configurator host|esp32|host,esp32` (issue 13 part 5): which
 * configurator serves the simulated batch.
 *
 *   esp32  the configurator bundle on a simulated ESP32 (the default; its CPU
 *          costed with the board engine's figures, configurator/power/cost-table.ts);
 *   host   `nowboard serve`'s engine (configurator/serve/serve-engine.ts) over the
 *          simulator's transport (configurator/serve/sim-transport.ts): the same
 *          core with host-speed crypto, the enrollees the same bundles on the
 *          same simulated medium;
 *   host,esp32  both, one after the other, then side by side.
 *
 * The host run makes its own batch from the seed (same count, loss and seed,
 * different keys): the comparison is of configurators, not of key bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-errors.ts';
import { makeBatch } from './manifest.ts';
import { whitelistFromManifest } from './whitelist-file.ts';
import { CONFIGS_FORMAT, ConfigStoreFile } from './config-store-file.ts';
import { REPO_ROOT } from './commands-files.ts';
import { batchFromParts, BatchInput } from '../serve/batch-input.ts';
import { simTransport } from '../serve/sim-transport.ts';
import { ServeEngine, ServeResult } from '../serve/serve-engine.ts';
import { makeRng } from '../sim/sim-rng.ts';
import { bundlePath } from '../protocols/index.ts';
import type { DeviceSecret } from './manifest.ts';

export type ConfiguratorKind = 'host' | 'esp32';
export const CONFIGURATOR_KINDS: ConfiguratorKind[] = ['host', 'esp32'];

/** `--configurator` as given: one kind, or both separated by a comma (printed side by side). */
export function configuratorKinds(spec: string): ConfiguratorKind[] {
  const names = spec.split(',').map((x) => x.trim());
  if (!names.length || names.some((n) => n === '')) {
    throw new CliError('E_FLAG_VALUE', `--configurator: "${spec}" names no configurator (one of: host, esp32, or host,esp32)`);
  }
  const seen = new Set<string>();
  return names.map((n) => {
    if (!(CONFIGURATOR_KINDS as string[]).includes(n)) {
      throw new CliError('E_FLAG_VALUE', `--configurator: unknown configurator "${n}" (one of: host, esp32, or host,esp32)`);
    }
    if (seen.has(n)) throw new CliError('E_FLAG_VALUE', `--configurator: ${n} named twice`);
    seen.add(n);
    return n as ConfiguratorKind;
  });
}

/** A whitelist batch in memory, keys drawn from the seed; one group at version 1 on the simulator's network. */
export function seededBatch(count: number, seed: string): { input: BatchInput; secrets: Map<string, DeviceSecret> } {
  const rng = makeRng('host-configurator:' + seed);
  const random = (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = rng.int(256);
    return b;
  };
  const b = makeBatch(count, { random });
  const store: ConfigStoreFile = {
    format: CONFIGS_FORMAT,
    groups: { default: { version: 1, ssid: 'nowboard-sim', psk: 'correct horse battery', app: { mqtt: 'mqtt://broker.local' } } },
    devices: {},
  };
  const input = batchFromParts(b.manifest, b.configurator, whitelistFromManifest(b.manifest), store, {
    dir: null, manifest: 'manifest.json', key: 'configurator.key.json', whitelist: 'whitelist.json', configs: 'configs.json',
  });
  return { input, secrets: new Map(b.secrets.map((s) => [s.id, s])) };
}

/** What one host-configurator run gives the table and the comparison. */
export interface HostSimRun {
  result: ServeResult;
  /** virtual ms from the start to the last device provisioned (null if not all were) */
  makespanMs: number | null;
  provisioned: number;
  total: number;
  /** serve's CPU busy time (host engine of the cost table), virtual ms */
  cpuBusyMs: number;
  x25519: number;
  sessions: number;
  frames: number;
  wallMs: number;
}

export async function runHostSim(o: { count: number; seed: string; loss: number; maxMs: number; engine?: string; enrolleeSrc?: string }): Promise<HostSimRun> {
  const src = o.enrolleeSrc ?? readBundle(bundlePath('whitelist', 'enrollee'));
  const { input, secrets } = seededBatch(o.count, o.seed);
  const t = simTransport({
    input, enrolleeSrc: src, seed: o.seed, loss: o.loss, engine: o.engine,
    devices: input.devices.map((d) => ({ id: d.id, secret: secrets.get(d.id)! })),
  });
  const w0 = Date.now();
  const r = await new ServeEngine({ input, transport: t, sinks: [], maxMs: o.maxMs }).start();
  const done = r.devices.filter((d) => d.result === 'provisioned' || d.result === 'done before');
  const makespan = done.length === r.total && done.length ? Math.max(...done.map((d) => d.doneMs ?? 0)) : null;
  return {
    result: r,
    makespanMs: makespan,
    provisioned: done.length,
    total: r.total,
    cpuBusyMs: t.hostBusyMs(),
    x25519: r.work.x25519Op ?? 0,
    sessions: r.devices.reduce((a, d) => a + d.attempts, 0),
    frames: t.world().medium.stats.sent,
    wallMs: Date.now() - w0,
  };
}

function readBundle(rel: string): string {
  const p = path.join(REPO_ROOT, rel);
  if (!fs.existsSync(p)) throw new CliError('E_BUNDLE_MISSING', `${rel} not found: run npm run build first`);
  return fs.readFileSync(p, 'utf8');
}

/** One configurator's line of the side-by-side table. */
export interface ConfiguratorRow {
  kind: ConfiguratorKind;
  provisioned: number;
  total: number;
  makespanMs: number | null;
  sessions: number;
  cpuBusyMs: number;
  x25519: number;
  frames: number;
}

export const CONFIGURATOR_HEADERS = ['configurator', 'provisioned', 'makespan', 'sessions', 'configurator CPU', 'X25519 (configurator)', 'X25519 / session', 'frames sent'];

export function configuratorCells(rows: ConfiguratorRow[]): (string | number)[][] {
  const s = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1) + ' s');
  return rows.map((r) => [
    r.kind === 'host' ? 'host (nowboard serve)' : 'esp32 (bundle)',
    `${r.provisioned}/${r.total}`,
    s(r.makespanMs),
    r.sessions,
    s(r.cpuBusyMs),
    Number(r.x25519.toFixed(1)),
    r.sessions ? (r.x25519 / r.sessions).toFixed(2) : '-',
    r.frames,
  ]);
}
