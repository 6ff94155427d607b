/**
 * The configuration store the configurator hands out: Wi-Fi credentials and
 * app settings per group, with per-device overrides (incl. per-device Wi-Fi
 * credentials, the future work paper 003 names). Each group/device record has a
 * version; an enrollee holding an older version is re-provisioned. Checked by
 * the zod schema in schemas.ts (configsSchema): a null record, a number where a
 * string belongs or a key "__proto__" is refused with the file and the field.
 */
import { CliError } from './cli-errors.ts';
import { readJson } from './manifest.ts';
import { configsSchema, configRecord, configOverride, parseWith } from './schemas.ts';

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

export { LIMITS } from './schemas.ts';

/**
 * One record (a group's, a device's overrides, or a resolved one) against the
 * same schema the file is read with; `partial` for overrides. `where` names the
 * file and the record in the error (E_FILE_CORRUPT).
 */
export function validateRecord(r: unknown, where: string, partial: boolean): void {
  parseWith(partial ? configOverride : configRecord, r, where, 'E_FILE_CORRUPT');
}

export function validateConfigStore(v: unknown, file: string): ConfigStoreFile {
  const s = v as ConfigStoreFile;
  if (!s || typeof s !== 'object' || s.format !== CONFIGS_FORMAT) {
    throw new CliError('E_FILE_CORRUPT', `${file}: not a nowboard configuration store (format "${CONFIGS_FORMAT}", groups, devices)`);
  }
  return parseWith(configsSchema, v, file, 'E_FILE_CORRUPT') as ConfigStoreFile;
}

export function readConfigStore(file: string): ConfigStoreFile {
  return validateConfigStore(readJson(file), file);
}

/** The record a device gets: its group's, with its own overrides on top. */
export function resolveConfig(s: ConfigStoreFile, id: string, group: string): ConfigRecord | undefined {
  // Own keys only: a group or device named like an Object.prototype member ("constructor") is not inherited.
  const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const g = own(s.groups, group) ? s.groups[group] : undefined;
  if (!g) return undefined;
  const d = own(s.devices, id) ? s.devices[id] : {};
  return {
    version: d.version ?? g.version,
    ssid: d.ssid ?? g.ssid,
    psk: d.psk ?? g.psk,
    app: Object.assign({}, g.app, d.app ?? {}),
  };
}
