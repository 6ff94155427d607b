/**
 * The psk-oob commands (firmware/protocols/psk-oob/README.md):
 *
 *   nowboard installer imprint --count N --out DIR [--nid HEX] [--prefix dev-]
 *       ID, NID, IK per device: DIR/installer.json (what the installer knows),
 *       DIR/devices/<id>/ (each board's Storage: nb-id), and the same keys
 *       registered for the SBS in DIR/sbs.json (created or extended)
 *   nowboard keygen --protocol psk-oob --count N --out DIR [--ssid S]
 *       a controller (SBR: ID_c, SK_cs in DIR/sbr.json, registered in sbs.json),
 *       an imprinted batch as above, and DIR/configurator/ (nb-sbr, nb-sbs, nb.store)
 *   nowboard oob qr (--line 'NBOOB …' | --base64 B | --hex H) [--svg FILE] [--png FILE]
 *   nowboard oob relay --configurator PORT --enrollees PORT,PORT… [--baud 115200]
 *
 * Every JSON file is checked by its zod schema (schemas.ts) when read; keys
 * come from node:crypto; files holding keys are mode 0600.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './cli-errors.ts';
import { FlagSpec, FlagValues, parseFlags } from './args.ts';
import { readJson, writeSecretJson } from './manifest.ts';
import { writeFilesTo } from './device-files.ts';
import { ID_RE, parseWith, pskOobInstallerSchema, pskOobSbsSchema, pskOobSbrSchema } from './schemas.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { encodeIdentity, encodeSbrIdentity, encodeSbsDb, decodeSbsDb, SbsDb } from '../../firmware/protocols/psk-oob/records.ts';
import { SBS_FILE } from '../../firmware/protocols/psk-oob/sbs-link.ts';
import { decodeFrame } from '../../firmware/protocols/psk-oob/frames.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { SBR_FILE } from '../app/psk-oob/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { storeCommands } from '../app/config-store.ts';
import { parseOobLine, oobRelay, streamLines } from '../oob/serial-oob.ts';
import { oobQrTerminal, oobQrSvg, oobQrPng } from '../oob/qr-oob.ts';
import { fromBase64 } from '../../firmware/bytes/base64.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

export const installerFlags: Record<string, FlagSpec> = {
  count: { type: 'int', min: 1, max: 10000, help: 'how many devices to imprint', required: true },
  out: { type: 'string', help: 'batch directory (created)', required: true },
  nid: { type: 'string', help: 'network id of the controller, 8 hex digits (default: the one in DIR/sbs.json, else random)' },
  prefix: { type: 'string', default: 'dev-', help: 'device name prefix' },
  force: { type: 'bool', help: 'replace an existing installer.json' },
};

type Sbs = ReturnType<typeof pskOobSbsSchema.parse>;

function readSbs(file: string): Sbs {
  return parseWith(pskOobSbsSchema, readJson(file), file, 'E_FILE_CORRUPT');
}

function nidOf(flags: FlagValues, sbs: Sbs | null): string {
  if (flags.nid !== undefined) {
    const n = String(flags.nid);
    if (!/^[0-9a-fA-F]{8}$/.test(n)) throw new CliError('E_FLAG_VALUE', `--nid must be 8 hex digits, got "${n}"`);
    if (sbs && sbs.nid.toLowerCase() !== n.toLowerCase()) throw new CliError('E_FLAG_VALUE', `--nid ${n} differs from the SBS's network ${sbs.nid}`);
    return n.toLowerCase();
  }
  return sbs ? sbs.nid : randomBytes(4).toString('hex');
}

/** Imprint `count` devices into DIR and register them with the SBS (DIR/sbs.json). */
export function imprint(flags: FlagValues, out: (s: string) => void): { nid: string; devices: { id: string; deviceId: string; ik: string }[] } {
  const dir = String(flags.out);
  const instFile = path.join(dir, 'installer.json');
  if (fs.existsSync(instFile) && !flags.force) throw new CliError('E_FILE_EXISTS', `${instFile} exists; use --force to replace it`);
  const prefix = String(flags.prefix ?? 'dev-');
  const count = Number(flags.count);
  if (!ID_RE.test(prefix + String(count).padStart(4, '0'))) throw new CliError('E_FLAG_VALUE', `--prefix: device names must match ${ID_RE}`);
  const sbsFile = path.join(dir, 'sbs.json');
  const sbs = fs.existsSync(sbsFile) ? readSbs(sbsFile) : null;
  const nid = nidOf(flags, sbs);
  const devices: { id: string; deviceId: string; ik: string }[] = [];
  for (let i = 1; i <= count; i++) devices.push({ id: prefix + String(i).padStart(4, '0'), deviceId: randomBytes(8).toString('hex'), ik: randomBytes(16).toString('hex') });
  fs.mkdirSync(path.join(dir, 'devices'), { recursive: true });
  for (const d of devices) {
    writeFilesTo(path.join(dir, 'devices', d.id), slotFiles({ [IDENTITY_FILE]: encodeIdentity({ id: unhex(d.deviceId), nid: parseInt(nid, 16) >>> 0, ik: unhex(d.ik) }) }));
  }
  writeSecretJson(instFile, parseWith(pskOobInstallerSchema, { format: 'nowboard-psk-oob-installer/1', nid, devices }, instFile, 'E_FILE_CORRUPT'));
  // The administrator registers the same IDs and keys with the SBS (paper 001 §4 step 4).
  const next: Sbs = sbs ?? { format: 'nowboard-psk-oob-sbs/1', nid, sbr: [], devices: [] };
  next.devices = next.devices.concat(devices.map((d) => ({ deviceId: d.deviceId, gen: 0, key: d.ik })));
  parseWith(pskOobSbsSchema, next, sbsFile, 'E_FILE_CORRUPT');
  writeSecretJson(sbsFile, next);
  out(`imprinted ${count} devices (network ${nid}) in ${dir}/devices/; installer.json holds their IKs; registered with the SBS in ${sbsFile} (${next.devices.length} devices)`);
  return { nid, devices };
}

