/**
 * `nowboard serve`'s input: the batch directory `nowboard keygen` wrote, read and
 * cross-checked completely before anything is sent. Any fault is a CliError
 * naming the file and the field; serve then exits without opening a transport.
 *
 *   manifest.json          the devices (id, public key, its SHA-256, group)
 *   configurator.key.json  the configurator's static X25519 key; must be the manifest's
 *   whitelist.json         which devices are served (active) or refused (revoked)
 *   configs.json           each device's configuration: its group's, with its own overrides
 *
 * A device is served only if the whitelist lists it (as `configuratorStorageFiles`
 * does for a configurator board); every active entry must be in the manifest
 * with the same key hash and must resolve to a configuration the protocol can
 * carry (the record encoder is the judge, firmware/codec/config-record.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from '../cli/cli-errors.ts';
import { readManifest, readConfiguratorKey, readDeviceSecret, toHex, Manifest, DeviceSecret } from '../cli/manifest.ts';
import { readWhitelist, WhitelistFile } from '../cli/whitelist-file.ts';
import { readConfigStore, resolveConfig, validateRecord, ConfigStoreFile } from '../cli/config-store-file.ts';
import { encodeConfig, WlConfig } from '../../firmware/protocols/whitelist/records.ts';

export interface ServeDevice {
  id: string;
  /** hex SHA-256 of the public key: how the configurator core and its audit name the device */
  keyHash: string;
  publicKey: Uint8Array;
  group: string;
  revoked: boolean;
  /** the configuration it should hold (null for a revoked device) */
  config: WlConfig | null;
}

export interface BatchInput {
  /** the batch directory (null for a batch made in memory: benches, tests) */
  dir: string | null;
  protocol: string;
  configurator: { privateKey: Uint8Array; publicKey: Uint8Array };
  devices: ServeDevice[];
}

export const BATCH_FILES = ['manifest.json', 'configurator.key.json', 'whitelist.json', 'configs.json'];

/** serve runs the whitelist protocol's configurator; a batch of another protocol is refused before anything else is read. */
function requireWhitelist(m: Manifest, file: string): void {
  if (m.protocol !== 'whitelist') {
    throw new CliError('E_MANIFEST', `${file}: a "${m.protocol}" batch; nowboard serve runs the whitelist configurator only in this version`);
  }
}

/** The parts of a batch, already validated one by one, checked against each other. */
export function batchFromParts(
  m: Manifest,
  key: { privateKey: Uint8Array; publicKey: Uint8Array },
  wl: WhitelistFile,
  store: ConfigStoreFile,
  where: { dir: string | null; manifest: string; key: string; whitelist: string; configs: string },
): BatchInput {
  requireWhitelist(m, where.manifest);
  if (toHex(key.publicKey) !== String(m.configurator.publicKey).toLowerCase()) {
    throw new CliError('E_FILE_CORRUPT', `${where.key}: this key is not the batch's configurator (${where.manifest} names another public key)`);
  }
  const byId = new Map(m.devices.map((d) => [d.id, d]));
  const seen = new Set<string>();
  const devices: ServeDevice[] = [];
  wl.entries.forEach((e, i) => {
    const at = `${where.whitelist}: entries[${i}] (${e.id})`;
    if (seen.has(e.id)) throw new CliError('E_WHITELIST', `${at}: listed twice`);
    seen.add(e.id);
    const d = byId.get(e.id);
    if (!d) throw new CliError('E_WHITELIST', `${at}: no such device in ${where.manifest}`);
    if (String(e.keyHash).toLowerCase() !== String(d.keyHash).toLowerCase()) {
      throw new CliError('E_WHITELIST', `${at}: keyHash differs from the manifest's`);
    }
    if (typeof e.group !== 'string' || !e.group) throw new CliError('E_WHITELIST', `${at}: group must be a non-empty string`);
    const revoked = e.status === 'revoked';
    let config: WlConfig | null = null;
    if (!revoked) {
      const r = resolveConfig(store, e.id, e.group);
      if (!r) throw new CliError('E_FILE_CORRUPT', `${where.configs}: no configuration for group "${e.group}" of device ${e.id}`);
      validateRecord(r, `${where.configs}: ${e.id} (group ${e.group} with its overrides)`, false);
      config = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
      try {
        encodeConfig(config);
      } catch (err) {
        throw new CliError('E_FILE_CORRUPT', `${where.configs}: the configuration of ${e.id} cannot be sent: ${(err as Error).message}`);
      }
    }
    devices.push({
      id: e.id,
      keyHash: String(d.keyHash).toLowerCase(),
      publicKey: new Uint8Array(Buffer.from(d.publicKey, 'hex')),
      group: e.group,
      revoked,
      config,
    });
  });
  return { dir: where.dir, protocol: m.protocol, configurator: key, devices };
}

/** Read and check the batch directory; throws CliError before anything else happens. */
export function readBatchDir(dir: string): BatchInput {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    throw new CliError('E_FILE_MISSING', `batch directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!st.isDirectory()) throw new CliError('E_FILE_MISSING', `${dir} is not a directory (pass the directory nowboard keygen wrote)`);
  const where = {
    dir,
    manifest: path.join(dir, 'manifest.json'),
    key: path.join(dir, 'configurator.key.json'),
    whitelist: path.join(dir, 'whitelist.json'),
    configs: path.join(dir, 'configs.json'),
  };
  const m = readManifest(where.manifest);
  requireWhitelist(m, where.manifest);
  const key = readConfiguratorKey(dir);
  const wl = readWhitelist(where.whitelist);
  const store = readConfigStore(where.configs);
  return batchFromParts(m, key, wl, store, where);
}

/** The device secrets the simulator flashes its enrollees with (DIR/devices/<id>.json), each checked. */
export function readDeviceSecrets(input: BatchInput, ids: string[]): Map<string, DeviceSecret> {
  if (!input.dir) throw new CliError('E_FILE_MISSING', 'this batch has no directory to read device secrets from');
  const out = new Map<string, DeviceSecret>();
  for (const id of ids) {
    const s = readDeviceSecret(input.dir, id);
    const d = input.devices.find((x) => x.id === id);
    if (d && s.publicKey.toLowerCase() !== toHex(d.publicKey)) {
      throw new CliError('E_FILE_CORRUPT', `${path.join(input.dir, 'devices', id + '.json')}: publicKey differs from the manifest's`);
    }
    if (s.configuratorPublicKey.toLowerCase() !== toHex(input.configurator.publicKey)) {
      throw new CliError('E_FILE_CORRUPT', `${path.join(input.dir, 'devices', id + '.json')}: pins a configurator key other than this batch's`);
    }
    out.set(id, s);
  }
  return out;
}
