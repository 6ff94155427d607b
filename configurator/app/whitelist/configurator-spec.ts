/**
 * The whitelist protocol's configurator on a board (firmware/protocols/whitelist/README.md
 * §6): its static key, the whitelist of enrollee key hashes, suite 1, and timing
 * for engines where one X25519 takes seconds.
 */
import { StoragePort } from '../../../firmware/ports/ports.ts';
import { decodeConfiguratorIdentity, decodeWhitelist, WhitelistEntry } from '../../../firmware/protocols/whitelist/records.ts';
import { makeConfigurator, configuratorInitial, WHITELIST_FILE, ConfiguratorOptions, CONFIGURATOR_DEFAULTS, POOL_DEFAULTS } from '../../../firmware/protocols/whitelist/configurator.ts';
import { firmwareSuite } from '../../../firmware/protocols/whitelist/suite-x25519.ts';
import { codeName } from '../../../firmware/protocols/whitelist/codes.ts';
import { withDefaults } from '../../../firmware/apps/engine-accel.ts';
import { ConfiguratorSpec, ConfiguratorBoot } from '../configurator-app.ts';

export var KEY_FILE = 'nb-ckey';

/**
 * Timing for Espruino on an ESP32, where the enrollee's one X25519 takes
 * seconds to tens of seconds (docs/power-model.md): the configurator re-sends its
 * CHALLENGE every proofMs (a duplicate costs the enrollee nothing: it re-sends
 * its PROOF) for maxTries × proofMs, which must exceed that time.
 */
export var CONFIGURATOR_TIMING: ConfiguratorOptions = withDefaults(CONFIGURATOR_DEFAULTS, {
  proofMs: 15000,
  ackMs: 60000,
  maxTries: 6,
  ackTries: 3,
  cooldownMs: 10000,
  // Each new session costs the configurator one X25519 (es = x·E; x·9 comes
  // from the ephemeral pool, README §4.5), about 17 s on Espruino: a token per
  // 12 s never binds an honest batch (the CPU does) but still bounds what
  // authentic-but-replayed announcements can start.
  bucketSize: 2,
  bucketMs: 12000,
  // Three CHALLENGEs out at once: while the configurator computes one session's
  // key, the enrollees of the other two compute theirs (same cost), so its CPU
  // never waits for a PROOF.
  maxPending: 3,
  ephUses: POOL_DEFAULTS.ephUses,
  ephMs: POOL_DEFAULTS.ephMs,
  poolSize: POOL_DEFAULTS.poolSize,
  idleMs: POOL_DEFAULTS.idleMs,
  queueMax: POOL_DEFAULTS.queueMax,
  queueMs: POOL_DEFAULTS.queueMs,
});

export function whitelistConfigurator(timing?: ConfiguratorOptions): ConfiguratorSpec {
  return {
    codeName: codeName,
    load: function (st: StoragePort): ConfiguratorBoot {
      var kraw = st.read(KEY_FILE);
      var key = kraw ? decodeConfiguratorIdentity(kraw) : null;
      if (!key || key.code || !key.identity) return { code: key ? key.code : -1, what: 'configurator key', role: null, initial: null, info: {} };
      var entries: WhitelistEntry[] = [];
      var wraw = st.read(WHITELIST_FILE);
      if (wraw) {
        var wl = decodeWhitelist(wraw);
        // A whitelist that does not decode is not an empty whitelist: running
        // without it would refuse every enrollee while looking healthy. Refuse to
        // start, and say why (the app prints the code; issue 9 finding 5).
        if (wl.code !== 0 || !wl.entries) return { code: wl.code || -1, what: 'whitelist', role: null, initial: null, info: {} };
        entries = wl.entries;
      }
      return {
        code: 0, what: 'whitelist', role: makeConfigurator(firmwareSuite()),
        initial: configuratorInitial(key.identity, entries, timing || CONFIGURATOR_TIMING), info: { whitelist: entries.length },
      };
    },
  };
}
