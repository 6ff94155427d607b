/**
 * The Authentication Cloud core (paper 000 §III-B messages 2–5): a border
 * router's signed request in, a signed verdict out. No HTTP here — the service
 * (ac-http.ts) and the simulator's in-process uplink both call `handle`.
 *
 * Order of checks, cheapest and least trusting first, so that nothing an
 * unauthenticated sender controls reaches the database as a write:
 *   1. size, JSON, field types and lengths (zod)              → E_AC_TOO_LARGE / E_AC_BAD_REQUEST
 *   2. one read: the BR's row and the node's trust-list row
 *   3. BR registered, its signature, not revoked, its ts       → E_AC_UNKNOWN_BR / _BR_SIG / _BR_REVOKED / _BR_REPLAY
 *   4. node ts in the window, SN trusted and not revoked, the
 *      node's signature with its registered key, then its MAC,
 *      a grant key registered                                  → E_AC_TS_WINDOW / _UNKNOWN_SN / _SN_REVOKED / _NODE_SIG / _MAC / _NO_GRANT_KEY
 *   5. one write, one statement (atomic on its own): the BR's rid, the node's
 *      (sn, nonce) if every check passed, the audit row. Unique keys decide
 *      replays (E_AC_BR_REPLAY / E_AC_REPLAY) — in the database, so two AC
 *      instances on one PostgreSQL cannot both accept a request.
 * Refusals at 1 and at "unknown BR / bad BR signature" write nothing (anyone can
 * send them; writing would let anyone fill the disk); every decision on a request
 * a registered BR signed is audited. A database failure at 2 or 5 is E_AC_DB,
 * status 503, and — the write being one statement — nothing half-written.
 *
 * A yes to a join carries the grant (firmware/protocols/cloud/README.md §4.4):
 * HMAC under the node's grant key over the request hash (rebuilt here from the
 * fields just verified), the BR's id, the ephemeral key R it sent and the AC's
 * time — the node takes a KEY only with it.
 */
import { z } from 'zod';
import type { KeyObject } from 'node:crypto';
import {
  AC_API_VERSION, AC_JOIN_PATH, AC_CHECK_PATH, CURVE_P256, CURVE_SECP160K1, AcResponse, BrRequest, JoinVerdict,
  joinStatementBytes, brRequestSignedText, acResponseSignedText,
} from '../../firmware/protocols/cloud/ac-api.ts';
import { CLOUD_CODES } from '../../firmware/protocols/cloud/codes.ts';
import { encodeJoin } from '../../firmware/protocols/cloud/frames.ts';
import type { SqlDb } from './sql.ts';
import { DbError } from './sql.ts';
import { SN_RE, BR_ID_RE } from './ac-store.ts';
import { cachedP256, signText, verifyText, verifyNodeSig, validPublicKey, acGrantKey, grantHex, sha256Bytes, P256KeyPair } from './ac-crypto.ts';

/** Largest request body the AC reads (a join envelope is ~600 bytes). */
export const AC_MAX_BODY = 8192;

/** The AC's signing key: its id (`ac` in every response) and its P-256 pair. */
export interface AcKey {
  id: string;
  privateKey: KeyObject;
  /** uncompressed public point, hex: what every BR pins */
  pubHex: string;
}

export function acKeyOf(id: string, kp: P256KeyPair): AcKey {
  return { id, privateKey: kp.privateKey, pubHex: kp.pubHex };
}

export interface AuthCloudOptions {
  db: SqlDb;
  acKey: AcKey;
  /** node ts and BR ts must be within ± this many seconds of the AC's clock (default 120) */
  windowSec?: number;
  /** JoinVerdict.trustFor: seconds a BR may trust an accept before /v1/check (default 300) */
  trustForSec?: number;
  /** ms since the epoch (default Date.now): the simulator passes its virtual clock */
  clock?: () => number;
}

export interface AuthCloud {
  readonly acId: string;
  readonly acPubHex: string;
  readonly windowSec: number;
  readonly db: SqlDb;
  /** One BR request (`envelopeJson` = the HTTP body) → the signed answer. Never throws. */
  handle(path: string, envelopeJson: string): Promise<AcResponse>;
  /** A signed refusal built outside `handle` (the HTTP layer: body over the limit, unknown route). */
  refusal(code: string, rid: string, detail?: string): AcResponse;
  /** Delete replay rows whose timestamps are outside the window (they can no longer be accepted anyway). */
  prune(): Promise<{ brRequests: number; nodeRequests: number }>;
  /**
   * Loads the per-node constants of up to `limit` active trust-list rows (newest
   * first) ahead of their joins: the node's P-256 key parsed into OpenSSL and its
   * grant key K_an (one ECDH + HKDF). They depend only on what was registered, so
   * an AC computes them while idle (`cloud serve` at start) rather than on the
   * join path, where they are ~0.25 ms of ~1.2 ms. A join of a row not loaded
   * computes them itself; status, replay and every signature are still checked per
   * join. Yields to the event loop every 200 rows. Resolves to the rows loaded.
   */
  warm(limit?: number): Promise<number>;
}

