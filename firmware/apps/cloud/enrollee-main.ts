// Cloud node bundle entry: bind the ports of this engine, install its
// accelerations, start the app. The build aliases `nowboard-platform` per target.
import { bindPorts, engineNatives } from 'nowboard-platform';
import { installAccelerations } from '../engine-accel.ts';
import { startEnrollee } from '../enrollee-app.ts';
import { cloudNode } from './enrollee-spec.ts';

startEnrollee(bindPorts(), installAccelerations(engineNatives()), cloudNode());
