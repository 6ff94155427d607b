/**
 * The one registry of numeric codes, in ranges so a code alone says who
 * defined it (STYLE "codes in ranges per protocol"; Matter's CHIP_ERROR,
 * DeviceScript's errors table):
 *
 *   0 … 255              common to every protocol (this file)
 *   id·256 … id·256+255  protocol `id` (firmware/codec/protocol-ids.ts), in
 *                        firmware/protocols/<name>/codes.ts
 *
 * Within the common range:
 *   0..15    Wi-Fi join results — identical to WIFI_* in firmware/ports/ports.ts,
 *            because an enrollee copies the port's result into its ACK.
 *   16..31   other ACK results (the enrollee refused an authentic configuration).
 *            Every ACK result is < 32, so it fits the one byte it has on the wire.
 *   32..47   frame decode and demultiplexing errors.
 *   48..79   rejections every protocol core can make.
 *   80..95   informational reports (progress, not errors).
 *   96..111  stored-file and command errors.
 *
 * Codes travel in `report` and `audit` effects and in the `code` every step
 * returns; the host CLI and the docs print names and texts from these tables
 * only (a test checks each protocol doc's table against them). Board code names
 * codes through `namer([COMMON_CODES, ownTable])`, so a bundle carries the
 * texts of its own protocol only.
 *
 * Plain object literals of numbers and strings: cheap on every engine (ES5).
 */

/** One protocol's codes: `rows[code] = [NAME, text]`, every code in [base, base + 256). */
export interface CodeTable {
  /** 0 for the common table, else the protocol id */
  proto: number;
  base: number;
  rows: { [code: number]: string[] };
}

export var OK = 0;
export var WIFI_NO_AP = 1;
export var WIFI_AUTH_FAIL = 2;
export var WIFI_TIMEOUT = 3;

export var CONFIG_FORMAT = 16;
export var CONFIG_STALE = 17;

export var E_SHORT = 32;
export var E_LONG = 33;
export var E_VERSION = 34;
export var E_TYPE = 35;
export var E_SUITE = 36;
export var E_FIELD = 37;
export var E_PROTOCOL = 38;

export var E_STATE = 48;
export var E_NO_SESSION = 49;
export var E_PEER = 50;
export var E_REFLECT = 51;
export var E_BAD_POINT = 52;
export var E_AUTH_CONFIG = 55;
export var E_AUTH_ACK = 56;
export var E_RATE = 57;
export var E_NO_RAND = 58;
export var E_REVOKED = 60;
export var E_UP_TO_DATE = 61;
export var E_BUSY = 62;
export var E_TIMEOUT = 63;
export var E_CRYPTO = 64;
export var E_DUPLICATE = 65;
export var E_NO_CONFIG = 66;
export var E_COOLDOWN = 67;
export var E_EVENT = 68;
export var E_STALE_TIMER = 69;

export var I_PRESENCE = 80;
export var I_SESSION = 81;
export var I_PROVISIONED = 82;
export var I_JOIN_FAILED = 83;
export var I_CONFIRMED = 84;
export var I_NOT_PROVISIONED = 86;

export var E_FILE_MAGIC = 96;
export var E_FILE_LENGTH = 97;
export var E_FILE_FIELD = 98;
export var E_COMMAND = 99;

