/**
 * `npm run fuzz`: the whitelist fuzzer (whitelist-fuzz.ts) over at least a
 * million frames, with the reference crypto (@noble + node:crypto) so the
 * protocol logic, not the pure-JS primitives, sets the pace; then a slice with
 * the firmware's own crypto. Prints frames/s and what was reached; exits 1 with
 * the seed and the input on the first violation.
 *
 *   npm run fuzz                     # 1,000,000 frames, seed 1
 *   npm run fuzz -- --frames 5e6 --seed 7
 */
import { runFuzz, FuzzFailure, FuzzStats } from './whitelist-fuzz.ts';
import { loadCorpus } from './corpus.ts';
import { nobleSuite } from '../protocol/noble-suite.ts';
import { firmwareSuite } from '../../firmware/protocols/whitelist/suite-x25519.ts';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf('--' + name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isFinite(v) || v < 1) {
    process.stderr.write(`--${name} must be a positive number\n`);
    process.exit(2);
  }
  return Math.floor(v);
}

function report(label: string, s: FuzzStats): void {
  const top = (m: { [k: string]: number }, n: number) =>
    Object.entries(m).sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`${label}: ${s.frames.toLocaleString('en')} frames (+${s.events.toLocaleString('en')} stray events) in ${s.seconds.toFixed(1)} s = ${s.framesPerSecond.toLocaleString('en')} frames/s`);
  console.log(`  ${s.forged.toLocaleString('en')} forged, ${s.authentic.toLocaleString('en')} authentic copies; ${s.phases.length} targets (role × phase × suite)`);
  console.log(`  decoder: ${top(s.decoded, 12)}`);
  console.log(`  cores:   ${Object.keys(s.outcomes).length} distinct (target, code) outcomes; most frequent: ${top(s.outcomes, 6)}`);
}

const frames = arg('frames', 1_000_000);
const seed = arg('seed', 1);
const corpus = loadCorpus();
try {
  report('reference crypto', runFuzz({ seed, frames, suite: nobleSuite(), corpus }));
  const slice = Math.max(1, Math.floor(frames / 20));
  report('firmware crypto', runFuzz({ seed: seed + 1, frames: slice, suite: firmwareSuite(), corpus }));
  console.log('fuzz ok: no throw, no state change on a refused frame, no effect from a forged frame');
} catch (e) {
  if (e instanceof FuzzFailure) {
    console.error(e.message);
    process.exit(1);
  }
  throw e;
}
