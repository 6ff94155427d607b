// Mutated frames and odd events against both cloud cores in every phase of a
// real run: no throw, and a rejected input gives back the caller's state object.
import { describe, it, expect } from 'vitest';
import { OK, E_BAD_POINT } from '../../firmware/codec/codes.ts';
import { E_KEY_OPEN } from '../../firmware/protocols/cloud/codes.ts';
import { makeWorld, seeded } from './harness.ts';

describe('cloud cores under mutated input', () => {
  it('2000 mutations of recorded frames, in every recorded state of both cores', () => {
    const w = makeWorld();
    const br = w.addBr('A');
    const node = w.addNode('1');
    const frames: Uint8Array[] = [];
    const brStates: any[] = [br.st];
    const nodeStates: any[] = [node.st];
    w.dropWhen((p, b) => {
      frames.push(b);
      (p === br ? brStates : nodeStates).push(p.st);
      return false;
    });
    w.apply(node, { t: 'boot' });
    w.pump();
    w.wifi(node, OK);
    w.pump();
    brStates.push(br.st);
    nodeStates.push(node.st);
    expect(frames.length).toBeGreaterThanOrEqual(5);
    const r = seeded('fuzz');
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const f = frames[r(1)[0] % frames.length].slice();
      const k = 1 + (r(1)[0] % 4);
      for (let j = 0; j < k; j++) {
        const pos = r(2);
        f[((pos[0] << 8) | pos[1]) % f.length] ^= 1 + (r(1)[0] % 255);
      }
      const toBr = i % 2 === 0;
      const states = toBr ? brStates : nodeStates;
      const s = states[r(1)[0] % states.length];
      const core = toBr ? br.core : node.core;
      const from = r(1)[0] % 3 === 0 ? r(6) : toBr ? node.mac : br.mac;
      const triesBefore = s.req ? s.req.keyTries : -1;
      const res = core.next(s, { t: 'frame', from, bytes: f, now: 5000 + i, rand: r(64) });
      expect(typeof res.code).toBe('number');
      if (s.req) expect(s.req.keyTries).toBe(triesBefore); // never mutated
      if (res.code !== 0) {
        rejected++;
        // The one change a rejection may make (README §5): a KEY that cost an ECDH is counted against the request.
        if (res.code === E_KEY_OPEN || res.code === E_BAD_POINT) expect((res.state as any).req.keyTries).toBe(triesBefore + 1);
        else expect(res.state).toBe(s);
      }
    }
    expect(rejected).toBeGreaterThan(1500);
  });
});
