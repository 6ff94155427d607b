/**
 * Codes of the psk-oob protocol (README.md "Codes"), in its range of the one
 * registry (firmware/codec/codes.ts): 1024 … 1279, protocol id 4. Everything a
 * psk-oob core reports that any protocol could report (E_STATE, E_TIMEOUT,
 * E_AUTH_CONFIG, I_PROVISIONED, ...) is a common code; these are the ones only
 * this protocol can say.
 */
import { CodeTable, COMMON_CODES, namer } from '../../codec/codes.ts';
import { PROTO_PSK_OOB } from '../../codec/protocol-ids.ts';

export var E_AUTH_F1 = 1024;
export var E_AUTH_F2 = 1025;
export var E_AUTH_F3 = 1026;
export var E_AUTH_F4 = 1027;
export var E_AUTH_F5 = 1028;
export var E_DEVICE_UNKNOWN = 1029;
export var E_SBR_UNKNOWN = 1030;
export var E_F2_TS = 1031;
export var E_TID_REPLAY = 1032;
export var E_NID = 1033;
export var E_KEY_GEN = 1034;
export var E_SBS = 1035;
export var I_REKEYED = 1036;
export var E_DEVICE_ID = 1037;

export var PSK_OOB_CODES: CodeTable = {
  proto: PROTO_PSK_OOB,
  // A literal (= PROTO_PSK_OOB · 256, checked by the registry test): an
  // expression here would keep this table in bundles that never read it.
  base: 1024,
  rows: {
    1024: ['E_AUTH_F1', 'flight 1 does not authenticate under the device key (impostor SBI or wrong key)'],
    1025: ['E_AUTH_F2', 'flight 2 does not authenticate under SK_cs (impostor SBR)'],
    1026: ['E_AUTH_F3', 'flight 3 does not authenticate under SK_cs, or names another transaction (impostor SBS, replay)'],
    1027: ['E_AUTH_F4', 'flight 4 does not authenticate or does not return our RN_i (impostor SBR)'],
    1028: ['E_AUTH_F5', 'flight 5 does not authenticate under the new PSK or does not return RN_c'],
    1029: ['E_DEVICE_UNKNOWN', 'device id not registered with the SBS'],
    1030: ['E_SBR_UNKNOWN', 'controller id not registered with the SBS'],
    1031: ['E_F2_TS', 'flight 2 timestamp outside the SBS window (stale or replayed)'],
    1032: ['E_TID_REPLAY', 'transaction id already used (replayed flight 2 or 3)'],
    1033: ['E_NID', 'device or controller belongs to another network (NID)'],
    1034: ['E_KEY_GEN', 'key generation neither current nor pending at the SBS'],
    1035: ['E_SBS', 'the SBS refused the re-key or could not be reached'],
    1036: ['I_REKEYED', 'new PSK derived and stored; the previous key is replaced'],
    1037: ['E_DEVICE_ID', 'message names another device id'],
  },
};

/** Names of the codes a psk-oob core reports (common + this protocol's). */
export var codeName = /* @__PURE__ */ namer([COMMON_CODES, PSK_OOB_CODES]);

/**
 * Names (no texts) of the codes the AES-only enrollee can report: the code
 * tables' texts would be a fifth of its bundle (README "Bundle"). Host tools
 * match report lines by these names; a test checks each equals the registry's.
 */
var SBI_NAMES: { [code: number]: string } = {
  0: 'OK', 1: 'WIFI_NO_AP', 2: 'WIFI_AUTH_FAIL', 3: 'WIFI_TIMEOUT', 16: 'CONFIG_FORMAT', 17: 'CONFIG_STALE',
  32: 'E_SHORT', 33: 'E_LONG', 34: 'E_VERSION', 35: 'E_TYPE', 37: 'E_FIELD', 38: 'E_PROTOCOL',
  48: 'E_STATE', 49: 'E_NO_SESSION', 55: 'E_AUTH_CONFIG', 58: 'E_NO_RAND', 63: 'E_TIMEOUT', 64: 'E_CRYPTO', 65: 'E_DUPLICATE',
  68: 'E_EVENT', 69: 'E_STALE_TIMER', 81: 'I_SESSION', 82: 'I_PROVISIONED', 83: 'I_JOIN_FAILED', 96: 'E_FILE_MAGIC', 97: 'E_FILE_LENGTH',
  98: 'E_FILE_FIELD', 99: 'E_COMMAND', 1027: 'E_AUTH_F4', 1036: 'I_REKEYED', 1037: 'E_DEVICE_ID',
};

export function enrolleeCodeName(code: number): string {
  return SBI_NAMES[code] || 'CODE_' + code;
}
