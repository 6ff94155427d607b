/**
 * The whitelist protocol's enrollee on a board (firmware/protocols/whitelist/README.md
 * §6): its identity file (e, E, pinned C, cached ss), the proven configuration and
 * the presence-counter reservation from Storage, suite 1, and timing for engines
 * where one X25519 takes seconds.
 */
import { StoragePort } from '../../ports/ports.ts';
import { decodeIdentity, decodeStoredConfig, decodeCounter, WlConfig } from '../../protocols/whitelist/records.ts';
import { makeEnrollee, enrolleeInitial, CONFIG_FILE, COUNTER_FILE, EnrolleeState, EnrolleeOptions, ENROLLEE_DEFAULTS } from '../../protocols/whitelist/enrollee.ts';
import { firmwareSuite } from '../../protocols/whitelist/suite-x25519.ts';
import { codeName } from '../../protocols/whitelist/codes.ts';
import { EnrolleeSpec, EnrolleeBoot, IDENTITY_FILE } from '../enrollee-app.ts';
import { withDefaults } from '../engine-accel.ts';

/**
 * Timing for a board where one X25519 takes seconds to tens of seconds
 * (Espruino on an ESP32, docs/power-model.md): the configurator may be busy with
 * other enrollees' key agreements, so the wait for CONFIG after our PROOF is long.
 */
export var ENROLLEE_TIMING: EnrolleeOptions = withDefaults(ENROLLEE_DEFAULTS, {
  presenceBaseMs: 2000,
  presenceMaxMs: 32000,
  presenceSlowMs: 120000,
  sessionMs: 240000,
});

export function whitelistEnrollee(timing?: EnrolleeOptions): EnrolleeSpec {
  return {
    configFile: CONFIG_FILE,
    codeName: codeName,
    load: function (st: StoragePort): EnrolleeBoot {
      var raw = st.read(IDENTITY_FILE);
      var id = raw ? decodeIdentity(raw) : null;
      if (!id || id.code || !id.identity) return { code: id ? id.code : -1, what: 'identity', role: null, initial: null, held: 0 };
      var cfg: WlConfig | null = null;
      var code = 0;
      var craw = st.read(CONFIG_FILE);
      if (craw) {
        var dc = decodeStoredConfig(craw);
        if (dc.code === 0) cfg = dc.config;
        else code = dc.code;
      }
      // The counter reservation: every PRESENCE counter used so far is at most this.
      // A counter file that does not decode would let the enrollee reuse counters a
      // configurator has seen (and then refuses as replays): refuse to run, loudly.
      var reserved = 0;
      var nraw = st.read(COUNTER_FILE);
      if (nraw) {
        var dn = decodeCounter(nraw);
        if (dn.code) return { code: dn.code, what: 'counter', role: null, initial: null, held: 0 };
        reserved = dn.value;
      }
      return {
        code: code, what: 'config', role: makeEnrollee(firmwareSuite()),
        initial: enrolleeInitial(id.identity, cfg, timing || ENROLLEE_TIMING, reserved), held: cfg ? cfg.version : 0,
      };
    },
    provisioned: function (s: EnrolleeState) {
      return { v: s.cfg ? s.cfg.version : 0, ssid: s.cfg ? s.cfg.ssid : '' };
    },
  };
}
