/** `nowboard keygen`, `nowboard whitelist`, `nowboard flash`: commands that work on files. */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CliError } from './cli-errors.ts';
import { FlagSpec, parseFlags } from './args.ts';
import { makeBatch, readManifest, readDeviceSecret, writeSecretJson, toHex } from './manifest.ts';
import { CONFIGS_FORMAT, ConfigStoreFile, validateConfigStore } from './config-store-file.ts';
import { groupName, ID_RE, LIMITS, bytesOf } from './schemas.ts';
import { validateManifest } from './manifest.ts';
import { readWhitelist, setStatus, whitelistFromManifest, writeWhitelist } from './whitelist-file.ts';
import { renderTable } from './text-table.ts';
import { bundlePath } from '../protocols/index.ts';
import { deviceStorageFiles, writeFilesTo } from './device-files.ts';
import { cmdKeygenEcqv, readEcqvDeviceSecret, ecqvConfiguratorStorageFiles, CURVES } from './ecqv-keygen.ts';
import { planFlash, stageFlash, readProvisioning } from './flash-plan.ts';
import { cmdKeygenPskOob } from './command-psk-oob.ts';
import { cmdKeygenCloud } from './cloud-keygen.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Protocols whose keys `nowboard keygen` can make (the others' batches come with their own issues). */
export const KEYGEN_PROTOCOLS = ['whitelist', 'ecqv', 'cloud', 'psk-oob'];
/** Flags only `--protocol ecqv` takes (firmware/protocols/ecqv/README.md §9). */
const ECQV_ONLY = ['curve', 'shared-request-key', 'validity-days', 'clock-base'];

export const keygenFlags: Record<string, FlagSpec> = {
  protocol: { type: 'string', default: 'whitelist', choices: KEYGEN_PROTOCOLS, help: 'provisioning protocol of the batch' },
  count: { type: 'int', min: 1, max: 10000, help: 'how many enrollee identities', required: true },
  out: { type: 'string', help: 'output directory (created; must not hold a manifest already)', required: true },
  group: { type: 'string', default: 'default', help: 'group of the new devices' },
  prefix: { type: 'string', default: 'dev-', help: 'device id prefix' },
  ssid: { type: 'string', default: 'nowboard-lab', help: 'Wi-Fi SSID for the default group' },
  'per-device-wifi': { type: 'bool', help: 'give every device its own Wi-Fi passphrase' },
  force: { type: 'bool', help: 'overwrite an existing batch in --out' },
  curve: { type: 'string', choices: Object.keys(CURVES), help: 'ecqv: curve of the certificates (default p256; secp160k1 is the paper\'s size)' },
  'shared-request-key': { type: 'bool', help: "ecqv: the paper's one request key for every device (warns; per-device keys otherwise)" },
  'validity-days': { type: 'int', min: 1, max: 2730, help: 'ecqv: certificate validity (default 365)' },
  nid: { type: 'string', help: 'psk-oob: network id of the controller, 8 hex digits (default: random)' },
  'clock-base': { type: 'int', min: 0, max: 4294967295, help: "ecqv: the CA's clock at boot, Unix seconds (default: now); cloud: the boards' clock base" },
  brs: { type: 'int', min: 1, max: 64, help: 'cloud: border routers (default 2)' },
  macs: { type: 'string', help: "cloud: the nodes' own MACs, comma-separated in node order (default: placeholders)" },
  'ac-pub': { type: 'string', help: "cloud: the Authentication Cloud's public key (hex) the border routers pin (default: make ac-key.json)" },
  'ac-id': { type: 'string', help: 'cloud: the Authentication Cloud id (default ac-1)' },
  'ac-host': { type: 'string', help: "cloud: the AC's host name or address, written to each border router's nb-uplink.json" },
  'ac-port': { type: 'int', min: 1, max: 65535, help: "cloud: the AC's TCP port (default 47200)" },
};

/** Flag values that would make files the CLI or a board refuses later: refused now, before anything is written. */
function checkKeygenFlags(flags: Record<string, unknown>): void {
  const g = groupName.safeParse(flags.group);
  if (!g.success) throw new CliError('E_FLAG_VALUE', `--group ${g.error.issues[0].message} (the whitelist file holds ${32} bytes), got "${String(flags.group)}"`);
  const lastId = String(flags.prefix) + String(flags.count).padStart(4, '0');
  if (!ID_RE.test(String(flags.prefix) + '0000') || !ID_RE.test(lastId)) {
    throw new CliError('E_FLAG_VALUE', `--prefix: device ids (e.g. "${lastId}") must match ${ID_RE}`);
  }
  const ssid = String(flags.ssid);
  if (ssid.length < 1 || bytesOf(ssid) > LIMITS.ssid) throw new CliError('E_FLAG_VALUE', `--ssid must be 1..${LIMITS.ssid} bytes, got "${ssid}"`);
}

