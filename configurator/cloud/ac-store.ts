/**
 * Administration of the Authentication Cloud's tables: the trust list (paper
 * 000 §III-B: the AC knows every node's SN, MAC and public key before it ever
 * joins), the registered border routers, the audit trail. Every change is one
 * transaction with its audit row: a change is never made without its record.
 */
import { z } from 'zod';
import type { SqlDb, SqlTx } from './sql.ts';
import { validPublicKey } from './ac-crypto.ts';

export const SN_RE = /^[\x21-\x7e]{1,32}$/;
export const MAC_RE = /^[0-9a-f]{12}$/;
export const BR_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

export class AcAdminError extends Error {
  readonly code: 'E_AC_ADMIN_INPUT' | 'E_AC_ADMIN_EXISTS' | 'E_AC_ADMIN_MISSING';
  constructor(code: AcAdminError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

export interface TrustRow {
  sn: string;
  mac: string;
  pub: string;
  curve: 'p256' | 'secp160k1';
  /** the grant point F (P-256, hex; null on rows from before migration 2) */
  gpub: string | null;
  status: 'active' | 'revoked';
  addedAt: number;
  revokedAt: number | null;
}

export interface BrRow {
  id: string;
  pub: string;
  status: 'active' | 'revoked';
  addedAt: number;
  revokedAt: number | null;
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  sn: string | null;
  rid: string | null;
  result: string;
  detail: string | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Normalise a MAC written with or without separators, any case, to 12 lowercase hex digits. */
export function normMac(mac: string): string {
  return mac.replace(/[:-]/g, '').toLowerCase();
}

export const trustEntrySchema = z.object({
  sn: z.string().regex(SN_RE, 'sn: 1…32 printable ASCII characters'),
  mac: z.string().transform(normMac).pipe(z.string().regex(MAC_RE, 'mac: 6 bytes of hex')),
  pub: z.string().transform((s) => s.toLowerCase()),
  curve: z.enum(['p256', 'secp160k1']),
  /** the node's grant point F (README §4.4), written by keygen next to its public key */
  gpub: z.string().transform((s) => s.toLowerCase()),
});
export type TrustEntry = z.input<typeof trustEntrySchema>;

export async function audit(tx: SqlTx, at: number, actor: string, action: string, sn: string | null, rid: string | null, result: string, detail: string | null): Promise<void> {
  await tx.query('INSERT INTO ac_audit (at, actor, action, sn, rid, result, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)', [at, actor, action, sn, rid, result, detail]);
}

function parseEntry(e: TrustEntry) {
  const p = trustEntrySchema.safeParse(e);
  if (!p.success) throw new AcAdminError('E_AC_ADMIN_INPUT', p.error.issues.map((i) => i.message).join('; '));
  if (!validPublicKey(p.data.curve, p.data.pub)) throw new AcAdminError('E_AC_ADMIN_INPUT', `pub: not an uncompressed ${p.data.curve} public key on the curve`);
  if (!validPublicKey('p256', p.data.gpub)) throw new AcAdminError('E_AC_ADMIN_INPUT', 'gpub: the grant point, an uncompressed P-256 public key on the curve (keygen writes it)');
  return p.data;
}

/**
 * Add nodes to the trust list (all or none). A revoked SN stays revoked:
 * re-adding it is refused (revocation is permanent; give the board a new SN).
 */
export async function addTrusted(db: SqlDb, entries: TrustEntry[], actor: string, now: number): Promise<number> {
  const rows = entries.map(parseEntry);
  return db.transaction(async (tx) => {
    for (const r of rows) {
      const ins = await tx.query('INSERT INTO ac_trust (sn, mac, pub, curve, gpub, status, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sn) DO NOTHING RETURNING sn', [r.sn, r.mac, r.pub, r.curve, r.gpub, 'active', now]);
      if (ins.rows.length === 0) throw new AcAdminError('E_AC_ADMIN_EXISTS', `sn "${r.sn}" is already in the trust list`);
      await audit(tx, now, actor, 'trust-add', r.sn, null, 'OK', `${r.curve} mac ${r.mac}`);
    }
    return rows.length;
  });
}

export async function revokeTrusted(db: SqlDb, sn: string, actor: string, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    const r = await tx.query("UPDATE ac_trust SET status = 'revoked', revoked_at = $2 WHERE sn = $1 AND status = 'active' RETURNING sn", [sn, now]);
    if (r.rows.length === 0) {
      const e = await tx.query('SELECT status FROM ac_trust WHERE sn = $1', [sn]);
      throw new AcAdminError('E_AC_ADMIN_MISSING', e.rows.length ? `sn "${sn}" is already revoked` : `sn "${sn}" is not in the trust list`);
    }
    await audit(tx, now, actor, 'trust-revoke', sn, null, 'OK', null);
  });
}

export async function listTrusted(db: SqlDb): Promise<TrustRow[]> {
  const r = await db.query('SELECT sn, mac, pub, curve, gpub, status, added_at, revoked_at FROM ac_trust ORDER BY sn');
  return r.rows.map((x: any) => ({ sn: x.sn, mac: x.mac, pub: x.pub, curve: x.curve, gpub: x.gpub ?? null, status: x.status, addedAt: Number(x.added_at), revokedAt: num(x.revoked_at) }));
}

export async function addBorderRouter(db: SqlDb, id: string, pubHex: string, actor: string, now: number): Promise<void> {
  const pub = pubHex.toLowerCase();
  if (!BR_ID_RE.test(id)) throw new AcAdminError('E_AC_ADMIN_INPUT', 'border router id: 1…64 of A-Z a-z 0-9 . _ : -');
  if (!validPublicKey('p256', pub)) throw new AcAdminError('E_AC_ADMIN_INPUT', 'border router key: an uncompressed P-256 public key (130 hex digits, 04…)');
  await db.transaction(async (tx) => {
    const ins = await tx.query("INSERT INTO ac_border_routers (id, pub, status, added_at) VALUES ($1, $2, 'active', $3) ON CONFLICT (id) DO NOTHING RETURNING id", [id, pub, now]);
    if (ins.rows.length === 0) throw new AcAdminError('E_AC_ADMIN_EXISTS', `border router "${id}" is already registered`);
    await audit(tx, now, actor, 'br-add', null, null, 'OK', id);
  });
}

export async function revokeBorderRouter(db: SqlDb, id: string, actor: string, now: number): Promise<void> {
  await db.transaction(async (tx) => {
    const r = await tx.query("UPDATE ac_border_routers SET status = 'revoked', revoked_at = $2 WHERE id = $1 AND status = 'active' RETURNING id", [id, now]);
    if (r.rows.length === 0) {
      const e = await tx.query('SELECT status FROM ac_border_routers WHERE id = $1', [id]);
      throw new AcAdminError('E_AC_ADMIN_MISSING', e.rows.length ? `border router "${id}" is already revoked` : `border router "${id}" is not registered`);
    }
    await audit(tx, now, actor, 'br-revoke', null, null, 'OK', id);
  });
}

export async function listBorderRouters(db: SqlDb): Promise<BrRow[]> {
  const r = await db.query('SELECT id, pub, status, added_at, revoked_at FROM ac_border_routers ORDER BY id');
  return r.rows.map((x: any) => ({ id: x.id, pub: x.pub, status: x.status, addedAt: Number(x.added_at), revokedAt: num(x.revoked_at) }));
}

export async function readAudit(db: SqlDb, opts: { sn?: string; limit?: number } = {}): Promise<AuditRow[]> {
  const limit = Math.max(1, Math.min(opts.limit ?? 100, 100000));
  const r = opts.sn
    ? await db.query('SELECT * FROM ac_audit WHERE sn = $1 ORDER BY id DESC LIMIT $2', [opts.sn, limit])
    : await db.query('SELECT * FROM ac_audit ORDER BY id DESC LIMIT $1', [limit]);
  return r.rows.reverse().map((x: any) => ({ id: Number(x.id), at: Number(x.at), actor: x.actor, action: x.action, sn: x.sn, rid: x.rid, result: x.result, detail: x.detail }));
}

/** Row counts, for tests, benches and `nowboard cloud list --stats`. */
export async function tableCounts(db: SqlDb): Promise<{ trust: number; brs: number; brRequests: number; nodeRequests: number; audit: number; auditOk: number }> {
  const r = await db.query(`SELECT
    (SELECT count(*) FROM ac_trust)::int AS trust,
    (SELECT count(*) FROM ac_border_routers)::int AS brs,
    (SELECT count(*) FROM ac_br_requests)::int AS br_requests,
    (SELECT count(*) FROM ac_node_requests)::int AS node_requests,
    (SELECT count(*) FROM ac_audit)::int AS audit,
    (SELECT count(*) FROM ac_audit WHERE result = 'OK' AND action = 'join')::int AS audit_ok`);
  const x: any = r.rows[0];
  return { trust: x.trust, brs: x.brs, brRequests: x.br_requests, nodeRequests: x.node_requests, audit: x.audit, auditOk: x.audit_ok };
}
