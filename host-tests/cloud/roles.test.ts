// The two cloud cores driven directly against the in-memory AC: the happy path
// (paper 000 §III-B messages 1–8, then the configuration with commit on success),
// a forged AC response, replays (to the AC and to a border router that trusts the
// node), a wrong key, revocation after trustFor, rejoin through another border router,
// and the secp160k1 option.
import { describe, it, expect } from 'vitest';
import { p256 } from '@noble/curves/nist.js';
import { toHex, fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { OK, E_STATE, E_AUTH_ACK, I_PROVISIONED, E_BUSY, E_TIMEOUT, E_COMMAND, E_RATE } from '../../firmware/codec/codes.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { CURVE_SECP160K1, AcResponse, acResponseSignedText } from '../../firmware/protocols/cloud/ac-api.ts';
import {
  E_AC_RESPONSE, E_AC_REPLAY, E_AC_SN_REVOKED, E_AC_NODE_SIG, E_JOIN_REPLAY, E_KEY_OPEN, I_TRUSTED, I_KEY_STORED, I_UNTRUSTED, E_AC_UNREACHABLE,
  E_JOIN_MAC, E_JOIN_TS, E_AC_DB, I_RECHECK, E_GRANT,
} from '../../firmware/protocols/cloud/codes.ts';
import { decodeFrame, T_JOIN, T_KEY } from '../../firmware/protocols/cloud/frames.ts';
import { N_DONE, N_JOINING, N_KEYED, N_PROVING, KEY_FILE, CONFIG_FILE } from '../../firmware/protocols/cloud/node.ts';
import { decodeNodeKey } from '../../firmware/protocols/cloud/records.ts';
import { decodeStoredConfig } from '../../firmware/codec/config-record.ts';
import { makeWorld, CONFIG } from './harness.ts';

function provision(w: ReturnType<typeof makeWorld>, node: any) {
  w.apply(node, { t: 'boot' });
  w.pump();
  expect(node.st.ph).toBe(N_PROVING);
  return w.wifi(node, OK);
}

describe('cloud roles: happy path', () => {
  it('JOIN → AC → KEY → KEYACK → CONFIG → join → ACK, audited OK; key and config stored', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.apply(node, { t: 'boot' });
    expect(w.frames.length).toBe(1);
    expect(decodeFrame(w.frames[0].bytes).frame!.type).toBe(T_JOIN);
    w.pump();
    expect(w.ac.log).toEqual([{ path: '/v1/join', br: 'br-A', sn: 'SN-1', code: 'OK' }]);
    expect(br.reports.some((r) => r.code === I_TRUSTED)).toBe(true);
    expect(node.reports.some((r) => r.code === I_KEY_STORED)).toBe(true);
    const key = decodeNodeKey(node.stores.get(KEY_FILE)!);
    expect(toHex(key.key!.netKey)).toBe(toHex(br.st.id.netKey));
    expect(node.joins).toEqual([{ ssid: 'lab', psk: 'secret-psk', join: 1 }]);
    expect(node.stores.has(CONFIG_FILE)).toBe(false); // commit on success only
    w.wifi(node, OK);
    w.pump();
    expect(node.st.ph).toBe(N_DONE);
    expect(decodeStoredConfig(node.stores.get(CONFIG_FILE)!).config).toEqual(CONFIG);
    expect(node.reports.some((r) => r.code === I_PROVISIONED)).toBe(true);
    expect(br.audits).toEqual([expect.objectContaining({ device: 'SN-1', code: OK, version: 1 })]);
    expect(Object.keys(br.st.sessions)).toEqual([]);
  });

  it('a failed Wi-Fi join keeps nothing, is acknowledged with its code, and the node asks again later', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.apply(node, { t: 'boot' });
    w.pump();
    w.wifi(node, 2);
    w.pump();
    expect(node.stores.has(CONFIG_FILE)).toBe(false);
    expect(node.st.ph).toBe(N_JOINING);
    expect(br.audits.map((a: any) => a.code)).toEqual([2]);
  });

  it('secp160k1 nodes (the paper\'s curve) are provisioned the same way', () => {
    const w = makeWorld({ curve: CURVE_SECP160K1 });
    const br = w.addBr('A');
    const node = w.addNode('k', CURVE_SECP160K1);
    provision(w, node);
    w.pump();
    expect(node.st.ph).toBe(N_DONE);
    expect(br.audits.map((a: any) => a.code)).toEqual([OK]);
    expect(decodeNodeKey(node.stores.get(KEY_FILE)!).key!.netKey).toEqual(br.st.id.netKey);
    expect(w.ac.log).toEqual([{ path: '/v1/join', br: 'br-A', sn: 'SN-k', code: 'OK' }]);
  });

  it('a lost KEY is repeated on the repeated JOIN; a lost KEYACK on the repeated KEY, without new crypto', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    let dropKeys = 1;
    w.dropWhen((p, b) => p === node && b[2] === T_KEY && dropKeys-- > 0);
    w.apply(node, { t: 'boot' });
    w.pump();
    expect(node.st.ph).toBe(N_JOINING);
    w.fire(node, 'join');
    w.pump();
    expect(node.st.ph).toBe(N_PROVING);
    expect(w.ac.log.length).toBe(1); // the repeat did not go to the AC again
    w.wifi(node, OK);
    w.pump();
    expect(br.audits.map((a: any) => a.code)).toEqual([OK]);
  });
});

