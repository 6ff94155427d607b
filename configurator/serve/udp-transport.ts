/**
 * `--transport udp`: the boards and this computer on one network, frames in
 * the UDP framing of docs/udp-binding.md (configurator/transport/udp-radio.ts),
 * real time. On a provisioning network bind `--host 0.0.0.0 --port 47100` and
 * give the subnet's broadcast address as `--peers 192.168.4.255:47100` (where
 * the boards' dgram fallback listens, firmware/platform/espruino/index.ts);
 * on one machine (boards as processes) the defaults, loopback, do.
 *
 * serve only ever answers: every frame it sends is unicast to the address the
 * enrollee's announcement came from (learned per MAC), so `--peers` matters
 * only for frames to a board not heard from yet, which the whitelist
 * configurator never sends.
 */
import { createUdpRadio, UdpRadio } from '../transport/udp-radio.ts';
import { CliError } from '../cli/cli-errors.ts';
import { ServeTransport, TransportPorts, realTimeRunner, realClock } from './transport.ts';

export interface UdpTransportOptions {
  mac: Uint8Array;
  /** address to bind (default 127.0.0.1) */
  host?: string;
  /** UDP port to bind (0 = any free one) */
  port?: number;
  /** loopback ports or "address:port" */
  peers?: (number | string)[];
}

export interface UdpTransport extends ServeTransport {
  radio(): UdpRadio | null;
}

export function udpTransport(o: UdpTransportOptions): UdpTransport {
  const runner = realTimeRunner();
  let radio: UdpRadio | null = null;
  return {
    name: 'udp',
    async open(): Promise<TransportPorts> {
      try {
        radio = await createUdpRadio({ mac: o.mac, host: o.host, port: o.port, peers: o.peers });
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new CliError('E_TRANSPORT', `--transport udp: cannot use ${o.host ?? '127.0.0.1'}:${o.port ?? 0}: ${err.code ?? err.message}`);
      }
      return { radio, clock: realClock() };
    },
    run: runner.run,
    nudge: runner.nudge,
    async close() {
      if (radio) await radio.close();
    },
    info(): { [k: string]: string | number | boolean } {
      if (!radio) return { host: o.host ?? '127.0.0.1', port: o.port ?? 0 };
      const s = radio.stats;
      return {
        host: o.host ?? '127.0.0.1', port: radio.port, peers: radio.peers.map((p) => p.address + ':' + p.port).join(','),
        sent: s.sent, received: s.received, dropped: s.short + s.long + s.notForUs + s.own, sendErrors: s.sendErrors,
      };
    },
    radio: () => radio,
  };
}
