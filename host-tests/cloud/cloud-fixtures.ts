/**
 * Shared pieces of the Authentication Cloud suite: the database under test
 * (PGlite in memory by default; PostgreSQL when NOWBOARD_DB=postgres://… — each
 * test file then gets its own schema), nodes that sign joins like a board, BRs
 * with key pairs, a settable clock.
 */
import { randomBytes, sign as nodeSign, KeyObject, diffieHellman, hkdfSync } from 'node:crypto';
import { joinStatementBytes, grantKeyInfo, CURVE_P256, CURVE_SECP160K1, NodeJoin } from '../../firmware/protocols/cloud/ac-api.ts';
import { makeCurve, getPublicKey } from '../../firmware/crypto/weierstrass.ts';
import { ecdsaSignHash } from '../../firmware/crypto/ecdsa.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { SECP160K1_PARAMS, P256_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { openDb, SqlDb } from '../../configurator/cloud/sql.ts';
import { generateP256, cachedP256, P256KeyPair } from '../../configurator/cloud/ac-crypto.ts';
import { acKeyOf, openAuthCloud, AuthCloud } from '../../configurator/cloud/auth-cloud.ts';
import { addTrusted, addBorderRouter } from '../../configurator/cloud/ac-store.ts';
import { AcHttpClient, inProcessTransport, AcTransport } from '../../configurator/cloud/ac-client.ts';

export const PG_URL = process.env.NOWBOARD_DB && /^postgres(ql)?:\/\//.test(process.env.NOWBOARD_DB) ? process.env.NOWBOARD_DB : '';
export const DB_KIND = PG_URL ? 'postgres' : 'pglite';

