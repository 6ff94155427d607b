/**
 * `--transport sim`: serve plays the configurator inside the simulator's world
 * (configurator/sim/), where the enrollees are the built enrollee bundle in
 * node:vm on the virtual clock, each flashed with its identity from the batch
 * directory exactly as `nowboard flash` would, over the simulated ESP-NOW medium
 * with its loss. For tests and demos: the same engine, core and suite as on
 * real boards, in virtual time.
 *
 * Host-driven, modelled: serve is a node of the medium (`serve`, at the centre
 * of the enrollees' circle) but not a board. Its CPU is a computer's: each call
 * into it (a frame, a timer) costs `cpuSecondsFor(work, 'host')`
 * (configurator/power/cost-table.ts, engine `host`: Node 20 on the development
 * machine), where the work is what the host suite counted (a whole X25519 as
 * `x25519Op`, 2.0 ms measured; SHA/AES blocks of node:crypto) plus one `event`.
 * As on a board, frames it sends in a call leave when that call's CPU time is
 * over, and events arriving meanwhile wait their turn (FIFO, no queue limit: a
 * computer's socket buffers are not an ESP32's event queue). A session costs it
 * about 4 ms, where the configurator bundle on an ESP32 spends about 33 s.
 *
 * `speed`: 0 runs virtual time as fast as the host can; N > 0 holds virtual time
 * to N × real time (a demo, or a test that must interrupt a run midway).
 */
import { makeWorld, World, Board, CpuSecondsFor } from '../sim/sim-world.ts';
import { vmLoader } from '../sim/vm-board.ts';
import { writeFiles } from '../batch/batch-protocol.ts';
import { cpuSecondsFor, ENGINE_HOST } from '../power/cost-table.ts';
import { deviceStorageFiles } from '../cli/device-files.ts';
import type { DeviceSecret } from '../cli/manifest.ts';
import { CliError } from '../cli/cli-errors.ts';
import type { RadioPort, ClockPort, MeterPort } from '../../firmware/ports/ports.ts';
import type { ServeTransport, TransportPorts } from './transport.ts';
import type { BatchInput } from './batch-input.ts';

export const SERVE_NODE = 'serve';
/** serve's MAC in the simulated world (locally administered). */
export const SERVE_SIM_MAC = new Uint8Array([0x02, 0x4e, 0x42, 0x53, 0x52, 0x56]);

export interface SimTransportOptions {
  input: BatchInput;
  /** the enrollees to put in the world (devices still to provision) and their secrets */
  devices: { id: string; secret: DeviceSecret }[];
  /** the enrollee bundle's source (dist/espruino/<protocol>/enrollee.js) */
  enrolleeSrc: string;
  seed: string | number;
  loss: number;
  /** virtual ms per real ms; 0 = as fast as possible */
  speed?: number;
  /** board engine for the enrollees' CPU model (default the simulator's: espruino-esp32-js) */
  engine?: string;
  /** the enrollees' CPU cost (default the simulator's estimates; a calibrated table for bench:energy) */
  cpuSecondsFor?: CpuSecondsFor;
  /** enrollees sit on a circle of this radius (m) around serve; default 5 */
  radiusM?: number;
  /** boot times spread over [0, bootSpreadMs); default 200 */
  bootSpreadMs?: number;
  /** virtual ms run between two looks at the event loop (signals, pacing); default 1000 */
  sliceMs?: number;
}

export interface SimTransport extends ServeTransport {
  world(): World;
  /** the enrollee boards, by device id */
  boards(): Map<string, Board>;
  /** serve's CPU busy time so far (virtual ms) */
  hostBusyMs(): number;
}

/** Access points for every configuration's network (one PSK per SSID, as a real access point has). */
function accessPoints(input: BatchInput): { [ssid: string]: string } {
  const aps: { [ssid: string]: string } = {};
  for (const d of input.devices) {
    if (!d.config) continue;
    const was = aps[d.config.ssid];
    if (was !== undefined && was !== d.config.psk) {
      throw new CliError('E_TRANSPORT', `--transport sim: network "${d.config.ssid}" has several passphrases (per-device Wi-Fi); the simulator's access points hold one each`);
    }
    aps[d.config.ssid] = d.config.psk;
  }
  return aps;
}

