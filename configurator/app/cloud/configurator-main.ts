// Cloud border-router bundle entry: bind the ports of this engine (the uplink
// to the Authentication Cloud included), install its accelerations, start the
// app. The build aliases `nowboard-platform` per target.
import { bindPorts, engineNatives } from 'nowboard-platform';
import { installAccelerations } from '../../../firmware/apps/engine-accel.ts';
import { startConfigurator } from '../configurator-app.ts';
import { cloudBorderRouter } from './configurator-spec.ts';

startConfigurator(bindPorts(), installAccelerations(engineNatives()), cloudBorderRouter());
