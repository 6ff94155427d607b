import { describe, it, expect } from 'vitest';
import { nobleSuite } from './noble-suite.ts';
import { world, CFG1 } from './fixtures.ts';
import { EN_ANNOUNCE, CONFIG_FILE } from '../../firmware/protocols/whitelist/enrollee.ts';
import { decodeStoredConfig } from '../../firmware/protocols/whitelist/records.ts';
import { I_PROVISIONED, OK } from '../../firmware/codec/codes.ts';

describe('whitelist protocol: happy path', () => {
  it('provisions an enrollee to an OK ack with equal configuration on both sides', () => {
    const { net, conf, enr } = world(nobleSuite());
    const ok = net.run(() => conf.audits.length > 0);
    expect(ok).toBe(true);
    expect(conf.audits[0].code).toBe(OK);
    expect(conf.audits[0].version).toBe(1);
    expect(enr.state.cfg).toEqual(CFG1);
    expect(enr.state.ph).toBe(EN_ANNOUNCE);
    const store = enr.stores.find((s) => s.file === CONFIG_FILE)!;
    expect(decodeStoredConfig(store.bytes).config).toEqual(CFG1);
    expect(enr.reports.some((r) => r.code === I_PROVISIONED)).toBe(true);
    expect(Object.keys(conf.state.sess)).toHaveLength(0);
    for (const f of net.sent) expect(f.bytes.length).toBeLessThanOrEqual(250);
  });
});
