/**
 * How `nowboard serve` reaches the boards. A transport gives the runtime a radio
 * with ESP-NOW semantics and the clock it runs on, and drives time until serve
 * is finished; serve's engine (serve-engine.ts) needs nothing else from it. One
 * file per transport; plugging a new one in is that file plus a line in
 * `openTransport` (transports.ts).
 *
 *   udp          real time, the UDP framing of docs/udp-binding.md (udp-transport.ts)
 *   sim          virtual time, the simulator's world with the enrollee bundles (sim-transport.ts)
 *   bridge:PATH  real time, an ESP32 radio bridge on a serial line (bridge-transport.ts)
 */
import type { RadioPort, ClockPort, RandomPort, MeterPort } from '../../firmware/ports/ports.ts';

export interface TransportPorts {
  radio: RadioPort;
  clock: ClockPort;
  /** Where the configurator's randomness comes from; default node:crypto (the simulator brings its seeded one). */
  random?: RandomPort;
  /** Where the runtime's CPU and work reports go; default: counted, not modelled. */
  meter?: MeterPort;
}

export interface ServeTransport {
  /** as given to --transport */
  readonly name: string;
  /** Open the link (sockets, serial line, the simulated world). A failure is a typed error; nothing was sent. */
  open(): Promise<TransportPorts>;
  /**
   * Resolve once `finished()` is true. Real-time transports re-check it when
   * `nudge()` is called (serve calls it after every change); the simulator runs
   * its world until then.
   */
  run(finished: () => boolean): Promise<void>;
  nudge(): void;
  close(): Promise<void>;
  /** A few facts for the status line and the audit log's run record (ports, peers, seed, link state). */
  info(): { [k: string]: string | number | boolean };
}

/** The real-time half of `run`/`nudge`, shared by the UDP and bridge transports. */
export function realTimeRunner(): { run(finished: () => boolean): Promise<void>; nudge(): void } {
  let check: (() => void) | null = null;
  return {
    run(finished) {
      return new Promise<void>((resolve) => {
        check = () => {
          if (finished()) {
            check = null;
            resolve();
          }
        };
        check();
      });
    },
    nudge() {
      // Later, not inside the runtime step that caused it: the step finishes first.
      if (check) setImmediate(() => check && check());
    },
  };
}

/** Node's wall clock and timers as a ClockPort (ms since the process started). */
export function realClock(): ClockPort {
  const t0 = performance.now();
  return {
    now: () => performance.now() - t0,
    setTimer: (ms, cb) => setTimeout(cb, ms) as unknown as number,
    clearTimer: (id) => clearTimeout(id as unknown as NodeJS.Timeout),
  };
}
