/**
 * Codes of the ECQV protocol (README.md §8), in its range of the one registry
 * (firmware/codec/codes.ts): 512 … 767, protocol id 2. Everything an ECQV core
 * reports that any protocol could report (E_STATE, E_REVOKED, E_TIMEOUT,
 * I_PROVISIONED, ...) is a common code; these are the ones only this protocol
 * can say.
 */
import { CodeTable, COMMON_CODES, namer } from '../../codec/codes.ts';
import { PROTO_ECQV } from '../../codec/protocol-ids.ts';

export var E_COOKIE = 512;
export var E_AUTH_REQUEST = 513;
export var E_AUTH_RESPONSE = 514;
export var E_AUTH_FINISHED = 515;
export var E_ECQV_CHECK = 516;
export var E_CERT = 517;
export var E_CA_ID = 518;
export var E_EXPIRED = 519;
export var E_REPLAY = 520;
export var E_UNKNOWN_DEVICE = 521;
export var E_UNKNOWN_PEER = 522;
export var E_CRL = 523;
export var E_AUTH_APP = 524;
export var I_CERTIFIED = 525;
export var I_PAIRED = 526;
export var I_APP_MESSAGE = 527;
export var I_CRL = 528;
export var W_SHARED_KEY = 529;
export var I_DEVICES = 530;

export var ECQV_CODES: CodeTable = {
  proto: PROTO_ECQV,
  base: PROTO_ECQV * 256,
  rows: {
    512: ['E_COOKIE', 'request without a valid cookie (dropped before any EC work)'],
    513: ['E_AUTH_REQUEST', 'certificate request MAC does not verify (device request key)'],
    514: ['E_AUTH_RESPONSE', 'certificate response MAC does not verify (not our CA, or tampered)'],
    515: ['E_AUTH_FINISHED', 'Finished tag does not verify (key confirmation failed)'],
    516: ['E_ECQV_CHECK', 'reconstructed key fails d_U·G = e·P_U + Q_CA (forged certificate or wrong CA key)'],
    517: ['E_CERT', 'certificate malformed (format, subject or validity field)'],
    518: ['E_CA_ID', 'certificate or revocation list names another CA'],
    519: ['E_EXPIRED', 'certificate outside its validity period'],
    520: ['E_REPLAY', 'nonce already used (replayed request or pairwise exchange)'],
    521: ['E_UNKNOWN_DEVICE', 'device id not on the CA list (ignored silently)'],
    522: ['E_UNKNOWN_PEER', 'peer not in this board peer list (ignored silently)'],
    523: ['E_CRL', 'revocation list refused (signature, format or older version)'],
    524: ['E_AUTH_APP', 'app message fails authentication or is replayed'],
    525: ['I_CERTIFIED', 'certificate issued and its key reconstructed and checked'],
    526: ['I_PAIRED', 'pairwise key agreed and confirmed in Finished'],
    527: ['I_APP_MESSAGE', 'app message received from a paired peer'],
    528: ['I_CRL', 'newer revocation list verified and adopted'],
    529: ['W_SHARED_KEY', 'shared request key in use (paper mode): one leaked board forges requests for all'],
    530: ['I_DEVICES', 'device list'],
  },
};

/** Names of the codes an ECQV core reports (common + this protocol's). */
export var codeName = namer([COMMON_CODES, ECQV_CODES]);
