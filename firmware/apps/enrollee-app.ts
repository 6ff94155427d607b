/**
 * The Enrollee app (issue 4): boot → load identity and the proven configuration
 * from Storage → run the whitelist protocol until provisioned (the core handles
 * timeouts, retries and re-provisioning; the runtime owns the timers) → store
 * the configuration atomically (slot store) → report.
 *
 * Factory reset: a file `nb.reset` present at boot (written by the console or a
 * button handler) erases the stored configuration — never the identity — and
 * the board starts over as unprovisioned.
 */
import { Ports } from '../ports/ports.ts';
import { startRuntime, Runtime } from '../runtime/runtime.ts';
import { decodeIdentity, decodeStoredConfig, WlConfig } from '../protocols/whitelist/records.ts';
import { makeEnrollee, enrolleeInitial, CONFIG_FILE, ENROLLEE_RAND, EnrolleeState, EnrolleeOptions, ENROLLEE_DEFAULTS } from '../protocols/whitelist/enrollee.ts';
import { firmwareSuite } from '../protocols/whitelist/suite-x25519.ts';
import { I_PROVISIONED, I_JOIN_FAILED, I_PRESENCE } from '../codec/error-codes.ts';
import { emit, emitReport } from './report-line.ts';
import { NATIVE_COUNTERS, withDefaults } from './engine-accel.ts';

/** Storage names shared with the host CLI (configurator/cli/device-files.ts). */
export var IDENTITY_FILE = 'nb-id';
export var RESET_FILE = 'nb.reset';

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

export function startEnrollee(ports: Ports, accel: string[], timing?: EnrolleeOptions): Runtime | null {
  var st = ports.storage;
  var raw = st.read(IDENTITY_FILE);
  var id = raw ? decodeIdentity(raw) : null;
  if (!id || id.code || !id.identity) {
    // Without an identity there is nothing to prove; stay quiet on the air and say why on the console.
    emit(ports, 'error', { what: 'identity', code: id ? id.code : -1 });
    return null;
  }
  if (st.read(RESET_FILE)) {
    st.erase(CONFIG_FILE);
    st.erase(RESET_FILE);
    emit(ports, 'factory-reset', {});
  }
  var cfg: WlConfig | null = null;
  var craw = st.read(CONFIG_FILE);
  if (craw) {
    var dc = decodeStoredConfig(craw);
    if (dc.code === 0) cfg = dc.config;
    else emit(ports, 'error', { what: 'config', code: dc.code });
  }
  var core = makeEnrollee(firmwareSuite());
  var initial: EnrolleeState = enrolleeInitial(id.identity, cfg, timing || ENROLLEE_TIMING);
  emit(ports, 'boot', { role: 'enrollee', held: cfg ? cfg.version : 0, accel: accel.join(',') });
  var rt = startRuntime(ports, core.next, initial, {
    randBytes: ENROLLEE_RAND,
    extraWork: NATIVE_COUNTERS,
    onEffect: function (e) {
      if (e.t !== 'report') return;
      if (e.code === I_PROVISIONED) {
        var s = rt.state() as EnrolleeState;
        emit(ports, 'provisioned', { v: s.cfg ? s.cfg.version : 0, ssid: s.cfg ? s.cfg.ssid : '' });
      } else if (e.code !== I_PRESENCE) emitReport(ports, e.code, e.detail);
      if (e.code === I_JOIN_FAILED) emit(ports, 'join-failed', { detail: e.detail });
    },
  });
  rt.dispatch({ t: 'boot' });
  return rt;
}