export function cmdInstaller(argv: string[], out: (s: string) => void): number {
  const [sub, ...rest] = argv;
  if (sub !== 'imprint') throw new CliError('E_USAGE', `nowboard installer: expected "imprint", got "${sub ?? ''}"`);
  const { flags } = parseFlags(rest, installerFlags, 'installer imprint');
  imprint(flags, out);
  return 0;
}

/** The SBS database as the board reads it (records.ts), from sbs.json. */
export function sbsDbOfFile(s: Sbs): SbsDb {
  return {
    sbr: s.sbr.map((r) => ({ idc: unhex(r.idc), kcs: unhex(r.kcs) })),
    dev: s.devices.map((d) => ({ id: unhex(d.deviceId), nid: parseInt(s.nid, 16) >>> 0, gen: d.gen, key: unhex(d.key), pend: [] })),
  };
}

/** `nowboard keygen --protocol psk-oob`: an SBR, an imprinted batch, the configurator's Storage files. */
export function cmdKeygenPskOob(flags: FlagValues, out: (s: string) => void): number {
  const dir = String(flags.out);
  if (fs.existsSync(path.join(dir, 'sbs.json')) && !flags.force) throw new CliError('E_FILE_EXISTS', `${dir} already holds a psk-oob batch (sbs.json); use --force to replace it`);
  if (flags.force) for (const f of ['sbs.json', 'installer.json', 'sbr.json']) fs.rmSync(path.join(dir, f), { force: true });
  fs.mkdirSync(dir, { recursive: true });
  const nid = nidOf(flags, null);
  const sbr = { format: 'nowboard-psk-oob-sbr/1' as const, nid, idc: randomBytes(8).toString('hex'), kcs: randomBytes(16).toString('hex') };
  writeSecretJson(path.join(dir, 'sbr.json'), parseWith(pskOobSbrSchema, sbr, path.join(dir, 'sbr.json'), 'E_FILE_CORRUPT'));
  writeSecretJson(path.join(dir, 'sbs.json'), { format: 'nowboard-psk-oob-sbs/1', nid, sbr: [{ idc: sbr.idc, kcs: sbr.kcs }], devices: [] });
  imprint({ count: flags.count, out: dir, nid, prefix: flags.prefix ?? 'dev-', force: true }, out);
  const sbs = readSbs(path.join(dir, 'sbs.json'));
  const storeBytes = new Uint8Array(Buffer.from(JSON.stringify({
    groups: { '': { version: 1, ssid: String(flags.ssid ?? 'nowboard-lab'), psk: randomBytes(12).toString('base64url'), settings: { mqtt: 'mqtt://broker.local' } } },
    devices: {},
  })));
  const sc = storeCommands(storeBytes, 8);
  if (sc.error || sc.bad) throw new CliError('E_FILE_CORRUPT', `configuration store refused by the board's decoder: ${sc.error}`);
  const files = { [SBR_FILE]: encodeSbrIdentity({ idc: unhex(sbr.idc), nid: parseInt(nid, 16) >>> 0, kcs: unhex(sbr.kcs) }), [SBS_FILE]: encodeSbsDb(sbsDbOfFile(sbs)), [STORE_FILE]: storeBytes };
  if (decodeSbsDb(files[SBS_FILE]).code) throw new CliError('E_FILE_CORRUPT', 'the SBS database does not decode');
  writeFilesTo(path.join(dir, 'configurator'), slotFiles(files));
  out(`controller ${sbr.idc} (SK_cs in sbr.json); its Storage files (nb-sbr, nb-sbs, nb.store) in ${dir}/configurator/`);
  return 0;
}

