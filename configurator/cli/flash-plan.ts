/**
 * What `nowboard flash` writes to each board, checked in full before the first
 * board is touched: a batch directory with one corrupt or hand-edited file
 * gives one typed error (CliError naming the file) and nothing is sent.
 *
 *  - enrollee: its secret (devices/<id>.json) must be sound and its Storage
 *    files on disk (devices/<id>/) must be exactly what that secret gives;
 *  - configurator: its key, whitelist and configuration store must be sound;
 *  - both: the provisioning network (provisioning.json, optional), written to
 *    the board as `nb-udp.json` (docs/bindings.md): the SSID and passphrase an
 *    enrollee joins before it speaks the protocol over UDP broadcast, or the
 *    access point a configurator starts itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-errors.ts';
import { readJson, readDeviceSecret, fromHexField } from './manifest.ts';
import { deviceStorageFiles, configuratorStorageFiles } from './device-files.ts';
import { readEcqvDeviceSecret, ecqvConfiguratorStorageFiles } from './ecqv-keygen.ts';
import { encodeIdentity as encodeEcqvIdentity } from '../../firmware/protocols/ecqv/records.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';

export const PROVISIONING_FORMAT = 'nowboard-provisioning/1';
/** The Storage file the Espruino binding reads its UDP and provisioning-network settings from. */
export const UDP_FILE = 'nb-udp.json';

/** DIR/provisioning.json: the provisioning network of a batch. */
export interface ProvisioningFile {
  format: string;
  /** SSID of the provisioning network (1..32 bytes) */
  ssid: string;
  /** WPA2 passphrase (8..63 characters), or "" for an open network */
  psk: string;
  /** UDP port every board binds (default 47100) */
  port?: number;
  /** where broadcasts go (default the access point's subnet broadcast, 192.168.4.255) */
  broadcast?: string;
  /** the configurator bundle starts this access point itself (Wifi.startAP) */
  configuratorAP?: boolean;
}

/** nb-udp.json as the Espruino binding reads it (firmware/platform/espruino/prov-net.ts). */
export interface UdpFile {
  port: number;
  peers: string[];
  ssid: string;
  psk: string;
  ap: boolean;
}

export function validateProvisioning(v: unknown, file: string): ProvisioningFile {
  const p = v as ProvisioningFile;
  const bad = (what: string) => new CliError('E_FILE_CORRUPT', `${file}: ${what}`);
  if (!p || typeof p !== 'object' || p.format !== PROVISIONING_FORMAT) throw bad(`not a provisioning network file (format must be "${PROVISIONING_FORMAT}")`);
  if (typeof p.ssid !== 'string' || Buffer.byteLength(p.ssid) < 1 || Buffer.byteLength(p.ssid) > 32) throw bad('ssid must be 1..32 bytes');
  if (typeof p.psk !== 'string' || (p.psk !== '' && (p.psk.length < 8 || p.psk.length > 63))) throw bad('psk must be 8..63 characters (WPA2), or "" for an open network');
  if (p.port !== undefined && (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)) throw bad('port must be an integer 1..65535');
  if (p.broadcast !== undefined && (typeof p.broadcast !== 'string' || !/^\d{1,3}(\.\d{1,3}){3}$/.test(p.broadcast))) throw bad('broadcast must be an IPv4 address');
  if (p.configuratorAP !== undefined && typeof p.configuratorAP !== 'boolean') throw bad('configuratorAP must be true or false');
  return p;
}

export function readProvisioning(file: string): ProvisioningFile {
  return validateProvisioning(readJson(file), file);
}

/** The nb-udp.json a board of this role gets. */
export function udpFileFor(p: ProvisioningFile, role: 'enrollee' | 'configurator'): UdpFile {
  const port = p.port ?? 47100;
  return { port, peers: [(p.broadcast ?? '192.168.4.255') + ':' + port], ssid: p.ssid, psk: p.psk, ap: role === 'configurator' && p.configuratorAP === true };
}

export interface FlashJob {
  id: string;
  port: string;
  /** the directory flash.sh uploads (every file in it becomes a Storage file) */
  dir: string;
  /** exactly the files that directory must hold */
  files: Record<string, Uint8Array>;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

/** The Storage files keygen wrote for one enrollee, rebuilt from its (checked) secret. */
function enrolleeFiles(batchDir: string, protocol: string, id: string): Record<string, Uint8Array> {
  if (protocol === 'ecqv') {
    const s = readEcqvDeviceSecret(batchDir, id);
    const where = path.join(batchDir, 'devices', id + '.json');
    return slotFiles({
      [IDENTITY_FILE]: encodeEcqvIdentity({
        suite: s.suite, U: fromHexField(s.deviceId, 8, where + ': deviceId'), kU: fromHexField(s.requestKey, 32, where + ': requestKey'),
        caPub: new Uint8Array(Buffer.from(s.caPublicKey, 'hex')),
      }),
    });
  }
  return deviceStorageFiles(readDeviceSecret(batchDir, id));
}

/** Every check, no writes. */
export function planFlash(batchDir: string, protocol: string, role: 'enrollee' | 'configurator', targets: { id: string; port: string }[], prov: ProvisioningFile | null): FlashJob[] {
  const extra: Record<string, Uint8Array> = {};
  if (prov) extra[UDP_FILE] = new Uint8Array(Buffer.from(JSON.stringify(udpFileFor(prov, role))));
  if (role === 'configurator') {
    const files = { ...(protocol === 'ecqv' ? ecqvConfiguratorStorageFiles(batchDir) : configuratorStorageFiles(batchDir)), ...extra };
    return targets.map((t) => ({ ...t, dir: path.join(batchDir, 'configurator-files'), files }));
  }
  return targets.map((t) => {
    const want = enrolleeFiles(batchDir, protocol, t.id);
    const dir = path.join(batchDir, 'devices', t.id);
    let onDisk: string[];
    try {
      onDisk = fs.readdirSync(dir).filter((f) => f !== UDP_FILE);
    } catch (e) {
      throw new CliError('E_FILE_MISSING', `cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message} (written by nowboard keygen)`);
    }
    for (const name of Object.keys(want)) {
      const f = path.join(dir, name);
      if (!fs.existsSync(f)) throw new CliError('E_FILE_MISSING', `${f} is missing (written by nowboard keygen)`);
      if (!sameBytes(new Uint8Array(fs.readFileSync(f)), want[name])) {
        throw new CliError('E_FILE_CORRUPT', `${f} does not hold the identity of ${path.join(batchDir, 'devices', t.id + '.json')} (changed or damaged since keygen)`);
      }
    }
    const stray = onDisk.filter((n) => !(n in want));
    if (stray.length) throw new CliError('E_FILE_CORRUPT', `${dir} holds files keygen did not write: ${stray.join(', ')} (each would be written to the board)`);
    return { ...t, dir, files: { ...want, ...extra } };
  });
}

/** Make each job's directory hold exactly its files (the derived nb-udp.json and configurator files). */
export function stageFlash(job: FlashJob): void {
  fs.mkdirSync(job.dir, { recursive: true });
  for (const f of fs.readdirSync(job.dir)) if (!(f in job.files)) fs.unlinkSync(path.join(job.dir, f));
  for (const [name, bytes] of Object.entries(job.files)) {
    const f = path.join(job.dir, name);
    if (!fs.existsSync(f) || !sameBytes(new Uint8Array(fs.readFileSync(f)), bytes)) fs.writeFileSync(f, bytes, { mode: 0o600 });
  }
}
