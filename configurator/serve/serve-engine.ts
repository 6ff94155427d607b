/**
 * `nowboard serve`'s engine: the configurator role of the batch's protocol run
 * on this computer, through the same seam a board uses: `startRuntime` of
 * firmware/runtime/runtime.ts with the protocol's `Role` (whitelist-serve.ts)
 * and ports this file builds around a transport (transport.ts).
 *
 * Why the runtime and not the core driven directly: the runtime is the one
 * glue that turns effects into timers, sends and stores, scopes timers, routes
 * frames by protocol id and never lets a core's exception escape; serve then
 * behaves exactly like the configurator board in every respect but speed, and
 * another protocol's configurator plugs in as another Role.
 *
 * It keeps per device: the configuration version it must reach, whether it is
 * done (audited OK or I_CONFIRMED at that version, in this run or an earlier
 * one), the sessions started, the last outcome. Every audit effect becomes a
 * record for every sink, durable before the runtime goes on.
 *
 * Stopping (stop()): new sessions are refused — an announcement that would open
 * one is dropped before the core sees it — while open sessions may finish for
 * `drainMs`; then each session still open is written as `interrupted`. A second
 * stop() (a second Ctrl-C) ends at once, reporting every open session.
 */
import { randomBytes } from 'node:crypto';
import { startRuntime, Runtime } from '../../firmware/runtime/runtime.ts';
import type { CoreEffect } from '../../firmware/runtime/events.ts';
import type { Ports, RadioPort, StoragePort, MeterPort, ClockPort } from '../../firmware/ports/ports.ts';
import { LOG_INFO, WIFI_NO_AP } from '../../firmware/ports/ports.ts';
import type { BatchInput } from './batch-input.ts';
import type { ServeTransport, TransportPorts } from './transport.ts';
import { AuditRecord, AuditSink, isProvisionedCode } from './audit-log.ts';
import { whitelistServe, ServeProtocol, OpenSession } from './whitelist-serve.ts';
import type { ConfiguratorOptions } from '../../firmware/protocols/whitelist/configurator.ts';

export type DeviceResult = 'waiting' | 'session' | 'provisioned' | 'done before' | 'failed' | 'interrupted' | 'revoked';

export interface DeviceStatus {
  id: string;
  group: string;
  keyHash: string;
  /** the configuration version it must hold (0 for revoked) */
  version: number;
  result: DeviceResult;
  /** the last audited code and its name ('' before any) */
  code: number | null;
  codeName: string;
  /** sessions the core started with it in this run */
  attempts: number;
  mac: string;
  /** transport-clock ms of its first session and of its provisioning (this run) */
  firstMs: number | null;
  doneMs: number | null;
  /** audit records written for it in this run */
  audits: number;
}

export type StopReason = 'done' | 'interrupted' | 'time limit' | 'audit sink failed';

export interface ServeResult {
  run: string;
  reason: StopReason;
  devices: DeviceStatus[];
  /** active devices (revoked ones excluded) */
  total: number;
  /** provisioned with their configuration, this run or before */
  done: number;
  provisionedNow: number;
  interrupted: OpenSession[];
  /** transport-clock ms from start to stop */
  elapsedMs: number;
  /** frames dropped while draining (would have opened a new session) */
  drainDropped: number;
  work: { [unit: string]: number };
  transport: { [k: string]: string | number | boolean };
}

export interface Progress {
  total: number;
  done: number;
  sessions: number;
  failed: number;
  elapsedMs: number;
  stopping: boolean;
}

export interface ServeOptions {
  input: BatchInput;
  transport: ServeTransport;
  sinks: AuditSink[];
  /** device id -> highest version audited as provisioned before (from the audit log) */
  prior?: Map<string, number>;
  /** how long open sessions may finish after stop(), transport-clock ms (default 15000) */
  drainMs?: number;
  /** stop by itself after this long, transport-clock ms */
  maxMs?: number;
  timing?: ConfiguratorOptions;
  runId?: string;
  onProgress?: (p: Progress) => void;
  /** errors and warnings from the runtime (a core never throws; the runtime says so if one did) */
  onLog?: (level: number, msg: string) => void;
}

