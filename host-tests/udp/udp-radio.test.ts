/**
 * The UDP loopback binding across real processes: two forked peers exchange
 * broadcast and unicast frames, a 251-byte frame is refused, malformed and
 * foreign datagrams are dropped with typed reasons; then a board bundle in
 * node:vm, whose require("ESPNOW") is this binding, is provisioned by a peer
 * in another process. Waits fail after a bound (so a broken run cannot hang);
 * nothing asserts on durations.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { fork, ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUdpRadio, encodeDatagram, decodeDatagram, UdpRadio } from '../../configurator/transport/udp-radio.ts';
import { runBoardOverUdp } from './udp-board.ts';
import { HELLO_ENROLLEE } from '../sim/fixture-boards.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BOUND_MS = 20000;
const BCAST = 'ffffffffffff';

class Peer {
  child: ChildProcess;
  inbox: any[] = [];
  waiters: { pred: (m: any) => boolean; resolve: (m: any) => void }[] = [];
  constructor() {
    this.child = fork(path.join(HERE, 'udp-peer-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: any) => {
      this.inbox.push(m);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(m)) return true;
        w.resolve(m);
        return false;
      });
    });
  }
  waitFor(pred: (m: any) => boolean, what: string): Promise<any> {
    const hit = this.inbox.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('peer never sent ' + what + '; inbox: ' + JSON.stringify(this.inbox))), BOUND_MS);
      this.waiters.push({ pred, resolve: (m) => { clearTimeout(t); resolve(m); } });
    });
  }
  async ask(msg: any, pred: (m: any) => boolean, what: string): Promise<any> {
    this.child.send(msg);
    return this.waitFor(pred, what);
  }
  /** Ask the peer to close its socket and exit; kill it if it has not within the bound. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ cmd: 'close' });
    const t = setTimeout(() => this.child.kill(), BOUND_MS);
    await exited;
    clearTimeout(t);
  }
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

describe('UDP datagram format', () => {
  it('dst MAC | src MAC | payload; refuses 251 B and bad MACs; decode drops short, long and foreign', () => {
    const me = new Uint8Array([2, 0, 0, 0, 0, 1]);
    const other = new Uint8Array([2, 0, 0, 0, 0, 2]);
    const d = encodeDatagram(me, other, new Uint8Array([7, 8]));
    expect(Array.from(d)).toEqual([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 7, 8]);
    expect(encodeDatagram(me, other, new Uint8Array(250)).length).toBe(262);
    expect(() => encodeDatagram(me, other, new Uint8Array(251))).toThrow(/^E_FRAME_TOO_LARGE/);
    expect(() => encodeDatagram(new Uint8Array(5), other, new Uint8Array(1))).toThrow(/^E_BAD_MAC/);
    const ok = decodeDatagram(d, me) as any;
    expect(Array.from(ok.src)).toEqual(Array.from(other));
    expect(Array.from(ok.payload)).toEqual([7, 8]);
    expect(decodeDatagram(d.subarray(0, 11), me)).toBe('E_UDP_SHORT');
    expect(decodeDatagram(new Uint8Array(263), me)).toBe('E_UDP_LONG');
    expect(decodeDatagram(d, other)).toBe('E_UDP_NOT_FOR_US');
    expect(typeof decodeDatagram(encodeDatagram(new Uint8Array(6).fill(255), other, new Uint8Array(0)), me)).toBe('object');
  });
});

describe('UDP loopback binding between processes', () => {
  it('two forked peers: broadcast, unicast to a learned port, 251-byte refusal, typed drops', async () => {
    const a = new Peer();
    const b = new Peer();
    cleanup.push(() => a.close(), () => b.close());
    const macA = '020000000a0a';
    const macB = '020000000b0b';
    const ra = await a.ask({ cmd: 'start', mac: macA }, (m) => m.ev === 'ready', 'ready');
    const rb = await b.ask({ cmd: 'start', mac: macB, peers: [ra.port] }, (m) => m.ev === 'ready', 'ready');
    await a.ask({ cmd: 'peer', port: rb.port }, (m) => m.ev === 'peered', 'peered');

    await a.ask({ cmd: 'send', to: BCAST, hex: '01020304', id: 1 }, (m) => m.ev === 'sent' && m.id === 1, 'sent 1');
    const got1 = await b.waitFor((m) => m.ev === 'recv' && m.hex === '01020304', 'broadcast');
    expect(got1.from).toBe(macA);

    await b.ask({ cmd: 'send', to: macA, hex: 'aa'.repeat(250), id: 2 }, (m) => m.ev === 'sent' && m.id === 2, 'sent 2');
    const got2 = await a.waitFor((m) => m.ev === 'recv' && m.from === macB, 'unicast');
    expect(got2.hex.length).toBe(500);

    const refused = await a.ask({ cmd: 'send', to: macB, hex: '00'.repeat(251), id: 3 }, (m) => m.id === 3, 'refusal');
    expect(refused.ev).toBe('refused');
    expect(refused.error).toMatch(/^E_FRAME_TOO_LARGE/);

    // Malformed and foreign datagrams, straight from a raw socket.
    const raw = dgram.createSocket('udp4');
    cleanup.push(() => new Promise<void>((r) => raw.close(() => r())));
    const sendRaw = (buf: Uint8Array) => new Promise<void>((res, rej) => raw.send(buf, rb.port, '127.0.0.1', (e) => (e ? rej(e) : res())));
    await sendRaw(new Uint8Array(5));
    await sendRaw(new Uint8Array(263));
    await sendRaw(encodeDatagram(new Uint8Array([2, 9, 9, 9, 9, 9]), new Uint8Array([2, 0, 0, 0, 0, 3]), new Uint8Array([1])));
    await sendRaw(encodeDatagram(new Uint8Array(6).fill(255), new Uint8Array([2, 0, 0, 0, 0, 3]), new Uint8Array([0xee])));
    await b.waitFor((m) => m.ev === 'recv' && m.hex === 'ee', 'the well-formed broadcast after the bad ones');
    const st = await b.ask({ cmd: 'stats' }, (m) => m.ev === 'stats', 'stats');
    expect(st.stats).toMatchObject({ short: 1, long: 1, notForUs: 1, received: 2 });
    expect(st.drops.map((d: any) => [d.code, d.length])).toEqual([['E_UDP_SHORT', 5], ['E_UDP_LONG', 263], ['E_UDP_NOT_FOR_US', 13]]);
  });

  it('a vm-loaded board whose require("ESPNOW") is UDP gets provisioned by a peer in another process', async () => {
    const peer = new Peer();
    cleanup.push(() => peer.close());
    const rp = await peer.ask({ cmd: 'start', mac: '02000000c0c0' }, (m) => m.ev === 'ready', 'ready');
    await peer.ask({ cmd: 'welcome' }, (m) => m.ev === 'welcoming', 'welcoming');
    const radio: UdpRadio = await createUdpRadio({ mac: new Uint8Array([2, 0, 0, 0, 0xe1, 0xe1]), peers: [rp.port] });
    cleanup.push(() => radio.close());
    await peer.ask({ cmd: 'peer', port: radio.port }, (m) => m.ev === 'peered', 'peered');
    const board = runBoardOverUdp(HELLO_ENROLLEE, radio, { id: 'enr-udp', role: 'enrollee', seed: 'udp' });
    cleanup.push(async () => board.stop());
    const rep = await board.waitForReport('provisioned', BOUND_MS);
    expect(rep.tries).toBeGreaterThanOrEqual(1);
    expect(board.crashes).toEqual([]);
    const served = await peer.waitFor((m) => m.ev === 'served', 'served');
    expect(served).toMatchObject({ to: '02000000e1e1', ok: true });
    // The board stored what it got, in its own flash.
    expect(String.fromCharCode(...new Uint8Array(board.flash.read(32, 7)))).toBe('WELCOME');
  });
});
