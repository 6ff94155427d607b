/** Shared set-ups for the ECQV core tests: a CA and boards on the driver, frames by type, crafting helpers. */
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { EcqvSuite } from '../../firmware/protocols/ecqv/suite.ts';
import { CaIdentity, DeviceEntry, EcqvIdentity } from '../../firmware/protocols/ecqv/records.ts';
import { CaOptions } from '../../firmware/protocols/ecqv/configurator.ts';
import { EnrolleeOptions } from '../../firmware/protocols/ecqv/enrollee.ts';
import { DeviceConfig } from '../../firmware/codec/config-record.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';
import { Net, Node, Counts, zeroCounts, countingSuite, makeCaIdentity, deviceIdentity, idOf, CONFIG } from './driver.ts';

export interface Lab {
  s: EcqvSuite;
  net: Net;
  ca: CaIdentity;
  caNode: Node;
  caCounts: Counts;
  boards: Node[];
  ids: EcqvIdentity[];
  counts: Counts[];
}

export interface LabOptions {
  suite?: number;
  boards?: number;
  /** enrollee indexes listed as revoked at the CA */
  revoked?: number[];
  /** enrollee indexes not on the CA's list */
  unlisted?: number[];
  ca?: Partial<CaIdentity>;
  caOpt?: Partial<CaOptions>;
  enOpt?: Partial<EnrolleeOptions>;
  config?: DeviceConfig;
  /** boards 0..pairers-1 list each other in `peers` */
  pairers?: number;
  seed?: number;
  /** the CA key the boards pin (default the CA's) */
  pinned?: Uint8Array;
  /** over-ride suite functions of the CA */
  caOver?: Partial<EcqvSuite>;
}

export function lab(o: LabOptions = {}): Lab {
  const s = ecqvFirmwareSuite(o.suite || 1);
  const net = new Net(s, o.seed || 11);
  const ca = makeCaIdentity(s, 'lab', o.ca || {});
  const n = o.boards ?? 1;
  const Us = Array.from({ length: n }, (_, i) => idOf('board-' + i));
  const entries: DeviceEntry[] = [];
  Us.forEach((U, i) => {
    if (!(o.unlisted || []).includes(i)) entries.push({ U, group: '', revoked: (o.revoked || []).includes(i) });
  });
  const caCounts = zeroCounts();
  let cfg = o.config || CONFIG;
  if (o.pairers) cfg = { ...cfg, settings: { ...cfg.settings, peers: Us.slice(0, o.pairers).map(toHex).join(',') } };
  const caNode = net.addCa('ca', ca, entries, { suite: countingSuite(s, caCounts, o.caOver), opt: o.caOpt, config: cfg, crl: 0 });
  const ids: EcqvIdentity[] = [];
  const counts: Counts[] = [];
  const boards = Us.map((U, i) => {
    const id = deviceIdentity(s, ca, U);
    if (o.pinned) id.caPub = o.pinned;
    ids.push(id);
    const c = zeroCounts();
    counts.push(c);
    return net.addBoard('b' + i, id, { suite: countingSuite(s, c), opt: o.enOpt });
  });
  return { s, net, ca, caNode, caCounts, boards, ids, counts };
}

export const typeOf = (b: Uint8Array) => b[2];

/** Frames of a type sent so far (optionally from one node), oldest first. */
export function sentOfType(net: Net, type: number, from?: Node): Uint8Array[] {
  return net.sent.filter((f) => typeOf(f.bytes) === type && (!from || f.from.every((x, i) => x === from.mac[i]))).map((f) => f.bytes);
}

/** Boot everything and run issuance to the end for every board. */
export function issueAll(L: Lab, max = 4000): boolean {
  L.net.boot(L.caNode);
  for (const b of L.boards) L.net.boot(b);
  return L.net.run(() => L.boards.every((b) => b.state.en.cred && b.state.en.cfg && b.state.en.ph === 1) && L.caNode.audits.filter((a) => a.code === 0).length >= L.boards.length, max);
}

export function flip(b: Uint8Array, i: number, mask = 1): Uint8Array {
  const c = b.slice();
  c[i] ^= mask;
  return c;
}

export { CONFIG };
