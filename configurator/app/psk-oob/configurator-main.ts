// psk-oob configurator bundle entry: bind the ports of this engine and its
// out-of-band channel; the SBR ↔ SBS link is the board's uplink if it has one
// (the Authentication Cloud service), else the SBS of a small network runs
// here on `nb-sbs` (firmware/protocols/psk-oob/sbs-link.ts).
import { bindPorts, bindOob, bindUplink, engineNatives } from 'nowboard-platform';
import { installAccelerations } from '../../../firmware/apps/engine-accel.ts';
import { emit } from '../../../firmware/apps/report-line.ts';
import { localSbsUplink, SBS_FILE } from '../../../firmware/protocols/psk-oob/sbs-link.ts';
import { firmwareSuite } from '../../../firmware/protocols/psk-oob/suite.ts';
import { startConfigurator } from '../configurator-app.ts';
import { pskOobConfigurator } from './configurator-spec.ts';

var ports = bindPorts();
ports.oob = bindOob();
if (!ports.uplink) ports.uplink = bindUplink();
var accel = installAccelerations(engineNatives());
if (!ports.uplink) {
  var local = localSbsUplink(firmwareSuite(), ports.storage, ports.clock, ports.random);
  if (local.uplink) ports.uplink = local.uplink;
  else emit(ports, 'error', { what: SBS_FILE, code: local.code, detail: 'no SBS: every re-key will fail with E_SBS' });
}
startConfigurator(ports, accel, pskOobConfigurator());
