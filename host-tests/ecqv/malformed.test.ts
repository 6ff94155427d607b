/**
 * Malformed frames (README §6): one real frame of every type, cut at every
 * length and grown by a byte, every bit of it flipped, and random garbage,
 * fed to the decoder and to every core (the CA, a board waiting for a
 * RESPONSE, a certified board pairing). The decoder never throws and names the
 * exact reason for a cut frame; a core never throws, and whenever it refuses
 * (non-zero code) the state object it returns is the one it was given.
 */
import { describe, it, expect } from 'vitest';
import { decodeFrame, TYPE_NAMES, T_HELLO, T_APP, T_CONFIG, T_CRL, HDR_LEN, sizesOf } from '../../firmware/protocols/ecqv/frames.ts';
import { codeText } from '../../firmware/protocols/registry.ts';
import * as C from '../../firmware/codec/codes.ts';
import { PAIR_HELLO_TIMER } from '../../firmware/protocols/ecqv/peer.ts';
import { lab, Lab, issueAll, typeOf } from './fixtures.ts';
import { rng, Node } from './driver.ts';

/**
 * A world after issuance, a CRL, pairing and one app message each way, with one
 * real frame of each type; and a fourth board left waiting for its RESPONSE.
 */
function world(): { L: Lab; frames: Map<number, Uint8Array>; waiting: Node } {
  const L = lab({ boards: 4, pairers: 2, revoked: [2] });
  L.net.boot(L.caNode);
  L.net.boot(L.boards[0]);
  L.net.boot(L.boards[1]);
  expect(L.net.run(() => L.boards[0].pairwise.length === 1 && L.boards[1].pairwise.length === 1, 5000)).toBe(true);
  for (const i of [0, 1]) L.net.command(L.boards[i], { op: 'send', peer: L.boards[i].pairwise[0].peer, text: 'hi' });
  L.net.deliverAll();
  const frames = new Map<number, Uint8Array>();
  for (const f of L.net.sent) if (!frames.has(typeOf(f.bytes))) frames.set(typeOf(f.bytes), f.bytes);
  const waiting = L.boards[3];
  L.net.boot(waiting);
  L.net.deliverOne(); // HELLO → CA (and the others)
  L.net.deliverOne(); // HELLO_VERIFY → board 3
  expect(L.net.inflight.map((f) => typeOf(f.bytes))).toEqual([3]);
  L.net.inflight = []; // its REQUEST is lost: it waits
  expect(waiting.state.en.ph).toBe(2);
  return { L, frames, waiting };
}

function feed(L: Lab, to: Node, bytes: Uint8Array, from: Uint8Array) {
  const prev = to.state;
  let r: any;
  expect(() => {
    r = to.core.next(prev, { t: 'frame', from, bytes, now: L.net.now, rand: rng(bytes.length + 1)(64) });
  }).not.toThrow();
  expect(typeof r.code).toBe('number');
  expect(codeText(r.code), 'code ' + r.code + ' is registered').not.toMatch(/^unknown code/);
  if (r.code !== 0) expect(r.state, 'refused with ' + r.code + ' yet the state changed').toBe(prev);
  return r;
}

