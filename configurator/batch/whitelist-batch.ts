/**
 * The whitelist protocol's batch for the simulator: X25519 identities for
 * configurators and enrollees, the whitelist and configuration store of each
 * configurator, the identity file of each enrollee — written into each
 * simulated board's flash exactly as `nowboard keygen` + `flash.sh` write a
 * real board's Storage (two-slot files).
 *
 * ES5-safe and built on the firmware's own crypto (no @noble here), because
 * the engine scenarios bundle it too. Keys come from the world's seeded RNG,
 * so a seed fixes the whole run, keys included.
 */
import { x25519, x25519Base } from '../../firmware/crypto/x25519.ts';
import { enrolleeIdentityFile } from '../../firmware/protocols/whitelist/keygen.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { toHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { encodeConfiguratorIdentity, encodeWhitelist, WhitelistEntry, WlConfig } from '../../firmware/protocols/whitelist/records.ts';
import { WHITELIST_FILE } from '../../firmware/protocols/whitelist/configurator.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { KEY_FILE } from '../app/whitelist/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { BatchProtocol, BatchOptions, ConfiguratorFileOptions, RawFiles, BatchEnrollee, BatchConfigurator, contains } from './batch-protocol.ts';

export interface WlSimEnrollee extends BatchEnrollee {
  e: Uint8Array;
  E: Uint8Array;
}
export interface WlSimConfigurator extends BatchConfigurator {
  c: Uint8Array;
  C: Uint8Array;
}
export interface WlSimBatch {
  configurators: WlSimConfigurator[];
  enrollees: WlSimEnrollee[];
}

function makeBatch(o: BatchOptions): WlSimBatch {
  var cs: WlSimConfigurator[] = [];
  for (var i = 0; i < o.configurators; i++) {
    var c = o.random(32);
    var C = x25519Base(c);
    cs.push({ index: i, c: c, C: C, anchor: C });
  }
  var es: WlSimEnrollee[] = [];
  for (var j = 0; j < o.enrollees; j++) {
    var e = o.random(32);
    var E = x25519Base(e);
    es.push({ index: j, e: e, E: E, device: toHex(sha256(E)), owner: j % Math.max(1, o.configurators) });
  }
  return { configurators: cs, enrollees: es };
}

/** The enrollee's identity file: e, E, the pinned configurator key C and the cached ss = X25519(e, C). */
function enrolleeFiles(batch: WlSimBatch, index: number, anchor?: Uint8Array): RawFiles {
  var en = batch.enrollees[index];
  var pinnedC = anchor || batch.configurators[en.owner].C;
  var logical: { [name: string]: Uint8Array } = {};
  logical[IDENTITY_FILE] = enrolleeIdentityFile(en.e, pinnedC);
  return slotFiles(logical);
}

/** The configurator's key, whitelist and configuration store for the enrollees it owns. */
function configuratorFiles(batch: WlSimBatch, ci: number, o: ConfiguratorFileOptions): RawFiles {
  var cfg = batch.configurators[ci];
  var entries: WhitelistEntry[] = [];
  var devices: { [hx: string]: WlConfig } = {};
  for (var i = 0; i < batch.enrollees.length; i++) {
    var en = batch.enrollees[i];
    if (en.owner !== ci || contains(o.unlisted, en.index)) continue;
    var revoked = contains(o.revoked, en.index);
    entries.push({
      hash: sha256(en.E),
      ss: o.precompute === false || revoked ? null : x25519(cfg.c, en.E),
      group: '',
      revoked: revoked,
    });
    if (o.devices && o.devices[en.index]) devices[en.device] = o.devices[en.index];
  }
  var logical: { [name: string]: Uint8Array } = {};
  logical[KEY_FILE] = encodeConfiguratorIdentity({ c: cfg.c, C: cfg.C });
  logical[WHITELIST_FILE] = encodeWhitelist(entries);
  logical[STORE_FILE] = utf8Encode(JSON.stringify({ groups: o.groups, devices: devices }));
  return slotFiles(logical);
}

export var whitelistBatch: BatchProtocol<WlSimBatch> = {
  name: 'whitelist',
  makeBatch: makeBatch,
  enrolleeFiles: enrolleeFiles,
  configuratorFiles: configuratorFiles,
};
