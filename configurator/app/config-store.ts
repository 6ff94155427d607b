/**
 * The configurator's configuration store file (`nb.store`): UTF-8 JSON
 *   {"groups": {"<group>": CONFIG}, "devices": {"<hex SHA-256(E)>": CONFIG}}
 * with CONFIG = {"version": n, "ssid": s, "psk": s, "settings": {k: v}}.
 * JSON because the host CLI writes it and Espruino parses it natively; every
 * record is checked with the protocol's own encoder before it is used, so a bad
 * record is refused with a code instead of failing mid-handshake.
 */
import { utf8Decode, utf8Encode, fromHex } from '../../firmware/bytes/bytes.ts';
import { WlConfig, encodeConfig } from '../../firmware/protocols/whitelist/records.ts';
import { RESERVED_SETTING_KEY } from '../../firmware/codec/config-record.ts';

export var STORE_FILE = 'nb.store';

export interface StoreCommand {
  t: string;
  op: string;
  group?: string;
  hash?: Uint8Array;
  config: WlConfig;
}

/**
 * One record as the protocol's encoder accepts it, or null. No coercion: a
 * missing or non-string field, a numeric PSK, a setting that is not a string or
 * is named __proto__ all refuse the record (issue 9 finding 6).
 */
function asConfig(v: any): WlConfig | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  var c: WlConfig = { version: v.version, ssid: v.ssid, psk: v.psk, settings: v.settings };
  try {
    encodeConfig(c);
  } catch (e) {
    return null;
  }
  return c;
}

/** A group name the whitelist file can carry (0..32 UTF-8 bytes) and a plain object can hold as a key. */
function groupName(g: string): boolean {
  return g !== RESERVED_SETTING_KEY && utf8Encode(g).length <= 32;
}

function isMap(v: any): boolean {
  return v === undefined || (!!v && typeof v === 'object' && !Array.isArray(v));
}

/**
 * Parse the store into the configurator core's `config` commands; `bad` counts
 * refused records. Device keys are hex of `idBytes` bytes (default 32, a key
 * hash; the ecqv protocol names devices by their 8-byte id).
 */
export function storeCommands(raw: Uint8Array, idBytes?: number): { cmds: StoreCommand[]; bad: number; error: string } {
  var idHex = 2 * (idBytes || 32);
  var out: StoreCommand[] = [];
  var bad = 0;
  var o: any;
  try {
    o = JSON.parse(utf8Decode(raw));
  } catch (e) {
    return { cmds: out, bad: 0, error: 'store is not JSON' };
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { cmds: out, bad: 0, error: 'store is not an object' };
  if (!isMap(o.groups) || !isMap(o.devices)) return { cmds: out, bad: 0, error: 'groups and devices must be objects' };
  var g = o.groups || {};
  for (var name in g) {
    if (!Object.prototype.hasOwnProperty.call(g, name)) continue;
    var c = groupName(name) ? asConfig(g[name]) : null;
    if (c) out.push({ t: 'command', op: 'config', group: name, config: c });
    else bad++;
  }
  var d = o.devices || {};
  for (var hx in d) {
    if (!Object.prototype.hasOwnProperty.call(d, hx)) continue;
    var cd = asConfig(d[hx]);
    var h: Uint8Array | null = null;
    try {
      h = hx.length === idHex ? fromHex(hx) : null;
    } catch (e) {
      h = null;
    }
    if (cd && h) out.push({ t: 'command', op: 'config', hash: h, config: cd });
    else bad++;
  }
  return { cmds: out, bad: bad, error: '' };
}
