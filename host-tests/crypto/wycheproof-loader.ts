/**
 * One loader for every Wycheproof file (C2SP/wycheproof testvectors_v1, copied
 * byte-identical into host-tests/vectors/wycheproof; provenance and licence in
 * SOURCE.md there),
 * and one tally that every crypto suite uses, so "100% of applicable vectors" means
 * the same thing in every file:
 *
 *   - every test of the file is either run (applicable) or skipped with a stated
 *     reason; assertAllPassed() fails if the two do not add up to the file's
 *     numberOfTests, so a suite cannot silently drop vectors;
 *   - valid      → must be accepted, with the expected output;
 *   - invalid    → must be rejected (returning "not accepted" or throwing);
 *   - acceptable → either is fine, but an accepted output must still match.
 *
 * Host-only (Node): reads files with node:fs. Nothing here ships on a board.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One test case; the algorithm-specific fields (key, iv, msg, tag, ...) are loose. */
export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface WycheproofGroup {
  type?: string;
  tests: WycheproofTest[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface WycheproofFile {
  algorithm: string;
  schema?: string;
  numberOfTests: number;
  notes?: { [flag: string]: { bugType?: string; description?: string } };
  testGroups: WycheproofGroup[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

// This file is <repoRoot>/host-tests/crypto/wycheproof-loader.ts; the vectors live
// in the repository, <repoRoot>/host-tests/vectors/wycheproof.
var HERE = dirname(fileURLToPath(import.meta.url));
export var REPO_ROOT = resolve(HERE, '..', '..');
export var WYCHEPROOF_DIR = resolve(REPO_ROOT, 'host-tests', 'vectors', 'wycheproof');

/** Path of a vector file, e.g. wycheproofPath('aes_ccm_test.json'). */
export function wycheproofPath(file: string): string {
  return join(WYCHEPROOF_DIR, file);
}

/** Parsed JSON of host-tests/vectors/wycheproof/<file>. Throws if absent or malformed. */
export function loadWycheproof(file: string): WycheproofFile {
  var data = JSON.parse(readFileSync(wycheproofPath(file), 'utf8')) as WycheproofFile;
  if (!data || !Array.isArray(data.testGroups)) throw new Error('wycheproof ' + file + ': no testGroups');
  return data;
}

/** What a check of one vector concluded. */
export type WycheproofOutcome =
  /** not run, with the reason (e.g. "AES-256 key: boards use AES-128 only") */
  | { skip: string }
  /**
   * accepted: the implementation accepted the input (produced an output / verified).
   * mismatch: set when accepted but the output differs from the expected one
   * (always a failure, whatever the vector's result).
   */
  | { accepted: boolean; mismatch?: string };

export interface WycheproofFailure {
  tcId: number;
  result: string;
  comment: string;
  why: string;
}

/**
 * Counts of one file's run. Use record()/skip() per test, or runWycheproof() to do
 * the loop; then assertAllPassed().
 */
export class WycheproofTally {
  file: string;
  numberOfTests: number;
  applicable = 0;
  validAccepted = 0;
  invalidRejected = 0;
  acceptableAccepted = 0;
  acceptableRejected = 0;
  skipped = 0;
  skipReasons: { [reason: string]: number } = {};
  /** rejection reasons of invalid/acceptable vectors (error messages, "null", ...), for the log */
  rejectReasons: { [reason: string]: number } = {};
  failures: WycheproofFailure[] = [];

  constructor(file: string, numberOfTests: number) {
    this.file = file;
    this.numberOfTests = numberOfTests;
  }

  skip(t: WycheproofTest, reason: string): void {
    this.skipped++;
    this.skipReasons[reason] = (this.skipReasons[reason] || 0) + 1;
    void t;
  }

  /**
   * Record one applicable vector. `accepted` = the implementation accepted it;
   * `mismatch` = accepted, but the output differs from the expected one;
   * `rejectReason` = short text of why it was rejected (for the summary).
   */
  record(t: WycheproofTest, accepted: boolean, mismatch?: string, rejectReason?: string): void {
    this.applicable++;
    var fail = (why: string) => {
      this.failures.push({ tcId: t.tcId, result: t.result, comment: t.comment, why: why });
    };
    if (!accepted && rejectReason !== undefined) {
      var key = rejectReason.length > 60 ? rejectReason.substring(0, 60) : rejectReason;
      this.rejectReasons[key] = (this.rejectReasons[key] || 0) + 1;
    }
    if (accepted && mismatch !== undefined) {
      fail('accepted with a wrong output: ' + mismatch);
      return;
    }
    if (t.result === 'valid') {
      if (accepted) this.validAccepted++;
      else fail('valid vector rejected' + (rejectReason ? ' (' + rejectReason + ')' : ''));
    } else if (t.result === 'invalid') {
      if (!accepted) this.invalidRejected++;
      else fail('invalid vector accepted');
    } else if (t.result === 'acceptable') {
      if (accepted) this.acceptableAccepted++;
      else this.acceptableRejected++;
    } else {
      fail('unknown result ' + JSON.stringify(t.result));
    }
  }

  /** One line for the test log. */
  summary(): string {
    var s =
      'wycheproof ' + this.file + ': ' + this.numberOfTests + ' tests, ' + this.applicable + ' applicable — ' +
      this.validAccepted + ' valid accepted, ' + this.invalidRejected + ' invalid rejected, ' +
      (this.acceptableAccepted + this.acceptableRejected) + ' acceptable (' + this.acceptableAccepted +
      ' accepted / ' + this.acceptableRejected + ' rejected); ' + this.skipped + ' skipped';
    var reasons = Object.keys(this.skipReasons);
    if (reasons.length) {
      s += ' [' + reasons.map((r) => this.skipReasons[r] + ': ' + r).join('; ') + ']';
    }
    s += '; ' + this.failures.length + ' failed';
    return s;
  }

  /**
   * Logs the summary line, then throws unless every applicable vector passed,
   * at least one vector was applicable, and applicable + skipped covers the file.
   */
  assertAllPassed(): void {
    console.log(this.summary());
    if (this.failures.length) {
      var lines = this.failures.slice(0, 40).map((f) => '  tcId ' + f.tcId + ' (' + f.result + ', ' + f.comment + '): ' + f.why);
      throw new Error(
        'wycheproof ' + this.file + ': ' + this.failures.length + ' of ' + this.applicable + ' applicable vectors failed, tcIds ' +
          this.failures.map((f) => f.tcId).join(',') + '\n' + lines.join('\n'),
      );
    }
    if (this.applicable === 0) throw new Error('wycheproof ' + this.file + ': no applicable vectors were run');
    if (this.applicable + this.skipped !== this.numberOfTests) {
      throw new Error(
        'wycheproof ' + this.file + ': ran ' + this.applicable + ' + skipped ' + this.skipped + ' != numberOfTests ' + this.numberOfTests,
      );
    }
  }
}

/**
 * Drive every vector of `file` through `check` and return the tally (call
 * assertAllPassed() on it). An exception thrown by `check` counts as a rejection
 * (its message is kept as the reject reason): right for invalid vectors whose
 * parameters the implementation refuses, and a failure for valid ones.
 */
export function runWycheproof(
  file: string,
  check: (t: WycheproofTest, g: WycheproofGroup) => WycheproofOutcome,
  data?: WycheproofFile,
): WycheproofTally {
  var d = data || loadWycheproof(file);
  var tally = new WycheproofTally(file, d.numberOfTests);
  for (var gi = 0; gi < d.testGroups.length; gi++) {
    var g = d.testGroups[gi];
    for (var ti = 0; ti < g.tests.length; ti++) {
      var t = g.tests[ti];
      var out: WycheproofOutcome;
      try {
        out = check(t, g);
      } catch (e) {
        tally.record(t, false, undefined, e instanceof Error ? e.message : String(e));
        continue;
      }
      if ('skip' in out) tally.skip(t, out.skip);
      else tally.record(t, out.accepted, out.mismatch, out.accepted ? undefined : 'not accepted');
    }
  }
  return tally;
}

/** Hex → bytes for vectors (Node-side convenience; firmware uses bytes.ts fromHex). */
export function hexBytes(h: string): Uint8Array {
  return new Uint8Array(Buffer.from(h, 'hex'));
}
