/**
 * The batch manifest and the files `nowboard keygen` writes.
 *
 *   DIR/manifest.json        public: the batch's protocol, the configurator public key, one
 *                            entry per device (id, protocol, X25519 public key, SHA-256 of it, group)
 *   DIR/configurator.key.json secret: the configurator's static X25519 private key (mode 0600)
 *   DIR/devices/<id>.json    secret: the device's private key (host form, mode 0600)
 *
 * Everything read back is validated by the zod schemas of schemas.ts (the
 * manifest's devices are a discriminated union on `protocol`); a corrupt or
 * hand-edited file gives a CliError naming the file and the field, never a
 * stack trace.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { CliError } from './cli-errors.ts';
import { manifestSchema, withManifestDefaults, deviceSecretSchema, configuratorKeySchema, parseWith } from './schemas.ts';

export const MANIFEST_FORMAT = 'nowboard-manifest/1';

export interface DeviceEntry {
  id: string;
  /** the protocol this device is provisioned with (`--protocol NAME`) */
  protocol: string;
  /** whitelist: the device's X25519 key and its SHA-256 */
  publicKey: string;
  keyHash: string;
  /** ecqv: the 8-byte device id (hex) its certificate will name */
  deviceId?: string;
  group: string;
}
export interface Manifest {
  format: string;
  created: string;
  /** the batch's protocol; every device names its own too */
  protocol: string;
  suite: number;
  configurator: { publicKey: string };
  devices: DeviceEntry[];
}
export interface DeviceSecret {
  id: string;
  privateKey: string;
  publicKey: string;
  configuratorPublicKey: string;
}

export const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export function fromHexField(v: unknown, bytes: number, where: string): Uint8Array {
  if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-f]+$/i.test(v)) {
    throw new CliError('E_FILE_CORRUPT', `${where}: expected ${bytes} bytes of hex`);
  }
  return new Uint8Array(Buffer.from(v, 'hex'));
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError('E_FILE_MISSING', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError('E_FILE_CORRUPT', `${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function writeSecretJson(file: string, value: unknown): void {
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
}

export function validateManifest(v: unknown, file: string): Manifest {
  if (!v || typeof v !== 'object' || (v as { format?: unknown }).format !== MANIFEST_FORMAT) {
    throw new CliError('E_MANIFEST', `${file}: not a nowboard manifest (format must be "${MANIFEST_FORMAT}")`);
  }
  const m = withManifestDefaults(v) as { protocol?: unknown; devices?: unknown };
  // A device of another protocol would otherwise be parsed against that
  // protocol's device object and reported by a field it lacks; name the real fault.
  if (Array.isArray(m.devices)) {
    m.devices.forEach((d, i) => {
      const p = d && typeof d === 'object' ? (d as { protocol?: unknown }).protocol : undefined;
      if (typeof p === 'string' && typeof m.protocol === 'string' && p !== m.protocol) {
        throw new CliError('E_MANIFEST', `${file}: devices[${i}].protocol: "${p}" differs from the batch's "${m.protocol}"`);
      }
    });
  }
  return parseWith(manifestSchema, m, file, 'E_MANIFEST') as Manifest;
}

export function readManifest(file: string): Manifest {
  return validateManifest(readJson(file), file);
}

export function readDeviceSecret(dir: string, id: string): DeviceSecret {
  const file = path.join(dir, 'devices', id + '.json');
  const v = parseWith(deviceSecretSchema, readJson(file), file, 'E_FILE_CORRUPT');
  if (v.id !== id) throw new CliError('E_FILE_CORRUPT', `${file}: id: "${v.id}" is not the device "${id}" the file is named for`);
  const priv = fromHexField(v.privateKey, 32, `${file}: privateKey`);
  const pub = fromHexField(v.publicKey, 32, `${file}: publicKey`);
  if (toHex(x25519.getPublicKey(priv)) !== toHex(pub)) {
    throw new CliError('E_FILE_CORRUPT', `${file}: publicKey: does not belong to privateKey`);
  }
  return v;
}

export function readConfiguratorKey(dir: string): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const file = path.join(dir, 'configurator.key.json');
  const v = parseWith(configuratorKeySchema, readJson(file), file, 'E_FILE_CORRUPT');
  const priv = fromHexField(v.privateKey, 32, `${file}: privateKey`);
  const pub = fromHexField(v.publicKey, 32, `${file}: publicKey`);
  if (toHex(x25519.getPublicKey(priv)) !== toHex(pub)) {
    throw new CliError('E_FILE_CORRUPT', `${file}: publicKey: does not belong to privateKey`);
  }
  return { privateKey: priv, publicKey: pub };
}

/** Make a batch of identities in memory (keygen writes them; sim may use them directly). */
export function makeBatch(count: number, opts: { prefix?: string; group?: string; configuratorPrivate?: Uint8Array; random?: (n: number) => Uint8Array } = {}) {
  const rand = opts.random ?? ((n: number) => x25519.utils.randomSecretKey().subarray(0, n));
  const cPriv = opts.configuratorPrivate ?? rand(32);
  const cPub = x25519.getPublicKey(cPriv);
  const prefix = opts.prefix ?? 'dev-';
  const devices: DeviceEntry[] = [];
  const secrets: DeviceSecret[] = [];
  for (let i = 1; i <= count; i++) {
    const id = prefix + String(i).padStart(4, '0');
    const priv = rand(32);
    const pub = x25519.getPublicKey(priv);
    devices.push({ id, protocol: 'whitelist', publicKey: toHex(pub), keyHash: toHex(sha256(pub)), group: opts.group ?? 'default' });
    secrets.push({ id, privateKey: toHex(priv), publicKey: toHex(pub), configuratorPublicKey: toHex(cPub) });
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    created: new Date().toISOString(),
    protocol: 'whitelist',
    suite: 1,
    configurator: { publicKey: toHex(cPub) },
    devices,
  };
  return { manifest, secrets, configurator: { privateKey: cPriv, publicKey: cPub } };
}
