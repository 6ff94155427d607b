/**
 * The one table of numeric codes used by the whitelist provisioning protocol
 * (docs/whitelist-protocol.md §7): on the wire (the ACK result byte), in
 * `report` and `audit` effects, and in the `code` every protocol step returns.
 * The host CLI and the spec print names and texts from this table only.
 *
 * Ranges (so a code alone says where it came from):
 *   0..15    Wi-Fi join results — identical to WIFI_* in firmware/ports/ports.ts,
 *            because the enrollee copies the port's result into the ACK.
 *   16..31   other ACK results (the enrollee refused an authentic config).
 *   32..47   frame decode errors (firmware/codec/frames.ts).
 *   48..79   protocol rejections (a frame or event was refused by a core).
 *   80..95   informational reports (progress, not errors).
 *   96..111  stored-file and command errors.
 *
 * Plain object literals of numbers and strings: cheap on every engine (ES5).
 */

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

export var E_STATE = 48;
export var E_NO_SESSION = 49;
export var E_PEER = 50;
export var E_REFLECT = 51;
export var E_BAD_POINT = 52;
export var E_AUTH_CHALLENGE = 53;
export var E_AUTH_PROOF = 54;
export var E_AUTH_CONFIG = 55;
export var E_AUTH_ACK = 56;
export var E_RATE = 57;
export var E_NO_RAND = 58;
export var E_UNKNOWN_KEY = 59;
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
export var I_WHITELIST = 85;
export var I_NOT_PROVISIONED = 86;

export var E_FILE_MAGIC = 96;
export var E_FILE_LENGTH = 97;
export var E_FILE_FIELD = 98;
export var E_COMMAND = 99;

/** code → [name, text]. The spec's table (§7) is generated from this. */
export var ERROR_TABLE: { [code: number]: string[] } = {
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
  48: ['E_STATE', 'frame or event not expected in this state'],
  49: ['E_NO_SESSION', 'no session with this session id'],
  50: ['E_PEER', 'frame from a MAC other than the session peer'],
  51: ['E_REFLECT', 'peer key equals our own (reflection)'],
  52: ['E_BAD_POINT', 'Diffie-Hellman refused the peer key (low order / zero output)'],
  53: ['E_AUTH_CHALLENGE', 'challenge tag does not verify (configurator not authentic)'],
  54: ['E_AUTH_PROOF', 'proof tag does not verify (enrollee not authentic)'],
  55: ['E_AUTH_CONFIG', 'configuration fragment fails authentication'],
  56: ['E_AUTH_ACK', 'acknowledgement fails authentication'],
  57: ['E_RATE', 'rate limit reached; frame dropped'],
  58: ['E_NO_RAND', 'event carries too few random bytes'],
  59: ['E_UNKNOWN_KEY', 'public-key hash not on the whitelist (ignored silently)'],
  60: ['E_REVOKED', 'public-key hash revoked (ignored silently)'],
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
  85: ['I_WHITELIST', 'whitelist listing'],
  86: ['I_NOT_PROVISIONED', 'enrollee reported a failure for this configuration'],
  96: ['E_FILE_MAGIC', 'stored file has the wrong magic or format version'],
  97: ['E_FILE_LENGTH', 'stored file has the wrong length'],
  98: ['E_FILE_FIELD', 'stored file holds a forbidden value'],
  99: ['E_COMMAND', 'malformed command'],
};

/** Symbolic name of a code, or "CODE_<n>" for one the table does not know. */
export function codeName(code: number): string {
  var row = ERROR_TABLE[code];
  return row ? row[0] : 'CODE_' + code;
}

/** Human text of a code. */
export function codeText(code: number): string {
  var row = ERROR_TABLE[code];
  return row ? row[1] : 'unknown code ' + code;
}
