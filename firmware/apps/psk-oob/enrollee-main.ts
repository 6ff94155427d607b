// psk-oob enrollee bundle entry: bind the ports of this engine and its
// out-of-band channel, install its accelerations (native AES), start the app.
import { bindPorts, bindOob, engineNatives } from 'nowboard-platform';
import { installAccelerations } from '../engine-accel.ts';
import { startEnrollee } from '../enrollee-app.ts';
import { pskOobEnrollee } from './enrollee-spec.ts';

var ports = bindPorts();
ports.oob = bindOob();
startEnrollee(ports, installAccelerations(engineNatives()), pskOobEnrollee(ports.radio.mac()));