export var COMMON_CODES: CodeTable = {
  proto: 0,
  base: 0,
  rows: {
    0: ['OK', 'success'],
    1: ['WIFI_NO_AP', 'Wi-Fi join failed: no access point with that SSID'],
    2: ['WIFI_AUTH_FAIL', 'Wi-Fi join failed: the access point refused the PSK'],
    3: ['WIFI_TIMEOUT', 'Wi-Fi join failed: no result in time'],
    16: ['CONFIG_FORMAT', 'authentic configuration that does not parse'],
    17: ['CONFIG_STALE', 'configuration version not newer than the one held'],
    32: ['E_SHORT', 'frame shorter than its type requires (truncated)'],
    33: ['E_LONG', 'frame longer than its type allows'],
    34: ['E_VERSION', 'unknown protocol version'],
    35: ['E_TYPE', 'unknown frame type'],
    36: ['E_SUITE', 'unknown or unexpected cipher suite'],
    37: ['E_FIELD', 'a header or body field holds a forbidden value'],
    38: ['E_PROTOCOL', 'frame for a protocol this board does not run (or an unknown protocol id)'],
    48: ['E_STATE', 'frame or event not expected in this state'],
    49: ['E_NO_SESSION', 'no session with this session id'],
    50: ['E_PEER', 'frame from a MAC other than the session peer'],
    51: ['E_REFLECT', 'peer key equals our own (reflection)'],
    52: ['E_BAD_POINT', 'key agreement refused the peer key (invalid, low order or zero output)'],
    55: ['E_AUTH_CONFIG', 'configuration fragment fails authentication'],
    56: ['E_AUTH_ACK', 'acknowledgement fails authentication'],
    57: ['E_RATE', 'rate limit reached; frame dropped'],
    58: ['E_NO_RAND', 'event carries too few random bytes'],
    60: ['E_REVOKED', 'device revoked (ignored silently)'],
    61: ['E_UP_TO_DATE', 'enrollee already holds the newest configuration'],
    62: ['E_BUSY', 'a session with this enrollee is already pending'],
    63: ['E_TIMEOUT', 'session gave up after its retries'],
    64: ['E_CRYPTO', 'a crypto primitive failed unexpectedly'],
    65: ['E_DUPLICATE', 'duplicate of a fragment already received'],
    66: ['E_NO_CONFIG', 'no configuration for this enrollee'],
    67: ['E_COOLDOWN', 'enrollee failed recently; waiting before retrying'],
    68: ['E_EVENT', 'malformed event'],
    69: ['E_STALE_TIMER', 'timer for a session that no longer exists'],
    80: ['I_PRESENCE', 'presence announced'],
    81: ['I_SESSION', 'handshake authenticated; session established'],
    82: ['I_PROVISIONED', 'configuration proven by a Wi-Fi join and stored'],
    83: ['I_JOIN_FAILED', 'new configuration failed its Wi-Fi join; old one kept'],
    84: ['I_CONFIRMED', 'enrollee confirmed the configuration version'],
    86: ['I_NOT_PROVISIONED', 'enrollee reported a failure for this configuration'],
    96: ['E_FILE_MAGIC', 'stored file has the wrong magic or format version'],
    97: ['E_FILE_LENGTH', 'stored file has the wrong length'],
    98: ['E_FILE_FIELD', 'stored file holds a forbidden value'],
    99: ['E_COMMAND', 'malformed command'],
  },
};

/** The row of `code` in the first table that has it, or null. */
function rowOf(tables: CodeTable[], code: number): string[] | null {
  for (var i = 0; i < tables.length; i++) {
    var r = tables[i].rows[code];
    if (r) return r;
  }
  return null;
}

/** Symbolic name of a code, or "CODE_<n>" for one these tables do not know. */
export function nameIn(tables: CodeTable[], code: number): string {
  var row = rowOf(tables, code);
  return row ? row[0] : 'CODE_' + code;
}

/** Human text of a code. */
export function textIn(tables: CodeTable[], code: number): string {
  var row = rowOf(tables, code);
  return row ? row[1] : 'unknown code ' + code;
}

/** A `codeName` over the common table and a protocol's own (what a core and its bundle use). */
export function namer(tables: CodeTable[]): (code: number) => string {
  return function (code: number) {
    return nameIn(tables, code);
  };
}

/** Names of the common codes only (decoders and apps shared by every protocol). */
// PURE: a bundle that never names a common code (the AES-only enrollee) drops the table's texts.
export var commonCodeName = /* @__PURE__ */ namer([COMMON_CODES]);
