/** Batches for serve's tests and its bench: in memory (seeded), or a directory written by `nowboard keygen`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBatch, DeviceSecret } from '../../configurator/cli/manifest.ts';
import { whitelistFromManifest } from '../../configurator/cli/whitelist-file.ts';
import { CONFIGS_FORMAT, ConfigStoreFile } from '../../configurator/cli/config-store-file.ts';
import { batchFromParts, BatchInput } from '../../configurator/serve/batch-input.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';
import { main } from '../../configurator/cli/nowboard.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ENROLLEE_BUNDLE = path.join(ROOT, 'dist/espruino/whitelist/enrollee.js');

export function enrolleeSrc(): string {
  return fs.readFileSync(ENROLLEE_BUNDLE, 'utf8');
}

/** A whole batch in memory: keys from a seeded stream, one group "default" at version 1. */
export function memoryBatch(count: number, seed: string): { input: BatchInput; secrets: Map<string, DeviceSecret> } {
  const rng = makeRng(seed);
  const random = (n: number) => {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = rng.int(256);
    return b;
  };
  const b = makeBatch(count, { random });
  const store: ConfigStoreFile = {
    format: CONFIGS_FORMAT,
    groups: { default: { version: 1, ssid: 'nowboard-lab', psk: 'correct horse battery', app: { mqtt: 'mqtt://broker.local' } } },
    devices: {},
  };
  const input = batchFromParts(b.manifest, b.configurator, whitelistFromManifest(b.manifest), store, {
    dir: null, manifest: 'manifest.json', key: 'configurator.key.json', whitelist: 'whitelist.json', configs: 'configs.json',
  });
  return { input, secrets: new Map(b.secrets.map((s) => [s.id, s])) };
}

/** A fresh temp directory holding a batch made by `nowboard keygen`. */
export async function keygenDir(count: number, extra: string[] = []): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-serve-'));
  const out: string[] = [];
  const code = await main(['keygen', '--count', String(count), '--out', dir, '--force', ...extra], (s) => out.push(s));
  if (code !== 0) throw new Error('keygen failed: ' + out.join('\n'));
  return dir;
}

/** The configs.json of a batch directory with the group's PSK set to the simulator's test network. */
export function setGroupConfig(dir: string, patch: { version?: number; ssid?: string; psk?: string }): void {
  const file = path.join(dir, 'configs.json');
  const s = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const g of Object.keys(s.groups)) Object.assign(s.groups[g], patch);
  fs.writeFileSync(file, JSON.stringify(s, null, 2) + '\n');
}