/** Files the core may write (the whitelist with first-contact secrets): kept in memory, the batch directory is the source. */
function memoryStorage(): StoragePort {
  const files = new Map<string, Uint8Array>();
  return {
    read: (n) => files.get(n),
    write: (n, d) => void files.set(n, new Uint8Array(d)),
    erase: (n) => void files.delete(n),
    list: (p) => [...files.keys()].filter((k) => k.startsWith(p)),
  };
}

function countingMeter(totals: { [unit: string]: number }): MeterPort {
  return {
    state() {},
    work(unit, n) {
      totals[unit] = (totals[unit] ?? 0) + n;
    },
  };
}

/** Ids of the devices a run must still provision: active, and not audited as provisioned at their configuration's version. */
export function devicesToServe(input: BatchInput, prior: Map<string, number>): string[] {
  return input.devices.filter((d) => !d.revoked && d.config && (prior.get(d.id) ?? 0) < d.config.version).map((d) => d.id);
}

export class ServeEngine {
  readonly run: string;
  private o: ServeOptions;
  private proto!: ServeProtocol;
  private rt: Runtime | null = null;
  private ports: TransportPorts | null = null;
  private status = new Map<string, DeviceStatus>();
  private byHash = new Map<string, DeviceStatus>();
  private total = 0;
  private done = 0;
  private provisionedNow = 0;
  private failedNow = 0;
  private t0 = 0;
  private lastSess: object | null = null;
  private openSids = new Map<string, number>();
  private stopping = false;
  private stopNow = false;
  private drainOver = false;
  private timedOut = false;
  private sinkFailed = false;
  private drainDropped = 0;
  private work: { [unit: string]: number } = {};
  private finishedReason: StopReason | null = null;
  /** every timer armed on the transport's clock (the core's and serve's own): cleared at the end, so nothing outlives the run */
  private timers = new Set<number>();

