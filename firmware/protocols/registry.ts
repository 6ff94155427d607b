/**
 * Every protocol of the product, by id: its name and its code table. The host
 * (CLI, simulator reports, audit logs) names any code from any board through
 * `codeName` here; a board bundle never imports this file (it names codes with
 * its own protocol's table only, firmware/codec/codes.ts `namer`).
 *
 * Adding a protocol: a folder firmware/protocols/<name>/ with codes.ts (its
 * range id·256 …), a row below, and its README with the codes table; the
 * registry test checks ranges, names and docs.
 */
import { CodeTable, COMMON_CODES, nameIn, textIn } from '../codec/codes.ts';
import { PROTOCOL_NAMES } from '../codec/protocol-ids.ts';
import { WHITELIST_CODES } from './whitelist/codes.ts';
import { ECQV_CODES } from './ecqv/codes.ts';
import { CLOUD_CODES } from './cloud/codes.ts';
import { PSK_OOB_CODES } from './psk-oob/codes.ts';

export interface ProtocolEntry {
  id: number;
  name: string;
  codes: CodeTable;
  /** the protocol's spec, relative to the repository root (holds its codes table) */
  doc: string;
}

export var PROTOCOLS: ProtocolEntry[] = [
  { id: WHITELIST_CODES.proto, name: PROTOCOL_NAMES[WHITELIST_CODES.proto], codes: WHITELIST_CODES, doc: 'firmware/protocols/whitelist/README.md' },
  { id: ECQV_CODES.proto, name: PROTOCOL_NAMES[ECQV_CODES.proto], codes: ECQV_CODES, doc: 'firmware/protocols/ecqv/README.md' },
  { id: CLOUD_CODES.proto, name: PROTOCOL_NAMES[CLOUD_CODES.proto], codes: CLOUD_CODES, doc: 'firmware/protocols/cloud/README.md' },
  { id: PSK_OOB_CODES.proto, name: PROTOCOL_NAMES[PSK_OOB_CODES.proto], codes: PSK_OOB_CODES, doc: 'firmware/protocols/psk-oob/README.md' },
];

/** Every table, common first. */
export function allCodeTables(): CodeTable[] {
  var t: CodeTable[] = [COMMON_CODES];
  for (var i = 0; i < PROTOCOLS.length; i++) t.push(PROTOCOLS[i].codes);
  return t;
}

/** Name of any code of any protocol ("CODE_<n>" if none defines it). */
export function codeName(code: number): string {
  return nameIn(allCodeTables(), code);
}

export function codeText(code: number): string {
  return textIn(allCodeTables(), code);
}

/** The protocol entry for a name (`--protocol NAME`) or id, or null. */
export function protocolByName(name: string): ProtocolEntry | null {
  for (var i = 0; i < PROTOCOLS.length; i++) if (PROTOCOLS[i].name === name) return PROTOCOLS[i];
  return null;
}
