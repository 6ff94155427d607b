/**
 * The 20,000-frame slice of the whitelist fuzzer that `npm test` runs (the
 * million-frame run is `npm run fuzz`): the oracle of whitelist-fuzz.ts over the
 * codec and both cores in every phase and both suites. The seed is in the
 * failure message; `runFuzz({ seed, frames })` replays it.
 */
import { describe, it, expect } from 'vitest';
import { runFuzz, FuzzFailure } from './whitelist-fuzz.ts';
import { loadCorpus } from './corpus.ts';
import { nobleSuite } from '../protocol/noble-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';
import { POOL_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';

describe('whitelist fuzzer (slice)', () => {
  it('20,000 frames: no throw, no state change on a refused frame, no effect from a forged one', () => {
    const s = runFuzz({ seed: 0xc0ffee, frames: 20000, suite: nobleSuite(), corpus: loadCorpus() });
    expect(s.frames).toBe(20000);
    expect(s.events).toBeGreaterThan(500);
    // Every target (role × phase × suite) was hit, inputs reached the cores' own checks, and copies were seen.
    expect(s.phases.length).toBe(44);
    expect(s.forged).toBeGreaterThan(15000);
    expect(s.authentic).toBeGreaterThan(500);
    const reached = (code: string) => Object.keys(s.outcomes).some((k) => k.endsWith(' ' + code));
    for (const c of ['E_AUTH_PRESENCE', 'E_AUTH_CHALLENGE', 'E_AUTH_PROOF', 'E_AUTH_CONFIG', 'E_AUTH_ACK', 'E_UNKNOWN_KEY', 'E_NO_SESSION', 'E_BAD_POINT', 'E_STATE', 'OK']) {
      expect(reached(c), c).toBe(true);
    }
    expect(s.decoded.OK).toBeGreaterThan(5000);
  });

  it('the same oracle holds with the ESP32 configurator\'s ephemeral pool, queue and lookup caches (issue 13, README §4.5)', () => {
    const s = runFuzz({ seed: 0x9001, frames: 20000, suite: nobleSuite(), corpus: loadCorpus(), configurator: POOL_DEFAULTS });
    expect(s.forged).toBeGreaterThan(15000);
    expect(s.authentic).toBeGreaterThan(500);
  });

  it('the same oracle holds with the firmware crypto (2,000 frames)', () => {
    const s = runFuzz({ seed: 0xbeef, frames: 2000, suite: firmwareSuite(), corpus: loadCorpus() });
    expect(s.forged).toBeGreaterThan(1000);
  });

  it('reports a violation with its seed, iteration and input (the oracle can fail)', () => {
    // A core that accepts everything breaks the oracle at once.
    const broken = nobleSuite();
    broken.hmac = () => new Uint8Array(32); // every tag check now compares zeros with zeros... or not
    let caught: unknown = null;
    try {
      runFuzz({ seed: 5, frames: 20000, suite: { ...broken }, corpus: loadCorpus() });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FuzzFailure);
    expect((caught as FuzzFailure).seed).toBe(5);
    expect((caught as FuzzFailure).message).toMatch(/fuzz seed 5 iteration \d+: .*\ninput /);
  });
});
