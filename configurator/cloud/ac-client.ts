/**
 * The border router's side of the BR ↔ AC channel (ac-api.ts), on the host:
 * signs every request with the BR's P-256 key, and believes an answer only if
 * it is signed by the pinned AC key, echoes this request's rid, and is fresh.
 * Why signatures and not mutual TLS: the same envelope crosses HTTP, the
 * simulator's lossy in-process uplink and (later) a board's Wi-Fi HTTP client
 * with no TLS stack, and an AC answer stays verifiable after it left the
 * connection (a BR can log it as evidence).
 */
import { randomBytes, KeyObject } from 'node:crypto';
import { z } from 'zod';
import {
  AC_API_VERSION, AC_JOIN_PATH, AC_CHECK_PATH, AcResponse, BrRequest, JoinVerdict, NodeJoin,
  brRequestSignedText, acResponseSignedText,
} from '../../firmware/protocols/cloud/ac-api.ts';
import { E_AC_RESPONSE } from '../../firmware/protocols/cloud/codes.ts';
import { cachedP256, signText, verifyText } from './ac-crypto.ts';
import type { AuthCloud } from './auth-cloud.ts';

/** Carries one envelope to the AC and brings back the HTTP status and body text. */
export type AcTransport = (path: string, body: string) => Promise<{ status: number; text: string }>;

/** HTTP POST to `baseUrl + path` (fetch, with a timeout). */
export function httpTransport(baseUrl: string, timeoutMs = 5000): AcTransport {
  const base = baseUrl.replace(/\/+$/, '');
  return async (path, body) => {
    const r = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: r.status, text: await r.text() };
  };
}

/** The AC in this process (simulator, tests): same envelopes, no socket. */
export function inProcessTransport(ac: AuthCloud): AcTransport {
  return async (path, body) => {
    const r = await ac.handle(path, body);
    return { status: r.status, text: JSON.stringify(r) };
  };
}

export function newRid(): string {
  return randomBytes(16).toString('hex');
}

export function signBrRequest(brId: string, brKey: KeyObject, path: string, body: string, tsMs: number, rid: string = newRid()): BrRequest {
  const r: BrRequest = { v: AC_API_VERSION, br: brId, rid, ts: Math.floor(tsMs), path, body, sig: '' };
  r.sig = signText(brKey, brRequestSignedText(r));
  return r;
}

const acResponseSchema = z.object({
  v: z.literal(AC_API_VERSION),
  ac: z.string().max(128),
  rid: z.string().max(64),
  ts: z.number().int(),
  status: z.number().int(),
  body: z.string().max(65536),
  sig: z.string().regex(/^[0-9a-f]{128}$/),
});

const verdictSchema = z.object({
  ok: z.boolean(),
  sn: z.string(),
  pub: z.string().regex(/^[0-9a-f]+$/).optional(),
  curve: z.string().optional(),
  trustFor: z.number().optional(),
  code: z.string().optional(),
  codeNum: z.number().optional(),
  error: z.string().optional(),
  /** join accepted: the grant for the node (README §4.4) and the AC time it binds */
  grant: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  gts: z.number().int().min(0).max(0xffffffff).optional(),
});

export interface VerifyOk {
  ok: true;
  verdict: JoinVerdict;
  response: AcResponse;
}
export interface VerifyFail {
  ok: false;
  why: string;
}

/**
 * Is `text` an authentic, fresh AC answer to the request with `rid` about `sn`?
 * Checks in order: shape, AC id, signature with the pinned key, rid echo, time
 * within ± windowSec, HTTP status equal to the signed status, verdict shape and
 * sn, and ok ⇔ status 200.
 */
