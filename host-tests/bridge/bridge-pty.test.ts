/**
 * The radio bridge end to end over a real pseudo-terminal pair (socat):
 *
 *   configurator bundle (vm) ── serial-bridge.ts ══ pty ══ bridge bundle (vm) ── ESP-NOW over UDP ── enrollee bundle (vm)
 *
 * The bridge bundle is dist/espruino/bridge.js running in node:vm with the
 * simulator's Espruino globals, a `Serial1` bound to the board end of the pty
 * (host-tests/bridge/pty-serial.ts) and an `ESPNOW` over the UDP loopback
 * binding. Checked: HELLO and the bridge's MAC, frames both ways with RSSI and
 * send status, a whole whitelist provisioning through it; a bad line both ways
 * (garbage, truncated copies, repeated chunks: every intact frame arrives once,
 * the rest is counted on both sides); the cable pulled mid-run (gone, sends
 * queued and in flight kept, back after re-plug and reboot, all delivered).
 * Waits fail after a bound; nothing asserts on durations.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUdpRadio, espnowOverUdp, UdpRadio } from '../../configurator/transport/udp-radio.ts';
import { openSerialBridge, openSerialPort, SerialBridge, OpenSerial } from '../../configurator/transport/serial-bridge.ts';
import { whitelistBatch } from '../../configurator/batch/whitelist-batch.ts';
import { DEFAULT_CONFIG } from '../../configurator/batch/batch-scenario.ts';
import { makeRng } from '../../configurator/sim/sim-rng.ts';
import { runLiveBoard, guardedEspnow, espnowOfRadio, fakeWifi, LiveBoard } from './live-board.ts';
import { startSocat, espruinoSerial, Socat, FakeSerial, ChunkFault } from './pty-serial.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOUND_MS = 20000;
const MAC_BRIDGE = new Uint8Array([2, 0xb0, 0, 0, 0, 1]);
const MAC_PEER = new Uint8Array([2, 0xe0, 0, 0, 0, 2]);

let bridgeSrc = '';
let enrolleeSrc = '';
let configuratorSrc = '';
beforeAll(() => {
  const read = (p: string) => fs.readFileSync(path.join(ROOT, p), 'utf8');
  bridgeSrc = read('dist/espruino/bridge.js');
  enrolleeSrc = read('dist/espruino/whitelist/enrollee.js');
  configuratorSrc = read('dist/espruino/whitelist/configurator.js');
});

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function until(pred: () => boolean, what: string, ms = BOUND_MS): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Rig {
  dir: string;
  socat: Socat;
  bridgeRadio: UdpRadio;
  peer: UdpRadio;
  board: LiveBoard;
  serial: FakeSerial;
  startBoard(): void;
}

/** socat + a bridge board on the pty's board end, its ESP-NOW a UDP radio peered with `peer`. */
async function rig(): Promise<Rig> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-bridge-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const socat = await startSocat(dir);
  cleanup.push(() => socat.kill());
  const peer = await createUdpRadio({ mac: MAC_PEER });
  const bridgeRadio = await createUdpRadio({ mac: MAC_BRIDGE, peers: [peer.port] });
  peer.addPeer(bridgeRadio.port);
  cleanup.push(() => peer.close(), () => bridgeRadio.close());
  const espnow = espnowOverUdp(bridgeRadio);
  const r: Rig = {
    dir, socat, bridgeRadio, peer, board: null as unknown as LiveBoard, serial: null as unknown as FakeSerial,
    startBoard() {
      r.board = runLiveBoard(bridgeSrc, {
        id: 'bridge', seed: 'bridge-' + Math.random(),
        files: { 'nb-bridge.json': JSON.stringify({ path: r.socat.board, baud: 115200 }) },
        modules: (b) => ({ ESPNOW: guardedEspnow(b, espnow) }),
        globals: (b) => {
          r.serial = espruinoSerial(b);
          return { Serial1: r.serial.serial, LoopbackA: { setConsole() {} } };
        },
      });
      const b = r.board;
      cleanup.push(() => b.stop());
    },
  };
  r.startBoard();
  return r;
}

/** The host side with tight timings, its writes optionally passed through a fault per frame. */
function host(r: Rig, txFault?: { f: ChunkFault | null }): SerialBridge {
  const open: OpenSerial = (p, baud, h) => {
    const link = openSerialPort(p, baud, h);
    return {
      write: (b) => (txFault && txFault.f ? txFault.f(b) : [b]).forEach((c) => link.write(c)),
      close: () => link.close(),
    };
  };
  const bridge = openSerialBridge({ path: r.socat.host, pingMs: 150, goneAfterMs: 800, reopenMs: 100, statusTimeoutMs: 2000, open });
  cleanup.push(() => bridge.close());
  return bridge;
}

