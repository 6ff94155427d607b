/**
 * `nowboard keygen --protocol ecqv` and the files a flash needs for protocol 2
 * (firmware/protocols/ecqv/README.md §2, §9):
 *
 *   DIR/manifest.json          public: protocol "ecqv", suite, the CA key Q_CA, one entry per device (id, 8-byte deviceId, group)
 *   DIR/configurator.key.json  secret: d_CA, the master secret of the request keys, key mode, validity, clock base (0600)
 *   DIR/devices/<id>.json      secret: the device's request key K_U and the pinned Q_CA (0600)
 *   DIR/devices/<id>/          that device's Storage files (its identity, slot-framed), for flash.sh
 *   DIR/configs.json           the configuration store (as for every protocol)
 *
 * Keys are made with the firmware's own ECQV suite (the boards read them with
 * the same code) from node:crypto randomness. Everything read back is
 * validated; a corrupt file is a CliError naming it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './cli-errors.ts';
import { FlagValues } from './args.ts';
import { MANIFEST_FORMAT, readManifest, readJson, writeSecretJson, fromHexField, toHex } from './manifest.ts';
import { CONFIGS_FORMAT, ConfigStoreFile, readConfigStore, resolveConfig } from './config-store-file.ts';
import { writeFilesTo } from './device-files.ts';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { requestKey, KEYMODE_PER_DEVICE, KEYMODE_SHARED } from '../../firmware/protocols/ecqv/keys.ts';
import { encodeIdentity, encodeCaIdentity, encodeDevices, DeviceEntry } from '../../firmware/protocols/ecqv/records.ts';
import { DEVICES_FILE } from '../../firmware/protocols/ecqv/configurator.ts';
import { SUITE_P256, SUITE_SECP160K1 } from '../../firmware/protocols/ecqv/frames.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { CA_KEY_FILE } from '../app/ecqv/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';

export const CURVES: Record<string, number> = { p256: SUITE_P256, secp160k1: SUITE_SECP160K1 };
/** Compressed point bytes per suite (Q_CA in the manifest). */
export const POINT_BYTES: Record<number, number> = { 1: 33, 2: 21 };

export interface EcqvDeviceSecret {
  id: string;
  protocol: 'ecqv';
  suite: number;
  deviceId: string;
  requestKey: string;
  caPublicKey: string;
}

export interface EcqvCaKeyFile {
  protocol: 'ecqv';
  suite: number;
  privateKey: string;
  publicKey: string;
  master: string;
  keyMode: 'per-device' | 'shared';
  validityHours: number;
  clockBase: number;
}

export const SHARED_KEY_WARNING =
  'WARNING: --shared-request-key gives every device the same request key (paper 002 §4.3): one board taken apart can request certificates for every id in the batch. Use per-device keys unless you must interoperate.';

export function cmdKeygenEcqv(flags: FlagValues, out: (s: string) => void): number {
  const dir = flags.out as string;
  const suite = CURVES[(flags.curve as string) ?? 'p256'];
  if (!suite) throw new CliError('E_FLAG_VALUE', `--curve must be one of ${Object.keys(CURVES).join(', ')}`);
  const days = (flags['validity-days'] as number | undefined) ?? 365;
  if (!Number.isInteger(days) || days < 1 || days * 24 > 65535) throw new CliError('E_FLAG_VALUE', '--validity-days must be 1..2730');
  const clockBase = (flags['clock-base'] as number | undefined) ?? Math.floor(Date.now() / 1000);
  const shared = !!flags['shared-request-key'];
  const s = ecqvFirmwareSuite(suite);
  const rand = (n: number) => new Uint8Array(randomBytes(n));
  const kp = s.request(rand); // a key pair: d in [1, n−1], d·G compressed
  const master = rand(32);
  const mode = shared ? KEYMODE_SHARED : KEYMODE_PER_DEVICE;
  const group = flags.group as string;
  const prefix = flags.prefix as string;
  fs.mkdirSync(path.join(dir, 'devices'), { recursive: true });
  const caFile: EcqvCaKeyFile = {
    protocol: 'ecqv', suite, privateKey: toHex(kp.kU), publicKey: toHex(kp.RU), master: toHex(master),
    keyMode: shared ? 'shared' : 'per-device', validityHours: days * 24, clockBase,
  };
  writeSecretJson(path.join(dir, 'configurator.key.json'), caFile);
  const used = new Set<string>();
  const devices: { id: string; protocol: string; deviceId: string; group: string }[] = [];
  for (let i = 1; i <= (flags.count as number); i++) {
    const id = prefix + String(i).padStart(4, '0');
    let U = rand(8);
    while (used.has(toHex(U))) U = rand(8);
    used.add(toHex(U));
    const kU = requestKey(s, master, U, mode);
    const secret: EcqvDeviceSecret = { id, protocol: 'ecqv', suite, deviceId: toHex(U), requestKey: toHex(kU), caPublicKey: toHex(kp.RU) };
    writeSecretJson(path.join(dir, 'devices', id + '.json'), secret);
    writeFilesTo(path.join(dir, 'devices', id), slotFiles({ [IDENTITY_FILE]: encodeIdentity({ suite, U, kU, caPub: kp.RU }) }));
    devices.push({ id, protocol: 'ecqv', deviceId: toHex(U), group });
  }
  const manifest = { format: MANIFEST_FORMAT, created: new Date().toISOString(), protocol: 'ecqv', suite, configurator: { publicKey: toHex(kp.RU) }, devices };
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const store: ConfigStoreFile = {
    format: CONFIGS_FORMAT,
    groups: { [group]: { version: 1, ssid: flags.ssid as string, psk: randomBytes(12).toString('base64url'), app: { mqtt: 'mqtt://broker.local' } } },
    devices: {},
  };
  if (flags['per-device-wifi']) for (const d of devices) store.devices[d.id] = { psk: randomBytes(12).toString('base64url') };
  writeSecretJson(path.join(dir, 'configs.json'), store);
  if (shared) out(SHARED_KEY_WARNING);
  out(`wrote ${devices.length} ECQV identities (${suite === 1 ? 'P-256' : 'secp160k1'}, ${shared ? 'shared' : 'per-device'} request keys, certificates valid ${days} days), manifest.json, configs.json and configurator.key.json to ${dir}`);
  return 0;
}

