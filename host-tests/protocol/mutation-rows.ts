/**
 * The rows of the whitelist mutation table (README.md §3.2): for every frame
 * type and every field, a mutated value, the exact code the receiving core
 * answers with, and what happens to its state. mutation-table.test.ts runs them
 * and checks the README shows exactly these rows (`tableLines`).
 */
import { macOf } from './driver.ts';
import { copyBytes } from '../../firmware/bytes/bytes.ts';

export type Frame = 'PRESENCE' | 'PRESENCE suite 2' | 'CHALLENGE' | 'PROOF' | 'CONFIG' | 'ACK';
export type StateRule = 'same' | 'accepted';

export interface Ctx {
  E: Uint8Array;
  C: Uint8Array;
}

export interface Row {
  frame: Frame;
  field: string;
  mutation: string;
  code: string;
  state: StateRule;
  /** the mutated frame (bytes) and, optionally, another sender MAC */
  apply: (b: Uint8Array, x: Ctx) => { bytes: Uint8Array; from?: Uint8Array };
}

const flip = (off: number, mask = 1) => (b: Uint8Array) => {
  const c = copyBytes(b);
  c[off] ^= mask;
  return { bytes: c };
};
const set = (off: number, v: number[] | Uint8Array) => (b: Uint8Array) => {
  const c = copyBytes(b);
  c.set(v, off);
  return { bytes: c };
};
const cut = (n: number) => (b: Uint8Array) => ({ bytes: copyBytes(b, 0, b.length - n) });
const grow = (b: Uint8Array) => {
  const c = new Uint8Array(b.length + 1);
  c.set(b);
  return { bytes: c };
};
const fromOther = (b: Uint8Array) => ({ bytes: b, from: macOf(77) });
const ZERO32 = new Array(32).fill(0);

/** The rows of the header every frame shares (bytes 0..7). */
function header(frame: Frame, suite2Code: string, sidFlipCode: string): Row[] {
  return [
    { frame, field: 'protocol id (0)', mutation: 'another protocol (2)', code: 'E_PROTOCOL', state: 'same', apply: set(0, [2]) },
    { frame, field: 'version (1)', mutation: '2', code: 'E_VERSION', state: 'same', apply: set(1, [2]) },
    { frame, field: 'type (2)', mutation: '9', code: 'E_TYPE', state: 'same', apply: set(2, [9]) },
    { frame, field: 'suite (3)', mutation: '3 (unknown)', code: 'E_SUITE', state: 'same', apply: set(3, [3]) },
    { frame, field: 'suite (3)', mutation: 'the other known suite', code: suite2Code, state: 'same', apply: set(3, [2]) },
    { frame, field: 'session id (4..7)', mutation: 'one bit flipped', code: sidFlipCode, state: 'same', apply: flip(7) },
  ];
}

