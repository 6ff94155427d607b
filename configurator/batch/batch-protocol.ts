/**
 * What the simulator's batch needs from a protocol (issue 8 "one seam"): keys
 * for N enrollees and M configurators from the world's seeded RNG, and each
 * board's Storage files exactly as `nowboard keygen` + `flash.sh` would write a
 * real board. `configurator/batch/batch-scenario.ts` runs any protocol through
 * this; the CLI picks one by name (configurator/protocols/index.ts).
 *
 * ES5-safe where the protocol's batch must run in Duktape too (whitelist).
 */
import { WlConfig } from '../../firmware/protocols/whitelist/records.ts';
import { World } from '../sim/sim-world.ts';

/** Raw (slot-framed) Storage files: name → bytes. */
export type RawFiles = { [raw: string]: Uint8Array };

export interface BatchEnrollee {
  index: number;
  /** which configurator (index) provisions it */
  owner: number;
  /** how the configurator's audit log names it (key hash, serial number, identity) */
  device: string;
}

export interface BatchConfigurator {
  index: number;
  /** what an enrollee pins to trust this configurator (a public key), if the protocol pins one */
  anchor: Uint8Array;
}

export interface SimBatch {
  configurators: BatchConfigurator[];
  enrollees: BatchEnrollee[];
}

export interface BatchOptions {
  enrollees: number;
  configurators: number;
  /** n random bytes per call (the world's seeded RNG) */
  random: (n: number) => Uint8Array;
}

/** A configuration record (version, SSID, PSK, settings): what every protocol delivers. */
export type DeviceConfig = WlConfig;

export interface ConfiguratorFileOptions {
  /** group configurations; '' is the default group */
  groups: { [group: string]: DeviceConfig };
  /** per-device configurations by enrollee index */
  devices?: { [index: number]: DeviceConfig };
  /** enrollee indexes left out of this configurator's device list */
  unlisted?: number[];
  /** enrollee indexes listed as revoked */
  revoked?: number[];
  /** let the configurator precompute per-device secrets at keygen (default true) */
  precompute?: boolean;
}

export interface BatchProtocol<B extends SimBatch = SimBatch> {
  /** `--protocol NAME` (firmware/codec/protocol-ids.ts PROTOCOL_NAMES) */
  name: string;
  makeBatch(o: BatchOptions): B;
  /** an enrollee's files; `anchor` is the trust anchor it pins (default: its owner's) */
  enrolleeFiles(batch: B, index: number, anchor?: Uint8Array): RawFiles;
  configuratorFiles(batch: B, ci: number, o: ConfiguratorFileOptions): RawFiles;
  /** optional: arrange the world before boot (links, partitions) once every flash is written */
  prepareWorld?(world: World, batch: B): void;
}

export function contains(a: number[] | undefined, v: number): boolean {
  if (!a) return false;
  for (var i = 0; i < a.length; i++) if (a[i] === v) return true;
  return false;
}

/** Write raw files into an Espruino-like Storage module (the simulator's flash). */
export function writeFiles(storage: { write(name: string, data: any): any }, files: RawFiles): void {
  for (var name in files) storage.write(name, files[name]);
}