describe('cloud roles: attacks', () => {
  it('a forged AC response (signed by another key) is refused: no trust, no KEY, audited E_AC_RESPONSE', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.holdUplinks(true);
    w.apply(node, { t: 'boot' });
    w.pump();
    const u = w.uplinks.shift()!;
    const req = JSON.parse(u.json);
    const other = new Uint8Array(32).fill(7);
    const forged: AcResponse = {
      v: 1, ac: 'ac-1', rid: req.rid, ts: req.ts, status: 200, sig: '',
      body: JSON.stringify({ ok: true, sn: 'SN-1', pub: toHex(p256.getPublicKey(other, false)), curve: 'p256', trustFor: 3600 }),
    };
    forged.sig = toHex(p256.sign(utf8Encode(acResponseSignedText(forged)), other));
    const before = br.st;
    const r = w.apply(br, { t: 'uplink', id: u.id, status: 200, json: JSON.stringify(forged) });
    expect(r.code).toBe(E_AC_RESPONSE);
    expect(Object.keys(br.st.trusted)).toEqual([]);
    expect(w.frames.length).toBe(0);
    expect(br.audits.map((a: any) => a.code)).toEqual([E_AC_RESPONSE]);
    expect(before.sessions['s:SN-1']).toBeDefined();
    expect(br.st.sessions['s:SN-1']).toBeUndefined();
  });

  it('a genuine AC response to another request id, or tampered after signing, is refused', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.holdUplinks(true);
    w.apply(node, { t: 'boot' });
    w.pump();
    const u = w.uplinks.shift()!;
    const a = JSON.parse(w.ac.handle(u.path, u.json).json);
    const tampered = { ...a, body: a.body.replace('"trustFor":60', '"trustFor":999999') };
    expect(w.apply(br, { t: 'uplink', id: u.id, status: 200, json: JSON.stringify(tampered) }).code).toBe(E_AC_RESPONSE);
    // a fresh request, answered for another rid
    w.fire(node, 'join'); // the node repeats its request: busy? no — session gone, so the BR asks again
    w.pump();
    const u2 = w.uplinks.shift()!;
    const a2 = JSON.parse(w.ac.handle(u2.path, u2.json).json);
    expect(w.apply(br, { t: 'uplink', id: u2.id, status: 200, json: JSON.stringify({ ...a2, rid: '00'.repeat(16) }) }).code).toBe(E_AC_RESPONSE);
    expect(w.apply(br, { t: 'uplink', id: 999, status: 200, json: JSON.stringify(a2) }).code).not.toBe(0);
    expect(w.apply(br, { t: 'uplink', id: u2.id, status: 200, json: '{not json' }).code).not.toBe(0); // already consumed → stale
  });

  it('an unreachable AC (status 0) ends the attempt with E_AC_UNREACHABLE; the node asks again and gets in', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.holdUplinks(true);
    w.apply(node, { t: 'boot' });
    w.pump();
    const u = w.uplinks.shift()!;
    expect(w.apply(br, { t: 'uplink', id: u.id, status: 0, json: null }).code).toBe(E_AC_UNREACHABLE);
    w.holdUplinks(false);
    w.fire(node, 'join');
    w.pump();
    expect(node.st.ph).toBe(N_PROVING);
  });

  it('a replayed JOIN is refused by the AC (same SN and nonce) and by a border router that trusts the node', () => {
    const w = makeWorld();
    const brA = w.addBr('A');
    const node = w.addNode('1');
    w.apply(node, { t: 'boot' });
    const join = w.frames[0].bytes;
    w.pump();
    w.wifi(node, OK);
    w.pump();
    // Replay to A (trusts the node now): refused locally, no AC round trip.
    const acCalls = w.ac.log.length;
    const r = w.apply(brA, { t: 'frame', from: node.mac, bytes: join });
    expect(r.code).toBe(E_JOIN_REPLAY);
    expect(w.ac.log.length).toBe(acCalls);
    // Replay to B (does not trust it): B asks the AC, which refuses the replay.
    const brB = w.addBr('B');
    w.apply(brB, { t: 'frame', from: node.mac, bytes: join });
    w.pump();
    expect(w.ac.log[w.ac.log.length - 1].code).toBe('E_AC_REPLAY');
    expect(brB.audits.map((a: any) => a.code)).toEqual([E_AC_REPLAY]);
    expect(w.frames.length).toBe(0);
  });

  it('a JOIN from a MAC other than the signed one is refused before any crypto', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.apply(node, { t: 'boot' });
    const join = w.frames.shift()!.bytes;
    const r = w.apply(br, { t: 'frame', from: new Uint8Array([2, 9, 9, 9, 9, 9]), bytes: join });
    expect(r.code).toBe(E_JOIN_MAC);
    expect(w.uplinks.length).toBe(0);
  });

  it('a JOIN signed by another node\'s key is refused by the AC (E_AC_NODE_SIG)', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    const other = w.addNode('2');
    node.st = { ...node.st, id: { ...node.st.id, priv: other.st.id.priv } };
    w.apply(node, { t: 'boot' });
    w.pump();
    expect(br.audits.map((a: any) => a.code)).toEqual([E_AC_NODE_SIG]);
    expect(node.st.ph).toBe(N_JOINING);
  });

  it('a KEY for another node is refused on its grant (E_GRANT, no ECDH, no state change); a tampered granted KEY does not open; tries are bounded', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const n1 = w.addNode('1');
    const n2 = w.addNode('2');
    w.dropWhen((p, b) => b[2] === T_KEY); // keep KEYs from arriving
    w.apply(n1, { t: 'boot' });
    w.pump();
    const key1 = br.st.sessions['s:SN-1'].keyFrame!;
    w.apply(n2, { t: 'boot' });
    w.pump();
    const key2 = br.st.sessions['s:SN-2'].keyFrame!;
    w.dropWhen(null);
    w.frames.length = 0;
    // n2 receives n1's KEY: the grant is for n1's request under n1's grant key
    const s0 = n2.st;
    const r = w.apply(n2, { t: 'frame', from: br.mac, bytes: key1 });
    expect(r.code).toBe(E_GRANT);
    expect(n2.st).toBe(s0); // the caller's state object: nothing counted, nothing changed
    // a tampered ciphertext under a good grant costs one ECDH and does not open
    const bad = key1.slice();
    bad[bad.length - 1] ^= 1;
    const s1 = n1.st;
    expect(w.apply(n1, { t: 'frame', from: br.mac, bytes: bad }).code).toBe(E_KEY_OPEN);
    expect(n1.st.req!.keyTries).toBe(1);
    expect(s1.req!.keyTries).toBe(0); // the caller's state is untouched
    // the genuine KEY still opens for n1
    expect(w.apply(n1, { t: 'frame', from: br.mac, bytes: key1 }).code).toBe(0);
    // budget: three granted KEYs that do not open, then E_RATE without an ECDH, even for the genuine one
    const bad2 = key2.slice();
    bad2[bad2.length - 1] ^= 1;
    for (let i = 0; i < 3; i++) expect(w.apply(n2, { t: 'frame', from: br.mac, bytes: bad2 }).code).toBe(E_KEY_OPEN);
    expect(w.apply(n2, { t: 'frame', from: br.mac, bytes: key2 }).code).toBe(E_RATE);
  });

  it('a forged KEYACK or ACK does not authenticate', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.dropWhen((p, b) => p === br && b[2] === 3);
    w.apply(node, { t: 'boot' });
    w.pump();
    const ka = node.st.se!.keyAck.slice();
    ka[ka.length - 2] ^= 0x40;
    expect(w.apply(br, { t: 'frame', from: node.mac, bytes: ka }).code).toBe(E_AUTH_ACK);
  });
});