describe('ecqv malformed frames', () => {
  const { L, frames, waiting } = world();
  const cores = () => [L.caNode, L.boards[0], L.boards[1], waiting];

  it('the run produced a frame of every type', () => {
    expect([...frames.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('every frame cut at every length: the decoder says exactly why and every core refuses with that code; a cut CONFIG/APP fails authentication — state unchanged', () => {
    let n = 0;
    for (const [type, f] of frames) {
      for (let len = 0; len < f.length; len++) {
        const cut = f.slice(0, len);
        const d = decodeFrame(cut);
        if (len < HDR_LEN || (type !== T_CONFIG && type !== T_APP)) {
          expect(d.frame, TYPE_NAMES[type] + ' cut to ' + len).toBeNull();
          expect(d.code, TYPE_NAMES[type] + ' cut to ' + len).toBe(C.E_SHORT);
        }
        for (const node of cores()) {
          const r = feed(L, node, cut, L.caNode.mac);
          if (d.code) expect(r.code).toBe(d.code);
          else expect(r.code, TYPE_NAMES[type] + ' cut to ' + len + ' at ' + node.name).not.toBe(0);
          n++;
        }
      }
    }
    expect(n).toBeGreaterThan(2000);
  });

  it('every frame grown by a byte: fixed-size types are E_LONG; variable ones (CONFIG, APP) fail authentication — state unchanged', () => {
    for (const [type, f] of frames) {
      const grown = new Uint8Array(f.length + 1);
      grown.set(f);
      grown[f.length] = 0x5a;
      const d = decodeFrame(grown);
      if (type === T_CONFIG || type === T_APP) expect(d.code).toBe(0);
      else expect(d.code, TYPE_NAMES[type]).toBe(C.E_LONG);
      for (const node of cores()) {
        const r = feed(L, node, grown, L.caNode.mac);
        expect(r.code, TYPE_NAMES[type] + ' grown, to ' + node.name).not.toBe(0);
      }
    }
  });

  it('frames over 250 bytes, wrong protocol id, version, type and suite', () => {
    const f = frames.get(T_HELLO)!;
    const big = new Uint8Array(251);
    big.set(frames.get(T_CONFIG)!.subarray(0, 10));
    const cases: [Uint8Array, number][] = [
      [big, C.E_LONG],
      [Uint8Array.from([1, ...f.subarray(1)]), C.E_PROTOCOL],
      [Uint8Array.from([2, 9, ...f.subarray(2)]), C.E_VERSION],
      [Uint8Array.from([2, 1, 0, ...f.subarray(3)]), C.E_TYPE],
      [Uint8Array.from([2, 1, 13, ...f.subarray(3)]), C.E_TYPE],
      [Uint8Array.from([2, 1, 1, 3, ...f.subarray(4)]), C.E_SUITE],
      [Uint8Array.from([2, 1, 1, 1, 0, 0, 0, 1, ...f.subarray(8)]), C.E_FIELD], // HELLO with a session id
    ];
    for (const [bytes, code] of cases) {
      expect(decodeFrame(bytes).code).toBe(code);
      for (const node of cores()) expect(feed(L, node, bytes, L.caNode.mac).code).toBe(code);
    }
    // CRL with more than 20 ids, CONFIG with index ≥ count
    const crl = frames.get(T_CRL)!.slice();
    crl[HDR_LEN + 8] = 21;
    expect(decodeFrame(crl).code).toBe(C.E_FIELD);
    const cfg = frames.get(T_CONFIG)!.slice();
    cfg[HDR_LEN] = cfg[HDR_LEN + 1];
    expect(decodeFrame(cfg).code).toBe(C.E_FIELD);
  });

  it('every bit of every frame flipped, to every core: never a throw, a registered code, no change on refusal', () => {
    let refusedCount = 0;
    let total = 0;
    for (const [, f] of frames) {
      for (let i = 0; i < f.length; i++) {
        for (const bit of [1, 0x80]) {
          const m = f.slice();
          m[i] ^= bit;
          for (const node of cores()) {
            const r = feed(L, node, m, L.boards[1].mac);
            total++;
            if (r.code) refusedCount++;
          }
        }
      }
    }
    expect(total).toBeGreaterThan(5000);
    expect(refusedCount / total).toBeGreaterThan(0.9);
  });

  it('random garbage behind a valid header prefix, 3000 frames: never a throw, no change on refusal', () => {
    const r = rng(2024);
    const z = sizesOf(1)!;
    for (let i = 0; i < 3000; i++) {
      const len = 1 + (r(1)[0] % 250);
      const b = r(len);
      if (len > 0) b[0] = 2;
      if (len > 1) b[1] = 1;
      if (len > 2) b[2] = 1 + (b[2] % 12);
      if (len > 3) b[3] = 1 + (b[3] & 1);
      for (const node of cores()) feed(L, node, b, L.boards[0].mac);
    }
    expect(z.cert).toBe(52);
  });

  it('timers, Wi-Fi results and commands that make no sense: typed codes, no throw, no change', () => {
    for (const node of cores()) {
      for (const ev of [
        { t: 'timer', id: 'nonsense' }, { t: 'timer', id: PAIR_HELLO_TIMER + 'x' }, { t: 'timer', id: 'p:r:0000000000000000' },
        { t: 'wifi', result: 0, join: 99 }, { t: 'command', op: 'no-such' }, { t: 'command', op: 'send', peer: 'x', text: 5 },
        { t: 'uplink', id: 1, status: 0, json: null }, { t: 'frame', from: new Uint8Array(3), bytes: frames.get(T_HELLO) },
        { t: 'frame', from: L.caNode.mac, bytes: 'not bytes' }, { t: 42 }, null,
      ] as any[]) {
        const prev = node.state;
        let r: any;
        expect(() => (r = node.core.next(prev, ev))).not.toThrow();
        expect(r.code, JSON.stringify(ev)).not.toBe(0);
        expect(r.state).toBe(prev);
      }
    }
  });
});
