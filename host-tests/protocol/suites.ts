/** Every suite implementation the protocol tests run against (STYLE.md: one suite, every implementation). */
import { nobleSuite } from './noble-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';
import { WhitelistSuiteCrypto } from '../../firmware/protocols/whitelist/suite.ts';

export const SUITES: [string, WhitelistSuiteCrypto][] = [
  ['reference suite (@noble + node:crypto)', nobleSuite()],
  ['firmware suite (firmware/crypto)', firmwareSuite()],
];