/** Rows `warm` loads by default: below the key caches' 10,000-entry bound (ac-crypto.ts). */
export const AC_WARM_LIMIT = 8000;

/** Status for each refusal: 4xx the BR's or node's fault, 503 retry later. */
const STATUS: Record<string, number> = {
  E_AC_BAD_REQUEST: 400,
  E_AC_UNKNOWN_BR: 401,
  E_AC_BR_SIG: 401,
  E_AC_BR_REVOKED: 403,
  E_AC_BR_REPLAY: 409,
  E_AC_TS_WINDOW: 409,
  E_AC_REPLAY: 409,
  E_AC_UNKNOWN_SN: 403,
  E_AC_SN_REVOKED: 403,
  E_AC_NODE_SIG: 403,
  E_AC_MAC: 403,
  E_AC_DB: 503,
  E_AC_TOO_LARGE: 413,
  E_AC_NO_GRANT_KEY: 403,
};

const CODE_NUM: Record<string, number> = {};
const CODE_TEXT: Record<string, string> = {};
for (const [num, row] of Object.entries(CLOUD_CODES.rows)) {
  CODE_NUM[row[0]] = Number(num);
  CODE_TEXT[row[0]] = row[1];
}

export function statusOf(code: string): number {
  return STATUS[code] ?? 400;
}

const HEX32 = /^[0-9a-f]{32}$/;

export const brRequestSchema = z.object({
  v: z.literal(AC_API_VERSION),
  br: z.string().regex(BR_ID_RE),
  rid: z.string().regex(HEX32),
  ts: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  path: z.string().max(64),
  body: z.string().max(AC_MAX_BODY),
  sig: z.string().regex(/^[0-9a-f]{128}$/),
}).strict();

export const nodeJoinSchema = z.object({
  sn: z.string().regex(SN_RE),
  mac: z.string().regex(/^[0-9a-fA-F]{12}$/).transform((s) => s.toLowerCase()),
  ts: z.number().int().min(0).max(0xffffffff),
  nonce: z.string().regex(/^[0-9a-fA-F]{16}$/).transform((s) => s.toLowerCase()),
  curve: z.enum(['p256', 'secp160k1']),
  sig: z.string().regex(/^[0-9a-fA-F]{2,256}$/).transform((s) => s.toLowerCase()),
  /** the BR's ephemeral public key R on the node's curve (README §4.4); checked on the curve below */
  eph: z.string().regex(/^04[0-9a-fA-F]{80,128}$/).transform((s) => s.toLowerCase()),
}).strict();

export const checkSchema = z.object({ sn: z.string().regex(SN_RE) }).strict();

const CURVE_ID: Record<string, number> = { p256: CURVE_P256, secp160k1: CURVE_SECP160K1 };

function hexBytes(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}

/**
 * The one write of a decision. `$8` says whether every check before the write
 * passed; the node row is inserted only then and only if the BR's rid was new.
 * Result: 'OK', the refusal given in $9, E_AC_BR_REPLAY (rid seen) or E_AC_REPLAY
 * ((sn, nonce) seen) — decided by the unique keys under concurrency.
 */
const DECIDE_SQL = `
WITH b AS (
  INSERT INTO ac_br_requests (rid, br_id, br_ts, path, at) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT DO NOTHING RETURNING rid
), n AS (
  INSERT INTO ac_node_requests (sn, nonce, node_ts, br_id, rid, at)
  SELECT $6, $7, $10, $2, $1, $5 WHERE $8::boolean AND $7::text IS NOT NULL AND EXISTS (SELECT 1 FROM b)
  ON CONFLICT DO NOTHING RETURNING sn
), v AS (
  SELECT CASE
    WHEN NOT EXISTS (SELECT 1 FROM b) THEN 'E_AC_BR_REPLAY'
    WHEN NOT $8::boolean THEN $9::text
    WHEN $7::text IS NULL OR EXISTS (SELECT 1 FROM n) THEN 'OK'
    ELSE 'E_AC_REPLAY' END AS result
)
INSERT INTO ac_audit (at, actor, action, sn, rid, result, detail)
SELECT $5, 'br:' || $2, $11, $6, $1, v.result, $12 FROM v RETURNING result`;

const LOOKUP_SQL = `
SELECT b.pub AS br_pub, b.status AS br_status, t.mac, t.pub, t.curve, t.status, t.gpub
FROM (SELECT 1) AS one
LEFT JOIN ac_border_routers b ON b.id = $1
LEFT JOIN ac_trust t ON t.sn = $2`;

