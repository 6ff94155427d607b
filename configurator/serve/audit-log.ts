/**
 * serve's audit log: one JSON object per line, appended to DIR/audit.jsonl and
 * made durable line by line (write + fsync before serve goes on), so a crash or a
 * power cut loses at most the line being written — which reading back detects
 * as a torn last line and sets aside.
 *
 * Records (`ev`):
 *   run-start    a serve run began: run id, pid, transport, devices served and already done
 *   audit        a delivery outcome from the configurator core (the core's `audit` effect):
 *                device id, key hash, MAC, code and its name, configuration version
 *   interrupted  a session still open when serve stopped: device, phase, version
 *   run-stop     the run ended: why, counts
 *
 * Sinks: anything that takes records (`AuditSink`). The file sink is the one
 * serve always has; the Authentication Cloud's database is meant to be another
 * (append must not throw or block: queue, and settle in flush()).
 */
import fs from 'node:fs';
import { CliError } from '../cli/cli-errors.ts';
import { OK, I_CONFIRMED } from '../../firmware/codec/codes.ts';

export const AUDIT_FILE = 'audit.jsonl';

export interface AuditRecord {
  ev: 'run-start' | 'audit' | 'interrupted' | 'run-stop';
  /** the run that wrote it */
  run: string;
  /** wall-clock time, ISO 8601 */
  at: string;
  device?: string;
  keyHash?: string;
  mac?: string;
  code?: number;
  name?: string;
  version?: number;
  /** the core's clock (ms on the transport's clock: real or simulated) */
  t?: number;
  [k: string]: unknown;
}

export interface AuditSink {
  readonly name: string;
  /** Take one record. Must not throw; a sink that cannot write at once queues and reports in flush(). */
  append(rec: AuditRecord): void;
  /** The first write that failed, or null: checked after every record (serve stops rather than deliver unrecorded). */
  failed(): Error | null;
  /** Resolve when every record taken so far is durable (rejects with what was lost). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A delivery outcome that counts as provisioned: an authenticated ACK OK, or the enrollee announcing that version. */
export function isProvisionedCode(code: number | undefined): boolean {
  return code === OK || code === I_CONFIRMED;
}

/**
 * Appends to `file` with write + fsync per record. A torn last line (no newline:
 * a crash mid-write) is ended with a newline first, so it stands alone and the
 * next record is whole.
 */
export function fileAuditSink(file: string): AuditSink {
  let fd: number;
  try {
    fd = fs.openSync(file, 'a', 0o600);
    const size = fs.fstatSync(fd).size;
    if (size > 0) {
      const last = Buffer.alloc(1);
      const rfd = fs.openSync(file, 'r');
      fs.readSync(rfd, last, 0, 1, size - 1);
      fs.closeSync(rfd);
      if (last[0] !== 0x0a) fs.writeSync(fd, '\n');
    }
  } catch (e) {
    throw new CliError('E_FILE_MISSING', `cannot open the audit log ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let failed: Error | null = null;
  let closed = false;
  return {
    name: file,
    append(rec) {
      if (closed) {
        failed = failed ?? new Error(`audit log ${file} closed; a record for ${rec.device ?? rec.ev} was not written`);
        return;
      }
      try {
        fs.writeSync(fd, JSON.stringify(rec) + '\n');
        fs.fsyncSync(fd);
      } catch (e) {
        // A full disk must not crash serve mid-session; flush() reports it, and serve stops.
        failed = failed ?? (e as Error);
      }
    },
    failed: () => failed,
    flush() {
      return failed ? Promise.reject(failed) : Promise.resolve();
    },
    close() {
      if (!closed) {
        closed = true;
        fs.closeSync(fd);
      }
      return failed ? Promise.reject(failed) : Promise.resolve();
    },
  };
}

/** Keeps records in memory (benches, tests, and the per-run view). */
export function memoryAuditSink(): AuditSink & { records: AuditRecord[] } {
  const records: AuditRecord[] = [];
  return {
    name: 'memory',
    records,
    append(rec) {
      records.push(rec);
    },
    failed: () => null,
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

export interface AuditHistory {
  records: AuditRecord[];
  /** the last line had no newline (a crash mid-write): ignored */
  torn: boolean;
  /** device id -> highest configuration version it was audited as provisioned with */
  provisioned: Map<string, number>;
}

/**
 * Read an audit log back (a missing file is an empty history). A torn LAST line
 * is the expected trace of a crash and is ignored; any other line that is not a
 * JSON object is corruption: a CliError, because resuming on a log we cannot
 * read could provision a device twice.
 */
export function readAuditLog(file: string): AuditHistory {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], torn: false, provisioned: new Map() };
    throw new CliError('E_FILE_MISSING', `cannot read the audit log ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const lines = text.split('\n');
  const endsClean = text.length === 0 || text.endsWith('\n');
  const lastIndex = lines.length - 1;
  const records: AuditRecord[] = [];
  let torn = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      rec = null;
    }
    const ok = !!rec && typeof rec === 'object' && !Array.isArray(rec) && typeof (rec as AuditRecord).ev === 'string';
    if (!ok) {
      // A line cut short by a crash: the last one, or (after fileAuditSink ended it) any whose text stops mid-object.
      if ((i === lastIndex && !endsClean) || looksTorn(line)) {
        torn = true;
        continue;
      }
      throw new CliError('E_FILE_CORRUPT', `${file}: line ${i + 1} is not an audit record (fix or move the file; serve will not guess which devices are done)`);
    }
    records.push(rec as AuditRecord);
  }
  return { records, torn, provisioned: provisionedFrom(records) };
}

/** Device id -> the highest configuration version audit records say it was provisioned with. */
export function provisionedFrom(records: AuditRecord[]): Map<string, number> {
  const provisioned = new Map<string, number>();
  for (const r of records) {
    if (r.ev !== 'audit' || typeof r.device !== 'string' || !isProvisionedCode(r.code) || typeof r.version !== 'number') continue;
    const was = provisioned.get(r.device) ?? 0;
    if (r.version > was) provisioned.set(r.device, r.version);
  }
  return provisioned;
}

/** The beginning of a record serve wrote, cut off: starts like one, does not end like one. */
function looksTorn(line: string): boolean {
  return line.startsWith('{"ev":') && !line.trimEnd().endsWith('}');
}
