/**
 * Produces host-tests/ecqv/wire-vectors.json: a whole ECQV run (README.md §3,
 * §4) from fixed keys, nonces and random seeds, driven through the cores: the
 * CA boots (and signs its CRL), two boards are certified and provisioned, then
 * pair and exchange one app message each way. Run:
 *   npx tsx host-tests/ecqv/make-wire-vectors.ts
 * wire-vectors.test.ts regenerates the vectors and compares, and re-derives
 * every field of every frame from the spec with @noble/curves, @noble/hashes
 * and node:crypto — no protocol code involved in the check.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { makeCa, caInitial, CA_DEFAULTS } from '../../firmware/protocols/ecqv/configurator.ts';
import { makeBoard, BoardState } from '../../firmware/protocols/ecqv/board.ts';
import { enrolleeInitial, ENROLLEE_DEFAULTS } from '../../firmware/protocols/ecqv/enrollee.ts';
import { peerInitial, PAIR_HELLO_TIMER } from '../../firmware/protocols/ecqv/peer.ts';
import { requestKey, caIdOf, KEYMODE_PER_DEVICE } from '../../firmware/protocols/ecqv/keys.ts';
import { CaIdentity } from '../../firmware/protocols/ecqv/records.ts';
import { DeviceConfig } from '../../firmware/codec/config-record.ts';
import { CoreEffect } from '../../firmware/runtime/events.ts';
import { toHex, fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { WIFI_OK } from '../../firmware/ports/ports.ts';

export const VECTORS_PATH = fileURLToPath(new URL('./wire-vectors.json', import.meta.url));

function seq(n: number, start: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (start + i) & 255;
  return b;
}

function rand(parts: [number, Uint8Array][]): Uint8Array {
  const r = new Uint8Array(64);
  for (const [off, b] of parts) r.set(b, off);
  return r;
}

export interface EcqvVectors {
  description: string;
  inputs: { [k: string]: any };
  frames: { name: string; hex: string }[];
}

export function makeEcqvVectors(): EcqvVectors {
  const s = ecqvFirmwareSuite(1);
  const inp = {
    ca_label: 'nowboard ecqv vector CA key',
    master_label: 'nowboard ecqv vector master secret',
    clockBase: 1800000000,
    hours: 8760,
    U1: '0102030405060708',
    U2: '1112131415161718',
    U3_revoked: '2122232425262728',
    mac1: '240ac4000001',
    mac2: '240ac4000002',
    macCA: '240ac400000a',
    cookieKey: toHex(seq(32, 0xc0)),
    // board 1's issuance
    N_U1: toHex(seq(16, 0x10)),
    rU1_seed: toHex(seq(32, 0x40)),
    N_CA1: toHex(seq(16, 0x80)),
    sid1: 0x5a17c0de,
    k1_seed: toHex(seq(32, 0xa0)),
    // board 2's issuance
    N_U2: toHex(seq(16, 0x30)),
    rU2_seed: toHex(seq(32, 0x50)),
    N_CA2: toHex(seq(16, 0x90)),
    sid2: 0x0badcafe,
    k2_seed: toHex(seq(32, 0xb0)),
    // times (ms since the CA's boot) of the two REQUESTs: T = clockBase + ⌊t / 1000⌋
    t1: 1000,
    t2: 2000,
    // pairing: board 1 (smaller id) initiates
    pair_seed: toHex(seq(32, 0xe0)),
    N_R: toHex(seq(16, 0x70)),
    pair_sid: 0x13572468,
    app_i2r: 'ping',
    app_r2i: 'pong',
    config: null as unknown as DeviceConfig,
  };
  const U1 = fromHex(inp.U1), U2 = fromHex(inp.U2), U3 = fromHex(inp.U3_revoked);
  const config: DeviceConfig = { version: 3, ssid: 'nowboard-lab', psk: 'vector psk 0123', settings: { broker: 'mqtt://192.0.2.10:1883', peers: inp.U1 + ',' + inp.U2 } };
  inp.config = config;
  const dCA = s.sha256(utf8Encode(inp.ca_label));
  const master = s.sha256(utf8Encode(inp.master_label));
  const caPub = s.publicKey(dCA);
  const ca: CaIdentity = { suite: 1, mode: KEYMODE_PER_DEVICE, hours: inp.hours, clockBase: inp.clockBase, dCA, caPub, master };
  const mac1 = fromHex(inp.mac1), mac2 = fromHex(inp.mac2), macCA = fromHex(inp.macCA);
  const caId = caIdOf(s, caPub);

  const caCore = makeCa(s);
  let cs = caInitial(ca, [{ U: U1, group: '', revoked: false }, { U: U2, group: '', revoked: false }, { U: U3, group: '', revoked: true }], 1, CA_DEFAULTS);
  cs = caCore.next(cs, { t: 'command', op: 'config', group: '', config }).state;
  const frames: { name: string; hex: string }[] = [];
  const sends = (eff: CoreEffect[]) => eff.filter((x) => x.t === 'send').map((x) => (x as { bytes: Uint8Array }).bytes);
  const expectOk = (code: number, what: string) => {
    if (code !== 0) throw new Error('vector run: ' + what + ' refused with ' + code);
  };

  let q = caCore.next(cs, { t: 'boot', now: 0, rand: rand([[0, seq(32, 0xc0)]]) });
  cs = q.state;
  const crl = sends(q.effects)[0];

  const boardCore = makeBoard(s);
  const boards = [U1, U2].map((U) => {
    const id = { suite: 1, U, kU: requestKey(s, master, U, KEYMODE_PER_DEVICE), caPub };
    return { en: enrolleeInitial(id, caId, null, null, ENROLLEE_DEFAULTS), pw: peerInitial(id, caId, null, [], null) } as BoardState;
  });

  function issue(i: number, nu: string, seed: string, nca: string, sid: number, kseed: string, t: number, record: boolean): void {
    const mac = i === 0 ? mac1 : mac2;
    const sidB = new Uint8Array([(sid >>> 24) & 255, (sid >>> 16) & 255, (sid >>> 8) & 255, sid & 255]);
    let r = boardCore.next(boards[i], { t: 'boot', now: 0, rand: rand([[0, fromHex(nu)]]) });
    boards[i] = r.state;
    const helloF = sends(r.effects)[0];
    r = boardCore.next(boards[i], { t: 'frame', from: macCA, bytes: crl, now: 1, rand: new Uint8Array(64) });
    expectOk(r.code, 'CRL');
    boards[i] = r.state;
    q = caCore.next(cs, { t: 'frame', from: mac, bytes: helloF, now: t - 10 });
    expectOk(q.code, 'HELLO');
    const hvr = sends(q.effects)[0];
    r = boardCore.next(boards[i], { t: 'frame', from: macCA, bytes: hvr, now: 3, rand: rand([[18, fromHex(seed)]]) });
    expectOk(r.code, 'HELLO_VERIFY');
    boards[i] = r.state;
    const req = sends(r.effects)[0];
    q = caCore.next(cs, { t: 'frame', from: mac, bytes: req, now: t, rand: rand([[0, fromHex(nca)], [16, sidB], [20, fromHex(kseed)]]) });
    expectOk(q.code, 'REQUEST');
    cs = q.state;
    const resp = sends(q.effects)[0];
    r = boardCore.next(boards[i], { t: 'frame', from: macCA, bytes: resp, now: 4 });
    expectOk(r.code, 'RESPONSE');
    boards[i] = r.state;
    const fin = sends(r.effects)[0];
    q = caCore.next(cs, { t: 'frame', from: mac, bytes: fin, now: t + 10 });
    expectOk(q.code, 'FINISHED');
    cs = q.state;
    const configs = sends(q.effects);
    for (const f of configs) {
      r = boardCore.next(boards[i], { t: 'frame', from: macCA, bytes: f, now: 5 });
      expectOk(r.code, 'CONFIG');
      boards[i] = r.state;
    }
    r = boardCore.next(boards[i], { t: 'wifi', result: WIFI_OK, join: 1, now: 6, rand: new Uint8Array(64) });
    expectOk(r.code, 'wifi');
    boards[i] = r.state;
    const ack = sends(r.effects)[0];
    q = caCore.next(cs, { t: 'frame', from: mac, bytes: ack, now: t + 20 });
    expectOk(q.code, 'ACK');
    cs = q.state;
    if (record) {
      frames.push({ name: 'HELLO', hex: toHex(helloF) }, { name: 'HELLO_VERIFY', hex: toHex(hvr) }, { name: 'REQUEST', hex: toHex(req) },
        { name: 'RESPONSE', hex: toHex(resp) }, { name: 'FINISHED', hex: toHex(fin) });
      configs.forEach((f, k) => frames.push({ name: 'CONFIG[' + k + ']', hex: toHex(f) }));
      frames.push({ name: 'ACK', hex: toHex(ack) });
    } else frames.push({ name: 'RESPONSE#2', hex: toHex(resp) });
  }

  issue(0, inp.N_U1, inp.rU1_seed, inp.N_CA1, inp.sid1, inp.k1_seed, inp.t1, true);
  issue(1, inp.N_U2, inp.rU2_seed, inp.N_CA2, inp.sid2, inp.k2_seed, inp.t2, false);
  frames.push({ name: 'CRL', hex: toHex(crl) });

  // Pairing: board 1 fires its P_HELLO round; board 2 answers.
  let r = boardCore.next(boards[0], { t: 'timer', id: PAIR_HELLO_TIMER, now: 100, rand: rand([[0, fromHex(inp.pair_seed)]]) });
  expectOk(r.code, 'P_HELLO round');
  boards[0] = r.state;
  const ph = sends(r.effects)[0];
  const psid = inp.pair_sid;
  r = boardCore.next(boards[1], { t: 'frame', from: mac1, bytes: ph, now: 101, rand: rand([[0, fromHex(inp.N_R)], [16, new Uint8Array([(psid >>> 24) & 255, (psid >>> 16) & 255, (psid >>> 8) & 255, psid & 255])]]) });
  expectOk(r.code, 'P_HELLO');
  boards[1] = r.state;
  const pr = sends(r.effects)[0];
  r = boardCore.next(boards[0], { t: 'frame', from: mac2, bytes: pr, now: 102 });
  expectOk(r.code, 'P_RESP');
  boards[0] = r.state;
  const pf = sends(r.effects)[0];
  r = boardCore.next(boards[1], { t: 'frame', from: mac1, bytes: pf, now: 103 });
  expectOk(r.code, 'P_FIN');
  boards[1] = r.state;
  r = boardCore.next(boards[0], { t: 'command', op: 'send', peer: inp.U2, text: inp.app_i2r, now: 104 });
  boards[0] = r.state;
  const a1 = sends(r.effects)[0];
  r = boardCore.next(boards[1], { t: 'command', op: 'send', peer: inp.U1, text: inp.app_r2i, now: 105 });
  boards[1] = r.state;
  const a2 = sends(r.effects)[0];
  expectOk(boardCore.next(boards[1], { t: 'frame', from: mac1, bytes: a1, now: 106 }).code, 'APP i2r');
  expectOk(boardCore.next(boards[0], { t: 'frame', from: mac2, bytes: a2, now: 106 }).code, 'APP r2i');
  frames.push({ name: 'P_HELLO', hex: toHex(ph) }, { name: 'P_RESP', hex: toHex(pr) }, { name: 'P_FIN', hex: toHex(pf) },
    { name: 'APP i2r', hex: toHex(a1) }, { name: 'APP r2i', hex: toHex(a2) });
  return {
    description:
      'An ECQV run of the nowboard protocol 2 (firmware/protocols/ecqv/README.md): issuance to two boards, the CRL, ' +
      'pairing and one app message each way. d_CA and the master secret are SHA-256 of the labels; random seeds as given; frames hex.',
    inputs: inp,
    frames,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(VECTORS_PATH, JSON.stringify(makeEcqvVectors(), null, 2) + '\n');
  console.log('wrote ' + VECTORS_PATH);
}
