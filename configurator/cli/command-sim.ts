/** `nowboard sim` — placeholder until the simulator and the apps land (issue 4). */
import { FlagSpec, parseFlags } from './args.ts';
import { CliError } from './cli-errors.ts';

export const simFlags: Record<string, FlagSpec> = {
  count: { type: 'int', default: 16, min: 1, max: 1000, help: 'enrollees in the batch' },
  loss: { type: 'float', default: 0.1, min: 0, max: 0.95, help: 'frame loss probability per link' },
  seed: { type: 'string', default: 'nowboard', help: 'simulator seed (same seed, same run)' },
  out: { type: 'string', default: 'reports', help: 'report directory' },
};

export function cmdSim(argv: string[], _out: (s: string) => void): number {
  parseFlags(argv, simFlags, 'sim');
  throw new CliError('E_SIM', 'nowboard sim is not wired yet');
}
