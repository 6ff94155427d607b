/**
 * The whitelist provisioning protocol in one import (README.md):
 * both cores, the suite interface and the firmware suite, the key schedule and
 * the record/file encodings. The codec and code table live in firmware/codec/.
 */
export * from './suite.ts';
export * from './suite-x25519.ts';
export * from './keys.ts';
export * from './records.ts';
export * from './common.ts';
export * from './enrollee.ts';
export * from './configurator.ts';
export * from './keygen.ts';
