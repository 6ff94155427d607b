/**
 * `--transport bridge:/dev/ttyUSB0`: an ESP32 running the radio bridge on a
 * serial line becomes serve's radio (issue 13, part 3; the host side is
 * configurator/transport/serial-bridge.ts, built separately). Real time.
 *
 * This build looks the bridge's host module up when the transport is opened;
 * without it, `--transport bridge:…` fails with a typed E_TRANSPORT before
 * anything is sent. The module is expected to give
 * `openSerialBridge({ path }) → RadioPort & { ready(ms), state(), on('gone'|'back'), close() }`;
 * while the bridge is gone serve keeps its sessions (the core retries on its
 * timers) and the link state shows in `info()`.
 */
import { CliError } from '../cli/cli-errors.ts';
import type { RadioPort } from '../../firmware/ports/ports.ts';
import { ServeTransport, TransportPorts, realTimeRunner, realClock } from './transport.ts';

/** What serve uses of the bridge's host module. */
interface BridgeLike extends RadioPort {
  ready(timeoutMs: number): Promise<unknown>;
  state(): string;
  on(ev: string, fn: (...a: any[]) => void): unknown;
  close(): Promise<void>;
}

/** Where the bridge's host module lives (relative to this file). */
export const BRIDGE_MODULE = '../transport/serial-bridge.ts';

export interface BridgeTransportOptions {
  path: string;
  /** how long to wait for the bridge's first HELLO */
  readyMs?: number;
  /** for tests: load the module some other way */
  load?: () => Promise<any>;
}

export function bridgeTransport(o: BridgeTransportOptions): ServeTransport {
  const runner = realTimeRunner();
  let bridge: BridgeLike | null = null;
  let outages = 0;
  return {
    name: 'bridge:' + o.path,
    async open(): Promise<TransportPorts> {
      let mod: any;
      try {
        // A computed specifier: this build must compile and run without the module.
        const spec = BRIDGE_MODULE;
        mod = await (o.load ? o.load() : import(new URL(spec, import.meta.url).href));
      } catch (e) {
        mod = null;
      }
      if (!mod || typeof mod.openSerialBridge !== 'function') {
        throw new CliError('E_TRANSPORT', 'bridge transport not available in this build (configurator/transport/serial-bridge.ts is missing); use --transport udp or sim');
      }
      try {
        bridge = mod.openSerialBridge({ path: o.path }) as BridgeLike;
        await bridge.ready(o.readyMs ?? 5000);
      } catch (e) {
        if (bridge) await bridge.close().catch(() => {});
        throw new CliError('E_TRANSPORT', `--transport bridge:${o.path}: no bridge answering: ${(e as Error).message}`);
      }
      bridge.on('gone', () => {
        outages++;
      });
      return { radio: bridge, clock: realClock() };
    },
    run: runner.run,
    nudge: runner.nudge,
    async close() {
      if (bridge) await bridge.close();
    },
    info() {
      return { path: o.path, state: bridge ? bridge.state() : 'closed', outages };
    },
  };
}
