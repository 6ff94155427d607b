// Placeholder host binding; replaced by the real one (issue 2, platform bindings).
import type { Ports } from '../../ports/ports.ts';
declare var print: (s: string) => void;
export function bindPorts(): Ports {
  return { log: { log: function (_l: number, m: string) { print(m); } } } as unknown as Ports;
}
