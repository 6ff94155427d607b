/**
 * Codes of the border-router + Authentication Cloud protocol (paper 000), in its
 * range of the one registry (firmware/codec/codes.ts): 768 … 1023, protocol id 3.
 *
 * 768 … 799 are the Authentication Cloud's answers (the `code` of a refused
 * join, by name in the JSON API, by number in the border router's reports and
 * audit lines); 800 … are what the node and border-router cores report.
 */
import { CodeTable, COMMON_CODES, namer } from '../../codec/codes.ts';
import { PROTO_CLOUD } from '../../codec/protocol-ids.ts';

export var E_AC_BAD_REQUEST = 768;
export var E_AC_UNKNOWN_BR = 769;
export var E_AC_BR_REVOKED = 770;
export var E_AC_BR_SIG = 771;
export var E_AC_BR_REPLAY = 772;
export var E_AC_TS_WINDOW = 773;
export var E_AC_REPLAY = 774;
export var E_AC_UNKNOWN_SN = 775;
export var E_AC_SN_REVOKED = 776;
export var E_AC_NODE_SIG = 777;
export var E_AC_MAC = 778;
export var E_AC_DB = 779;
export var E_AC_RESPONSE = 780;
export var E_AC_TOO_LARGE = 781;
export var E_AC_NO_GRANT_KEY = 782;

// 800 …: what the node and border-router cores report (README §7).
export var E_JOIN_SIG = 800;
export var E_JOIN_MAC = 801;
export var E_JOIN_TS = 802;
export var E_JOIN_REPLAY = 803;
export var E_AC_UNREACHABLE = 804;
export var E_KEY_OPEN = 805;
export var I_TRUSTED = 806;
export var I_KEY_STORED = 807;
export var I_RECHECK = 808;
export var I_UNTRUSTED = 809;
export var I_JOIN = 810;
export var E_GRANT = 811;

export var CLOUD_CODES: CodeTable = {
  proto: PROTO_CLOUD,
  base: PROTO_CLOUD * 256,
  rows: {
    768: ['E_AC_BAD_REQUEST', 'malformed request to the Authentication Cloud (JSON, field types or lengths)'],
    769: ['E_AC_UNKNOWN_BR', 'border router not registered in the Authentication Cloud'],
    770: ['E_AC_BR_REVOKED', 'border router revoked in the Authentication Cloud'],
    771: ['E_AC_BR_SIG', 'border router signature on the request does not verify'],
    772: ['E_AC_BR_REPLAY', 'border router request id already used, or its time outside the window'],
    773: ['E_AC_TS_WINDOW', 'node timestamp outside the acceptance window'],
    774: ['E_AC_REPLAY', 'node request already accepted (same serial number and nonce)'],
    775: ['E_AC_UNKNOWN_SN', 'serial number not in the trust list'],
    776: ['E_AC_SN_REVOKED', 'serial number revoked in the trust list'],
    777: ['E_AC_NODE_SIG', 'node signature does not verify with its registered public key'],
    778: ['E_AC_MAC', 'MAC address does not match the trust list'],
    779: ['E_AC_DB', 'Authentication Cloud database unavailable (nothing written; retry)'],
    780: ['E_AC_RESPONSE', 'Authentication Cloud response not authentic (signature, request id or time)'],
    781: ['E_AC_TOO_LARGE', 'request body over the size limit'],
    782: ['E_AC_NO_GRANT_KEY', 'no grant key registered for this serial number (trust-list row without gpub): the AC cannot grant its KEY'],
    800: ['E_JOIN_SIG', 'node signature does not verify with the key the border router trusts (retired: the AC checks every request)'],
    801: ['E_JOIN_MAC', 'JOIN sent from a MAC other than the one it signs (or the trusted one)'],
    802: ['E_JOIN_TS', 'node timestamp outside the border router window'],
    803: ['E_JOIN_REPLAY', 'node request already seen by this border router'],
    804: ['E_AC_UNREACHABLE', 'Authentication Cloud unreachable or answered no verdict; the node retries'],
    805: ['E_KEY_OPEN', 'KEY frame does not open under this request (wrong key or another request)'],
    806: ['I_TRUSTED', 'node accepted by the Authentication Cloud and added to the trusted list'],
    807: ['I_KEY_STORED', 'network key received, stored and acknowledged'],
    808: ['I_RECHECK', 'trust of a node expired; asking the Authentication Cloud again'],
    809: ['I_UNTRUSTED', 'node dropped from the trusted list (refused by the Authentication Cloud)'],
    810: ['I_JOIN', 'join request signed and sent'],
    811: ['E_GRANT', 'KEY frame carries no valid Authentication Cloud grant for this request (sender not authorised by the AC)'],
  },
};

/** Names of the codes a cloud core reports (common + this protocol's). */
export var codeName = namer([COMMON_CODES, CLOUD_CODES]);