export function verifyAcResponse(text: string, httpStatus: number | null, pin: { acPubHex: string; acId?: string }, rid: string, sn: string, nowMs: number, windowSec: number): VerifyOk | VerifyFail {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, why: 'answer is not JSON' };
  }
  const p = acResponseSchema.safeParse(raw);
  if (!p.success) return { ok: false, why: 'answer is not an AcResponse envelope' };
  const r = p.data as AcResponse;
  if (pin.acId !== undefined && r.ac !== pin.acId) return { ok: false, why: `answer from AC "${r.ac}", pinned "${pin.acId}"` };
  if (!verifyText(cachedP256(pin.acPubHex), acResponseSignedText(r), r.sig)) return { ok: false, why: 'AC signature does not verify with the pinned key' };
  if (r.rid !== rid) return { ok: false, why: `answer is for request ${r.rid || '(none)'}, not ${rid}` };
  if (Math.abs(nowMs - r.ts) > windowSec * 1000) return { ok: false, why: `answer time ${r.ts} outside ±${windowSec} s of ${nowMs}` };
  if (httpStatus !== null && httpStatus !== r.status) return { ok: false, why: `HTTP status ${httpStatus} differs from the signed ${r.status}` };
  let vb: unknown;
  try {
    vb = JSON.parse(r.body);
  } catch {
    return { ok: false, why: 'signed body is not JSON' };
  }
  const v = verdictSchema.safeParse(vb);
  if (!v.success) return { ok: false, why: 'signed body is not a JoinVerdict' };
  if (v.data.ok !== (r.status === 200)) return { ok: false, why: `verdict ok=${v.data.ok} with status ${r.status}` };
  if (v.data.ok && (v.data.sn !== sn || !v.data.pub || !v.data.curve)) return { ok: false, why: 'accept without the node it is about' };
  if (!v.data.ok && v.data.sn !== sn && v.data.sn !== '') return { ok: false, why: `refusal about "${v.data.sn}", asked about "${sn}"` };
  return { ok: true, verdict: v.data as JoinVerdict, response: r };
}

export interface AcClientOptions {
  /** http(s)://host:port of `nowboard cloud serve` (or give `transport`) */
  url?: string;
  transport?: AcTransport;
  brId: string;
  brKey: KeyObject;
  /** the AC's public key (uncompressed P-256 hex), pinned */
  acPubHex: string;
  /** the AC's id, pinned too when given */
  acId?: string;
  /** freshness of answers, seconds (default 120) */
  windowSec?: number;
  clock?: () => number;
  timeoutMs?: number;
}

/** A verdict the BR can act on; `httpStatus` is the signed status (0 when no authentic answer). */
export type AcAnswer = JoinVerdict & { httpStatus: number; rid: string };

export class AcHttpClient {
  private readonly transport: AcTransport;
  private readonly o: AcClientOptions;
  constructor(o: AcClientOptions) {
    if (!o.transport && !o.url) throw new Error('AcHttpClient: give url or transport');
    this.o = o;
    this.transport = o.transport ?? httpTransport(o.url!, o.timeoutMs);
  }

  /** Message 2 → 5: forward a node's join; the answer carries its public key on accept. */
  join(n: NodeJoin): Promise<AcAnswer> {
    return this.call(AC_JOIN_PATH, JSON.stringify(n), n.sn);
  }

  /** Re-ask about a node already trusted (revocation). */
  check(sn: string): Promise<AcAnswer> {
    return this.call(AC_CHECK_PATH, JSON.stringify({ sn }), sn);
  }

  /** Send a body on a path (also used by tests to send what a buggy BR would). */
  async call(path: string, body: string, sn: string): Promise<AcAnswer> {
    const clock = this.o.clock ?? Date.now;
    const req = signBrRequest(this.o.brId, this.o.brKey, path, body, clock());
    let res: { status: number; text: string };
    try {
      res = await this.transport(path, JSON.stringify(req));
    } catch (e) {
      return fail(req.rid, sn, `no answer from the AC: ${(e as Error).message}`);
    }
    const v = verifyAcResponse(res.text, res.status, { acPubHex: this.o.acPubHex, acId: this.o.acId }, req.rid, sn, clock(), this.o.windowSec ?? 120);
    if (!v.ok) return fail(req.rid, sn, v.why);
    return { ...v.verdict, httpStatus: v.response.status, rid: req.rid };
  }
}

function fail(rid: string, sn: string, why: string): AcAnswer {
  return { ok: false, sn, code: 'E_AC_RESPONSE', codeNum: E_AC_RESPONSE, error: why, httpStatus: 0, rid };
}