  constructor(o: ServeOptions) {
    this.o = o;
    this.run = o.runId ?? new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15) + '-' + process.pid;
    const prior = o.prior ?? new Map<string, number>();
    for (const d of o.input.devices) {
      const version = d.config ? d.config.version : 0;
      const before = !d.revoked && (prior.get(d.id) ?? 0) >= version;
      const s: DeviceStatus = {
        id: d.id, group: d.group, keyHash: d.keyHash, version,
        result: d.revoked ? 'revoked' : before ? 'done before' : 'waiting',
        code: null, codeName: '', attempts: 0, mac: '', firstMs: null, doneMs: null, audits: 0,
      };
      this.status.set(d.id, s);
      this.byHash.set(d.keyHash, s);
      if (!d.revoked) {
        this.total++;
        if (before) this.done++;
      }
    }
  }

  /** Devices this run serves (active, not provisioned with their configuration yet). */
  pendingIds(): string[] {
    return [...this.status.values()].filter((s) => s.result === 'waiting').map((s) => s.id);
  }

  /** Every device's status now (copies). */
  snapshot(): DeviceStatus[] {
    return [...this.status.values()].map((s) => ({ ...s }));
  }

  progress(): Progress {
    return {
      total: this.total, done: this.done, sessions: this.openSids.size, failed: this.failedNow,
      elapsedMs: this.ports ? this.ports.clock.now() - this.t0 : 0, stopping: this.stopping,
    };
  }

  /**
   * Ask serve to stop. First call: no new sessions, open ones may finish for
   * drainMs. Second call (or `immediate`): stop now.
   */
  stop(immediate = false): void {
    if (this.stopping || immediate) this.stopNow = true;
    if (!this.stopping) {
      this.stopping = true;
      if (this.ports) {
        this.ports.clock.setTimer(this.o.drainMs ?? 15000, () => {
          this.drainOver = true;
          this.o.transport.nudge();
        });
      }
    }
    this.emitProgress();
    this.o.transport.nudge();
  }

  private finished(): boolean {
    if (this.finishedReason) return true;
    let r: StopReason | null = null;
    const drained = this.stopNow || this.drainOver || this.openSids.size === 0;
    if (this.sinkFailed) r = 'audit sink failed';
    else if (this.done >= this.total && this.openSids.size === 0) r = 'done';
    else if (this.timedOut && drained) r = 'time limit';
    else if (this.stopping && drained) r = 'interrupted';
    if (r) this.finishedReason = r;
    return r !== null;
  }

  private record(rec: Omit<AuditRecord, 'run' | 'at'>): void {
    const full = { ev: rec.ev, run: this.run, at: new Date().toISOString(), ...rec } as AuditRecord;
    for (const s of this.o.sinks) s.append(full);
  }

  private emitProgress(): void {
    if (this.o.onProgress) this.o.onProgress(this.progress());
  }

  private onAudit(e: Extract<CoreEffect, { t: 'audit' }>): void {
    const s = this.byHash.get(e.device);
    const name = this.proto.codeName(e.code);
    this.record({ ev: 'audit', device: s ? s.id : undefined, keyHash: e.device, mac: e.mac, code: e.code, name, version: e.version, t: e.now });
    // A sink that cannot keep the record stops serve: nothing more is delivered unrecorded.
    if (this.o.sinks.some((k) => k.failed() !== null)) {
      this.sinkFailed = true;
      this.stop(true);
    }
    if (!s) return;
    s.audits++;
    s.code = e.code;
    s.codeName = name;
    s.mac = e.mac;
    if (isProvisionedCode(e.code) && e.version >= s.version) {
      if (s.result !== 'provisioned') {
        s.result = 'provisioned';
        s.doneMs = e.now - this.t0;
        this.done++;
        this.provisionedNow++;
      }
    } else if (s.result !== 'provisioned') {
      if (s.result !== 'failed') this.failedNow++;
      s.result = 'failed';
    }
    this.emitProgress();
    this.o.transport.nudge();
  }

  /** After every step: notice sessions opened and closed (the core's table, compared by identity first). */
  private onState(state: any): void {
    const table = this.proto.sessionTable(state);
    if (table === this.lastSess) return;
    this.lastSess = table;
    const open = this.proto.sessions(state);
    const now = new Map<string, number>();
    for (const x of open) {
      now.set(x.keyHash, x.sid);
      if (this.openSids.get(x.keyHash) === x.sid) continue;
      const s = this.byHash.get(x.keyHash);
      if (!s) continue;
      s.attempts++;
      s.mac = x.mac;
      if (s.firstMs === null) s.firstMs = (this.ports ? this.ports.clock.now() : 0) - this.t0;
      if (s.result === 'waiting' || s.result === 'failed') {
        if (s.result === 'failed') this.failedNow--;
        s.result = 'session';
      }
    }
    this.openSids = now;
    this.emitProgress();
    this.o.transport.nudge();
  }

  private trackedClock(c: ClockPort): ClockPort {
    return {
      now: () => c.now(),
      setTimer: (ms, cb) => {
        const id = c.setTimer(ms, () => {
          this.timers.delete(id);
          cb();
        });
        this.timers.add(id);
        return id;
      },
      clearTimer: (id) => {
        this.timers.delete(id);
        c.clearTimer(id);
      },
    };
  }

  /** The radio the runtime gets: while stopping, announcements that would open a session never reach the core. */
  private gate(radio: RadioPort): RadioPort {
    return {
      mac: () => radio.mac(),
      send: (to, bytes, done) => radio.send(to, bytes, done),
      onReceive: (h) => {
        radio.onReceive((from, bytes, rssi) => {
          if (this.stopping) {
            const hx = this.proto.opener(bytes);
            if (hx !== null && !this.openSids.has(hx)) {
              this.drainDropped++;
              return;
            }
          }
          h(from, bytes, rssi);
        });
      },
    };
  }

  async start(): Promise<ServeResult> {
    const o = this.o;
    const pending = new Set(this.pendingIds());
    this.proto = whitelistServe(o.input, { serve: pending, timing: o.timing });
    const log = o.onLog ?? (() => {});
    if (pending.size === 0) {
      // Nothing to send: every active device already holds its configuration.
      this.record({ ev: 'run-start', pid: process.pid, transport: o.transport.name, devices: this.total, serving: 0, doneBefore: this.done });
      this.finishedReason = 'done';
      return this.result();
    }
    const opened = await o.transport.open();
    const tp: TransportPorts = { ...opened, clock: this.trackedClock(opened.clock) };
    this.ports = tp;
    this.t0 = tp.clock.now();
    const ports: Ports = {
      radio: this.gate(tp.radio),
      clock: tp.clock,
      random: tp.random ?? { bytes: (n) => new Uint8Array(randomBytes(n)) },
      storage: memoryStorage(),
      log: { log: (level, msg) => { if (level >= LOG_INFO) log(level, msg); } },
      meter: tp.meter ? teeMeter(tp.meter, this.work) : countingMeter(this.work),
      // serve never joins a network itself; a core asking is answered "no AP", later.
      wifi: { join: (_s, _p, done) => void setImmediate(() => done(WIFI_NO_AP)), leave: () => {} },
    };
    this.record({
      ev: 'run-start', pid: process.pid, transport: o.transport.name, devices: this.total, serving: pending.size,
      doneBefore: this.done, ...prefixed(o.transport.info()),
    });
    this.rt = startRuntime(ports, [{ role: this.proto.role, initial: this.proto.initial }], {
      extraWork: this.proto.extraWork,
      onEffect: (e) => {
        if (e.t === 'audit') this.onAudit(e);
        else if (e.t === 'report' && e.code !== 0) log(LOG_INFO, this.proto.codeName(e.code) + ': ' + e.detail);
      },
      onState: (st) => this.onState(st),
    });
    for (const c of this.proto.commands) this.rt.dispatch(c);
    this.rt.dispatch({ t: 'boot' });
    if (o.maxMs !== undefined) {
      this.ports.clock.setTimer(o.maxMs, () => {
        this.timedOut = true;
        if (!this.stopping) this.stop();
      });
    }
    this.emitProgress();
    await o.transport.run(() => this.finished());
    return this.wrapUp();
  }

  private async wrapUp(): Promise<ServeResult> {
    if (this.ports) for (const id of [...this.timers]) this.ports.clock.clearTimer(id);
    const state = this.rt ? this.rt.state() : null;
    const open = state ? this.proto.sessions(state) : [];
    for (const x of open) {
      const s = this.byHash.get(x.keyHash);
      if (s && s.result !== 'provisioned') s.result = 'interrupted';
      this.record({ ev: 'interrupted', device: s?.id, keyHash: x.keyHash, mac: x.mac, phase: x.phase, version: x.version });
    }
    let sinkError: Error | null = null;
    const res = this.result(open);
    this.record({
      ev: 'run-stop', reason: res.reason, devices: res.total, done: res.done, provisioned: res.provisionedNow,
      interrupted: open.length, drainDropped: this.drainDropped,
    });
    for (const s of this.o.sinks) {
      try {
        await s.flush();
      } catch (e) {
        sinkError = sinkError ?? (e as Error);
      }
    }
    try {
      await this.o.transport.close();
    } catch (e) {
      // closing a transport that already failed: nothing more to lose
    }
    if (sinkError) {
      res.reason = 'audit sink failed';
      (res as ServeResult & { sinkError?: string }).sinkError = sinkError.message;
    }
    return res;
  }

  private result(open: OpenSession[] = []): ServeResult {
    return {
      run: this.run,
      reason: this.finishedReason ?? 'interrupted',
      devices: [...this.status.values()],
      total: this.total,
      done: this.done,
      provisionedNow: this.provisionedNow,
      interrupted: open,
      elapsedMs: this.ports ? this.ports.clock.now() - this.t0 : 0,
      drainDropped: this.drainDropped,
      work: { ...this.work },
      transport: this.ports ? this.o.transport.info() : {},
    };
  }
}

function teeMeter(m: MeterPort, totals: { [unit: string]: number }): MeterPort {
  const c = countingMeter(totals);
  return {
    state: (a, b) => m.state(a, b),
    work: (u, n) => {
      c.work(u, n);
      m.work(u, n);
    },
  };
}

function prefixed(info: { [k: string]: string | number | boolean }): { [k: string]: string | number | boolean } {
  const out: { [k: string]: string | number | boolean } = {};
  for (const [k, v] of Object.entries(info)) out['transport_' + k] = v;
  return out;
}
