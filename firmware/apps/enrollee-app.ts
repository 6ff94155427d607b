/**
 * The Enrollee app, the same for every protocol: boot → the protocol's spec
 * loads the board's identity and proven configuration from Storage → run its
 * enrollee role until provisioned (the core handles timeouts, retries and
 * re-provisioning; the runtime owns the timers) → the core stores the
 * configuration atomically (slot store) → report.
 *
 * Factory reset: a file `nb.reset` present at boot (written by the console or a
 * button handler) erases the stored configuration — never the identity — and
 * the board starts over as unprovisioned.
 */
import { Ports, StoragePort } from '../ports/ports.ts';
import { startRuntime, Runtime } from '../runtime/runtime.ts';
import { Role, CoreEffect } from '../runtime/events.ts';
import { I_PROVISIONED, I_JOIN_FAILED, I_PRESENCE } from '../codec/codes.ts';
import { emit } from './report-line.ts';
import { NATIVE_COUNTERS } from './engine-accel.ts';

/** Storage names shared with the host CLI (configurator/cli/device-files.ts). */
export var IDENTITY_FILE = 'nb-id';
export var RESET_FILE = 'nb.reset';

/** What a protocol's enrollee needs from Storage to start, or why it cannot. */
export interface EnrolleeBoot {
  /** 0, or the code of the file that failed to decode */
  code: number;
  /** which file or part failed, for the console */
  what: string;
  role: Role<any, any> | null;
  initial: any;
  /** the configuration version held at boot (0 = none) */
  held: number;
}

/** One protocol's enrollee, as the app runs it. */
export interface EnrolleeSpec {
  /** the logical file holding the proven configuration (erased by a factory reset) */
  configFile: string;
  load(storage: StoragePort): EnrolleeBoot;
  /** version and SSID of the configuration held in this state, for the `provisioned` line */
  provisioned(state: any): { v: number; ssid: string };
  codeName(code: number): string;
  /** Effects beyond the reports the app prints (e.g. `pairwise`), for the protocol's own app behaviour. */
  onEffect?(e: CoreEffect, rt: Runtime, ports: Ports): void;
}

export function startEnrollee(ports: Ports, accel: string[], spec: EnrolleeSpec): Runtime | null {
  var st = ports.storage;
  if (st.read(RESET_FILE)) {
    st.erase(spec.configFile);
    st.erase(RESET_FILE);
    emit(ports, 'factory-reset', {});
  }
  var b = spec.load(st);
  if (!b.role) {
    // Without an identity there is nothing to prove; stay quiet on the air and say why on the console.
    emit(ports, 'error', { what: b.what, code: b.code });
    return null;
  }
  if (b.code) emit(ports, 'error', { what: b.what, code: b.code });
  emit(ports, 'boot', { role: 'enrollee', protocol: b.role.name, held: b.held, accel: accel.join(',') });
  var rt = startRuntime(ports, [{ role: b.role, initial: b.initial }], {
    extraWork: NATIVE_COUNTERS,
    onEffect: function (e: CoreEffect) {
      if (spec.onEffect) spec.onEffect(e, rt, ports);
      if (e.t !== 'report') return;
      if (e.code === I_PROVISIONED) emit(ports, 'provisioned', spec.provisioned(rt.state()));
      else if (e.code !== I_PRESENCE) emit(ports, 'report', { code: e.code, name: spec.codeName(e.code), detail: e.detail });
      if (e.code === I_JOIN_FAILED) emit(ports, 'join-failed', { detail: e.detail });
    },
  });
  rt.dispatch({ t: 'boot' });
  return rt;
}