describe('cloud roles: revocation and rejoin', () => {
  it('a node revoked in the AC is refused by every border router at its next join, the one that trusts it included', () => {
    const w = makeWorld({ trustFor: 60 });
    const brA = w.addBr('A');
    const node = w.addNode('1');
    provision(w, node);
    w.pump();
    expect(brA.st.trusted['s:SN-1']).toBeDefined();
    // A rejoin inside trustFor still goes to the AC (every KEY needs its grant, README §4.4)...
    w.advance(10000);
    w.apply(node, { t: 'boot' });
    w.pump();
    // (same network key, same version: the node is up to date, no Wi-Fi join needed)
    expect(node.st.ph).toBe(N_DONE);
    expect(brA.audits.map((a: any) => a.code)).toEqual([OK, OK]);
    expect(w.ac.log.map((l) => l.code)).toEqual(['OK', 'OK']);
    // ...so a revocation holds from the next join on, without waiting out trustFor.
    w.ac.revoke('SN-1');
    w.advance(10000);
    w.apply(node, { t: 'boot' });
    w.pump();
    expect(node.st.ph).toBe(N_JOINING);
    expect(brA.st.trusted['s:SN-1']).toBeUndefined();
    expect(brA.reports.some((r) => r.code === I_UNTRUSTED)).toBe(true);
    expect(brA.audits[brA.audits.length - 1]).toEqual(expect.objectContaining({ device: 'SN-1', code: E_AC_SN_REVOKED }));
    const brB = w.addBr('B');
    w.fire(node, 'join');
    w.pump();
    expect(node.st.ph).toBe(N_JOINING);
    expect(brB.audits.map((a: any) => a.code)).toContain(E_AC_SN_REVOKED);
  });

  it('a JOIN after trustFor goes to the AC even before the recheck timer answers', () => {
    const w = makeWorld({ trustFor: 60 });
    const brA = w.addBr('A');
    const node = w.addNode('1');
    provision(w, node);
    w.pump();
    w.ac.revoke('SN-1');
    w.advance(61000);
    w.apply(node, { t: 'boot' });
    w.pump();
    expect(node.st.ph).toBe(N_JOINING);
    expect((brA.audits[brA.audits.length - 1] as any).code).toBe(E_AC_SN_REVOKED);
  });

  it('rejoin: a node provisioned by A is provisioned again by B through the same AC, with B\'s network key', () => {
    const w = makeWorld();
    const brA = w.addBr('A');
    const node = w.addNode('1');
    provision(w, node);
    w.pump();
    const keyA = toHex(decodeNodeKey(node.stores.get(KEY_FILE)!).key!.netKey);
    expect(keyA).toBe(toHex(brA.st.id.netKey));
    // the node moves: A out of range, B in range
    w.parties.splice(w.parties.indexOf(brA), 1);
    const brB = w.addBr('B');
    w.advance(5000);
    provision(w, node);
    w.pump();
    const keyB = toHex(decodeNodeKey(node.stores.get(KEY_FILE)!).key!.netKey);
    expect(keyB).toBe(toHex(brB.st.id.netKey));
    expect(keyB).not.toBe(keyA);
    expect(brB.audits.map((a: any) => a.code)).toEqual([OK]);
    expect(w.ac.log.map((l) => l.br + ' ' + l.code)).toEqual(['br-A OK', 'br-B OK']);
  });

  it('two border routers in range of one JOIN: the AC accepts it once, so one router serves it', () => {
    const w = makeWorld();
    const brA = w.addBr('A');
    const brB = w.addBr('B');
    const node = w.addNode('1');
    provision(w, node);
    w.pump();
    const codes = [...brA.audits, ...brB.audits].map((a: any) => a.code).sort();
    expect(codes).toEqual([OK, E_AC_REPLAY].sort());
  });
});