export function cmdKeygen(argv: string[], out: (s: string) => void): number {
  const { flags } = parseFlags(argv, keygenFlags, 'keygen');
  checkKeygenFlags(flags);
  const dir = flags.out as string;
  if (fs.existsSync(path.join(dir, 'manifest.json')) && !flags.force) {
    throw new CliError('E_FILE_EXISTS', `${dir} already holds a batch (manifest.json); use --force to replace it`);
  }
  if (flags.protocol === 'ecqv') return cmdKeygenEcqv(flags, out);
  if (flags.protocol === 'cloud') return cmdKeygenCloud(flags, out);
  for (const f of ['brs', 'macs', 'ac-pub', 'ac-id', 'ac-host', 'ac-port']) if (flags[f] !== undefined) throw new CliError('E_FLAG_VALUE', `--${f} is for --protocol cloud only`);
  if (flags.protocol === 'psk-oob') return cmdKeygenPskOob(flags, out);
  if (flags.nid !== undefined) throw new CliError('E_FLAG_VALUE', '--nid is for --protocol psk-oob only');
  for (const f of ECQV_ONLY) if (flags[f] !== undefined && flags[f] !== false) throw new CliError('E_FLAG_VALUE', `--${f} is for --protocol ecqv only`);
  const group = flags.group as string;
  const batch = makeBatch(flags.count as number, { prefix: flags.prefix as string, group, random: (n) => new Uint8Array(randomBytes(n)) });
  // Everything this run writes passes the same schemas the CLI reads it back with.
  validateManifest(batch.manifest, path.join(dir, 'manifest.json'));
  fs.mkdirSync(path.join(dir, 'devices'), { recursive: true });
  writeSecretJson(path.join(dir, 'configurator.key.json'), {
    privateKey: toHex(batch.configurator.privateKey),
    publicKey: toHex(batch.configurator.publicKey),
  });
  for (const s of batch.secrets) {
    writeSecretJson(path.join(dir, 'devices', s.id + '.json'), s);
    const files = deviceStorageFiles(s);
    writeFilesTo(path.join(dir, 'devices', s.id), files);
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(batch.manifest, null, 2) + '\n');
  const store: ConfigStoreFile = {
    format: CONFIGS_FORMAT,
    groups: { [group]: { version: 1, ssid: flags.ssid as string, psk: randomBytes(12).toString('base64url'), app: { mqtt: 'mqtt://broker.local' } } },
    devices: {},
  };
  if (flags['per-device-wifi']) for (const d of batch.manifest.devices) store.devices[d.id] = { psk: randomBytes(12).toString('base64url') };
  validateConfigStore(store, path.join(dir, 'configs.json'));
  writeSecretJson(path.join(dir, 'configs.json'), store);
  writeWhitelist(path.join(dir, 'whitelist.json'), whitelistFromManifest(batch.manifest));
  out(`wrote ${batch.secrets.length} identities, manifest.json, whitelist.json, configs.json and configurator.key.json to ${dir}`);
  return 0;
}

export const whitelistFlags: Record<string, FlagSpec> = {
  manifest: { type: 'string', help: 'batch manifest (for build, and add of a new device)' },
  file: { type: 'string', help: 'whitelist file (default: whitelist.json beside the manifest)' },
  id: { type: 'string', help: 'device id (add, revoke)' },
};

export function cmdWhitelist(argv: string[], out: (s: string) => void): number {
  const { flags, rest } = parseFlags(argv, whitelistFlags, 'whitelist');
  const action = rest[0] ?? 'list';
  if (!['build', 'add', 'revoke', 'list'].includes(action)) {
    throw new CliError('E_USAGE', `nowboard whitelist: unknown action "${action}" (build | add | revoke | list)`);
  }
  const manifest = flags.manifest ? readManifest(flags.manifest as string) : undefined;
  const file = (flags.file as string) ?? (flags.manifest ? path.join(path.dirname(flags.manifest as string), 'whitelist.json') : undefined);
  if (!file) throw new CliError('E_FLAG_MISSING', 'nowboard whitelist: pass --file or --manifest');
  if (action === 'build') {
    if (!manifest) throw new CliError('E_FLAG_MISSING', 'nowboard whitelist build: --manifest is required');
    writeWhitelist(file, whitelistFromManifest(manifest));
    out(`whitelist of ${manifest.devices.length} devices written to ${file}`);
    return 0;
  }
  const w = readWhitelist(file);
  if (action === 'add' || action === 'revoke') {
    if (!flags.id) throw new CliError('E_FLAG_MISSING', `nowboard whitelist ${action}: --id is required`);
    setStatus(w, flags.id as string, action === 'add' ? 'active' : 'revoked', manifest);
    writeWhitelist(file, w);
    out(`${flags.id}: ${action === 'add' ? 'active' : 'revoked'}`);
    return 0;
  }
  out(renderTable(['id', 'group', 'status', 'key hash', 'changed'], w.entries.map((e) => [e.id, e.group, e.status, e.keyHash.slice(0, 16) + '…', e.changed])));
  out(`${w.entries.filter((e) => e.status === 'active').length} active, ${w.entries.filter((e) => e.status === 'revoked').length} revoked`);
  return 0;
}

