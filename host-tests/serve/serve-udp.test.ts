/**
 * serve over UDP: the engine with `--transport udp` on loopback provisions
 * enrollee bundles loaded in node:vm, each on its own UDP radio (real time, real
 * sockets), the way boards on a provisioning network would be served. Plus the
 * UDP radio's provisioning-network options (address:port peers, its own frames
 * dropped). Waits are bounded (a broken run fails, never hangs); nothing asserts
 * on durations.
 */
import { describe, it, expect, afterEach } from 'vitest';
import dgram from 'node:dgram';
import { createUdpRadio, encodeDatagram, parsePeer, UdpRadio } from '../../configurator/transport/udp-radio.ts';
import { udpTransport } from '../../configurator/serve/udp-transport.ts';
import { bridgeTransport } from '../../configurator/serve/bridge-transport.ts';
import { CliError } from '../../configurator/cli/cli-errors.ts';
import { ServeEngine } from '../../configurator/serve/serve-engine.ts';
import { memoryAuditSink } from '../../configurator/serve/audit-log.ts';
import { deviceStorageFiles } from '../../configurator/cli/device-files.ts';
import { makeFlash } from '../../configurator/sim/flash-fake.ts';
import { makeFlashStorage } from '../../configurator/sim/flash-storage.ts';
import { writeFiles } from '../../configurator/batch/batch-protocol.ts';
import { runBoardOverUdp, UdpBoard } from '../udp/udp-board.ts';
import { memoryBatch, enrolleeSrc } from './serve-fixtures.ts';

const BOUND_MS = 60000;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** Wi-Fi for a vm board: joins the networks listed, after a short delay (the board proves its configuration). */
function wifiStandIn(aps: { [ssid: string]: string }) {
  return {
    connect(ssid: string, opts: { password?: string }, cb: (err: string | null) => void) {
      const ok = aps[ssid] !== undefined && aps[ssid] === (opts && opts.password);
      setTimeout(() => cb(aps[ssid] === undefined ? 'no AP found' : ok ? null : 'auth fail'), 20);
    },
    disconnect() {},
  };
}

describe('UDP radio on a provisioning network', () => {
  it('peers are loopback ports or address:port; anything else is E_UDP_PEER', () => {
    expect(parsePeer(47100)).toEqual({ address: '127.0.0.1', port: 47100 });
    expect(parsePeer('192.168.4.255:47100')).toEqual({ address: '192.168.4.255', port: 47100 });
    for (const bad of ['192.168.4.255', 'host:47100', '1.2.3.4:0', '1.2.3.256:5', '1.2.3.4:70000']) expect(() => parsePeer(bad)).toThrow(/^E_UDP_PEER/);
    expect(() => parsePeer(0)).toThrow(/^E_UDP_PEER/);
  });

  it('sends to an address:port peer, and drops its own datagrams heard back (a subnet broadcast)', async () => {
    const a: UdpRadio = await createUdpRadio({ mac: new Uint8Array([2, 0, 0, 0, 0, 0xaa]) });
    cleanup.push(() => a.close());
    const b: UdpRadio = await createUdpRadio({ mac: new Uint8Array([2, 0, 0, 0, 0, 0xbb]), peers: ['127.0.0.1:' + a.port] });
    cleanup.push(() => b.close());
    const got = new Promise<Uint8Array>((resolve) => a.onReceive((_f, p) => resolve(p)));
    b.send(new Uint8Array(6).fill(255), new Uint8Array([1, 2, 3]));
    expect(Array.from(await got)).toEqual([1, 2, 3]);
    expect(b.peers).toEqual([{ address: '127.0.0.1', port: a.port }]);
    // a datagram from a's own MAC reaching a: dropped as E_UDP_OWN, never handed up
    const raw = dgram.createSocket('udp4');
    cleanup.push(() => new Promise<void>((r) => raw.close(() => r())));
    let handed = 0;
    a.onReceive(() => handed++);
    const own = encodeDatagram(new Uint8Array(6).fill(255), new Uint8Array([2, 0, 0, 0, 0, 0xaa]), new Uint8Array([9]));
    await new Promise<void>((res, rej) => raw.send(own, a.port, '127.0.0.1', (e) => (e ? rej(e) : res())));
    const other = encodeDatagram(new Uint8Array(6).fill(255), new Uint8Array([2, 0, 0, 0, 0, 0xcc]), new Uint8Array([8]));
    const after = new Promise<void>((resolve) => a.onReceive(() => resolve()));
    await new Promise<void>((res, rej) => raw.send(other, a.port, '127.0.0.1', (e) => (e ? rej(e) : res())));
    await after;
    expect(a.stats.own).toBe(1);
    expect(a.drops.map((d) => d.code)).toEqual(['E_UDP_OWN']);
    expect(handed).toBe(0);
  });
});