describe('cloud roles: purity', () => {
  it('rejected inputs return the caller\'s state object; malformed events never throw', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.apply(node, { t: 'boot' });
    for (const p of [br, node] as any[]) {
      const s = p.st;
      for (const ev of [null, {}, { t: 5 }, { t: 'frame', from: new Uint8Array(2), bytes: new Uint8Array(3) }, { t: 'frame', from: node.mac, bytes: new Uint8Array([3, 1, 9, 1]) },
        { t: 'timer', id: 'nope' }, { t: 'uplink', id: 77, status: 200, json: '{}' }, { t: 'wifi', result: 0, join: 9 }, { t: 'command', op: 'zzz' }] as any[]) {
        const r = p.core.next(s, ev === null ? ev : { ...ev, now: 1, rand: new Uint8Array(64) });
        expect(r.state).toBe(s);
        expect(r.code).not.toBe(0);
      }
    }
    expect(E_STATE).toBeGreaterThan(0);
    expect(E_BUSY).toBeGreaterThan(0);
  });
});

describe('cloud roles: time', () => {
  it('a JOIN whose TS is outside the window is refused by the BR before any AC request (E_JOIN_TS)', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.apply(node, { t: 'boot' });
    const join = w.frames.shift()!.bytes;
    w.advance(301000);
    const r = w.apply(br, { t: 'frame', from: node.mac, bytes: join });
    expect(r.code).toBe(E_JOIN_TS);
    expect(w.uplinks.length).toBe(0);
    // the node's next request (after its repeats) is fresh and gets in
    node.st = { ...node.st, req: { ...node.st.req!, n: 99 } };
    w.fire(node, 'join');
    w.pump();
    expect(node.st.ph).toBe(N_PROVING);
  });
});

