/**
 * Protocol ids: the first byte of every frame on the air (and of every
 * out-of-band message), so one demultiplexer (firmware/runtime/runtime.ts)
 * hands each frame to the protocol that owns it. Each id also fixes the
 * protocol's range in the one registry of numeric codes (firmware/codec/codes.ts):
 * codes id·256 … id·256 + 255 belong to protocol `id`; 0 … 255 are common.
 *
 * One protocol per paper (the seeds' README): ids are never reused.
 */
export var PROTO_WHITELIST = 1; // paper 003: whitelisted keys, challenge-response
export var PROTO_ECQV = 2; // paper 002: ECQV implicit certificates, pairwise keys
export var PROTO_CLOUD = 3; // paper 000: border router + Authentication Cloud
export var PROTO_PSK_OOB = 4; // paper 001: AES-only re-keying over an out-of-band channel

/** id → name used on the command line (`--protocol NAME`), in manifests and in bundle paths. */
export var PROTOCOL_NAMES: { [id: number]: string } = {
  1: 'whitelist',
  2: 'ecqv',
  3: 'cloud',
  4: 'psk-oob',
};

/** The protocol id a frame or OOB message claims (its first byte), or 0 for an empty one. */
export function protocolOf(bytes: Uint8Array): number {
  return bytes && bytes.length > 0 ? bytes[0] : 0;
}