export function uniqueSchema(tag: string): string {
  return `ac_t_${tag}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/**
 * The database of one test file (fresh: a new in-memory PGlite, or a new schema on
 * PostgreSQL, dropped again by close() so a real server keeps no test tables).
 */
export async function openTestDb(tag: string): Promise<SqlDb> {
  if (!PG_URL) return openDb('memory:');
  const schema = uniqueSchema(tag);
  return dropOnClose(await openDb(PG_URL, { schema }), schema);
}

/** PostgreSQL: close() drops the test's schema first (best effort: the server may be the one stopped). */
export function dropOnClose(db: SqlDb, schema: string): SqlDb {
  const close = db.close.bind(db);
  db.close = async () => {
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await close();
  };
  return db;
}

/** A settable clock, ms since the epoch. */
export function testClock(startMs = 1_800_000_000_000) {
  const c = { now: startMs, fn: () => c.now };
  return c;
}

const C160 = makeCurve(SECP160K1_PARAMS);

export interface TestNode {
  sn: string;
  mac: string;
  curve: 'p256' | 'secp160k1';
  pubHex: string;
  /** sign a statement as the board does (SHA-256 then ECDSA, r ‖ s) */
  signStatement(stmt: Uint8Array): Uint8Array;
  /** the grant point F registered with the node (README §4.4) */
  gpubHex: string;
  /** K_an as keygen writes it for an AC with this public key: HKDF(x(f·Q_AC)), node:crypto */
  grantKey(acPubHex: string): Uint8Array;
}

/** A grant point F and the node's side of K_an (f kept, as a test needs it for any AC key). */
function grantSide(sn: string): { gpubHex: string; grantKey: (acPubHex: string) => Uint8Array } {
  const f = generateP256();
  return {
    gpubHex: f.pubHex,
    grantKey: (acPubHex) => new Uint8Array(hkdfSync('sha256', diffieHellman({ privateKey: f.privateKey, publicKey: cachedP256(acPubHex) }), Buffer.alloc(0),
      grantKeyInfo(sn, Buffer.from(f.pubHex, 'hex')), 32)),
  };
}

/** A valid ephemeral public key R on a curve (what a BR sends with a join). */
export function ephFor(curve: 'p256' | 'secp160k1'): string {
  if (curve === 'p256') return generateP256().pubHex;
  let e: Uint8Array;
  do {
    e = new Uint8Array(randomBytes(C160.nB));
    e[0] = 0;
  } while (e.every((x) => x === 0));
  return Buffer.from(getPublicKey(C160, e, false)).toString('hex');
}

let snCounter = 0;
export function newSn(prefix = 'NB'): string {
  return `${prefix}-${process.pid}-${++snCounter}-${randomBytes(2).toString('hex')}`;
}

export function randomMac(): string {
  const b = randomBytes(6);
  b[0] = (b[0] & 0xfe) | 0x02;
  return b.toString('hex');
}

const C256 = makeCurve(P256_PARAMS);

/**
 * A node on P-256 (node:crypto), on P-256 with the board's own ECDSA
 * (firmware/crypto/ecdsa.ts: 'p256-board'), or on secp160k1 with the board's ECDSA.
 */
export function makeNode(kind: 'p256' | 'p256-board' | 'secp160k1' = 'p256', sn = newSn()): TestNode {
  const mac = randomMac();
  if (kind === 'p256-board') {
    const kp = generateP256();
    const jwk = kp.privateKey.export({ format: 'jwk' }) as { d: string };
    const priv = new Uint8Array(Buffer.from(jwk.d, 'base64url'));
    return { sn, mac, curve: 'p256', pubHex: Buffer.from(getPublicKey(C256, priv, false)).toString('hex'), signStatement: (m) => ecdsaSignHash(C256, sha256(m), priv), ...grantSide(sn) };
  }
  const curve = kind;
  if (curve === 'p256') {
    const kp = generateP256();
    return { sn, mac, curve, pubHex: kp.pubHex, signStatement: (m) => new Uint8Array(nodeSign('sha256', m, { key: kp.privateKey, dsaEncoding: 'ieee-p1363' })), ...grantSide(sn) };
  }
  let priv: Uint8Array;
  do {
    priv = new Uint8Array(randomBytes(C160.nB));
    priv[0] &= 0x00; // below n (n has 161 bits: its first byte is 01)
  } while (priv.every((x) => x === 0));
  const pub = getPublicKey(C160, priv, false);
  return { sn, mac, curve, pubHex: Buffer.from(pub).toString('hex'), signStatement: (m) => ecdsaSignHash(C160, sha256(m), priv), ...grantSide(sn) };
}

/** Message 1 as a node builds it; `over` replaces fields after (or before: `signedMac`) signing. */
export function signJoin(n: TestNode, tsSec: number, opts: { nonce?: string; signedMac?: string; signer?: TestNode; eph?: string } = {}): NodeJoin {
  const nonce = opts.nonce ?? randomBytes(8).toString('hex');
  const mac = opts.signedMac ?? n.mac;
  const stmt = joinStatementBytes(n.sn, Buffer.from(mac, 'hex'), tsSec, Buffer.from(nonce, 'hex'), n.curve === 'p256' ? CURVE_P256 : CURVE_SECP160K1);
  const sig = (opts.signer ?? n).signStatement(stmt);
  return { sn: n.sn, mac, ts: tsSec, nonce, curve: n.curve, sig: Buffer.from(sig).toString('hex'), eph: opts.eph ?? ephFor(n.curve) };
}

export interface TestBr {
  id: string;
  kp: P256KeyPair;
}

export function makeBr(id = 'br-' + randomBytes(3).toString('hex')): TestBr {
  return { id, kp: generateP256() };
}

export interface AcWorld {
  db: SqlDb;
  ac: AuthCloud;
  acKp: P256KeyPair;
  clock: ReturnType<typeof testClock>;
  /** register nodes in the trust list */
  trust(...nodes: TestNode[]): Promise<void>;
  /** register a BR and give back a client for it (in-process by default) */
  br(b?: TestBr, transport?: AcTransport): Promise<{ br: TestBr; client: AcHttpClient }>;
  clientFor(b: TestBr, transport?: AcTransport): AcHttpClient;
}

export async function acWorld(db: SqlDb, opts: { windowSec?: number } = {}): Promise<AcWorld> {
  const clock = testClock();
  const acKp = generateP256();
  const ac = openAuthCloud({ db, acKey: acKeyOf('ac-test', acKp), windowSec: opts.windowSec ?? 60, trustForSec: 300, clock: clock.fn });
  const w: AcWorld = {
    db,
    ac,
    acKp,
    clock,
    async trust(...nodes) {
      await addTrusted(db, nodes.map((n) => ({ sn: n.sn, mac: n.mac, pub: n.pubHex, curve: n.curve, gpub: n.gpubHex })), 'admin:test', clock.now);
    },
    clientFor(b, transport) {
      return new AcHttpClient({ transport: transport ?? inProcessTransport(ac), brId: b.id, brKey: b.kp.privateKey as KeyObject, acPubHex: acKp.pubHex, acId: 'ac-test', windowSec: 60, clock: clock.fn });
    },
    async br(b = makeBr(), transport) {
      await addBorderRouter(db, b.id, b.kp.pubHex, 'admin:test', clock.now);
      return { br: b, client: w.clientFor(b, transport) };
    },
  };
  return w;
}

/** Rows of the replay and audit tables about one SN. */
export async function rowsFor(db: SqlDb, sn: string): Promise<{ nodeRequests: number; audit: { result: string; action: string }[] }> {
  const n = await db.query<{ c: number }>('SELECT count(*)::int AS c FROM ac_node_requests WHERE sn = $1', [sn]);
  const a = await db.query<{ result: string; action: string }>('SELECT result, action FROM ac_audit WHERE sn = $1 ORDER BY id', [sn]);
  return { nodeRequests: n.rows[0].c, audit: a.rows };
}
