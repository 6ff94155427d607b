// Radio bridge bundle entry (dist/espruino/bridge.js): bind the radio and the
// serial line of this engine, then forward frames both ways (bridge.ts).
import { bindBridge } from 'nowboard-platform';
import { startBridge } from './bridge.ts';

var b = bindBridge();
startBridge(b.radio, b.serial, b.clock, { boot: b.boot, crc: b.crc });