export function openAuthCloud(opts: AuthCloudOptions): AuthCloud {
  const { db, acKey } = opts;
  const windowSec = opts.windowSec ?? 120;
  const trustForSec = opts.trustForSec ?? 300;
  const clock = opts.clock ?? Date.now;

  function respond(rid: string, status: number, verdict: JoinVerdict): AcResponse {
    const r: AcResponse = { v: AC_API_VERSION, ac: acKey.id, rid, ts: Math.floor(clock()), status, body: JSON.stringify(verdict), sig: '' };
    r.sig = signText(acKey.privateKey, acResponseSignedText(r));
    return r;
  }

  function refuse(rid: string, sn: string, code: string, detail?: string): AcResponse {
    const v: JoinVerdict = { ok: false, sn, code, codeNum: CODE_NUM[code], error: detail ? `${CODE_TEXT[code]}: ${detail}` : CODE_TEXT[code] };
    return respond(rid, statusOf(code), v);
  }

  async function handleInner(path: string, envelopeJson: string): Promise<AcResponse> {
    if (typeof envelopeJson !== 'string') return refuse('', '', 'E_AC_BAD_REQUEST', 'body is not text');
    if (envelopeJson.length > AC_MAX_BODY) return refuse('', '', 'E_AC_TOO_LARGE', `${envelopeJson.length} > ${AC_MAX_BODY} characters`);
    let raw: unknown;
    try {
      raw = JSON.parse(envelopeJson);
    } catch {
      return refuse('', '', 'E_AC_BAD_REQUEST', 'body is not JSON');
    }
    // Echo a well-formed rid even on a malformed envelope, so the BR can match the refusal.
    const rawRid = raw && typeof (raw as any).rid === 'string' && HEX32.test((raw as any).rid) ? (raw as any).rid : '';
    const env = brRequestSchema.safeParse(raw);
    if (!env.success) return refuse(rawRid, '', 'E_AC_BAD_REQUEST', 'envelope: ' + env.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; '));
    const req: BrRequest = env.data;
    if (req.path !== path) return refuse(req.rid, '', 'E_AC_BAD_REQUEST', `envelope path ${req.path} is not the request path ${path}`);
    if (path !== AC_JOIN_PATH && path !== AC_CHECK_PATH) return refuse(req.rid, '', 'E_AC_BAD_REQUEST', `unknown path ${path}`);

    let bodyRaw: unknown;
    try {
      bodyRaw = JSON.parse(req.body);
    } catch {
      return refuse(req.rid, '', 'E_AC_BAD_REQUEST', 'body is not JSON');
    }
    const isJoin = path === AC_JOIN_PATH;
    const parsed = isJoin ? nodeJoinSchema.safeParse(bodyRaw) : checkSchema.safeParse(bodyRaw);
    if (!parsed.success) return refuse(req.rid, '', 'E_AC_BAD_REQUEST', 'body: ' + parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; '));
    const join = isJoin ? (parsed.data as z.output<typeof nodeJoinSchema>) : null;
    const sn = parsed.data.sn;
    if (join && !validPublicKey(join.curve, join.eph)) return refuse(req.rid, sn, 'E_AC_BAD_REQUEST', `eph: not a ${join.curve} point`);

    const look = (await db.query<any>(LOOKUP_SQL, [req.br, sn], 'ac_lookup')).rows[0];
    if (!look || !look.br_pub) return refuse(req.rid, sn, 'E_AC_UNKNOWN_BR', req.br);
    if (!verifyText(cachedP256(look.br_pub), brRequestSignedText(req), req.sig)) return refuse(req.rid, sn, 'E_AC_BR_SIG', req.br);

    // From here the request is a registered BR's: every decision is written with its audit row.
    const now = Math.floor(clock());
    let code = 'OK';
    let detail: string | null = null;
    if (look.br_status !== 'active') code = 'E_AC_BR_REVOKED';
    else if (Math.abs(now - req.ts) > windowSec * 1000) {
      code = 'E_AC_BR_REPLAY';
      detail = `br ts ${req.ts} vs ac ${now}`;
    } else if (join && Math.abs(Math.floor(now / 1000) - join.ts) > windowSec) {
      code = 'E_AC_TS_WINDOW';
      detail = `node ts ${join.ts} vs ac ${Math.floor(now / 1000)}`;
    } else if (!look.curve) code = 'E_AC_UNKNOWN_SN';
    else if (look.status !== 'active') code = 'E_AC_SN_REVOKED';
    else if (join) {
      const stmt = joinStatementBytes(join.sn, hexBytes(join.mac), join.ts, hexBytes(join.nonce), CURVE_ID[join.curve]);
      if (join.curve !== look.curve) {
        code = 'E_AC_NODE_SIG';
        detail = `signed on ${join.curve}, registered on ${look.curve}`;
      } else if (!verifyNodeSig(look.curve, look.pub, stmt, join.sig)) code = 'E_AC_NODE_SIG';
      else if (join.mac !== look.mac) {
        // The registered key signed this MAC: the node's key is in another device (paper 000 §III-B step 4).
        code = 'E_AC_MAC';
        detail = `mac ${join.mac}, trust list ${look.mac}`;
      } else if (!look.gpub) code = 'E_AC_NO_GRANT_KEY';
    }
    if (code === 'E_AC_BR_REVOKED' || code === 'E_AC_BR_REPLAY') {
      // A revoked BR, or a BR request outside its window (never acceptable, so its rid
      // need not be kept): audited, nothing consumed.
      await db.query("INSERT INTO ac_audit (at, actor, action, sn, rid, result, detail) VALUES ($1, 'br:' || $2, $3, $4, $5, $6, $7)", [now, req.br, isJoin ? 'join' : 'check', sn, req.rid, code, detail]);
      return refuse(req.rid, sn, code, detail ?? undefined);
    }
    const res = await db.query<{ result: string }>(DECIDE_SQL, [
      req.rid, req.br, req.ts, path, now,
      sn, join ? join.nonce : null, code === 'OK', code, join ? join.ts : null,
      isJoin ? 'join' : 'check', detail,
    ], 'ac_decide');
    const result = res.rows[0]?.result;
    if (result !== 'OK') return refuse(req.rid, sn, result ?? 'E_AC_DB', result === 'E_AC_REPLAY' ? `nonce ${join?.nonce}` : detail ?? undefined);
    if (!join) return respond(req.rid, 200, { ok: true, sn, pub: look.pub, curve: look.curve, trustFor: trustForSec });
    // The grant (README §4.4): rh from the very fields verified above, the authenticated BR id, its R, our time.
    const rh = sha256Bytes(encodeJoin(CURVE_ID[join.curve], join.sn, hexBytes(join.mac), join.ts, hexBytes(join.nonce), hexBytes(join.sig)));
    const gts = Math.floor(now / 1000);
    const grant = grantHex(acGrantKey(acKey.privateKey, acKey.pubHex, sn, look.gpub), rh, req.br, hexBytes(join.eph), gts);
    return respond(req.rid, 200, { ok: true, sn, pub: look.pub, curve: look.curve, trustFor: trustForSec, grant, gts });
  }

  return {
    acId: acKey.id,
    acPubHex: acKey.pubHex,
    windowSec,
    db,
    async handle(path, envelopeJson) {
      try {
        return await handleInner(path, envelopeJson);
      } catch (e) {
        // The write is one statement: a failure anywhere leaves no partial decision behind.
        let rid = '';
        try {
          const j = JSON.parse(envelopeJson);
          if (j && typeof j.rid === 'string' && HEX32.test(j.rid)) rid = j.rid;
        } catch {
          /* rid stays empty */
        }
        const why = e instanceof DbError ? e.message : `internal: ${(e as Error)?.message ?? e}`;
        return refuse(rid, '', 'E_AC_DB', why);
      }
    },
    refusal(code, rid, detail) {
      return refuse(HEX32.test(rid) ? rid : '', '', CODE_NUM[code] !== undefined ? code : 'E_AC_BAD_REQUEST', detail);
    },
    async warm(limit = AC_WARM_LIMIT) {
      const rows = (await db.query<{ sn: string; pub: string; curve: string; gpub: string | null }>(
        "SELECT sn, pub, curve, gpub FROM ac_trust WHERE status = 'active' ORDER BY added_at DESC LIMIT $1",
        [Math.max(0, Math.min(limit, AC_WARM_LIMIT))],
      )).rows;
      let loaded = 0;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i];
        try {
          if (r.curve === 'p256') cachedP256(r.pub);
          if (r.gpub) acGrantKey(acKey.privateKey, acKey.pubHex, r.sn, r.gpub);
          loaded++;
        } catch {
          /* a row the join path would refuse anyway (checked on registration) */
        }
        if (i % 200 === 199) await new Promise<void>((res) => setImmediate(res));
      }
      return loaded;
    },
    async prune() {
      const now = Math.floor(clock());
      // Keep twice the window: a row is only needed while its timestamp could still pass the window check.
      const b = await db.query('DELETE FROM ac_br_requests WHERE br_ts < $1 RETURNING 1', [now - 2 * windowSec * 1000]);
      const n = await db.query('DELETE FROM ac_node_requests WHERE node_ts < $1 RETURNING 1', [Math.floor(now / 1000) - 2 * windowSec]);
      return { brRequests: b.rows.length, nodeRequests: n.rows.length };
    },
  };
}
