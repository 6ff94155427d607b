/**
 * The protocols the host side can run, by `--protocol NAME`: what the
 * simulator's batch needs (configurator/batch/batch-protocol.ts) and where each
 * board bundle is. A protocol appears here once its batch exists; `keygen`,
 * `sim` and the manifest accept exactly these names.
 */
import { PROTOCOL_NAMES } from '../../firmware/codec/protocol-ids.ts';
import { BatchProtocol } from '../batch/batch-protocol.ts';
import { whitelistBatch } from '../batch/whitelist-batch.ts';
import { ecqvBatch, ecqvAfterBatch } from '../batch/ecqv-batch.ts';
import { cloudBatch } from '../batch/cloud-batch.ts';
import { pskOobBatch, pskOobAfterBatch } from '../batch/psk-oob-batch.ts';
import { I_KEY_STORED } from '../../firmware/protocols/cloud/codes.ts';
import { World } from '../sim/sim-world.ts';
import { CliError } from '../cli/cli-errors.ts';
import type { StepRule } from '../power/provisioning-energy.ts';

export interface HostProtocol {
  id: number;
  name: string;
  /** one line for `nowboard help` */
  summary: string;
  batch: BatchProtocol<any>;
  /** optional: what `nowboard sim` runs after the batch is provisioned (ecqv: pairing with the configurator off) */
  afterBatch?: (world: World, batch: any, maxMs: number) => { ok: boolean; lines: string[] };
  /** step marks of the protocol's own codes, for energy per step (docs/power-model.md); the common ones apply to all */
  steps?: StepRule[];
}

export const HOST_PROTOCOLS: HostProtocol[] = [
  { id: 1, name: PROTOCOL_NAMES[1], summary: 'whitelisted X25519 keys, challenge-response (paper 003)', batch: whitelistBatch },
  { id: 2, name: PROTOCOL_NAMES[2], summary: 'ECQV implicit certificates, pairwise keys with the CA off (paper 002)', batch: ecqvBatch, afterBatch: ecqvAfterBatch },
  {
    id: 3, name: PROTOCOL_NAMES[3], summary: 'border routers + Authentication Cloud, ECIES key delivery (paper 000)', batch: cloudBatch,
    steps: [{
      ev: 'report', code: I_KEY_STORED, step: 'key agreement', afterBusy: 'configuration',
      why: 'I_KEY_STORED: the callback that decrypted the KEY (its CPU work is the ECDH); then the configuration is received',
    }],
  },
  { id: 4, name: PROTOCOL_NAMES[4], summary: 'AES-only re-keying of the installer key over an out-of-band channel (paper 001)', batch: pskOobBatch, afterBatch: pskOobAfterBatch },
];

export const DEFAULT_PROTOCOL = 'whitelist';

export function protocolNames(): string[] {
  return HOST_PROTOCOLS.map((p) => p.name);
}

/** The protocol of that name, or a typed error listing the known ones. */
export function hostProtocol(name: string, where = '--protocol'): HostProtocol {
  const p = HOST_PROTOCOLS.find((x) => x.name === name);
  if (!p) throw new CliError('E_FLAG_VALUE', `${where}: unknown protocol "${name}" (one of: ${protocolNames().join(', ')})`);
  return p;
}

/** Path (relative to the repository) of a protocol's bundle for a platform and role. */
export function bundlePath(protocol: string, role: 'enrollee' | 'configurator', platform: 'espruino' | 'jerryscript' = 'espruino'): string {
  return `dist/${platform}/${protocol}/${role}.js`;
}
