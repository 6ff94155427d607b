// psk-oob enrollee bundle entry: bind the ports of this engine and its
// out-of-band channel, install its accelerations (native AES), start the app
// on the lean one-role runtime (same Role seam; README §9).
import { bindPorts, bindOob, engineNatives } from 'nowboard-platform';
import { installAccelerations } from '../engine-accel.ts';
import { startLeanEnrollee } from '../lean-enrollee-app.ts';
import { pskOobEnrollee, REKEY_FILE } from './enrollee-spec.ts';

var ports = bindPorts();
ports.oob = bindOob();
var rt = startLeanEnrollee(ports, installAccelerations(engineNatives()), pskOobEnrollee(ports.radio.mac()));
// A later re-key (README §2): the file `nb.rekey` present at boot (written from the
// console, like nb.reset) starts the flow again under the current PSK.
if (rt && ports.storage.read(REKEY_FILE)) {
  ports.storage.erase(REKEY_FILE);
  rt.dispatch({ t: 'command', op: 'rekey' } as any);
}