describe('cloud roles: border-router bookkeeping', () => {
  it('sessions at once are bounded (E_BUSY, nothing asked of the AC)', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    br.st = { ...br.st, opt: { ...br.st.opt, maxSessions: 1 } };
    const n1 = w.addNode('1');
    const n2 = w.addNode('2');
    w.holdUplinks(true);
    w.apply(n1, { t: 'boot' });
    w.pump();
    w.apply(n2, { t: 'boot' });
    const j2 = w.frames.shift()!.bytes;
    expect(w.apply(br, { t: 'frame', from: n2.mac, bytes: j2 }).code).toBe(E_BUSY);
    expect(w.uplinks.length).toBe(1);
  });

  it('a KEY never acknowledged is re-sent, then given up and audited E_TIMEOUT', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.dropWhen((p, b) => p === node && b[2] === T_KEY);
    w.apply(node, { t: 'boot' });
    w.pump();
    let sends = 0;
    for (let i = 0; i < 20 && br.timers.has('rt:SN-1'); i++) {
      w.fire(br, 'rt:SN-1');
      sends += w.frames.filter((f) => f.bytes[2] === T_KEY).length;
      w.frames.length = 0;
    }
    expect(sends).toBe(br.st.opt.maxTries - 1);
    expect(br.audits.map((a: any) => a.code)).toEqual([E_TIMEOUT]);
    expect(br.st.sessions['s:SN-1']).toBeUndefined();
  });

  it('an AC with its database down (signed E_AC_DB, 503) costs nothing but a retry', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    w.holdUplinks(true);
    w.apply(node, { t: 'boot' });
    w.pump();
    const u = w.uplinks.shift()!;
    const req = JSON.parse(u.json);
    const down: AcResponse = { v: 1, ac: 'ac-1', rid: req.rid, ts: req.ts, status: 503, sig: '', body: JSON.stringify({ ok: false, sn: 'SN-1', code: 'E_AC_DB', codeNum: E_AC_DB }) };
    down.sig = toHex(p256.sign(utf8Encode(acResponseSignedText(down)), w.acPriv));
    expect(w.apply(br, { t: 'uplink', id: u.id, status: 503, json: JSON.stringify(down) }).code).toBe(E_AC_DB);
    expect(br.audits.map((a: any) => a.code)).toEqual([E_AC_DB]);
    w.holdUplinks(false);
    w.fire(node, 'join');
    w.pump();
    expect(node.st.ph).toBe(N_PROVING);
  });

  it('a recheck the AC accepts extends the trust and arms the next one', () => {
    const w = makeWorld({ trustFor: 60 });
    const br = w.addBr('A');
    const node = w.addNode('1');
    provision(w, node);
    w.pump();
    const until = br.st.trusted['s:SN-1'].until;
    w.fire(br, 'exp:SN-1');
    w.pump();
    expect(br.reports.some((r) => r.code === I_RECHECK)).toBe(true);
    expect(br.st.trusted['s:SN-1'].until).toBeGreaterThan(until);
    expect(br.timers.has('exp:SN-1')).toBe(true);
    expect(w.ac.log.map((l) => l.path + ' ' + l.code)).toEqual(['/v1/join OK', '/v1/check OK']);
  });

  it('configurations: a device\'s own (keyed by SHA-256 of its SN) wins over the group; a bad one is E_COMMAND', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    const own = { version: 7, ssid: 'own-net', psk: 'p', settings: {} };
    const s0 = br.st;
    expect(w.apply(br, { t: 'command', op: 'config', group: '', config: { version: 0, ssid: '', psk: 1, settings: {} } } as any).code).toBe(E_COMMAND);
    expect(br.st).toBe(s0);
    w.apply(br, { t: 'command', op: 'config', hash: sha256(utf8Encode('SN-1')), config: own } as any);
    provision(w, node);
    w.pump();
    expect(node.st.cfg).toEqual(own);
    expect(br.audits.map((a: any) => [a.code, a.version])).toEqual([[OK, 7]]);
  });
});
