/**
 * `nowboard serve` — the configurator role on this computer (docs/serve.md):
 *
 *   nowboard serve --dir batch/ --transport udp --host 0.0.0.0 --port 47100 --peers 192.168.4.255:47100
 *   nowboard serve --dir batch/ --transport sim --loss 0.1 --speed 20
 *   nowboard serve --dir batch/ --transport bridge:/dev/ttyUSB0
 *
 * Order of work, so that bad input never reaches a board: flags; the batch
 * directory read and cross-checked (batch-input.ts); the batch's lock
 * (batch-lock.ts: a second serve refuses and names the first); the audit log
 * read back (devices already provisioned with their configuration are skipped);
 * then the transport opens and the first frame may go out. Ctrl-C or SIGTERM:
 * no new sessions, open ones finish (up to --drain-seconds), the rest are written
 * as interrupted; a second Ctrl-C stops at once. The lock goes with the process.
 *
 * Exit status: 0 every device provisioned; 1 time limit, audit log failure or
 * bad input; 2 usage; 130 / 143 stopped by SIGINT / SIGTERM (state kept, run again to resume).
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FlagSpec, parseFlags } from './args.ts';
import { CliError } from './cli-errors.ts';
import { renderTable, progressBar } from './text-table.ts';
import { REPO_ROOT } from './commands-files.ts';
import { bundlePath } from '../protocols/index.ts';
import { parsePeer } from '../transport/udp-radio.ts';
import { readBatchDir, readDeviceSecrets } from '../serve/batch-input.ts';
import { acquireBatchLock } from '../serve/batch-lock.ts';
import { AUDIT_FILE, fileAuditSink, readAuditLog } from '../serve/audit-log.ts';
import { ServeEngine, ServeResult, DeviceStatus, devicesToServe, Progress } from '../serve/serve-engine.ts';
import type { ServeTransport } from '../serve/transport.ts';
import { udpTransport } from '../serve/udp-transport.ts';
import { simTransport } from '../serve/sim-transport.ts';
import { bridgeTransport } from '../serve/bridge-transport.ts';

export const serveFlags: Record<string, FlagSpec> = {
  dir: { type: 'string', help: 'batch directory (manifest.json, whitelist.json, configs.json, configurator.key.json)', required: true },
  transport: { type: 'string', default: 'udp', help: 'udp | sim | bridge:/dev/ttyUSB0' },
  host: { type: 'string', default: '127.0.0.1', help: 'udp: address to bind (0.0.0.0 on a provisioning network)' },
  port: { type: 'int', default: 47100, min: 0, max: 65535, help: 'udp: port to bind (0 = any free port)' },
  peers: { type: 'string', default: '', help: 'udp: comma-separated address:port (the subnet broadcast address) or loopback ports' },
  mac: { type: 'string', help: "serve's 6-byte MAC in hex (default derived from the configurator key)" },
  loss: { type: 'float', default: 0.1, min: 0, max: 0.95, help: 'sim: frame loss probability per link' },
  seed: { type: 'string', default: 'nowboard', help: 'sim: simulator seed' },
  speed: { type: 'float', default: 0, min: 0, max: 1e6, help: 'sim: virtual time per real time (0 = as fast as possible)' },
  'drain-seconds': { type: 'float', default: 15, min: 0, max: 3600, help: 'after Ctrl-C, how long open sessions may finish' },
  'max-minutes': { type: 'float', min: 0.01, max: 100000, help: 'stop after this long (transport time; sim: virtual)' },
  quiet: { type: 'bool', help: 'no progress bar' },
  verbose: { type: 'bool', help: "print the core's reports (rejections, retries)" },
};

export type TransportSpec = { kind: 'udp' } | { kind: 'sim' } | { kind: 'bridge'; path: string };

export function parseTransport(v: string): TransportSpec {
  if (v === 'udp' || v === 'sim') return { kind: v };
  if (v.startsWith('bridge:') && v.length > 'bridge:'.length) return { kind: 'bridge', path: v.slice('bridge:'.length) };
  throw new CliError('E_FLAG_VALUE', `--transport must be udp, sim or bridge:/dev/ttyUSB0, got "${v}"`);
}

function parsePeers(v: string): string[] {
  const peers = v.split(',').map((x) => x.trim()).filter(Boolean);
  for (const p of peers) {
    try {
      parsePeer(/^\d+$/.test(p) ? Number(p) : p);
    } catch (e) {
      throw new CliError('E_FLAG_VALUE', `--peers: ${(e as Error).message.replace(/^E_UDP_PEER: /, '')}`);
    }
  }
  return peers;
}

function parseMac(v: string | undefined, configuratorPub: Uint8Array): Uint8Array {
  if (v === undefined) {
    // Stable per batch, locally administered, unicast: 02 + the first 5 bytes of SHA-256(C).
    const h = createHash('sha256').update(configuratorPub).digest();
    return new Uint8Array([0x02, h[0], h[1], h[2], h[3], h[4]]);
  }
  const hex = v.replace(/[:-]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) throw new CliError('E_FLAG_VALUE', `--mac must be 6 bytes of hex (e.g. 02:6e:62:00:00:01), got "${v}"`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

const fmtS = (ms: number | null) => (ms === null ? '-' : (ms / 1000).toFixed(1) + ' s');

export function deviceTable(devices: DeviceStatus[]): string {
  const rows = devices.map((d) => [
    d.id, d.group, d.result, d.version || '-', d.attempts, fmtS(d.doneMs), d.codeName || '-', d.mac || '-',
  ]);
  return renderTable(['device', 'group', 'result', 'version', 'sessions', 'provisioned at', 'last audit', 'mac'], rows, [false, false, false, true, true, true, false, false]);
}

export function summaryLine(r: ServeResult, auditFile: string): string {
  const stopped = r.reason === 'done' ? 'all provisioned' : `stopped: ${r.reason}`;
  const open = r.interrupted.length ? `, ${r.interrupted.length} sessions interrupted (written to the audit log)` : '';
  return `${r.done}/${r.total} devices provisioned (${r.provisionedNow} in this run); ${stopped}${open}; ` +
    `${fmtS(r.elapsedMs)} on the transport's clock; audit log ${auditFile}`;
}

export async function cmdServe(argv: string[], out: (s: string) => void): Promise<number> {
  const { flags } = parseFlags(argv, serveFlags, 'serve');
  const spec = parseTransport(flags.transport as string);
  const peers = parsePeers(flags.peers as string);
  const dir = path.resolve(flags.dir as string);
  // 1. The batch, whole and consistent, before anything else.
  const input = readBatchDir(dir);
  const mac = parseMac(flags.mac as string | undefined, input.configurator.publicKey);
  let enrolleeSrc = '';
  if (spec.kind === 'sim') {
    const rel = bundlePath(input.protocol, 'enrollee');
    const p = path.join(REPO_ROOT, rel);
    if (!fs.existsSync(p)) throw new CliError('E_BUNDLE_MISSING', `${rel} not found: run npm run build first`);
    enrolleeSrc = fs.readFileSync(p, 'utf8');
  }
  // 2. One serve per batch.
  const lock = acquireBatchLock(dir, flags.transport as string);
  const auditFile = path.join(dir, AUDIT_FILE);
  let sink: ReturnType<typeof fileAuditSink> | null = null;
  const handlers: [NodeJS.Signals, () => void][] = [];
  let tick: NodeJS.Timeout | null = null;
  try {
    if (lock.tookOver) out(`took over a stale lock of pid ${lock.tookOver.pid} (started ${lock.tookOver.started}), which is no longer running`);
    // 3. What earlier runs did.
    const history = readAuditLog(auditFile);
    if (history.torn) out(`${auditFile}: its last line was cut off (a crash while writing); ignored`);
    const pending = devicesToServe(input, history.provisioned);
    // 4. The transport (nothing opened yet: sim checks the device secrets it will flash).
    let transport: ServeTransport;
    if (spec.kind === 'udp') {
      transport = udpTransport({ mac, host: flags.host as string, port: flags.port as number, peers: peers.map((p) => (/^\d+$/.test(p) ? Number(p) : p)) });
    } else if (spec.kind === 'sim') {
      const secrets = readDeviceSecrets(input, pending);
      transport = simTransport({
        input, enrolleeSrc, seed: flags.seed as string, loss: flags.loss as number, speed: flags.speed as number,
        devices: pending.map((id) => ({ id, secret: secrets.get(id)! })),
      });
    } else {
      transport = bridgeTransport({ path: spec.path });
    }
    sink = fileAuditSink(auditFile);
    const total = input.devices.filter((d) => !d.revoked).length;
    const bar = flags.quiet ? null : progressBar(process.stdout, total, 'serving');
    let lastDraw = 0;
    let lastKey = '';
    const draw = (p: Progress, force = false) => {
      if (!bar) return;
      const now = Date.now();
      // A TTY redraws the line (the clock too); a pipe gets a line per 10 % (text-table.ts).
      const key = `${p.done}/${p.sessions}/${p.failed}/${p.stopping}` + (process.stdout.isTTY ? '/' + Math.floor(p.elapsedMs / 1000) : '');
      if (key === lastKey || (!force && now - lastDraw < 100 && p.done < p.total)) return;
      lastDraw = now;
      lastKey = key;
      const note = p.stopping
        ? `stopping: ${p.sessions} sessions finishing (Ctrl-C again: stop now)`
        : `${p.sessions} in session${p.failed ? `, ${p.failed} failed (retried)` : ''}, ${fmtS(p.elapsedMs)}`;
      bar.update(p.done, note);
    };
    const engine = new ServeEngine({
      input, transport, sinks: [sink], prior: history.provisioned,
      drainMs: (flags['drain-seconds'] as number) * 1000,
      maxMs: flags['max-minutes'] !== undefined ? (flags['max-minutes'] as number) * 60000 : undefined,
      onProgress: (p) => draw(p),
      onLog: (level, msg) => {
        if (level >= 2 || flags.verbose) process.stderr.write(`serve: ${msg}\n`);
      },
    });
    // Real-time transports: the clock on the bar moves even when nothing happens.
    tick = bar && process.stdout.isTTY ? setInterval(() => draw(engine.progress(), true), 1000) : null;
    let signal: NodeJS.Signals | null = null;
    for (const sig of ['SIGINT', 'SIGTERM'] as NodeJS.Signals[]) {
      const h = () => {
        signal = signal ?? sig;
        engine.stop();
      };
      process.on(sig, h);
      handlers.push([sig, h]);
    }
    const resuming = history.records.some((r) => r.ev === 'run-start') ? `resuming: ${total - pending.length} already provisioned; ` : '';
    out(`serving ${pending.length} of ${total} devices over ${transport.name} (${resuming}run ${engine.run}); Ctrl-C stops cleanly`);
    const r = await engine.start();
    draw(engine.progress(), true);
    bar?.end();
    out(deviceTable(r.devices));
    out('');
    out(summaryLine(r, auditFile));
    if (r.reason === 'done') return 0;
    if (r.reason === 'interrupted' && signal) return signal === 'SIGINT' ? 130 : 143;
    return 1;
  } finally {
    if (tick) clearInterval(tick);
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    if (sink) await sink.close().catch(() => {});
    lock.release();
  }
}