export const ROWS: Row[] = [
  ...header('PRESENCE', 'E_SHORT', 'E_FIELD'),
  { frame: 'PRESENCE', field: 'E (8..39)', mutation: 'one bit flipped (not whitelisted)', code: 'E_UNKNOWN_KEY', state: 'same', apply: flip(20) },
  { frame: 'PRESENCE', field: 'E (8..39)', mutation: 'the configurator key C', code: 'E_UNKNOWN_KEY', state: 'same', apply: (b, x) => set(8, x.C)(b) },
  { frame: 'PRESENCE', field: 'Ne (40..55)', mutation: 'one bit flipped', code: 'E_AUTH_PRESENCE', state: 'same', apply: flip(45) },
  { frame: 'PRESENCE', field: 'held (56..59)', mutation: 'the target version (1)', code: 'E_AUTH_PRESENCE', state: 'same', apply: set(56, [0, 0, 0, 1]) },
  { frame: 'PRESENCE', field: 'caps (60)', mutation: '0', code: 'E_AUTH_PRESENCE', state: 'same', apply: set(60, [0]) },
  { frame: 'PRESENCE', field: 'counter (61..64)', mutation: '+1', code: 'E_AUTH_PRESENCE', state: 'same', apply: flip(64, 3) },
  // Issue 14: the listen window and gap are under tag_P, so a relay cannot shrink the window the
  // configurator answers in, nor stretch the gap it waits for.
  { frame: 'PRESENCE', field: 'win (65..66)', mutation: '1 ms (shrunk)', code: 'E_AUTH_PRESENCE', state: 'same', apply: set(65, [0, 1]) },
  { frame: 'PRESENCE', field: 'gap (67..68)', mutation: '65535 s', code: 'E_AUTH_PRESENCE', state: 'same', apply: set(67, [255, 255]) },
  { frame: 'PRESENCE', field: 'tag_P (69..84)', mutation: 'one bit flipped', code: 'E_AUTH_PRESENCE', state: 'same', apply: flip(84) },
  { frame: 'PRESENCE', field: 'length', mutation: 'one byte short', code: 'E_SHORT', state: 'same', apply: cut(1) },
  { frame: 'PRESENCE', field: 'length', mutation: 'one byte more', code: 'E_LONG', state: 'same', apply: grow },
  { frame: 'PRESENCE', field: 'sender MAC', mutation: 'another MAC', code: 'OK', state: 'accepted', apply: fromOther },
  { frame: 'PRESENCE suite 2', field: 'Y (40..71)', mutation: 'one bit flipped', code: 'E_AUTH_PRESENCE', state: 'same', apply: flip(50) },
  { frame: 'PRESENCE suite 2', field: 'Y (40..71)', mutation: '0 (low order)', code: 'E_BAD_POINT', state: 'same', apply: set(40, ZERO32) },
  { frame: 'PRESENCE suite 2', field: 'Y (40..71)', mutation: 'the configurator key C', code: 'E_REFLECT', state: 'same', apply: (b, x) => set(40, x.C)(b) },
  { frame: 'PRESENCE suite 2', field: 'suite (3)', mutation: '1', code: 'E_LONG', state: 'same', apply: set(3, [1]) },
  ...header('CHALLENGE', 'E_SUITE', 'E_AUTH_CHALLENGE'),
  { frame: 'CHALLENGE', field: 'session id (4..7)', mutation: '0', code: 'E_FIELD', state: 'same', apply: set(4, [0, 0, 0, 0]) },
  { frame: 'CHALLENGE', field: 'X (8..39)', mutation: 'one bit flipped', code: 'E_AUTH_CHALLENGE', state: 'same', apply: flip(20) },
  { frame: 'CHALLENGE', field: 'X (8..39)', mutation: '0 (low order)', code: 'E_BAD_POINT', state: 'same', apply: set(8, ZERO32) },
  { frame: 'CHALLENGE', field: 'X (8..39)', mutation: 'the enrollee key E', code: 'E_REFLECT', state: 'same', apply: (b, x) => set(8, x.E)(b) },
  { frame: 'CHALLENGE', field: 'Nc (40..55)', mutation: 'one bit flipped', code: 'E_AUTH_CHALLENGE', state: 'same', apply: flip(50) },
  { frame: 'CHALLENGE', field: 'tag_C (56..71)', mutation: 'one bit flipped', code: 'E_AUTH_CHALLENGE', state: 'same', apply: flip(60) },
  { frame: 'CHALLENGE', field: 'tag_S (72..87)', mutation: 'one bit flipped', code: 'E_AUTH_CHALLENGE', state: 'same', apply: flip(80) },
  { frame: 'CHALLENGE', field: 'length', mutation: 'one byte short', code: 'E_SHORT', state: 'same', apply: cut(1) },
  { frame: 'CHALLENGE', field: 'length', mutation: 'one byte more', code: 'E_LONG', state: 'same', apply: grow },
  { frame: 'CHALLENGE', field: 'sender MAC', mutation: 'another MAC', code: 'OK', state: 'accepted', apply: fromOther },
  ...header('PROOF', 'E_SUITE', 'E_NO_SESSION'),
  { frame: 'PROOF', field: 'session id (4..7)', mutation: '0', code: 'E_FIELD', state: 'same', apply: set(4, [0, 0, 0, 0]) },
  { frame: 'PROOF', field: 'tag_E (8..23)', mutation: 'one bit flipped', code: 'E_AUTH_PROOF', state: 'same', apply: flip(20) },
  { frame: 'PROOF', field: 'length', mutation: 'one byte short', code: 'E_SHORT', state: 'same', apply: cut(1) },
  { frame: 'PROOF', field: 'length', mutation: 'one byte more', code: 'E_LONG', state: 'same', apply: grow },
  { frame: 'PROOF', field: 'sender MAC', mutation: 'another MAC', code: 'OK', state: 'accepted', apply: fromOther },
  ...header('CONFIG', 'E_SUITE', 'E_NO_SESSION'),
  { frame: 'CONFIG', field: 'session id (4..7)', mutation: '0', code: 'E_FIELD', state: 'same', apply: set(4, [0, 0, 0, 0]) },
  { frame: 'CONFIG', field: 'fragment index (8)', mutation: 'equal to the count', code: 'E_FIELD', state: 'same', apply: (b) => set(8, [b[9]])(b) },
  { frame: 'CONFIG', field: 'fragment count (9)', mutation: '0', code: 'E_FIELD', state: 'same', apply: set(9, [0]) },
  { frame: 'CONFIG', field: 'fragment count (9)', mutation: '9 (over 8)', code: 'E_FIELD', state: 'same', apply: set(9, [9]) },
  { frame: 'CONFIG', field: 'fragment count (9)', mutation: 'one more', code: 'E_AUTH_CONFIG', state: 'same', apply: (b) => set(9, [b[9] + 1])(b) },
  { frame: 'CONFIG', field: 'ciphertext', mutation: 'one bit flipped', code: 'E_AUTH_CONFIG', state: 'same', apply: flip(12) },
  { frame: 'CONFIG', field: 'CCM tag (last 8)', mutation: 'one bit flipped', code: 'E_AUTH_CONFIG', state: 'same', apply: (b) => flip(b.length - 1)(b) },
  { frame: 'CONFIG', field: 'length', mutation: 'one byte short', code: 'E_AUTH_CONFIG', state: 'same', apply: cut(1) },
  { frame: 'CONFIG', field: 'length', mutation: 'under 19 bytes', code: 'E_SHORT', state: 'same', apply: (b) => ({ bytes: copyBytes(b, 0, 18) }) },
  { frame: 'CONFIG', field: 'length', mutation: 'one byte more', code: 'E_AUTH_CONFIG', state: 'same', apply: grow },
  { frame: 'CONFIG', field: 'sender MAC', mutation: 'another MAC', code: 'OK', state: 'accepted', apply: fromOther },
  ...header('ACK', 'E_SUITE', 'E_NO_SESSION'),
  { frame: 'ACK', field: 'session id (4..7)', mutation: '0', code: 'E_FIELD', state: 'same', apply: set(4, [0, 0, 0, 0]) },
  { frame: 'ACK', field: 'sealed result and version (8..12)', mutation: 'one bit flipped', code: 'E_AUTH_ACK', state: 'same', apply: flip(8) },
  { frame: 'ACK', field: 'CCM tag (13..20)', mutation: 'one bit flipped', code: 'E_AUTH_ACK', state: 'same', apply: flip(20) },
  { frame: 'ACK', field: 'length', mutation: 'one byte short', code: 'E_SHORT', state: 'same', apply: cut(1) },
  { frame: 'ACK', field: 'length', mutation: 'one byte more', code: 'E_LONG', state: 'same', apply: grow },
  { frame: 'ACK', field: 'sender MAC', mutation: 'another MAC', code: 'OK', state: 'accepted', apply: fromOther },
];

/** The table as the README shows it (§3.2). */
export function tableLines(rows: Row[]): string[] {
  return rows.map((r) => `| ${r.frame} | ${r.field} | ${r.mutation} | \`${r.code}\` | ${r.state} |`);
}