describe('nowboard serve --transport udp', () => {
  it('provisions three vm-loaded enrollee bundles, each on its own UDP socket, and audits each once', async () => {
    const { input, secrets } = memoryBatch(3, 'serve-udp');
    const cfg = input.devices[0].config!;
    const sink = memoryAuditSink();
    const transport = udpTransport({ mac: new Uint8Array([2, 0x6e, 0x62, 0, 0, 1]), port: 0 });
    const engine = new ServeEngine({ input, transport, sinks: [sink], maxMs: BOUND_MS });
    const finished = engine.start();
    // The boards need serve's port: wait until the transport has bound it.
    for (let i = 0; i < 200 && !transport.radio(); i++) await new Promise((r) => setTimeout(r, 10));
    const servePort = transport.radio()!.port;
    const src = enrolleeSrc();
    const boards: UdpBoard[] = [];
    for (const [i, d] of input.devices.entries()) {
      const radio = await createUdpRadio({ mac: new Uint8Array([2, 0, 0, 0, 0x10, i + 1]), peers: [servePort] });
      cleanup.push(() => radio.close());
      const flash = makeFlash(16);
      writeFiles(makeFlashStorage(flash), deviceStorageFiles(secrets.get(d.id)!));
      const b = runBoardOverUdp(src, radio, { id: d.id, role: 'enrollee', seed: 'udp-' + i, flash, modules: { Wifi: wifiStandIn({ [cfg.ssid]: cfg.psk }) } });
      cleanup.push(() => b.stop());
      boards.push(b);
    }
    const r = await finished;
    expect(r.reason).toBe('done');
    expect(r.done).toBe(3);
    for (const b of boards) {
      const p = await b.waitForReport('provisioned', BOUND_MS);
      expect(p.v).toBe(cfg.version);
      expect(b.crashes).toEqual([]);
    }
    const audits = sink.records.filter((x) => x.ev === 'audit');
    expect(audits.map((a) => a.device).sort()).toEqual(input.devices.map((d) => d.id).sort());
    expect(audits.every((a) => a.code === 0 && a.name === 'OK' && a.version === cfg.version)).toBe(true);
    // Each audit names the board's own MAC, learned from its datagrams.
    for (const a of audits) expect(a.mac).toMatch(/^02:00:00:00:10:0[123]$/);
    expect(sink.records[0].ev).toBe('run-start');
    expect(sink.records[sink.records.length - 1]).toMatchObject({ ev: 'run-stop', reason: 'done', provisioned: 3 });
    expect(r.work.x25519Op).toBe(6); // two per session (ss precomputed): the host suite did the key agreements
  });
});

describe('nowboard serve --transport bridge (wiring, with a stand-in for the bridge module)', () => {
  it('serves through whatever radio the bridge module gives (here a UDP radio), and a silent bridge is E_TRANSPORT', async () => {
    const { input, secrets } = memoryBatch(1, 'serve-bridge');
    const cfg = input.devices[0].config!;
    const radio = await createUdpRadio({ mac: new Uint8Array([2, 0x6e, 0x62, 0, 0, 2]) });
    cleanup.push(() => radio.close());
    let openedWith = '';
    const fakeModule = {
      openSerialBridge(o: { path: string }) {
        openedWith = o.path;
        return { ...radio, mac: radio.mac, send: radio.send, onReceive: radio.onReceive, ready: async () => ({}), state: () => 'up', on: () => {}, close: async () => {} };
      },
    };
    const sink = memoryAuditSink();
    const engine = new ServeEngine({ input, transport: bridgeTransport({ path: '/dev/ttyFAKE0', load: async () => fakeModule }), sinks: [sink], maxMs: BOUND_MS });
    const board = await createUdpRadio({ mac: new Uint8Array([2, 0, 0, 0, 0x20, 1]), peers: [radio.port] });
    cleanup.push(() => board.close());
    const flash = makeFlash(16);
    writeFiles(makeFlashStorage(flash), deviceStorageFiles(secrets.get(input.devices[0].id)!));
    const finished = engine.start();
    const b = runBoardOverUdp(enrolleeSrc(), board, { id: 'b', role: 'enrollee', seed: 'bridge', flash, modules: { Wifi: wifiStandIn({ [cfg.ssid]: cfg.psk }) } });
    cleanup.push(() => b.stop());
    const r = await finished;
    expect(openedWith).toBe('/dev/ttyFAKE0');
    expect(r.reason).toBe('done');
    expect(r.transport).toMatchObject({ path: '/dev/ttyFAKE0', state: 'up' });
    expect(sink.records.filter((x) => x.ev === 'audit' && x.code === 0).length).toBe(1);

    const silent = bridgeTransport({
      path: '/dev/ttyFAKE1',
      load: async () => ({ openSerialBridge: () => ({ ready: () => Promise.reject(new Error('E_BRIDGE_TIMEOUT')), close: async () => {} }) }),
    });
    const e = await silent.open().catch((x) => x);
    expect(e).toBeInstanceOf(CliError);
    expect(e.code).toBe('E_TRANSPORT');
    expect(e.message).toContain('E_BRIDGE_TIMEOUT');
  });
});
