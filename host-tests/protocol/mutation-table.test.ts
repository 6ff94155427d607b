/**
 * The mutation table (issue 9; hostapd's dpp_test_behavior style, STYLE.md
 * "Tests"): for every frame type and every field, a mutated value and the exact
 * code the receiving core answers with, and what happens to its state. One
 * table drives the test; firmware/protocols/whitelist/README.md §3.2 shows the
 * same table, and this test reads it back and requires the two to be equal.
 *
 * Each row runs one handshake (fixed seed) in which the k-th frame on the air
 * is mutated on its way; the receiver's step for exactly those bytes is checked.
 * Whatever the mutation, the enrollee ends up holding nothing or exactly the
 * configurator's configuration.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SUITES } from './suites.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { world, CFG1, World } from './fixtures.ts';
import { Net, Flight, keyFrom, makeIdentity, stepFor } from './driver.ts';
import { ROWS, tableLines, Frame, Ctx } from './mutation-rows.ts';
import * as EC from './wl-codes.ts';
import { codeName } from '../../firmware/protocols/whitelist/codes.ts';
import { CONFIGURATOR_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';
import { copyBytes } from '../../firmware/bytes/bytes.ts';

const README = fileURLToPath(new URL('../../firmware/protocols/whitelist/README.md', import.meta.url));

/** A one-enrollee world speaking suite 2 (configured at the configurator, which accepts suite 1 only by default). */
function world2(suite: WhitelistSuiteCrypto, seed: number, strict: WhitelistSuiteCrypto): World {
  const net = new Net(suite, seed);
  const c = keyFrom(suite, 'configurator');
  const id = makeIdentity(suite, 'enrollee-1', c);
  const conf = net.addConfigurator('conf', c, [{ hash: suite.sha256(id.E), ss: suite.dh(c, id.E), group: 'line-a', revoked: false }],
    { ...CONFIGURATOR_DEFAULTS, suites: [1, 2] }, strict);
  const enr = net.addEnrollee('enr', id, null, undefined, strict);
  net.aps[CFG1.ssid] = CFG1.psk;
  net.command(conf, { op: 'config', group: 'line-a', config: CFG1 });
  net.boot(conf);
  net.boot(enr);
  return { net, conf, enr, c };
}

const ORDER: Frame[] = ['PRESENCE', 'CHALLENGE', 'PROOF', 'CONFIG', 'ACK'];

function suiteTests(name: string, suite: WhitelistSuiteCrypto) {
  it(`every row of the table gives its exact code (${name})`, () => {
    const strict = { ...suite, id: 2 };
    for (const row of ROWS) {
      const two = row.frame === 'PRESENCE suite 2';
      const w = two ? world2(suite, 21, strict) : world(suite, 21);
      const k = ORDER.indexOf(two ? 'PRESENCE' : row.frame);
      const ctx: Ctx = { E: w.enr.state.id.E, C: w.enr.state.id.C };
      let n = 0;
      let mutated: Uint8Array | null = null;
      w.net.run(() => w.conf.audits.length > 0, 400, (f: Flight) => {
        if (n++ !== k) return f;
        const m = row.apply(f.bytes, ctx);
        mutated = m.bytes === f.bytes ? copyBytes(m.bytes) : m.bytes;
        return { from: m.from || f.from, to: f.to, bytes: mutated };
      });
      const where = `${row.frame} / ${row.field} / ${row.mutation}`;
      expect(mutated, where).not.toBeNull();
      const rx = w.net.nodes.map((nd) => stepFor(nd, mutated!)).find((x) => x);
      expect(rx, where).toBeDefined();
      expect(codeName(rx!.step.code), where).toBe(row.code);
      if (row.state === 'same') {
        expect(rx!.step.state, where).toBe(rx!.prev);
        expect(rx!.step.effects.every((e) => e.t === 'report'), where).toBe(true);
      } else expect(rx!.step.state, where).not.toBe(rx!.prev);
      // Whatever happened afterwards (retransmissions may recover), nothing wrong was accepted.
      if (w.enr.state.cfg !== null) expect(w.enr.state.cfg, where).toEqual(CFG1);
      for (const j of w.enr.joins) expect({ ssid: j.ssid, psk: j.psk }, where).toEqual({ ssid: CFG1.ssid, psk: CFG1.psk });
      // An accepted copy from another MAC is routed there; at worst (a PROOF relayed while the
      // original was suppressed) the session times out and the enrollee starts over (§4.1).
      if (row.state === 'accepted') for (const a of w.conf.audits) expect([EC.OK, EC.E_TIMEOUT], where).toContain(a.code);
    }
  });
}

describe('mutation table', () => {
  it('covers every frame type and every field of the spec (§3)', () => {
    const fields = (f: Frame) => new Set(ROWS.filter((r) => r.frame === f).map((r) => r.field.replace(/ \(.*\)$/, '')));
    const header = ['protocol id', 'version', 'type', 'suite', 'session id', 'length', 'sender MAC'];
    const want: { [f in Frame]: string[] } = {
      PRESENCE: [...header, 'E', 'Ne', 'held', 'caps', 'counter', 'win', 'gap', 'tag_P'],
      'PRESENCE suite 2': ['Y', 'suite'],
      CHALLENGE: [...header, 'X', 'Nc', 'tag_C', 'tag_S'],
      PROOF: [...header, 'tag_E'],
      CONFIG: [...header, 'fragment index', 'fragment count', 'ciphertext', 'CCM tag'],
      ACK: [...header, 'sealed result and version', 'CCM tag'],
    };
    for (const f of Object.keys(want) as Frame[]) expect([...fields(f)].sort(), f).toEqual([...want[f]].sort());
  });

  it('the README shows exactly this table (§3.2)', () => {
    const md = readFileSync(README, 'utf8');
    const start = md.indexOf('<!-- mutation-table -->');
    const end = md.indexOf('<!-- /mutation-table -->');
    expect(start, 'README §3.2 markers').toBeGreaterThan(0);
    const shown = md
      .slice(start, end)
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| frame ') && !l.startsWith('| ---'));
    const want = tableLines(ROWS);
    if (shown.join('\n') !== want.join('\n')) console.log('README §3.2 should read:\n' + want.join('\n'));
    expect(shown).toEqual(want);
  });

  for (const [name, s] of SUITES) suiteTests(name, s);
});
