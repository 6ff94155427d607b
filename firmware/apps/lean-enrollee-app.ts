/**
 * The Enrollee app on the lean runtime (firmware/runtime/lean-runtime.ts): the
 * same behaviour and console lines as enrollee-app.ts `startEnrollee` — factory
 * reset, the spec's boot from Storage, `boot`/`report`/`provisioned`/`error`
 * lines — for a bundle that must stay small (the AES-only psk-oob enrollee).
 */
import { Ports } from '../ports/ports.ts';
import { Runtime } from '../runtime/runtime.ts';
import { startLeanRuntime } from '../runtime/lean-runtime.ts';
import { CoreEffect } from '../runtime/events.ts';
import { I_PROVISIONED, I_JOIN_FAILED, I_PRESENCE } from '../codec/codes.ts';
import { emit } from './report-line.ts';
import { EnrolleeSpec, RESET_FILE } from './enrollee-app.ts';

export function startLeanEnrollee(ports: Ports, accel: string[], spec: EnrolleeSpec): Runtime | null {
  var st = ports.storage;
  if (st.read(RESET_FILE)) {
    st.erase(spec.configFile);
    st.erase(RESET_FILE);
    emit(ports, 'factory-reset', {});
  }
  var b = spec.load(st);
  if (!b.role) {
    emit(ports, 'error', { what: b.what, code: b.code });
    return null;
  }
  if (b.code) emit(ports, 'error', { what: b.what, code: b.code });
  emit(ports, 'boot', { role: 'enrollee', protocol: b.role.name, held: b.held, accel: accel.join(',') });
  var rt: Runtime = startLeanRuntime(ports, b.role, b.initial, function (e: CoreEffect) {
    if (spec.onEffect) spec.onEffect(e, rt, ports);
    if (e.t !== 'report') return;
    if (e.code === I_PROVISIONED) emit(ports, 'provisioned', spec.provisioned(rt.state()));
    else if (e.code !== I_PRESENCE) emit(ports, 'report', { code: e.code, name: spec.codeName(e.code), detail: e.detail });
    if (e.code === I_JOIN_FAILED) emit(ports, 'join-failed', { detail: e.detail });
  });
  rt.dispatch({ t: 'boot' });
  return rt;
}
