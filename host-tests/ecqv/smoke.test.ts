import { describe, it, expect } from 'vitest';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { Net, makeCaIdentity, deviceIdentity, idOf, CONFIG } from './driver.ts';
import { toHex } from '../../firmware/bytes/bytes.ts';

describe('smoke', () => {
  it('issues and pairs', () => {
    const s = ecqvFirmwareSuite();
    const net = new Net(s, 7);
    const ca = makeCaIdentity(s, 'a');
    const U1 = idOf('one'), U2 = idOf('two');
    const cfg = { ...CONFIG, settings: { peers: toHex(U1) + ',' + toHex(U2) } };
    const c = net.addCa('ca', ca, [{ U: U1, group: '', revoked: false }, { U: U2, group: '', revoked: false }], { config: cfg });
    const b1 = net.addBoard('b1', deviceIdentity(s, ca, U1));
    const b2 = net.addBoard('b2', deviceIdentity(s, ca, U2));
    net.boot(c); net.boot(b1); net.boot(b2);
    const ok = net.run(() => c.audits.filter((a) => a.code === 0).length === 2 && b1.pairwise.length === 1 && b2.pairwise.length === 1, 3000);
    for (const n of net.nodes) console.log(n.name, n.reports.map((r) => r.code + ':' + r.detail.slice(0, 60)).join(' | '));
    expect(ok).toBe(true);
  });
});
