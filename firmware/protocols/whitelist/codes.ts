/**
 * Codes of the whitelist protocol (README.md §7), in its range of the one
 * registry (firmware/codec/codes.ts): 256 … 511, protocol id 1. Everything a
 * whitelist core reports that any protocol could report (E_STATE, E_TIMEOUT,
 * I_PROVISIONED, ...) is a common code; these are the ones only this protocol
 * can say.
 */
import { CodeTable, COMMON_CODES, namer } from '../../codec/codes.ts';
import { PROTO_WHITELIST } from '../../codec/protocol-ids.ts';

export var E_AUTH_CHALLENGE = 256;
export var E_AUTH_PROOF = 257;
export var E_UNKNOWN_KEY = 258;
export var I_WHITELIST = 259;
export var E_AUTH_PRESENCE = 260;
export var E_PRESENCE_REPLAY = 261;
export var E_KEY_CONFIRM = 262;

export var WHITELIST_CODES: CodeTable = {
  proto: PROTO_WHITELIST,
  base: PROTO_WHITELIST * 256,
  rows: {
    256: ['E_AUTH_CHALLENGE', 'challenge tag does not verify (configurator not authentic)'],
    257: ['E_AUTH_PROOF', 'proof tag does not verify (enrollee not authentic)'],
    258: ['E_UNKNOWN_KEY', 'public-key hash not on the whitelist (ignored silently)'],
    259: ['I_WHITELIST', 'whitelist listing'],
    260: ['E_AUTH_PRESENCE', 'presence tag does not verify (not sent by the enrollee)'],
    261: ['E_PRESENCE_REPLAY', 'presence counter older than one already seen (replayed)'],
    262: ['E_KEY_CONFIRM', 'challenge key confirmation fails (static tag valid, ephemeral keys differ)'],
  },
};

/** Names of the codes a whitelist core reports (common + this protocol's). */
export var codeName = namer([COMMON_CODES, WHITELIST_CODES]);