export const flashFlags: Record<string, FlagSpec> = {
  manifest: { type: 'string', help: 'batch manifest', required: true },
  id: { type: 'string', help: 'device to flash (or --all)' },
  all: { type: 'bool', help: 'flash every device of the manifest, one port per device from --ports' },
  port: { type: 'string', help: 'serial port, e.g. /dev/ttyUSB0 (or tcp://HOST:PORT for a telnet console)' },
  ports: { type: 'string', help: 'comma-separated ports for --all, in manifest order' },
  baud: { type: 'int', default: 115200, min: 300, max: 3000000, help: 'serial baud rate' },
  board: { type: 'string', help: 'local board JSON file for the Espruino CLI (default: the board reports its own details, which works offline)' },
  role: { type: 'string', default: 'enrollee', choices: ['enrollee', 'configurator'], help: 'which bundle' },
  provisioning: { type: 'string', help: 'provisioning network file (default: provisioning.json beside the manifest, if present)' },
  'no-verify': { type: 'bool', help: 'skip reading back the CRC-32 of every file written' },
  'dry-run': { type: 'bool', help: 'print the commands instead of running them' },
};

export function cmdFlash(argv: string[], out: (s: string) => void): number {
  const { flags } = parseFlags(argv, flashFlags, 'flash');
  const manifestFile = flags.manifest as string;
  const m = readManifest(manifestFile);
  const dir = path.dirname(manifestFile);
  const role = flags.role as 'enrollee' | 'configurator';
  const bundle = path.join(REPO_ROOT, bundlePath(m.protocol, role));
  if (!fs.existsSync(bundle)) throw new CliError('E_BUNDLE_MISSING', `${bundle} not found: run npm run build first`);
  let targets: { id: string; port: string }[];
  if (role === 'configurator') {
    if (!flags.port) throw new CliError('E_FLAG_MISSING', 'nowboard flash --role configurator: --port is required');
    targets = [{ id: 'configurator', port: flags.port as string }];
  } else if (flags.all) {
    const ports = String(flags.ports ?? '').split(',').filter(Boolean);
    if (ports.length !== m.devices.length) {
      throw new CliError('E_FLAG_VALUE', `--all needs one port per device: ${m.devices.length} devices, ${ports.length} ports in --ports`);
    }
    const dup = ports.find((p, i) => ports.indexOf(p) !== i);
    if (dup) throw new CliError('E_FLAG_VALUE', `--ports names ${dup} twice`);
    targets = m.devices.map((d, i) => ({ id: d.id, port: ports[i] }));
  } else {
    if (!flags.id) throw new CliError('E_FLAG_MISSING', 'nowboard flash: pass --id ID (or --all --ports ...)');
    if (!flags.port) throw new CliError('E_FLAG_MISSING', 'nowboard flash: --port is required');
    if (!m.devices.some((d) => d.id === flags.id)) throw new CliError('E_MANIFEST', `no device "${flags.id}" in ${manifestFile}`);
    targets = [{ id: flags.id as string, port: flags.port as string }];
  }
  if (flags.board !== undefined && !(String(flags.board).endsWith('.json') && fs.existsSync(flags.board as string))) {
    throw new CliError('E_FLAG_VALUE', `--board takes a local board JSON file, got "${flags.board}" (a board name makes the Espruino CLI download it, which fails offline)`);
  }
  const provFile = (flags.provisioning as string | undefined) ?? path.join(dir, 'provisioning.json');
  const prov = flags.provisioning !== undefined || fs.existsSync(provFile) ? readProvisioning(provFile) : null;
  // Every file of every board is checked before the first one is written.
  const jobs = planFlash(dir, m.protocol, role, targets, prov);
  let failures = 0;
  for (const job of jobs) {
    stageFlash(job); // derived files only (nb-udp.json, configurator-files/), so a dry run prints what a real run sends
    const args = [path.join(REPO_ROOT, 'flash.sh'), '--port', job.port, '--baud', String(flags.baud), '--bundle', bundle, '--identity', job.dir];
    if (flags.board !== undefined) args.push('--board', String(flags.board));
    if (flags['no-verify']) args.push('--no-verify');
    if (flags['dry-run']) args.push('--dry-run');
    const r = spawnSync('bash', args, { encoding: 'utf8' });
    if (r.stdout) out(r.stdout.trimEnd());
    if (r.status !== 0) {
      failures++;
      out(`${job.id}: flash failed (exit ${r.status}): ${(r.stderr || '').trim()}`);
    } else if (!flags['dry-run']) out(`${job.id}: flashed on ${job.port}`);
  }
  if (failures) throw new CliError('E_FLASH', `${failures} of ${jobs.length} boards failed to flash`);
  return 0;
}
