/**
 * `--transport bridge:/dev/ttyUSB0`: an ESP32 running the radio bridge on a
 * serial line becomes serve's radio (issue 13, part 3; the host side is
 * configurator/transport/serial-bridge.ts). Real time.
 *
 * `openSerialBridge({ path })` gives a RadioPort plus ready/state/on/close; a
 * bridge that does not answer its first HELLO in time is a typed E_TRANSPORT
 * before anything is sent. While the bridge is gone serve keeps its sessions
 * (the core retries on its timers) and the link state shows in `info()`.
 */
import { CliError } from '../cli/cli-errors.ts';
import { openSerialBridge } from '../transport/serial-bridge.ts';
import type { RadioPort } from '../../firmware/ports/ports.ts';
import { ServeTransport, TransportPorts, realTimeRunner, realClock } from './transport.ts';

/** What serve uses of the bridge's host module. */
interface BridgeLike extends RadioPort {
  ready(timeoutMs: number): Promise<unknown>;
  state(): string;
  on(ev: string, fn: (...a: any[]) => void): unknown;
  close(): Promise<void>;
}

export interface BridgeTransportOptions {
  path: string;
  /** how long to wait for the bridge's first HELLO */
  readyMs?: number;
  /** for tests: a stand-in for the bridge's host module */
  load?: () => Promise<{ openSerialBridge: (o: { path: string }) => unknown }>;
}

export function bridgeTransport(o: BridgeTransportOptions): ServeTransport {
  const runner = realTimeRunner();
  let bridge: BridgeLike | null = null;
  let outages = 0;
  return {
    name: 'bridge:' + o.path,
    async open(): Promise<TransportPorts> {
      const mod = o.load ? await o.load() : { openSerialBridge };
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
