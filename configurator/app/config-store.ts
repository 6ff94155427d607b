/**
 * The configurator's configuration store file (`nb.store`): UTF-8 JSON
 *   {"groups": {"<group>": CONFIG}, "devices": {"<hex SHA-256(E)>": CONFIG}}
 * with CONFIG = {"version": n, "ssid": s, "psk": s, "settings": {k: v}}.
 * JSON because the host CLI writes it and Espruino parses it natively; every
 * record is checked with the protocol's own encoder before it is used, so a bad
 * record is refused with a code instead of failing mid-handshake.
 */
import { utf8Decode, fromHex } from '../../firmware/bytes/bytes.ts';
import { WlConfig, encodeConfig } from '../../firmware/protocols/whitelist/records.ts';

export var STORE_FILE = 'nb.store';

export interface StoreCommand {
  t: string;
  op: string;
  group?: string;
  hash?: Uint8Array;
  config: WlConfig;
}

function asConfig(v: any): WlConfig | null {
  if (!v || typeof v !== 'object') return null;
  var c: WlConfig = { version: v.version, ssid: v.ssid, psk: v.psk, settings: v.settings || {} };
  try {
    encodeConfig(c);
  } catch (e) {
    return null;
  }
  return c;
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
  if (!o || typeof o !== 'object') return { cmds: out, bad: 0, error: 'store is not an object' };
  var g = o.groups || {};
  for (var name in g) {
    var c = asConfig(g[name]);
    if (c) out.push({ t: 'command', op: 'config', group: name, config: c });
    else bad++;
  }
  var d = o.devices || {};
  for (var hx in d) {
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
