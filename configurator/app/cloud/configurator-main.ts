// Cloud border-router bundle entry: bind the ports of this engine (the uplink
// to the Authentication Cloud included), install its accelerations, start the
// app. The build aliases `nowboard-platform` per target.
import { bindPorts, bindUplink, engineNatives } from 'nowboard-platform';
import { installAccelerations } from '../../../firmware/apps/engine-accel.ts';
import { startConfigurator } from '../configurator-app.ts';
import { cloudBorderRouter } from './configurator-spec.ts';

var ports = bindPorts();
// Espruino's bindPorts binds the uplink itself (NowUplink or http); JerryScript's
// does not, so without this its BR had no way to the AC (E_AC_UNREACHABLE on every join).
if (!ports.uplink) ports.uplink = bindUplink();
startConfigurator(ports, installAccelerations(engineNatives()), cloudBorderRouter());
