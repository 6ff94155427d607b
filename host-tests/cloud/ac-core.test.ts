// The Authentication Cloud core (configurator/cloud/auth-cloud.ts), paper 000
// §III-B messages 2–5, on PGlite in memory — or on PostgreSQL when
// NOWBOARD_DB=postgres://… (.ci/run). Every refusal is checked for its code,
// its status, and what it wrote (or did not) in the replay and audit tables.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openTestDb, acWorld, makeNode, makeBr, signJoin, rowsFor, AcWorld, DB_KIND } from './cloud-fixtures.ts';
import { signBrRequest } from '../../configurator/cloud/ac-client.ts';
import { createHash, createHmac } from 'node:crypto';
import { AC_JOIN_PATH, AC_CHECK_PATH, CURVE_P256, CURVE_SECP160K1 } from '../../firmware/protocols/cloud/ac-api.ts';
import { encodeJoin } from '../../firmware/protocols/cloud/frames.ts';
import { revokeTrusted, revokeBorderRouter, tableCounts } from '../../configurator/cloud/ac-store.ts';
import { CLOUD_CODES } from '../../firmware/protocols/cloud/codes.ts';
import type { SqlDb } from '../../configurator/cloud/sql.ts';
import { signText } from '../../configurator/cloud/ac-crypto.ts';

let db: SqlDb;
let w: AcWorld;
const sec = () => Math.floor(w.clock.now / 1000);

beforeAll(async () => {
  db = await openTestDb('core');
  w = await acWorld(db, { windowSec: 60 });
});
afterAll(async () => {
  await db?.close();
});

