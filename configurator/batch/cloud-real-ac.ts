/**
 * The real Authentication Cloud core (configurator/cloud/auth-cloud.ts) as the
 * simulator's AC: its SQL layer on an embedded PGlite database in memory (no
 * setup) or any database spec `openDb` takes, its clock the simulator's
 * virtual clock, its key the batch's AC key (so the BRs' pinned key matches).
 */
import { openDb } from '../cloud/sql.ts';
import { keyPairOfFile } from '../cloud/ac-crypto.ts';
import { acKeyOf, openAuthCloud } from '../cloud/auth-cloud.ts';
import { addTrusted, addBorderRouter, revokeTrusted } from '../cloud/ac-store.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';
import { CloudSimBatch, SimAc, AC_ID, CLOUD_CLOCK_BASE } from './cloud-batch.ts';

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

export interface RealAcOptions {
  /** openDb spec (default 'memory:': PGlite in memory) */
  db?: string;
  trustForSec: number;
  windowSec?: number;
}

export async function realSimAc(batch: CloudSimBatch, o: RealAcOptions): Promise<SimAc> {
  const db = await openDb(o.db ?? 'memory:');
  const pub = batch.acPub;
  const kp = keyPairOfFile({
    kind: 'nowboard-p256', id: AC_ID, pub: toHex(pub),
    jwk: { kty: 'EC', crv: 'P-256', x: b64url(pub.subarray(1, 33)), y: b64url(pub.subarray(33, 65)), d: b64url(batch.acPriv) },
  });
  const now = () => CLOUD_CLOCK_BASE * 1000 + Math.floor(batch.now());
  const ac = openAuthCloud({ db, acKey: acKeyOf(AC_ID, kp), windowSec: o.windowSec ?? 300, trustForSec: o.trustForSec, clock: now });
  return {
    name: `Authentication Cloud core (configurator/cloud/auth-cloud.ts) on ${db.where}`,
    endpoint: (path, json) => ac.handle(path, json).then((r) => ({ status: r.status, json: JSON.stringify(r) })),
    addBr: (id, p) => addBorderRouter(db, id, toHex(p), 'admin:sim', now()),
    addNode: (n) => addTrusted(db, [{ sn: n.sn, mac: n.mac, pub: n.pub, curve: n.curve as any, gpub: n.gpub }], 'admin:sim', now()).then(() => undefined),
    revoke: (sn) => revokeTrusted(db, sn, 'admin:sim', now()),
    close: () => db.close(),
  };
}
