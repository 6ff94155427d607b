/**
 * Produces host-tests/protocol/wire-vectors.json: one whole handshake of the
 * whitelist protocol (firmware/protocols/whitelist/README.md §3, §4) from fixed keys, nonces
 * and configuration, driven through the two cores. Run:
 *   npx tsx host-tests/protocol/make-wire-vectors.ts
 * wire-vectors.test.ts regenerates the vectors with both suites and compares,
 * and re-derives every field from the spec's formulas with @noble directly.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { makeEnrollee, enrolleeInitial, ENROLLEE_DEFAULTS, listenWindowMs } from '../../firmware/protocols/whitelist/enrollee.ts';
import { makeConfigurator, configuratorInitial } from '../../firmware/protocols/whitelist/configurator.ts';
import { WlConfig } from '../../firmware/protocols/whitelist/records.ts';
import { WlEffect } from '../../firmware/protocols/whitelist/common.ts';
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { WIFI_OK } from '../../firmware/ports/ports.ts';

export const VECTOR_CONFIG: WlConfig = {
  version: 3,
  ssid: 'nowboard-lab',
  psk: 'vector psk 0123',
  settings: { broker: 'mqtt://192.0.2.10:1883', interval: '60' },
};

function seq(n: number, start: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (start + i) & 255;
  return b;
}

export interface WireVectors {
  description: string;
  inputs: { [k: string]: string | number | WlConfig };
  frames: { name: string; hex: string }[];
}

export function makeWireVectors(suite: WhitelistSuiteCrypto): WireVectors {
  const e = suite.sha256(utf8Encode('nowboard wire vector enrollee key'));
  const c = suite.sha256(utf8Encode('nowboard wire vector configurator key'));
  const E = suite.dhPub(e);
  const C = suite.dhPub(c);
  const ss = suite.dh(e, C);
  const ne = seq(16, 0x10);
  const x = seq(32, 0x40);
  const nc = seq(16, 0x80);
  const sid = 0x5a17c0de;
  const sidBytes = new Uint8Array([0x5a, 0x17, 0xc0, 0xde]);
  const enrMac = new Uint8Array([0x24, 0x0a, 0xc4, 0, 0, 1]);
  const confMac = new Uint8Array([0x24, 0x0a, 0xc4, 0, 0, 2]);

  const en = makeEnrollee(suite);
  const cf = makeConfigurator(suite);
  let es = enrolleeInitial({ e, E, C, ss }, null);
  let cs = configuratorInitial({ c, C }, [{ hash: suite.sha256(E), ss: null, group: 'lab', revoked: false }]);
  cs = cf.next(cs, { t: 'command', op: 'config', group: 'lab', config: VECTOR_CONFIG }).state;
  cs = cf.next(cs, { t: 'boot', now: 0 }).state;

  const frames: { name: string; hex: string }[] = [];
  const sends = (eff: WlEffect[]) => eff.filter((x) => x.t === 'send').map((x) => x.bytes as Uint8Array);

  let r = en.next(es, { t: 'boot', now: 0, rand: concat(ne, new Uint8Array([0, 0])) });
  es = r.state;
  const presence = sends(r.effects)[0];
  frames.push({ name: 'PRESENCE', hex: toHex(presence) });

  let q = cf.next(cs, { t: 'frame', from: enrMac, bytes: presence, now: 10, rand: concat(concat(x, nc), sidBytes) });
  cs = q.state;
  const challenge = sends(q.effects)[0];
  frames.push({ name: 'CHALLENGE', hex: toHex(challenge) });

  r = en.next(es, { t: 'frame', from: confMac, bytes: challenge, now: 20 });
  es = r.state;
  // Issue 14: the CHALLENGE moves the enrollee to KEYING; the PROOF comes at its keying timer.
  r = en.next(es, { t: 'timer', id: 'keying', now: 21, rand: new Uint8Array(18) });
  es = r.state;
  const proof = sends(r.effects)[0];
  frames.push({ name: 'PROOF', hex: toHex(proof) });

  q = cf.next(cs, { t: 'frame', from: enrMac, bytes: proof, now: 30 });
  cs = q.state;
  const configs = sends(q.effects);
  configs.forEach((f, i) => frames.push({ name: 'CONFIG[' + i + ']', hex: toHex(f) }));

  for (const f of configs) {
    r = en.next(es, { t: 'frame', from: confMac, bytes: f, now: 40 });
    es = r.state;
  }
  r = en.next(es, { t: 'wifi', result: WIFI_OK, join: 1, now: 50 });
  es = r.state;
  const ack = sends(r.effects)[0];
  frames.push({ name: 'ACK', hex: toHex(ack) });
  q = cf.next(cs, { t: 'frame', from: enrMac, bytes: ack, now: 60 });
  if (q.code !== 0) throw new Error('vector handshake did not complete: ' + q.code);

  return {
    description:
      'One suite-1 handshake of the nowboard whitelist protocol (firmware/protocols/whitelist/README.md). ' +
      'Keys are SHA-256 of the labels below; frames in send order, hex.',
    inputs: {
      e_label: 'nowboard wire vector enrollee key',
      c_label: 'nowboard wire vector configurator key',
      e: toHex(e),
      c: toHex(c),
      E: toHex(E),
      C: toHex(C),
      ss: toHex(ss),
      Ne: toHex(ne),
      ctr: 1,
      win: listenWindowMs(ENROLLEE_DEFAULTS),
      gap: Math.ceil((ENROLLEE_DEFAULTS.presenceMaxMs * 5) / 4 / 1000),
      x: toHex(x),
      Nc: toHex(nc),
      sid: sid,
      config: VECTOR_CONFIG,
    },
    frames,
  };
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const o = new Uint8Array(a.length + b.length);
  o.set(a, 0);
  o.set(b, a.length);
  return o;
}

export const VECTORS_PATH = fileURLToPath(new URL('./wire-vectors.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { nobleSuite } = await import('./noble-suite.ts');
  writeFileSync(VECTORS_PATH, JSON.stringify(makeWireVectors(nobleSuite()), null, 2) + '\n');
  console.log('wrote ' + VECTORS_PATH);
}
