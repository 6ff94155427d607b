/**
 * serve as the configurator inside the simulator (`--transport sim`): the
 * enrollee bundles in node:vm, serve's engine and the real configurator core
 * with the host suite. A batch provisioned through the CLI; a run stopped
 * midway and resumed, with no device audited as provisioned twice and no
 * session opened after the stop; a newer configuration version served again;
 * the host's CPU model.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { main } from '../../configurator/cli/nowboard.ts';
import { simTransport } from '../../configurator/serve/sim-transport.ts';
import { ServeEngine, devicesToServe } from '../../configurator/serve/serve-engine.ts';
import { memoryAuditSink, provisionedFrom, readAuditLog, AuditRecord, isProvisionedCode } from '../../configurator/serve/audit-log.ts';
import { LOCK_FILE } from '../../configurator/serve/batch-lock.ts';
import { memoryBatch, enrolleeSrc, keygenDir, setGroupConfig } from './serve-fixtures.ts';

const SIM = ['--transport', 'sim', '--quiet'];

function okCounts(records: AuditRecord[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) if (r.ev === 'audit' && isProvisionedCode(r.code)) m.set(r.device as string, (m.get(r.device as string) ?? 0) + 1);
  return m;
}

describe('nowboard serve --transport sim', () => {
  it('provisions a batch directory: one OK audit per device, fsync-appended to DIR/audit.jsonl; a rerun sends nothing', async () => {
    const dir = await keygenDir(6);
    const out: string[] = [];
    const code = await main(['serve', '--dir', dir, ...SIM, '--loss', '0.1', '--seed', 'cli-1'], (s) => out.push(s));
    expect(code, out.join('\n')).toBe(0);
    const log = readAuditLog(path.join(dir, 'audit.jsonl'));
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const ids = manifest.devices.map((d: { id: string }) => d.id).sort();
    const oks = okCounts(log.records);
    expect([...oks.keys()].sort()).toEqual(ids);
    expect([...oks.values()].every((n) => n === 1)).toBe(true);
    // the audit names each device by id and by the hash the manifest gives it
    for (const r of log.records.filter((x) => x.ev === 'audit')) {
      expect(manifest.devices.find((d: { id: string }) => d.id === r.device).keyHash).toBe(r.keyHash);
    }
    expect(log.records[0]).toMatchObject({ ev: 'run-start', transport: 'sim', serving: 6, doneBefore: 0 });
    expect(log.records[log.records.length - 1]).toMatchObject({ ev: 'run-stop', reason: 'done', provisioned: 6 });
    // the per-device table
    const table = out.join('\n');
    for (const id of ids) expect(table).toMatch(new RegExp(`${id}\\s+default\\s+provisioned\\s+1\\s+\\d+`));
    expect(table).toContain('6/6 devices provisioned (6 in this run)');
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);

    // Again: every device holds its configuration, so this run serves nobody and opens no transport.
    const out2: string[] = [];
    expect(await main(['serve', '--dir', dir, ...SIM], (s) => out2.push(s))).toBe(0);
    const log2 = readAuditLog(path.join(dir, 'audit.jsonl'));
    expect(log2.records.slice(log.records.length).map((r) => r.ev)).toEqual(['run-start']);
    expect(log2.records[log.records.length]).toMatchObject({ serving: 0, doneBefore: 6 });
    expect(okCounts(log2.records)).toEqual(oks);
    expect(out2.join('\n')).toContain('serving 0 of 6 devices');

    // A newer configuration version: every device is served again, with the new version.
    setGroupConfig(dir, { version: 2 });
    expect(await main(['serve', '--dir', dir, ...SIM, '--seed', 'cli-2'], () => {})).toBe(0);
    const log3 = readAuditLog(path.join(dir, 'audit.jsonl'));
    const v2 = log3.records.filter((r) => r.ev === 'audit' && isProvisionedCode(r.code) && r.version === 2).map((r) => r.device).sort();
    expect(v2).toEqual(ids);
    expect(log3.provisioned.get(ids[0])).toBe(2);
  });

  it('stopped midway and resumed: nothing opened after the stop, open sessions written as interrupted, no device provisioned twice', async () => {
    const { input, secrets } = memoryBatch(10, 'interrupt');
    const src = enrolleeSrc();
    const sink1 = memoryAuditSink();
    const all = input.devices.map((d) => ({ id: d.id, secret: secrets.get(d.id)! }));
    const t1 = simTransport({ input, devices: all, enrolleeSrc: src, seed: 'stop-1', loss: 0.3, sliceMs: 20 });
    let attemptsAtStop = -1;
    const e1: ServeEngine = new ServeEngine({
      input, transport: t1, sinks: [sink1], drainMs: 200,
      onProgress: (p) => {
        if (p.done >= 2 && attemptsAtStop < 0) {
          // Ctrl-C arrives between two steps, as a signal does.
          attemptsAtStop = -2;
          setImmediate(() => {
            attemptsAtStop = e1.snapshot().reduce((a, d) => a + d.attempts, 0);
            e1.stop();
          });
        }
      },
    });
    const r1 = await e1.start();
    expect(r1.reason).toBe('interrupted');
    expect(r1.done).toBeGreaterThanOrEqual(2);
    expect(r1.done).toBeLessThan(10);
    // The gate: once stopping, no announcement opened a new session.
    expect(r1.devices.reduce((a, d) => a + d.attempts, 0)).toBe(attemptsAtStop);
    const interrupted = sink1.records.filter((r) => r.ev === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(0); // this seed stops with sessions still waiting for their PROOF
    expect(interrupted.length).toBe(r1.interrupted.length);
    for (const r of interrupted) expect(r1.devices.find((d) => d.id === r.device)!.result).toBe('interrupted');
    expect(sink1.records[sink1.records.length - 1]).toMatchObject({ ev: 'run-stop', reason: 'interrupted', interrupted: interrupted.length });

    // Resume: only what is not provisioned yet is served (a fresh world of those boards).
    const prior = provisionedFrom(sink1.records);
    const pending = devicesToServe(input, prior);
    expect(pending.length).toBe(10 - r1.done);
    const sink2 = memoryAuditSink();
    const t2 = simTransport({ input, devices: pending.map((id) => ({ id, secret: secrets.get(id)! })), enrolleeSrc: src, seed: 'stop-2', loss: 0.3 });
    const r2 = await new ServeEngine({ input, transport: t2, sinks: [sink2], prior }).start();
    expect(r2.reason).toBe('done');
    expect(r2.done).toBe(10);
    expect(r2.provisionedNow).toBe(pending.length);
    const both = okCounts([...sink1.records, ...sink2.records]);
    expect(both.size).toBe(10);
    expect([...both.values()].every((n) => n === 1)).toBe(true);
    expect(r2.devices.filter((d) => d.result === 'done before').length).toBe(r1.done);
  });

  it('host-driven: the configurator node spends milliseconds of CPU per session, costed on the host engine', async () => {
    const { input, secrets } = memoryBatch(4, 'cpu');
    const t = simTransport({ input, devices: input.devices.map((d) => ({ id: d.id, secret: secrets.get(d.id)! })), enrolleeSrc: enrolleeSrc(), seed: 'cpu', loss: 0 });
    const r = await new ServeEngine({ input, transport: t, sinks: [] }).start();
    expect(r.reason).toBe('done');
    // 2 X25519 per session on the host (2.0 ms each in the cost table) and a little hashing: well under 10 ms a session.
    expect(r.work.x25519Op).toBe(8);
    expect(t.hostBusyMs()).toBeGreaterThan(4 * 2 * 2.0);
    expect(t.hostBusyMs()).toBeLessThan(4 * 10);
    // Every enrollee did its own X25519 on its (simulated ESP32) CPU, which dominates its time.
    for (const b of t.boards().values()) expect(b.cpuBusyMs).toBeGreaterThan(16000);
  });
});