export function simTransport(o: SimTransportOptions): SimTransport {
  const aps = accessPoints(o.input);
  let world: World | null = null;
  const boards = new Map<string, Board>();
  let stopRun = false;
  let busyUntil = 0;
  let busyTotal = 0;
  const waiting: (() => void)[] = [];
  let drainAt = -1;
  let inCall = false;
  let callWork: { [unit: string]: number } = {};
  let pendingSends: { to: Uint8Array; bytes: Uint8Array; done?: (ok: boolean) => void }[] = [];
  let handler: ((from: Uint8Array, bytes: Uint8Array, rssi: number) => void) | null = null;

  function w(): World {
    if (!world) throw new Error('sim transport not open');
    return world;
  }

  /** Run fn as one call into serve under the CPU model (see the header). */
  function call(fn: () => void): void {
    const clock = w().clock;
    if (inCall || busyUntil > clock.now() || waiting.length > 0) {
      waiting.push(fn);
      scheduleDrain();
      return;
    }
    runCall(fn);
  }

  function runCall(fn: () => void): void {
    const clock = w().clock;
    const now = clock.now();
    inCall = true;
    callWork = { event: 1 };
    pendingSends = [];
    try {
      fn();
    } finally {
      inCall = false;
    }
    const busyMs = cpuSecondsFor(callWork, ENGINE_HOST) * 1000;
    busyUntil = now + busyMs;
    busyTotal += busyMs;
    const sends = pendingSends;
    pendingSends = [];
    for (const s of sends) medium(s.to, s.bytes, s.done, busyUntil);
  }

  function scheduleDrain(): void {
    const clock = w().clock;
    const at = Math.max(busyUntil, clock.now());
    if (drainAt >= 0 && drainAt <= at) return;
    drainAt = at;
    clock.at(at, () => {
      drainAt = -1;
      while (waiting.length > 0) {
        if (busyUntil > clock.now()) {
          scheduleDrain();
          return;
        }
        runCall(waiting.shift()!);
      }
    });
  }

  function medium(to: Uint8Array, bytes: Uint8Array, done: ((ok: boolean) => void) | undefined, notBefore: number): void {
    w().medium.send(SERVE_NODE, to, bytes, done ? (ok: boolean) => call(() => done(ok)) : undefined, notBefore);
  }

  const radio: RadioPort = {
    mac: () => new Uint8Array(SERVE_SIM_MAC),
    send(to, bytes, done) {
      // The medium's checks (250 B, 6-byte MAC) throw now, as the RadioPort contract says.
      w().medium.validate(SERVE_NODE, to, bytes);
      if (inCall) pendingSends.push({ to, bytes, done });
      else medium(to, bytes, done, busyUntil);
    },
    onReceive(h) {
      handler = h;
    },
  };

  const meter: MeterPort = {
    state() {},
    work(unit, n) {
      callWork[unit] = (callWork[unit] ?? 0) + n;
    },
  };

  const t: SimTransport = {
    name: 'sim',
    async open(): Promise<TransportPorts> {
      const wd = makeWorld({
        seed: o.seed,
        loadBundle: vmLoader(),
        medium: { link: { loss: o.loss } },
        accessPoints: aps,
        engine: o.engine,
        cpuSecondsFor: o.cpuSecondsFor,
        traceFrames: false,
      });
      world = wd;
      wd.medium.addNode({
        id: SERVE_NODE, mac: new Uint8Array(SERVE_SIM_MAC), x: 0, y: 0,
        onReceive: (from, data, rssi) => call(() => { if (handler) handler(from, data, rssi); }),
      });
      wd.medium.setRadio(SERVE_NODE, true);
      const r = o.radiusM ?? 5;
      o.devices.forEach((d, i) => {
        const a = (2 * Math.PI * i) / (o.devices.length || 1);
        const b = wd.addBoard({
          id: d.id, role: 'enrollee', src: o.enrolleeSrc,
          x: Math.round(r * Math.cos(a) * 100) / 100, y: Math.round(r * Math.sin(a) * 100) / 100,
        });
        writeFiles(b.storage, deviceStorageFiles(d.secret));
        boards.set(d.id, b);
      });
      const spread = o.bootSpreadMs ?? 200;
      const bootRng = wd.rng.fork('boot');
      for (const b of boards.values()) wd.boot(b, spread > 0 ? bootRng.int(spread) : 0);
      const serveRng = wd.rng.fork('serve');
      const clock: ClockPort = {
        now: () => wd.clock.now(),
        setTimer: (ms, cb) => wd.clock.after(ms, () => call(cb)),
        clearTimer: (id) => wd.clock.cancel(id),
      };
      return {
        radio,
        clock,
        meter,
        random: {
          bytes(n) {
            const out = new Uint8Array(n);
            for (let i = 0; i < n; i++) out[i] = serveRng.int(256);
            return out;
          },
        },
      };
    },
    async run(finished) {
      const wd = w();
      const slice = o.sliceMs ?? 1000;
      const speed = o.speed ?? 0;
      const realStart = Date.now();
      const virtStart = wd.clock.now();
      while (!stopRun && !finished()) {
        if (wd.clock.nextTime() < 0) return; // nothing left to happen (every board off): serve decides what that means
        let target = wd.clock.now() + slice;
        if (speed > 0) {
          const allowed = virtStart + (Date.now() - realStart) * speed;
          if (allowed < wd.clock.now() + 1) {
            await new Promise((r) => setTimeout(r, Math.min(100, Math.ceil((wd.clock.now() + 1 - allowed) / speed))));
            continue;
          }
          target = Math.min(target, allowed);
        }
        // Every event up to target (or until finished); then time stands at target.
        if (!wd.clock.runUntil(finished, target)) wd.clock.run(target);
        // Let signals and I/O in between slices (Ctrl-C reaches serve here).
        await new Promise((r) => setImmediate(r));
      }
    },
    nudge() {},
    async close() {
      stopRun = true;
    },
    info() {
      let crashes = 0;
      for (const b of boards.values()) crashes += b.crashes.length;
      return { seed: String(o.seed), loss: o.loss, enrollees: o.devices.length, virtualMs: world ? Math.round(world.clock.now()) : 0, crashes };
    },
    world: w,
    boards: () => boards,
    hostBusyMs: () => busyTotal,
  };
  return t;
}
