/**
 * The configuration store the configurator hands out: Wi-Fi credentials and
 * app settings per group, with per-device overrides (incl. per-device Wi-Fi
 * credentials, the future work paper 003 names). Each group/device record has a
 * version; an enrollee holding an older version is re-provisioned.
 */
import { CliError } from './cli-errors.ts';
import { readJson } from './manifest.ts';

export const CONFIGS_FORMAT = 'nowboard-configs/1';

export interface ConfigRecord {
  version: number;
  ssid: string;
  psk: string;
  app: Record<string, string>;
}
export interface ConfigStoreFile {
  format: string;
  groups: Record<string, ConfigRecord>;
  devices: Record<string, Partial<ConfigRecord>>;
}

/** Limits that keep one configuration inside the protocol's fragment budget (firmware/protocols/whitelist/README.md). */
export const LIMITS = { ssid: 32, psk: 63, appKeys: 16, appKey: 32, appValue: 96 };

export function validateRecord(r: Partial<ConfigRecord>, where: string, partial: boolean): void {
  if (!partial || r.version !== undefined) {
    if (!Number.isInteger(r.version) || (r.version as number) < 1 || (r.version as number) > 0xffffffff) {
      throw new CliError('E_FILE_CORRUPT', `${where}.version must be an integer 1..2^32-1`);
    }
  }
  if (!partial || r.ssid !== undefined) {
    if (typeof r.ssid !== 'string' || r.ssid.length < 1 || Buffer.byteLength(r.ssid) > LIMITS.ssid) {
      throw new CliError('E_FILE_CORRUPT', `${where}.ssid must be 1..${LIMITS.ssid} bytes`);
    }
  }
  if (!partial || r.psk !== undefined) {
    if (typeof r.psk !== 'string' || r.psk.length < 8 || Buffer.byteLength(r.psk) > LIMITS.psk) {
      throw new CliError('E_FILE_CORRUPT', `${where}.psk must be 8..${LIMITS.psk} bytes (WPA2 passphrase)`);
    }
  }
  if (!partial || r.app !== undefined) {
    const app = r.app as Record<string, unknown>;
    if (!app || typeof app !== 'object' || Array.isArray(app)) throw new CliError('E_FILE_CORRUPT', `${where}.app must be an object of strings`);
    const keys = Object.keys(app);
    if (keys.length > LIMITS.appKeys) throw new CliError('E_FILE_CORRUPT', `${where}.app has more than ${LIMITS.appKeys} keys`);
    for (const k of keys) {
      if (Buffer.byteLength(k) > LIMITS.appKey || typeof app[k] !== 'string' || Buffer.byteLength(app[k] as string) > LIMITS.appValue) {
        throw new CliError('E_FILE_CORRUPT', `${where}.app["${k}"]: keys ≤ ${LIMITS.appKey} bytes, string values ≤ ${LIMITS.appValue} bytes`);
      }
    }
  }
}

export function validateConfigStore(v: unknown, file: string): ConfigStoreFile {
  const s = v as ConfigStoreFile;
  if (!s || s.format !== CONFIGS_FORMAT || typeof s.groups !== 'object' || typeof s.devices !== 'object') {
    throw new CliError('E_FILE_CORRUPT', `${file}: not a nowboard configuration store (format "${CONFIGS_FORMAT}", groups, devices)`);
  }
  for (const [g, r] of Object.entries(s.groups)) validateRecord(r, `${file}: groups.${g}`, false);
  for (const [d, r] of Object.entries(s.devices)) validateRecord(r, `${file}: devices.${d}`, true);
  return s;
}

export function readConfigStore(file: string): ConfigStoreFile {
  return validateConfigStore(readJson(file), file);
}

/** The record a device gets: its group's, with its own overrides on top. */
export function resolveConfig(s: ConfigStoreFile, id: string, group: string): ConfigRecord | undefined {
  const g = s.groups[group];
  if (!g) return undefined;
  const d = s.devices[id] ?? {};
  return {
    version: d.version ?? g.version,
    ssid: d.ssid ?? g.ssid,
    psk: d.psk ?? g.psk,
    app: Object.assign({}, g.app, d.app ?? {}),
  };
}
