/**
 * A provisioning batch for the simulator: identities for one or more
 * configurators and N enrollees, their whitelists and configuration stores,
 * written into each simulated board's flash exactly as `nowboard keygen` +
 * `flash.sh` would write a real board's Storage (two-slot files).
 *
 * ES5-safe and built on the firmware's own crypto (no @noble here), because
 * the Duktape scenario bundles it too. Keys come from the world's seeded RNG,
 * so a seed fixes the whole run, keys included.
 */
import { x25519, x25519Base } from '../../firmware/crypto/x25519.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import {
  encodeIdentity, encodeConfiguratorIdentity, encodeWhitelist, WhitelistEntry, WlConfig,
} from '../../firmware/protocols/whitelist/records.ts';
import { WHITELIST_FILE } from '../../firmware/protocols/whitelist/configurator.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { KEY_FILE } from '../app/configurator-app.ts';
import { STORE_FILE } from '../app/config-store.ts';

export { slotFiles };

export interface SimEnrollee {
  index: number;
  e: Uint8Array;
  E: Uint8Array;
  hash: string;
  /** which configurator (index) it belongs to */
  owner: number;
}
export interface SimConfigurator {
  index: number;
  c: Uint8Array;
  C: Uint8Array;
}
export interface SimBatch {
  configurators: SimConfigurator[];
  enrollees: SimEnrollee[];
}

export interface BatchOptions {
  enrollees: number;
  configurators: number;
  /** 32 random bytes per call (the world's seeded RNG) */
  random: (n: number) => Uint8Array;
}

export function makeSimBatch(o: BatchOptions): SimBatch {
  var cs: SimConfigurator[] = [];
  for (var i = 0; i < o.configurators; i++) {
    var c = o.random(32);
    cs.push({ index: i, c: c, C: x25519Base(c) });
  }
  var es: SimEnrollee[] = [];
  for (var j = 0; j < o.enrollees; j++) {
    var e = o.random(32);
    var E = x25519Base(e);
    es.push({ index: j, e: e, E: E, hash: toHex(sha256(E)), owner: j % Math.max(1, o.configurators) });
  }
  return { configurators: cs, enrollees: es };
}

/** The enrollee's identity file: e, E, the pinned configurator key C and the cached ss = X25519(e, C). */
export function enrolleeFiles(en: SimEnrollee, pinnedC: Uint8Array): { [raw: string]: Uint8Array } {
  var logical: { [name: string]: Uint8Array } = {};
  logical[IDENTITY_FILE] = encodeIdentity({ e: en.e, E: en.E, C: pinnedC, ss: x25519(en.e, pinnedC) });
  return slotFiles(logical);
}

export interface ConfiguratorFileOptions {
  /** group configurations; '' is the default group */
  groups: { [group: string]: WlConfig };
  /** per-device configurations by enrollee index */
  devices?: { [index: number]: WlConfig };
  /** enrollee indexes left out of this configurator's whitelist */
  unlisted?: number[];
  /** enrollee indexes listed as revoked */
  revoked?: number[];
  /** precompute ss for the whitelist (as keygen does); default true */
  precomputeSs?: boolean;
}

function contains(a: number[] | undefined, v: number): boolean {
  if (!a) return false;
  for (var i = 0; i < a.length; i++) if (a[i] === v) return true;
  return false;
}

/** The configurator's key, whitelist and configuration store for the enrollees it owns. */
export function configuratorFiles(batch: SimBatch, ci: number, o: ConfiguratorFileOptions): { [raw: string]: Uint8Array } {
  var cfg = batch.configurators[ci];
  var entries: WhitelistEntry[] = [];
  var devices: { [hx: string]: WlConfig } = {};
  for (var i = 0; i < batch.enrollees.length; i++) {
    var en = batch.enrollees[i];
    if (en.owner !== ci || contains(o.unlisted, en.index)) continue;
    var revoked = contains(o.revoked, en.index);
    entries.push({
      hash: sha256(en.E),
      ss: o.precomputeSs === false || revoked ? null : x25519(cfg.c, en.E),
      group: '',
      revoked: revoked,
    });
    if (o.devices && o.devices[en.index]) devices[en.hash] = o.devices[en.index];
  }
  var logical: { [name: string]: Uint8Array } = {};
  logical[KEY_FILE] = encodeConfiguratorIdentity({ c: cfg.c, C: cfg.C });
  logical[WHITELIST_FILE] = encodeWhitelist(entries);
  logical[STORE_FILE] = utf8Encode(JSON.stringify({ groups: o.groups, devices: devices }));
  return slotFiles(logical);
}

/** Write raw files into an Espruino-like Storage module (the simulator's flash). */
export function writeFiles(storage: { write(name: string, data: any): any }, files: { [raw: string]: Uint8Array }): void {
  for (var name in files) storage.write(name, files[name]);
}
