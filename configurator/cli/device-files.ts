/**
 * The Storage files a real board is flashed with, built with the same encoders
 * and two-slot framing the firmware reads (so a freshly flashed board sees a
 * valid slot 0). Shares the framing with the simulator's batch (configurator/batch/whitelist-batch.ts),
 * and the identity derivation with it (firmware/protocols/whitelist/keygen.ts).
 * Every file is decoded again with the board's own decoder before it is
 * returned: the CLI never writes a file the board would refuse (issue 9).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { decodeIdentity, decodeWhitelist, decodeConfiguratorIdentity } from '../../firmware/protocols/whitelist/records.ts';
import { enrolleeIdentityFile } from '../../firmware/protocols/whitelist/keygen.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { codeName } from '../../firmware/protocols/whitelist/codes.ts';
import { CliError } from './cli-errors.ts';
import { DeviceSecret, fromHexField } from './manifest.ts';

/** Refuse bytes the board's decoder would refuse: `code` is the decoder's answer. */
function boardAccepts(code: number, file: string, what: string): void {
  if (code !== 0) throw new CliError('E_FILE_CORRUPT', `${file}: the board would refuse this ${what} (${codeName(code)}); nothing written`);
}

export function identityBytes(s: DeviceSecret): Uint8Array {
  const e = fromHexField(s.privateKey, 32, `${s.id}.privateKey`);
  const C = fromHexField(s.configuratorPublicKey, 32, `${s.id}.configuratorPublicKey`);
  let bytes: Uint8Array;
  try {
    bytes = enrolleeIdentityFile(e, C);
  } catch (err) {
    throw new CliError('E_FILE_CORRUPT', `devices/${s.id}.json: configuratorPublicKey: ${(err as Error).message}`);
  }
  boardAccepts(decodeIdentity(bytes).code, `devices/${s.id}`, 'identity');
  return bytes;
}

/** Raw Storage files for one enrollee: its identity, slot-framed. */
export function deviceStorageFiles(s: DeviceSecret): Record<string, Uint8Array> {
  return slotFiles({ [IDENTITY_FILE]: identityBytes(s) });
}

import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeConfiguratorIdentity, encodeWhitelist, WhitelistEntry } from '../../firmware/protocols/whitelist/records.ts';
import { storeCommands } from '../app/config-store.ts';
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
  const mf = path.join(dir, 'manifest.json');
  const wf = path.join(dir, 'whitelist.json');
  const cf = path.join(dir, 'configs.json');
  const m = readManifest(mf);
  const key = readConfiguratorKey(dir);
  const wl = readWhitelist(wf);
  const store = readConfigStore(cf);
  if (key.publicKey.length !== 32 || Buffer.from(key.publicKey).toString('hex') !== m.configurator.publicKey.toLowerCase()) {
    throw new CliError('E_MANIFEST', `${mf}: configurator.publicKey: is not the key in configurator.key.json`);
  }
  const entries: WhitelistEntry[] = [];
  const devices: Record<string, unknown> = {};
  const groups: Record<string, unknown> = {};
  const listed = new Set(wl.entries.map((e) => e.id));
  for (const id of Object.keys(store.devices)) {
    if (!listed.has(id)) throw new CliError('E_FILE_CORRUPT', `${cf}: devices.${id}: no such device in ${wf}`);
  }
  wl.entries.forEach((e, i) => {
    const d = m.devices.find((x) => x.id === e.id);
    const pub = d ? new Uint8Array(Buffer.from(d.publicKey, 'hex')) : null;
    if (pub && Buffer.from(sha256(pub)).toString('hex') !== e.keyHash.toLowerCase()) {
      throw new CliError('E_WHITELIST', `${wf}: entries[${i}].keyHash: is not the key hash of device ${e.id} in ${mf}`);
    }
    entries.push({
      hash: new Uint8Array(Buffer.from(e.keyHash, 'hex')),
      ss: pub && e.status === 'active' ? x25519.getSharedSecret(key.privateKey, pub) : null,
      group: e.group,
      revoked: e.status === 'revoked',
    });
    if (store.devices[e.id]) {
      const r = resolveConfig(store, e.id, e.group);
      if (!r) throw new CliError('E_FILE_CORRUPT', `${cf}: devices.${e.id}: its group "${e.group}" has no record in groups`);
      devices[e.keyHash.toLowerCase()] = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
    }
  });
  for (const [g, r] of Object.entries(store.groups)) groups[g] = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
  const keyBytes = encodeConfiguratorIdentity({ c: key.privateKey, C: key.publicKey });
  let wlBytes: Uint8Array;
  try {
    wlBytes = encodeWhitelist(entries);
  } catch (err) {
    throw new CliError('E_WHITELIST', `${wf}: ${(err as Error).message}`);
  }
  const storeBytes = new Uint8Array(Buffer.from(JSON.stringify({ groups, devices })));
  // The board's own decoders must accept every byte we are about to flash.
  boardAccepts(decodeConfiguratorIdentity(keyBytes).code, KEY_FILE, 'configurator key');
  boardAccepts(decodeWhitelist(wlBytes).code, wf, 'whitelist');
  const sc = storeCommands(storeBytes);
  if (sc.error || sc.bad) throw new CliError('E_FILE_CORRUPT', `${cf}: the board would refuse ${sc.bad} record(s) of this configuration store ${sc.error}; nothing written`);
  return slotFiles({ [KEY_FILE]: keyBytes, [WHITELIST_FILE]: wlBytes, [STORE_FILE]: storeBytes });
}

export function writeFilesTo(dirOut: string, files: Record<string, Uint8Array>): void {
  fs.mkdirSync(dirOut, { recursive: true });
  for (const f of fs.readdirSync(dirOut)) fs.unlinkSync(path.join(dirOut, f));
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dirOut, name), bytes, { mode: 0o600 });
}