describe(`AC core on ${DB_KIND}`, () => {
  it('accepts a trusted node (P-256) and answers its public key, signed, audited', async () => {
    const n = makeNode('p256');
    await w.trust(n);
    const { client } = await w.br();
    const a = await client.join(signJoin(n, sec()));
    expect(a.ok).toBe(true);
    expect(a.httpStatus).toBe(200);
    expect(a.pub).toBe(n.pubHex);
    expect(a.curve).toBe('p256');
    expect(a.trustFor).toBe(300);
    const rows = await rowsFor(db, n.sn);
    expect(rows.nodeRequests).toBe(1);
    expect(rows.audit.map((x) => x.action + ':' + x.result)).toEqual(['trust-add:OK', 'join:OK']);
  });

  it("accepts a secp160k1 node signed by the board's own ECDSA (the paper's curve)", async () => {
    const n = makeNode('secp160k1');
    await w.trust(n);
    const { client } = await w.br();
    const a = await client.join(signJoin(n, sec()));
    expect(a.ok).toBe(true);
    expect(a.pub).toBe(n.pubHex);
    expect(a.curve).toBe('secp160k1');
  });

  it("accepts a P-256 node signed by the board's own ECDSA (firmware/crypto/ecdsa.ts, low-S r ‖ s)", async () => {
    const n = makeNode('p256-board');
    await w.trust(n);
    const { client } = await w.br();
    const a = await client.join(signJoin(n, sec()));
    expect(a.ok).toBe(true);
    expect(a.pub).toBe(n.pubHex);
  });

  it('prune() drops replay rows older than twice the window; the old request stays refused (by its TS)', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br();
    const j = signJoin(n, sec());
    expect((await client.join(j)).ok).toBe(true);
    const t0 = w.clock.now;
    w.clock.now = t0 + 121_000; // > 2 × 60 s
    try {
      const pruned = await w.ac.prune();
      expect(pruned.nodeRequests).toBeGreaterThanOrEqual(1);
      expect(pruned.brRequests).toBeGreaterThanOrEqual(1);
      expect((await rowsFor(db, n.sn)).nodeRequests).toBe(0);
      expect((await client.join(j)).code).toBe('E_AC_TS_WINDOW');
    } finally {
      w.clock.now = t0;
    }
  });

  it('refuses a replayed node request (same TS and nonce), through the same and through another BR', async () => {
    const n = makeNode();
    await w.trust(n);
    const A = await w.br();
    const B = await w.br();
    const j = signJoin(n, sec());
    expect((await A.client.join(j)).ok).toBe(true);
    for (const c of [A.client, B.client]) {
      const r = await c.join(j);
      expect(r.ok).toBe(false);
      expect(r.code).toBe('E_AC_REPLAY');
      expect(r.codeNum).toBe(774);
      expect(r.httpStatus).toBe(409);
    }
    const rows = await rowsFor(db, n.sn);
    expect(rows.nodeRequests).toBe(1);
    expect(rows.audit.filter((x) => x.action === 'join').map((x) => x.result)).toEqual(['OK', 'E_AC_REPLAY', 'E_AC_REPLAY']);
  });

  it('refuses a node TS outside the window (either side), and a new nonce inside it is accepted', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br();
    for (const ts of [sec() - 61, sec() + 61]) {
      const r = await client.join(signJoin(n, ts));
      expect(r.code).toBe('E_AC_TS_WINDOW');
      expect(r.httpStatus).toBe(409);
    }
    expect((await rowsFor(db, n.sn)).nodeRequests).toBe(0);
    expect((await client.join(signJoin(n, sec() - 59))).ok).toBe(true);
  });

  it('refuses an SN not in the trust list', async () => {
    const n = makeNode();
    const { client } = await w.br();
    const r = await client.join(signJoin(n, sec()));
    expect(r.code).toBe('E_AC_UNKNOWN_SN');
    expect(r.httpStatus).toBe(403);
    const rows = await rowsFor(db, n.sn);
    expect(rows.nodeRequests).toBe(0);
    expect(rows.audit.map((x) => x.result)).toEqual(['E_AC_UNKNOWN_SN']);
  });

  it('refuses a valid signature over a different MAC (E_AC_MAC), and a MAC edited after signing (E_AC_NODE_SIG)', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br();
    const other = 'aa' + n.mac.slice(2) === n.mac ? 'bb' + n.mac.slice(2) : 'aa' + n.mac.slice(2);
    const r = await client.join(signJoin(n, sec(), { signedMac: other }));
    expect(r.code).toBe('E_AC_MAC');
    expect(r.codeNum).toBe(778);
    const edited = signJoin(n, sec());
    edited.mac = other;
    expect((await client.join(edited)).code).toBe('E_AC_NODE_SIG');
    expect((await rowsFor(db, n.sn)).nodeRequests).toBe(0);
  });

  it("refuses a request signed by another node's key, and one claiming another curve", async () => {
    const n = makeNode();
    const thief = makeNode();
    await w.trust(n, thief);
    const { client } = await w.br();
    const r = await client.join(signJoin(n, sec(), { signer: thief }));
    expect(r.code).toBe('E_AC_NODE_SIG');
    expect(r.httpStatus).toBe(403);
    const k = makeNode('secp160k1');
    const j = signJoin(k, sec());
    j.sn = n.sn; // secp160k1-signed join for a P-256 SN
    expect((await client.join(j)).code).toBe('E_AC_NODE_SIG');
    expect((await rowsFor(db, n.sn)).nodeRequests).toBe(0);
  });

  it('refuses a revoked SN on join, and /v1/check tells a BR that trusted it', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br();
    expect((await client.join(signJoin(n, sec()))).ok).toBe(true);
    const c1 = await client.check(n.sn);
    expect(c1.ok).toBe(true);
    expect(c1.pub).toBe(n.pubHex);
    await revokeTrusted(db, n.sn, 'admin:test', w.clock.now);
    const c2 = await client.check(n.sn);
    expect(c2.ok).toBe(false);
    expect(c2.code).toBe('E_AC_SN_REVOKED');
    expect((await client.join(signJoin(n, sec()))).code).toBe('E_AC_SN_REVOKED');
    expect((await client.check('never-registered')).code).toBe('E_AC_UNKNOWN_SN');
  });

  it('warm() loads active rows only, and a warmed node revoked afterwards is still refused on its next join', async () => {
    const a = makeNode();
    const b = makeNode();
    const r = makeNode();
    await w.trust(a, b, r);
    await revokeTrusted(db, r.sn, 'admin:test', w.clock.now);
    const active = Number((await db.query("SELECT count(*)::int AS n FROM ac_trust WHERE status = 'active'")).rows[0].n);
    expect(await w.ac.warm()).toBe(active);
    expect(await w.ac.warm(1)).toBe(1);
    const { client } = await w.br();
    expect((await client.join(signJoin(a, sec()))).ok).toBe(true);
    await revokeTrusted(db, b.sn, 'admin:test', w.clock.now);
    expect((await client.join(signJoin(b, sec()))).code).toBe('E_AC_SN_REVOKED');
    expect((await client.join(signJoin(r, sec()))).code).toBe('E_AC_SN_REVOKED');
  });

  it('refuses an unknown BR and a bad BR signature without writing anything', async () => {
    const n = makeNode();
    await w.trust(n);
    const before = await tableCounts(db);
    const stranger = w.clientFor(makeBr());
    const r = await stranger.join(signJoin(n, sec()));
    expect(r.code).toBe('E_AC_UNKNOWN_BR');
    expect(r.httpStatus).toBe(401);
    // A registered BR id with someone else's key
    const { br } = await w.br();
    const impostor = w.clientFor({ id: br.id, kp: makeBr().kp });
    expect((await impostor.join(signJoin(n, sec()))).code).toBe('E_AC_BR_SIG');
    const after = await tableCounts(db);
    expect(after.brRequests).toBe(before.brRequests);
    expect(after.nodeRequests).toBe(before.nodeRequests);
    expect(after.audit).toBe(before.audit + 1); // only the br-add of the registration
  });

  it('refuses a revoked BR (audited), and its trusted node still joins through another BR', async () => {
    const n = makeNode();
    await w.trust(n);
    const A = await w.br();
    const B = await w.br();
    await revokeBorderRouter(db, A.br.id, 'admin:test', w.clock.now);
    const r = await A.client.join(signJoin(n, sec()));
    expect(r.code).toBe('E_AC_BR_REVOKED');
    expect(r.httpStatus).toBe(403);
    expect((await rowsFor(db, n.sn)).audit.map((x) => x.result)).toEqual(['OK', 'E_AC_BR_REVOKED']);
    expect((await B.client.join(signJoin(n, sec()))).ok).toBe(true);
  });

  it('refuses a replayed BR envelope (same rid) and a stale BR timestamp', async () => {
    const n = makeNode();
    await w.trust(n);
    const { br } = await w.br();
    const env = signBrRequest(br.id, br.kp.privateKey, AC_JOIN_PATH, JSON.stringify(signJoin(n, sec())), w.clock.now);
    const first = await w.ac.handle(AC_JOIN_PATH, JSON.stringify(env));
    expect(first.status).toBe(200);
    const again = await w.ac.handle(AC_JOIN_PATH, JSON.stringify(env));
    expect(again.status).toBe(409);
    expect(JSON.parse(again.body).code).toBe('E_AC_BR_REPLAY');
    expect(again.rid).toBe(env.rid);
    const stale = signBrRequest(br.id, br.kp.privateKey, AC_JOIN_PATH, JSON.stringify(signJoin(n, sec())), w.clock.now - 61_000);
    const s = await w.ac.handle(AC_JOIN_PATH, JSON.stringify(stale));
    expect(JSON.parse(s.body).code).toBe('E_AC_BR_REPLAY');
    expect((await rowsFor(db, n.sn)).nodeRequests).toBe(1);
  });

  it('malformed JSON, wrong types, wrong path, oversized: typed 400/413, signed, nothing written', async () => {
    const n = makeNode();
    await w.trust(n);
    const { br } = await w.br();
    const before = await tableCounts(db);
    const good = signJoin(n, sec());
    const sign = (body: string, path = AC_JOIN_PATH) => JSON.stringify(signBrRequest(br.id, br.kp.privateKey, path, body, w.clock.now));
    const cases: [string, string, string, number][] = [
      ['not JSON', '{"v":1,', AC_JOIN_PATH, 400],
      ['envelope field of the wrong type', JSON.stringify({ ...JSON.parse(sign(JSON.stringify(good))), ts: '12' }), AC_JOIN_PATH, 400],
      ['extra envelope field', JSON.stringify({ ...JSON.parse(sign(JSON.stringify(good))), x: 1 }), AC_JOIN_PATH, 400],
      ['body not JSON', sign('{{'), AC_JOIN_PATH, 400],
      ['ts as a string', sign(JSON.stringify({ ...good, ts: String(good.ts) })), AC_JOIN_PATH, 400],
      ['mac too short', sign(JSON.stringify({ ...good, mac: 'abcd' })), AC_JOIN_PATH, 400],
      ['unknown curve', sign(JSON.stringify({ ...good, curve: 'p384' })), AC_JOIN_PATH, 400],
      ['sn too long', sign(JSON.stringify({ ...good, sn: 'x'.repeat(33) })), AC_JOIN_PATH, 400],
      ['envelope path differs', sign(JSON.stringify(good), AC_CHECK_PATH), AC_JOIN_PATH, 400],
      ['unknown path', sign(JSON.stringify(good), '/v1/nope'), '/v1/nope', 400],
      ['array', '[]', AC_JOIN_PATH, 400],
      ['oversized', JSON.stringify({ pad: 'x'.repeat(9000) }), AC_JOIN_PATH, 413],
    ];
    for (const [what, body, path, status] of cases) {
      const r = await w.ac.handle(path, body);
      expect(r.status, what).toBe(status);
      const v = JSON.parse(r.body);
      expect(v.ok, what).toBe(false);
      expect(v.code, what).toBe(status === 413 ? 'E_AC_TOO_LARGE' : 'E_AC_BAD_REQUEST');
      expect(CLOUD_CODES.rows[v.codeNum][0], what).toBe(v.code);
    }
    const after = await tableCounts(db);
    expect(after).toEqual(before);
  });

  it('a forged or mismatched AC response is refused by the client (E_AC_RESPONSE)', async () => {
    const n = makeNode();
    await w.trust(n);
    const { br } = await w.br();
    const forger = makeBr(); // a key that is not the AC's
    const real = w.clientFor(br);
    const variants: [string, (rid: string, t: string) => string][] = [
      ['signed by another key', (rid, t) => {
        const r = JSON.parse(t);
        r.body = JSON.stringify({ ok: true, sn: n.sn, pub: forger.kp.pubHex, curve: 'p256', trustFor: 1e9 });
        r.sig = signText(forger.kp.privateKey, ['nowboard-ac/1 response', r.ac, r.rid, r.ts, r.status, r.body].join('\n'));
        return JSON.stringify(r);
      }],
      ['body edited', (rid, t) => {
        const r = JSON.parse(t);
        r.body = r.body.replace(n.pubHex, forger.kp.pubHex);
        return JSON.stringify(r);
      }],
      ['answer to another request', (rid, t) => {
        const r = JSON.parse(t);
        r.rid = '0'.repeat(32);
        return JSON.stringify(r);
      }],
      ['not JSON', () => '<html>'],
    ];
    for (const [what, mangle] of variants) {
      const c = w.clientFor(br, async (path, body) => {
        const r = await w.ac.handle(path, body);
        return { status: r.status, text: mangle(r.rid, JSON.stringify(r)) };
      });
      const a = await c.join(signJoin(n, sec()));
      expect(a.ok, what).toBe(false);
      expect(a.code, what).toBe('E_AC_RESPONSE');
      expect(a.codeNum, what).toBe(780);
    }
    // A stale (replayed) answer: the client's clock moved past the window.
    const late = w.clientFor(br, async (path, body) => {
      const r = await w.ac.handle(path, body);
      w.clock.now += 61_000;
      return { status: r.status, text: JSON.stringify(r) };
    });
    const a = await late.join(signJoin(n, sec()));
    expect(a.code).toBe('E_AC_RESPONSE');
    expect(a.error).toMatch(/outside/);
    expect((await real.join(signJoin(n, sec()))).ok).toBe(true);
  });

  it('the same request sent concurrently (many rids, one nonce) is accepted exactly once', async () => {
    const nodes = Array.from({ length: 10 }, () => makeNode());
    await w.trust(...nodes);
    const brs = await Promise.all([w.br(), w.br(), w.br()]);
    const jobs: Promise<{ sn: string; ok: boolean; code?: string }>[] = [];
    for (const n of nodes) {
      const j = signJoin(n, sec());
      for (let k = 0; k < 6; k++) jobs.push(brs[k % 3].client.join(j).then((a) => ({ sn: n.sn, ok: a.ok, code: a.code })));
    }
    const res = await Promise.all(jobs);
    for (const n of nodes) {
      const mine = res.filter((r) => r.sn === n.sn);
      expect(mine.filter((r) => r.ok).length).toBe(1);
      expect(mine.filter((r) => !r.ok).every((r) => r.code === 'E_AC_REPLAY')).toBe(true);
      expect((await rowsFor(db, n.sn)).nodeRequests).toBe(1);
    }
  });
});