describe('radio bridge over a pty pair (bridge bundle in node:vm)', () => {
  it('HELLO with the MAC; frames both ways with RSSI and status; a whitelist batch of one provisioned through it', async () => {
    const r = await rig();
    const bridge = host(r);
    const hello = await bridge.ready(BOUND_MS);
    expect(Array.from(hello.mac)).toEqual(Array.from(MAC_BRIDGE));
    expect(hello.maxPayload).toBe(250);
    expect(bridge.state()).toBe('up');
    expect(r.serial.consoleBack).toBe(false);

    // Air -> host.
    const heard: [string, string, number][] = [];
    bridge.onReceive((mac, p, rssi) => heard.push([Buffer.from(mac).toString('hex'), Buffer.from(p).toString('hex'), rssi]));
    r.peer.send(MAC_BRIDGE, new Uint8Array([1, 2, 3]));
    r.peer.send(new Uint8Array(6).fill(255), new Uint8Array(250).fill(7));
    await until(() => heard.length === 2, 'two frames through the bridge');
    expect(heard[0]).toEqual(['02e000000002', '010203', -40]);
    expect(heard[1][1]).toBe('07'.repeat(250));

    // Host -> air, with the status.
    const got: string[] = [];
    r.peer.onReceive((from, p) => got.push(Buffer.from(from).toString('hex') + ':' + Buffer.from(p).toString('hex')));
    const status = await new Promise<boolean>((res) => bridge.send(MAC_PEER, new Uint8Array([0xab, 0xcd]), res));
    expect(status).toBe(true);
    await until(() => got.length === 1, 'the frame on air');
    expect(got[0]).toBe('02b000000001:abcd');
    expect(() => bridge.send(MAC_PEER, new Uint8Array(251))).toThrow(/^E_FRAME_TOO_LARGE/);
    expect(() => bridge.send(new Uint8Array(5), new Uint8Array(1))).toThrow(/^E_BAD_MAC/);

    // A real provisioning: the configurator bundle's radio is the bridge.
    r.peer.onReceive(() => {});
    bridge.onReceive(() => {});
    const rng = makeRng('bridge-batch');
    const batch = whitelistBatch.makeBatch({ enrollees: 1, configurators: 1, random: (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = rng.i32() & 255; return b; } });
    const cfg = runLiveBoard(configuratorSrc, {
      id: 'cfg', seed: 'cfg', files: whitelistBatch.configuratorFiles(batch, 0, { groups: { '': DEFAULT_CONFIG } }),
      modules: (b) => ({ ESPNOW: guardedEspnow(b, espnowOfRadio(bridge)) }),
    });
    cleanup.push(() => cfg.stop());
    const enr = runLiveBoard(enrolleeSrc, {
      id: 'enr', seed: 'enr', files: whitelistBatch.enrolleeFiles(batch, 0),
      modules: (b) => ({ ESPNOW: guardedEspnow(b, espnowOverUdp(r.peer)), Wifi: fakeWifi(b, { [DEFAULT_CONFIG.ssid]: DEFAULT_CONFIG.psk! }, 30) }),
    });
    cleanup.push(() => enr.stop());
    const prov = await enr.waitForReport('provisioned', BOUND_MS);
    expect(prov).toMatchObject({ v: 1, ssid: DEFAULT_CONFIG.ssid });
    const audit = await cfg.waitForReport('audit', BOUND_MS, (a) => a.code === 0);
    expect(audit.device).toBe(batch.enrollees[0].device);
    expect(cfg.crashes.concat(enr.crashes, r.board.crashes)).toEqual([]);
    expect(bridge.stats).toMatchObject({ crc: 0, truncated: 0, dups: 0, malformed: 0, gone: 0 });
  });

  it('a bad line both ways: garbage, truncated copies and repeated chunks are dropped and counted; every frame arrives once', async () => {
    const r = await rig();
    const cut = (b: Uint8Array, k: number) => b.subarray(0, Math.max(1, Math.floor((b.length * k) / 7)));
    const noise = (n: number, seed: number) => { const x = makeRng('noise' + seed); const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = x.i32() & 255; b[0] = 0xa7; return b; };
    // Faults that never remove a byte of the original stream: insert noise, insert a cut-short copy, repeat.
    const badLine = (): ChunkFault => {
      let k = 0;
      return (b) => {
        k++;
        if (k % 3 === 0) return [noise(5 + (k % 17), k), b];
        if (k % 3 === 1) return [cut(b, 1 + (k % 5)), b];
        return [b, b];
      };
    };
    const hostTx = { f: null as ChunkFault | null };
    const bridge = host(r, hostTx);
    await bridge.ready(BOUND_MS);
    r.serial.faults.tx = badLine(); // bridge -> host
    r.serial.faults.rx = badLine(); // host -> bridge, as the bridge receives it
    hostTx.f = badLine(); // host -> bridge, frame by frame

    const heard: string[] = [];
    bridge.onReceive((_m, p) => heard.push(Buffer.from(p).toString('hex')));
    const onAir: string[] = [];
    r.peer.onReceive((_f, p) => onAir.push(Buffer.from(p).toString('hex')));
    const N = 24;
    const statuses: boolean[] = [];
    for (let i = 0; i < N; i++) {
      r.peer.send(MAC_BRIDGE, new Uint8Array([0x10, i, ...new Array(i * 9).fill(i)]));
      bridge.send(MAC_PEER, new Uint8Array([0x20, i, ...new Array(i * 7).fill(i)]), (ok) => statuses.push(ok));
      await new Promise((res) => setTimeout(res, 15));
    }
    await until(() => heard.length >= N && onAir.length >= N && statuses.length === N, 'all frames both ways');
    await new Promise((res) => setTimeout(res, 300)); // any late duplicate would show now
    expect(heard.map((h) => h.slice(0, 4)).sort()).toEqual(Array.from({ length: N }, (_, i) => '10' + i.toString(16).padStart(2, '0')).sort());
    expect(onAir.map((h) => h.slice(0, 4)).sort()).toEqual(Array.from({ length: N }, (_, i) => '20' + i.toString(16).padStart(2, '0')).sort());
    expect(statuses.every((s) => s)).toBe(true);
    // Host side counted what it dropped...
    expect(bridge.stats.garbage).toBeGreaterThan(0);
    expect(bridge.stats.truncated + bridge.stats.crc).toBeGreaterThan(0);
    expect(bridge.stats.dups).toBeGreaterThan(0);
    // ...and so did the bridge (its counters come back in HELLO).
    r.serial.faults.tx = null;
    r.serial.faults.rx = null;
    hostTx.f = null;
    const before = bridge.hello()!.counters.frames;
    await until(() => bridge.hello()!.counters.frames > before, 'a fresh HELLO');
    const c = bridge.hello()!.counters;
    expect(c.garbage).toBeGreaterThan(0);
    expect(c.truncated + c.crc).toBeGreaterThan(0);
    expect(c.dups).toBeGreaterThan(0);
    expect(c.airTx).toBe(N);
    expect(r.board.crashes).toEqual([]);
    expect(bridge.stats.gone).toBe(0);
  });

  it('unplugged mid-run: gone, sends kept (queued and in flight), back after re-plug and reboot, all delivered once', async () => {
    const r = await rig();
    const bridge = host(r);
    const first = await bridge.ready(BOUND_MS);
    const events: string[] = [];
    bridge.on('gone', (why) => events.push('gone ' + why.split(':')[0]));
    bridge.on('back', (info) => events.push('back rebooted=' + info.rebooted));
    const onAir: string[] = [];
    r.peer.onReceive((_f, p) => onAir.push(Buffer.from(p).toString('hex')));

    // One send reaches the bridge's line but the bridge never acts on it (it is busy dying): in flight.
    r.serial.faults.rx = () => [];
    const done: [string, boolean][] = [];
    bridge.send(MAC_PEER, new Uint8Array([0x31]), (ok) => done.push(['31', ok]));
    await until(() => bridge.backlog().inFlight === 1, 'the send in flight');

    // Pull the cable: the pty pair disappears and the bridge loses power.
    await r.socat.kill();
    r.board.stop();
    await until(() => bridge.state() === 'gone', 'gone');
    bridge.send(MAC_PEER, new Uint8Array([0x32]), (ok) => done.push(['32', ok]));
    bridge.send(MAC_PEER, new Uint8Array([0x33]), (ok) => done.push(['33', ok]));
    expect(bridge.backlog()).toEqual({ queued: 3, inFlight: 0 });
    await new Promise((res) => setTimeout(res, 400)); // a few failed re-opens
    expect(done).toEqual([]);
    expect(onAir).toEqual([]);

    // Plug it back in: new ptys at the same paths, the bridge boots again.
    r.socat = await startSocat(r.dir);
    cleanup.push(() => r.socat.kill());
    r.startBoard();
    await until(() => done.length === 3, 'the three sends answered');
    expect(done).toEqual([['31', true], ['32', true], ['33', true]]);
    await until(() => onAir.length === 3, 'the three frames on air');
    expect(onAir).toEqual(['31', '32', '33']);
    expect(events).toEqual(['gone E_BRIDGE_PORT', 'back rebooted=true']);
    expect(bridge.hello()!.boot).not.toBe(first.boot);
    expect(bridge.stats).toMatchObject({ gone: 1, resent: 1, overflow: 0 });
    expect(bridge.state()).toBe('up');
  });
});
