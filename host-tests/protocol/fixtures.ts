/** Shared fixed keys and configurations for the protocol tests. */
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';
import { WlConfig, WhitelistEntry } from '../../firmware/protocols/whitelist/records.ts';
import { Net, Node, keyFrom, makeIdentity } from './driver.ts';

export const CFG1: WlConfig = { version: 1, ssid: 'factory-floor', psk: 'correct horse battery', settings: { mqtt: 'mqtt://10.0.0.2', role: 'sensor' } };

export interface World {
  net: Net;
  conf: Node;
  enr: Node;
  c: Uint8Array;
}

/** One configurator with one whitelisted enrollee and a default-group config; both booted. */
export function world(suite: WhitelistSuiteCrypto, seed = 1, opts: { cfg?: WlConfig; cachedSs?: boolean; held?: WlConfig | null } = {}): World {
  const net = new Net(suite, seed);
  const c = keyFrom(suite, 'configurator');
  const id = makeIdentity(suite, 'enrollee-1', c);
  const entries: WhitelistEntry[] = [
    { hash: suite.sha256(id.E), ss: opts.cachedSs === false ? null : suite.dh(c, id.E), group: 'line-a', revoked: false },
  ];
  const conf = net.addConfigurator('conf', c, entries);
  const enr = net.addEnrollee('enr', id, opts.held === undefined ? null : opts.held);
  net.aps[(opts.cfg || CFG1).ssid] = (opts.cfg || CFG1).psk;
  net.command(conf, { op: 'config', group: 'line-a', config: opts.cfg || CFG1 });
  net.boot(conf);
  net.boot(enr);
  return { net, conf, enr, c };
}
