/**
 * The Configurator app for a dedicated ESP32, the same for every protocol: the
 * protocol's spec loads its key material and device list from Storage, the
 * configuration store (`nb.store`) becomes `config` commands, then the
 * protocol's configurator role serves any number of enrollees at once. Every
 * delivery outcome goes to the audit log: a bounded file in Storage and a
 * `NOWBOARD {"ev":"audit",...}` line the host keeps in full.
 */
import { Ports, StoragePort } from '../../firmware/ports/ports.ts';
import { startRuntime, Runtime } from '../../firmware/runtime/runtime.ts';
import { Role, CoreEffect, CoreEvent } from '../../firmware/runtime/events.ts';
import { utf8Encode, utf8Decode } from '../../firmware/bytes/bytes.ts';
import { emit } from '../../firmware/apps/report-line.ts';
import { NATIVE_COUNTERS } from '../../firmware/apps/engine-accel.ts';
import { STORE_FILE, storeCommands } from './config-store.ts';

export var AUDIT_FILE = 'nb.audit';
/** Audit lines kept on the board (the host keeps the full log from the NOWBOARD lines). */
export var AUDIT_KEEP = 32;

/** What a protocol's configurator needs from Storage to start, or why it cannot. */
export interface ConfiguratorBoot {
  code: number;
  what: string;
  role: Role<any, any> | null;
  initial: any;
  /** extra fields for the `boot` line (e.g. how many devices are listed) */
  info: { [k: string]: number | string };
}

export interface ConfiguratorSpec {
  load(storage: StoragePort): ConfiguratorBoot;
  codeName(code: number): string;
  /** bytes of a device key in the configuration store (default 32: SHA-256 of a public key) */
  storeIdBytes?: number;
}

function appendAudit(ports: Ports, line: string): void {
  var old = ports.storage.read(AUDIT_FILE);
  var lines = old ? utf8Decode(old).split('\n') : [];
  lines.push(line);
  while (lines.length > AUDIT_KEEP) lines.shift();
  ports.storage.write(AUDIT_FILE, utf8Encode(lines.join('\n')));
}

export function startConfigurator(ports: Ports, accel: string[], spec: ConfiguratorSpec): Runtime | null {
  var st = ports.storage;
  var b = spec.load(st);
  if (!b.role) {
    // Nothing to run on: a missing key, or a device list that does not decode (an
    // unreadable whitelist is not an empty one). Say so and stay off the air.
    emit(ports, 'error', { what: b.what, code: b.code, name: spec.codeName(b.code), fatal: 'configurator not started' });
    return null;
  }
  if (b.code) emit(ports, 'error', { what: b.what, code: b.code });
  var rt = startRuntime(ports, [{ role: b.role, initial: b.initial }], {
    extraWork: NATIVE_COUNTERS,
    onEffect: function (e: CoreEffect) {
      if (e.t === 'audit') {
        var rec = { device: e.device, mac: e.mac, code: e.code, name: spec.codeName(e.code), version: e.version, t: e.now };
        emit(ports, 'audit', rec);
        appendAudit(ports, JSON.stringify(rec));
      } else if (e.t === 'report') emit(ports, 'report', { code: e.code, name: spec.codeName(e.code), detail: e.detail });
    },
  });
  var sraw = st.read(STORE_FILE);
  var nCfg = 0;
  if (sraw) {
    var sc = storeCommands(sraw, spec.storeIdBytes);
    if (sc.error || sc.bad) emit(ports, 'error', { what: 'config store', detail: sc.error, refused: sc.bad });
    for (var i = 0; i < sc.cmds.length; i++) rt.dispatch(sc.cmds[i] as unknown as CoreEvent<any>);
    nCfg = sc.cmds.length;
  }
  var line: { [k: string]: number | string } = { role: 'configurator', protocol: b.role.name, configs: nCfg, accel: accel.join(',') };
  for (var k in b.info) line[k] = b.info[k];
  emit(ports, 'boot', line);
  rt.dispatch({ t: 'boot' });
  return rt;
}