/** SHA-256 of the JOIN frame a node sent with these fields: the request hash the grant binds. */
function rhOf(j: ReturnType<typeof signJoin>): Uint8Array {
  const frame = encodeJoin(j.curve === 'p256' ? CURVE_P256 : CURVE_SECP160K1, j.sn, Buffer.from(j.mac, 'hex'), j.ts, Buffer.from(j.nonce, 'hex'), Buffer.from(j.sig, 'hex'));
  return new Uint8Array(createHash('sha256').update(frame).digest());
}

/** The grant re-derived here (README §4.4) from the node's K_an as keygen writes it for this AC, node:crypto HMAC. */
function expectedGrant(kan: Uint8Array, rh: Uint8Array, brId: string, ephHex: string, gts: number): string {
  const t = Buffer.alloc(4);
  t.writeUInt32BE(gts);
  const eph = Buffer.from(ephHex, 'hex');
  const m = Buffer.concat([Buffer.from('nowboard-cloud/1 grant'), rh, Buffer.from([brId.length]), Buffer.from(brId), Buffer.from([eph.length]), eph, t]);
  return createHmac('sha256', kan).update(m).digest().subarray(0, 16).toString('hex');
}

describe(`AC grants (README §4.4) on ${DB_KIND}`, () => {
  it('a yes to a join carries the grant over rh, the BR id, its R and the AC time, under the node\'s K_an (both curves)', async () => {
    for (const kind of ['p256', 'secp160k1'] as const) {
      const n = makeNode(kind);
      await w.trust(n);
      const { br, client } = await w.br();
      const j = signJoin(n, sec());
      const a = await client.join(j);
      expect(a.ok).toBe(true);
      expect(a.gts).toBe(sec());
      expect(a.grant).toBe(expectedGrant(n.grantKey(w.acKp.pubHex), rhOf(j), br.id, j.eph, a.gts!));
      // bound: another BR id, another R, another request, another key give another tag
      expect(a.grant).not.toBe(expectedGrant(n.grantKey(w.acKp.pubHex), rhOf(j), br.id + 'x', j.eph, a.gts!));
      expect(a.grant).not.toBe(expectedGrant(n.grantKey(w.acKp.pubHex), rhOf(signJoin(n, sec())), br.id, j.eph, a.gts!));
      expect(a.grant).not.toBe(expectedGrant(makeNode(kind).grantKey(w.acKp.pubHex), rhOf(j), br.id, j.eph, a.gts!));
    }
  });

  it('refusals and rechecks carry no grant', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br();
    const j = signJoin(n, sec());
    expect((await client.join(j)).ok).toBe(true);
    const again = await client.join(j);
    expect(again.code).toBe('E_AC_REPLAY');
    expect(again.grant).toBeUndefined();
    const c = await client.check(n.sn);
    expect(c.ok).toBe(true);
    expect(c.grant).toBeUndefined();
  });

  it('a trust-list row without a grant point (added before migration 2) is refused E_AC_NO_GRANT_KEY, its nonce not consumed', async () => {
    const n = makeNode();
    await db.query("INSERT INTO ac_trust (sn, mac, pub, curve, status, added_at) VALUES ($1, $2, $3, $4, 'active', $5)", [n.sn, n.mac, n.pubHex, n.curve, w.clock.now]);
    const { client } = await w.br();
    const a = await client.join(signJoin(n, sec()));
    expect(a.code).toBe('E_AC_NO_GRANT_KEY');
    expect(a.httpStatus).toBe(403);
    expect((await rowsFor(db, n.sn)).nodeRequests).toBe(0);
  });

  it('an ephemeral key R that is not a point of the node\'s curve is E_AC_BAD_REQUEST, nothing written', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br();
    const a = await client.join({ ...signJoin(n, sec()), eph: '04' + '11'.repeat(64) });
    expect(a.code).toBe('E_AC_BAD_REQUEST');
    expect((await rowsFor(db, n.sn)).nodeRequests).toBe(0);
  });
});