/** A device's secret file, checked: its request key is the one the CA derives, its CA key the manifest's. */
export function readEcqvDeviceSecret(dir: string, id: string): EcqvDeviceSecret {
  const file = path.join(dir, 'devices', id + '.json');
  const v = readJson(file) as EcqvDeviceSecret;
  if (!v || v.protocol !== 'ecqv' || !POINT_BYTES[v.suite]) throw new CliError('E_FILE_CORRUPT', `${file}: not an ecqv device secret (protocol, suite)`);
  const U = fromHexField(v.deviceId, 8, `${file}: deviceId`);
  const kU = fromHexField(v.requestKey, 32, `${file}: requestKey`);
  fromHexField(v.caPublicKey, POINT_BYTES[v.suite], `${file}: caPublicKey`);
  const ca = readEcqvCaKey(dir);
  const want = requestKey(ecqvFirmwareSuite(ca.suite), fromHexField(ca.master, 32, 'master'), U, ca.keyMode === 'shared' ? KEYMODE_SHARED : KEYMODE_PER_DEVICE);
  if (toHex(want) !== toHex(kU)) throw new CliError('E_FILE_CORRUPT', `${file}: requestKey is not the CA's key for deviceId ${v.deviceId}`);
  if (v.caPublicKey !== ca.publicKey) throw new CliError('E_FILE_CORRUPT', `${file}: caPublicKey is not the batch's CA key`);
  return v;
}

export function readEcqvCaKey(dir: string): EcqvCaKeyFile {
  const file = path.join(dir, 'configurator.key.json');
  const v = readJson(file) as EcqvCaKeyFile;
  if (!v || v.protocol !== 'ecqv' || !POINT_BYTES[v.suite]) throw new CliError('E_FILE_CORRUPT', `${file}: not an ecqv CA key (protocol, suite)`);
  const s = ecqvFirmwareSuite(v.suite);
  const d = fromHexField(v.privateKey, s.sc, `${file}: privateKey`);
  fromHexField(v.master, 32, `${file}: master`);
  let pub: Uint8Array;
  try {
    pub = s.publicKey(d);
  } catch {
    throw new CliError('E_FILE_CORRUPT', `${file}: privateKey is not a valid scalar`);
  }
  if (toHex(pub) !== v.publicKey) throw new CliError('E_FILE_CORRUPT', `${file}: publicKey does not belong to privateKey`);
  if (v.keyMode !== 'per-device' && v.keyMode !== 'shared') throw new CliError('E_FILE_CORRUPT', `${file}: keyMode must be per-device or shared`);
  if (!Number.isInteger(v.validityHours) || v.validityHours < 1 || v.validityHours > 65535) throw new CliError('E_FILE_CORRUPT', `${file}: validityHours must be 1..65535`);
  if (!Number.isInteger(v.clockBase) || v.clockBase < 0 || v.clockBase > 0xffffffff) throw new CliError('E_FILE_CORRUPT', `${file}: clockBase must be a u32`);
  return v;
}

/** The CA's Storage files from the batch directory: key file, device list, configuration store (devices by hex id). */
export function ecqvConfiguratorStorageFiles(dir: string): Record<string, Uint8Array> {
  const m = readManifest(path.join(dir, 'manifest.json'));
  const ca = readEcqvCaKey(dir);
  if (ca.publicKey !== m.configurator.publicKey) throw new CliError('E_FILE_CORRUPT', `${dir}: configurator.key.json is not the manifest's CA`);
  const store = readConfigStore(path.join(dir, 'configs.json'));
  const entries: DeviceEntry[] = [];
  const devices: Record<string, unknown> = {};
  const groups: Record<string, unknown> = {};
  for (const d of m.devices) {
    const hx = d.deviceId as string;
    entries.push({ U: fromHexField(hx, 8, 'deviceId'), group: d.group, revoked: false });
    if (store.devices[d.id]) {
      const r = resolveConfig(store, d.id, d.group);
      if (r) devices[hx] = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
    }
  }
  for (const [g, r] of Object.entries(store.groups)) groups[g] = { version: r.version, ssid: r.ssid, psk: r.psk, settings: r.app };
  return slotFiles({
    [CA_KEY_FILE]: encodeCaIdentity({
      suite: ca.suite, mode: ca.keyMode === 'shared' ? KEYMODE_SHARED : KEYMODE_PER_DEVICE, hours: ca.validityHours, clockBase: ca.clockBase,
      dCA: fromHexField(ca.privateKey, ecqvFirmwareSuite(ca.suite).sc, 'privateKey'), caPub: fromHexField(ca.publicKey, POINT_BYTES[ca.suite], 'publicKey'),
      master: fromHexField(ca.master, 32, 'master'),
    }),
    [DEVICES_FILE]: encodeDevices(0, entries),
    [STORE_FILE]: new Uint8Array(Buffer.from(JSON.stringify({ groups, devices }))),
  });
}
