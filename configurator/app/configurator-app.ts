/**
 * The Configurator app (issue 4), for a dedicated ESP32: loads its static key,
 * the whitelist (hashes of enrollee public keys) and the configuration store,
 * then serves any number of enrollees at once through the pure configurator
 * core. Unknown keys are ignored silently (another configurator may own them);
 * floods are rate-limited by the core. Every delivery outcome goes to the audit
 * log: a bounded file in Storage and a `NOWBOARD {"ev":"audit",...}` line.
 */
import { Ports } from '../../firmware/ports/ports.ts';
import { startRuntime, Runtime, Tagged } from '../../firmware/runtime/runtime.ts';
import { decodeConfiguratorIdentity, decodeWhitelist, WhitelistEntry } from '../../firmware/protocols/whitelist/records.ts';
import { makeConfigurator, configuratorInitial, WHITELIST_FILE, CONFIGURATOR_RAND, ConfiguratorOptions, CONFIGURATOR_DEFAULTS } from '../../firmware/protocols/whitelist/configurator.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';
import { utf8Encode, utf8Decode } from '../../firmware/bytes/bytes.ts';
import { emit, emitReport } from '../../firmware/apps/report-line.ts';
import { NATIVE_COUNTERS, withDefaults } from '../../firmware/apps/engine-accel.ts';
import { STORE_FILE, storeCommands } from './config-store.ts';

export var KEY_FILE = 'nb-ckey';
export var AUDIT_FILE = 'nb.audit';
/** Audit lines kept on the board (the host keeps the full log from the NOWBOARD lines). */
export var AUDIT_KEEP = 32;

function appendAudit(ports: Ports, line: string): void {
  var old = ports.storage.read(AUDIT_FILE);
  var lines = old ? utf8Decode(old).split('\n') : [];
  lines.push(line);
  while (lines.length > AUDIT_KEEP) lines.shift();
  ports.storage.write(AUDIT_FILE, utf8Encode(lines.join('\n')));
}

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
  // Each new session costs the configurator two X25519s (tens of seconds on
  // Espruino): start few at a time so PROOFs of running sessions are not
  // stuck behind a queue of key agreements.
  bucketSize: 2,
  bucketMs: 20000,
});

export function startConfigurator(ports: Ports, accel: string[], timing?: ConfiguratorOptions): Runtime | null {
  var st = ports.storage;
  var kraw = st.read(KEY_FILE);
  var key = kraw ? decodeConfiguratorIdentity(kraw) : null;
  if (!key || key.code || !key.identity) {
    emit(ports, 'error', { what: 'configurator key', code: key ? key.code : -1 });
    return null;
  }
  var entries: WhitelistEntry[] = [];
  var wraw = st.read(WHITELIST_FILE);
  if (wraw) {
    var wl = decodeWhitelist(wraw);
    if (wl.code === 0 && wl.entries) entries = wl.entries;
    else emit(ports, 'error', { what: 'whitelist', code: wl.code });
  }
  var core = makeConfigurator(firmwareSuite());
  var rt = startRuntime(ports, core.next, configuratorInitial(key.identity, entries, timing || CONFIGURATOR_TIMING), {
    randBytes: CONFIGURATOR_RAND,
    extraWork: NATIVE_COUNTERS,
    onEffect: function (e: Tagged) {
      if (e.t === 'audit') {
        var rec = { hash: e.hash, mac: e.mac, code: e.code, name: e.name, version: e.version, t: e.now };
        emit(ports, 'audit', rec);
        appendAudit(ports, JSON.stringify(rec));
      } else if (e.t === 'report') emitReport(ports, e.code, e.detail);
    },
  });
  var sraw = st.read(STORE_FILE);
  var nCfg = 0;
  if (sraw) {
    var sc = storeCommands(sraw);
    if (sc.error || sc.bad) emit(ports, 'error', { what: 'config store', detail: sc.error, refused: sc.bad });
    for (var i = 0; i < sc.cmds.length; i++) rt.dispatch(sc.cmds[i] as unknown as Tagged);
    nCfg = sc.cmds.length;
  }
  emit(ports, 'boot', { role: 'configurator', whitelist: entries.length, configs: nCfg, accel: accel.join(',') });
  rt.dispatch({ t: 'boot' });
  return rt;
}
