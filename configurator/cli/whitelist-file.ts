/**
 * The configurator's whitelist file: SHA-256 hashes of enrollee public keys
 * (paper 003's whitelist), with a status so a revoked device stays on record.
 */
import fs from 'node:fs';
import { CliError } from './cli-errors.ts';
import { Manifest, readJson } from './manifest.ts';
import { whitelistSchema, parseWith } from './schemas.ts';

export const WHITELIST_FORMAT = 'nowboard-whitelist/1';

export interface WhitelistEntry {
  id: string;
  keyHash: string;
  group: string;
  status: 'active' | 'revoked';
  changed: string;
}
export interface WhitelistFile {
  format: string;
  entries: WhitelistEntry[];
}

export function whitelistFromManifest(m: Manifest, now = new Date()): WhitelistFile {
  return {
    format: WHITELIST_FORMAT,
    entries: m.devices.map((d) => ({ id: d.id, keyHash: d.keyHash, group: d.group, status: 'active', changed: now.toISOString() })),
  };
}

export function readWhitelist(file: string): WhitelistFile {
  const w = readJson(file) as WhitelistFile;
  if (!w || typeof w !== 'object' || w.format !== WHITELIST_FORMAT) {
    throw new CliError('E_WHITELIST', `${file}: not a nowboard whitelist (format must be "${WHITELIST_FORMAT}")`);
  }
  return parseWith(whitelistSchema, w, file, 'E_WHITELIST');
}

/**
 * Replace atomically (write a temp file, then rename) so a crash never leaves
 * half a whitelist; validated first, so the CLI never writes one it would refuse.
 */
export function writeWhitelist(file: string, w: WhitelistFile): void {
  parseWith(whitelistSchema, w, file, 'E_WHITELIST');
  const tmp = file + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(w, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

export function setStatus(w: WhitelistFile, id: string, status: 'active' | 'revoked', m?: Manifest, now = new Date()): WhitelistFile {
  const e = w.entries.find((x) => x.id === id);
  if (e) {
    e.status = status;
    e.changed = now.toISOString();
    return w;
  }
  if (status === 'revoked') throw new CliError('E_WHITELIST', `no device "${id}" in the whitelist`);
  const d = m?.devices.find((x) => x.id === id);
  if (!d) throw new CliError('E_WHITELIST', `device "${id}" is neither in the whitelist nor in the manifest (pass --manifest)`);
  w.entries.push({ id, keyHash: d.keyHash, group: d.group, status: 'active', changed: now.toISOString() });
  return w;
}
