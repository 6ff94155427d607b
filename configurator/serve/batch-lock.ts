/**
 * One `nowboard serve` per batch directory: DIR/serve.lock, created with O_EXCL,
 * holds who runs (pid, start time, host, and the process's start tick so a
 * reused pid is not mistaken for the holder). A second serve refuses and names
 * the first; a lock whose process is gone (killed, crashed, machine rebooted) is
 * stale and taken over.
 *
 * Taking over is race-free between two newcomers: the stale file is renamed to a
 * name only this process uses, then checked to be the very lock judged stale
 * (its nonce); only then is it removed and a fresh lock created with O_EXCL. A
 * newcomer that renamed a live lock by mistake (another took over first) links
 * it back, which cannot overwrite.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from '../cli/cli-errors.ts';

export const LOCK_FILE = 'serve.lock';

export interface LockInfo {
  pid: number;
  /** wall-clock start, ISO 8601 */
  started: string;
  host: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat field 22), and the boot id */
  startTick: number | null;
  bootId: string | null;
  nonce: string;
  transport: string;
}

export interface BatchLock {
  file: string;
  info: LockInfo;
  /** Remove the lock if it is still ours. Safe to call twice. */
  release(): void;
  /** taken over from a dead holder (its info), or null */
  tookOver: LockInfo | null;
}

function readProcStartTick(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = Number(rest[22 - 3]);
    return Number.isFinite(tick) ? tick : null;
  } catch (e) {
    return null;
  }
}

function readBootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch (e) {
    return null;
  }
}

/** Is the process that wrote this lock still running? */
export function holderAlive(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return true; // another machine's lock (a shared disk): never judged from here
  const boot = readBootId();
  if (info.bootId && boot && info.bootId !== boot) return false; // written before this machine last booted
  try {
    process.kill(info.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: a process with that pid exists (another user's); fall through to the start-tick check.
  }
  if (info.startTick !== null) {
    const now = readProcStartTick(info.pid);
    // The pid exists but started at another tick: a new process reusing a dead holder's pid.
    if (now !== null && now !== info.startTick) return false;
  }
  return true;
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text);
    if (v && typeof v.pid === 'number' && typeof v.started === 'string' && typeof v.nonce === 'string') return v as LockInfo;
  } catch (e) {
    // fall through
  }
  return null;
}

export function describeHolder(info: LockInfo): string {
  return `pid ${info.pid} on ${info.host}, started ${info.started} (transport ${info.transport})`;
}

/**
 * Take the batch's lock or throw E_LOCKED naming the holder. `transport` is
 * recorded for the message a second serve prints.
 */
export function acquireBatchLock(dir: string, transport: string): BatchLock {
  const file = path.join(dir, LOCK_FILE);
  const info: LockInfo = {
    pid: process.pid,
    started: new Date().toISOString(),
    host: os.hostname(),
    startTick: readProcStartTick(process.pid),
    bootId: readBootId(),
    nonce: randomBytes(8).toString('hex'),
    transport,
  };
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o644);
      fs.writeSync(fd, JSON.stringify(info) + '\n');
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      let released = false;
      return {
        file,
        info,
        tookOver,
        release() {
          if (released) return;
          released = true;
          try {
            const cur = parseLock(fs.readFileSync(file, 'utf8'));
            if (cur && cur.nonce === info.nonce) fs.unlinkSync(file);
          } catch (e) {
            // already gone: nothing to release
          }
        },
      };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new CliError('E_LOCKED', `cannot create ${file}: ${code ?? (e as Error).message}`);
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      continue; // removed meanwhile: try again
    }
    const holder = parseLock(text);
    if (holder && holderAlive(holder)) {
      throw new CliError('E_LOCKED', `${dir} is being served by another nowboard serve: ${describeHolder(holder)}; stop it first (or remove ${file} if that process is not nowboard)`);
    }
    if (!holder) {
      // Half-written by a process that died while creating it (it fsyncs before anything else), or not ours.
      const age = Date.now() - fs.statSync(file).mtimeMs;
      if (age < 5000) throw new CliError('E_LOCKED', `${file} is being written by another process; try again`);
    }
    // Stale: move it aside under a name only we use, check it is the one we judged, remove it.
    const aside = `${file}.stale-${process.pid}-${info.nonce}`;
    try {
      fs.renameSync(file, aside);
    } catch (e) {
      continue; // someone else moved it first
    }
    const moved = fs.readFileSync(aside, 'utf8');
    if (moved !== text) {
      // Another newcomer replaced the stale lock with its own before our rename: give it back.
      try {
        fs.linkSync(aside, file);
      } catch (e) {
        // a third lock exists already; ours to drop is only the aside copy
      }
      fs.unlinkSync(aside);
      continue;
    }
    fs.unlinkSync(aside);
    tookOver = holder;
  }
  throw new CliError('E_LOCKED', `${file}: could not take the lock (it keeps changing); is another serve starting?`);
}
