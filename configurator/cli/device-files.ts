/**
 * The Storage files a real board is flashed with, built with the same encoders
 * and two-slot framing the firmware reads (so a freshly flashed board sees a
 * valid slot 0). Shares the framing with the simulator's batch (configurator/batch/whitelist-batch.ts).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { encodeIdentity } from '../../firmware/protocols/whitelist/records.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { DeviceSecret, fromHexField } from './manifest.ts';

export function identityBytes(s: DeviceSecret): Uint8Array {
  const e = fromHexField(s.privateKey, 32, `${s.id}.privateKey`);
  const C = fromHexField(s.configuratorPublicKey, 32, `${s.id}.configuratorPublicKey`);
  return encodeIdentity({ e, E: x25519.getPublicKey(e), C, ss: x25519.getSharedSecret(e, C) });
}

/** Raw Storage files for one enrollee: its identity, slot-framed. */
export function deviceStorageFiles(s: DeviceSecret): Record<string, Uint8Array> {
  return slotFiles({ [IDENTITY_FILE]: identityBytes(s) });
}

import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeConfiguratorIdentity, encodeWhitelist, WhitelistEntry } from '../../firmware/protocols/whitelist/records.ts';
import { WHITELIST_FILE } from '../../firmware/protocols/whitelist/configurator.ts';
import { KEY_FILE } from '../app/whitelist/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { readManifest, readConfiguratorKey } from './manifest.ts';
import { readWhitelist } from './whitelist-file.ts';
import { readConfigStore, resolveConfig } from './config-store-file.ts';

/**
 * The configurator's Storage files from the batch directory as it is now (so a
 * revoke done with `nowboard whitelist revoke` reaches the board at the next flash):
 * its key, the whitelist (with ss precomputed, as the board would compute it),
 * and the configuration store with every device's resolved record.
 */
export function configuratorStorageFiles(dir: string): Record<string, Uint8Array> {
  const m = readManifest(path.join(dir, 'manifest.json'));
  const key = readConfiguratorKey(dir);
  const wl = readWhitelist(path.join(dir, 'whitelist.json'));
  const store = readConfigStore(path.join(dir, 'configs.json'));
  const entries: WhitelistEntry[] = [];
  const devices: Record<string, unknown> = {};
  const groups: Record<string, unknown> = {};
  for (const e of wl.entries) {
    const d = m.devices.find((x) => x.id === e.id);
    const pub = d ? new Uint8Array(Buffer.from(d.publicKey, 'hex')) : null;
    entries.push({
      hash: new Uint8Array(Buffer.from(e.keyHash, 'hex')),
      ss: pub && e.status === 'active' ? x25519.getSharedSecret(key.privateKey, pub) : null,
      group: e.group,
      revoked: e.status === 'revoked',
    });
    if (pub && Buffer.from(sha256(pub)).toString('hex') !== e.keyHash) continue;
    if (store.devices[e.id]) {
      const r = resolveConfig(store, e.id, e.group);
      if (r) devices[e.keyHash] = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
    }
  }
  for (const [g, r] of Object.entries(store.groups)) groups[g] = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
  return slotFiles({
    [KEY_FILE]: encodeConfiguratorIdentity({ c: key.privateKey, C: key.publicKey }),
    [WHITELIST_FILE]: encodeWhitelist(entries),
    [STORE_FILE]: new Uint8Array(Buffer.from(JSON.stringify({ groups, devices }))),
  });
}

export function writeFilesTo(dirOut: string, files: Record<string, Uint8Array>): void {
  fs.mkdirSync(dirOut, { recursive: true });
  for (const f of fs.readdirSync(dirOut)) fs.unlinkSync(path.join(dirOut, f));
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dirOut, name), bytes, { mode: 0o600 });
}