export const oobFlags: Record<string, FlagSpec> = {
  line: { type: 'string', help: "qr: a console line 'NBOOB <base64>'" },
  base64: { type: 'string', help: 'qr: the message as base64' },
  hex: { type: 'string', help: 'qr: the message as hex' },
  svg: { type: 'string', help: 'qr: also write an SVG file' },
  png: { type: 'string', help: 'qr: also write a PNG file' },
  configurator: { type: 'string', help: "relay: the configurator's serial port" },
  enrollees: { type: 'string', help: "relay: the enrollees' serial ports, comma-separated" },
  baud: { type: 'int', default: 115200, min: 1200, max: 2000000, help: 'relay: baud rate' },
};

function messageOf(flags: FlagValues): Uint8Array {
  let b: Uint8Array | null = null;
  if (flags.line !== undefined) b = parseOobLine(String(flags.line));
  else if (flags.base64 !== undefined) b = fromBase64(String(flags.base64));
  else if (flags.hex !== undefined) b = /^([0-9a-fA-F]{2})+$/.test(String(flags.hex)) ? unhex(String(flags.hex)) : null;
  else throw new CliError('E_FLAG_MISSING', 'nowboard oob qr: one of --line, --base64, --hex is required');
  const d = b ? decodeFrame(b) : null;
  if (!b || !d || !d.frame) throw new CliError('E_FLAG_VALUE', 'nowboard oob qr: not a psk-oob message (NBOOB line, base64 or hex of flight 1, 4 or 5)');
  return b;
}

export async function cmdOob(argv: string[], out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  const { flags } = parseFlags(rest, oobFlags, 'oob ' + (sub ?? ''));
  if (sub === 'qr') {
    const msg = messageOf(flags);
    out(await oobQrTerminal(msg));
    if (flags.svg) fs.writeFileSync(String(flags.svg), await oobQrSvg(msg));
    if (flags.png) fs.writeFileSync(String(flags.png), await oobQrPng(msg));
    out(`flight ${msg[2]} of device ${hex(msg.subarray(3, 11))}, ${msg.length} bytes` + (flags.svg ? `; ${flags.svg}` : '') + (flags.png ? `; ${flags.png}` : ''));
    return 0;
  }
  if (sub === 'relay') {
    if (!flags.configurator || !flags.enrollees) throw new CliError('E_FLAG_MISSING', 'nowboard oob relay: --configurator and --enrollees are required');
    const { SerialPort } = await import('serialport');
    const open = (p: string) => new SerialPort({ path: p, baudRate: Number(flags.baud) });
    const cfg = open(String(flags.configurator));
    const ens = String(flags.enrollees).split(',').filter(Boolean).map(open);
    const r = oobRelay(streamLines(cfg as any), ens.map((e) => streamLines(e as any)), out);
    out(`relaying NBOOB lines between ${flags.configurator} and ${ens.length} enrollee console(s); Ctrl-C to stop`);
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    out(`relayed ${r.stats.toConfigurator} to the configurator, ${r.stats.toEnrollee} to enrollees; refused ${r.stats.refused}, unrouted ${r.stats.unrouted}`);
    return 0;
  }
  throw new CliError('E_USAGE', `nowboard oob: expected "qr" or "relay", got "${sub ?? ''}"`);
}
