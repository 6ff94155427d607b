// `nowboard cloud serve`'s HTTP layer (configurator/cloud/ac-http.ts) over a
// real socket: the BR client end to end, and the framing faults a socket brings
// (malformed JSON, oversized bodies, wrong types, no content type, unknown
// routes) — each a typed, signed 4xx, and nothing written.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openTestDb, acWorld, makeNode, signJoin, AcWorld, DB_KIND } from './cloud-fixtures.ts';
import { startAcServer, AcServer } from '../../configurator/cloud/ac-http.ts';
import { httpTransport, signBrRequest, verifyAcResponse } from '../../configurator/cloud/ac-client.ts';
import { tableCounts } from '../../configurator/cloud/ac-store.ts';
import { AC_JOIN_PATH } from '../../firmware/protocols/cloud/ac-api.ts';
import type { SqlDb } from '../../configurator/cloud/sql.ts';

let db: SqlDb;
let w: AcWorld;
let srv: AcServer;
const logLines: string[] = [];
const sec = () => Math.floor(w.clock.now / 1000);

beforeAll(async () => {
  db = await openTestDb('http');
  w = await acWorld(db);
  srv = await startAcServer(w.ac, { port: 0, log: (l) => logLines.push(l) });
});
afterAll(async () => {
  await srv?.close();
  await db?.close();
});

async function post(path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const r = await fetch(srv.url + path, { method: 'POST', headers, body });
  return { status: r.status, text: await r.text() };
}

describe(`AC over HTTP on ${DB_KIND}`, () => {
  it('a BR joins a node through AcHttpClient over the socket', async () => {
    const n = makeNode();
    await w.trust(n);
    const { client } = await w.br(undefined, httpTransport(srv.url));
    const a = await client.join(signJoin(n, sec()));
    expect(a.ok).toBe(true);
    expect(a.pub).toBe(n.pubHex);
    const again = await client.join(signJoin(n, sec()));
    expect(again.ok).toBe(true);
  });

  it('framing faults are typed, signed 4xx answers and write nothing', async () => {
    const n = makeNode();
    await w.trust(n);
    const { br } = await w.br();
    const before = await tableCounts(db);
    const env = signBrRequest(br.id, br.kp.privateKey, AC_JOIN_PATH, JSON.stringify(signJoin(n, sec())), w.clock.now);
    const cases: [string, () => Promise<{ status: number; text: string }>, number, string][] = [
      ['malformed JSON', () => post(AC_JOIN_PATH, '{"v": 1, "br": '), 400, 'E_AC_BAD_REQUEST'],
      ['empty body', () => post(AC_JOIN_PATH, ''), 400, 'E_AC_BAD_REQUEST'],
      ['wrong types', () => post(AC_JOIN_PATH, JSON.stringify({ ...env, ts: 'now', v: '1' })), 400, 'E_AC_BAD_REQUEST'],
      ['no content type', () => post(AC_JOIN_PATH, 'hello', {}), 400, 'E_AC_BAD_REQUEST'],
      ['text/plain', () => post(AC_JOIN_PATH, '[1,2]', { 'content-type': 'text/plain' }), 400, 'E_AC_BAD_REQUEST'],
      ['oversized (1 MB)', () => post(AC_JOIN_PATH, Buffer.alloc(1 << 20, 0x20)), 413, 'E_AC_TOO_LARGE'],
      ['unknown route', () => post('/v1/admin', JSON.stringify(env)), 400, 'E_AC_BAD_REQUEST'],
    ];
    for (const [what, send, status, code] of cases) {
      const r = await send();
      expect(r.status, what).toBe(status);
      const resp = JSON.parse(r.text);
      expect(resp.status, what).toBe(status);
      expect(JSON.parse(resp.body).code, what).toBe(code);
      // signed by the AC like every answer; the rid echoed when the envelope had a well-formed one
      const rid = what === 'wrong types' ? env.rid : '';
      const v = verifyAcResponse(r.text, r.status, { acPubHex: w.acKp.pubHex, acId: 'ac-test' }, rid, '', w.clock.now, 60);
      expect(v.ok, what).toBe(true);
    }
    expect(await tableCounts(db)).toEqual(before);
    expect(logLines.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('health reports the AC key and the database', async () => {
    const r = await fetch(srv.url + '/v1/health');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ ok: true, ac: 'ac-test', pub: w.acKp.pubHex, db: DB_KIND });
  });

  it('close() lets a request in flight finish, then refuses connections', async () => {
    const n = makeNode();
    await w.trust(n);
    // An AC whose handler holds the request until we have started closing.
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gated = { ...w.ac, handle: async (p: string, b: string) => { entered(); await gate; return w.ac.handle(p, b); } };
    const own = await startAcServer(gated, { port: 0 });
    const { client } = await w.br(undefined, httpTransport(own.url));
    const inFlight = client.join(signJoin(n, sec()));
    await inHandler;
    const closing = own.close();
    release();
    const a = await inFlight;
    await closing;
    expect(a.ok).toBe(true);
    const after = await client.join(signJoin(n, sec()));
    expect(after.ok).toBe(false);
    expect(after.code).toBe('E_AC_RESPONSE');
    expect(after.error).toMatch(/no answer/);
  });
});
