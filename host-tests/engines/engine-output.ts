/**
 * Reading what an engine printed (run-engines.ts; tested in
 * engine-harness.test.ts): clean Espruino's console noise, find the
 * `NOWBOARD-ENGINE` lines, and judge a run. The line decides, not only the
 * exit code: Espruino exits 0 after an error in a callback and ignores quit()
 * at top level, so a run passes only with its PASS line, no FAIL line, a zero
 * exit status where the engine's status means something, and (for a scenario)
 * the very summary node:vm computed.
 */

export var TAG = 'NOWBOARD-ENGINE';

/** Espruino's Linux console: banner, CRs, "\x1b[J" line clears, ">" prompts. Harmless on other engines' output. */
export function cleanOutput(raw: string): string[] {
  var lines = raw.replace(/\r/g, '').replace(/\x1b\[J/g, '').split('\n');
  var out: string[] = [];
  var inBanner = false;
  for (var line of lines) {
    if (/^ ____ {2}/.test(line)) inBanner = true;
    if (inBanner) {
      if (/espruino\.com\/Donate/.test(line)) inBanner = false;
      continue;
    }
    out.push(line.replace(/^>+/, ''));
  }
  while (out.length && out[out.length - 1].trim() === '') out.pop();
  return out;
}

export interface RunJudgement {
  ok: boolean;
  /** The PASS or FAIL line (or why there is none). */
  line: string;
  /** What went wrong, when !ok. */
  why: string;
}

export interface JudgeOptions {
  /** The run is a control that must report FAIL (the harness can fail). */
  expectFail?: boolean;
  /** The engine's exit status is meaningful (not Espruino's). */
  exitStatusMeans: boolean;
  /** For a scenario: the summary node:vm printed for the same options. */
  summary?: string;
}

/** The summary block: the lines after `TAG START` and before the PASS/FAIL line or the trace dump. */
export function summaryBlock(lines: string[]): string | null {
  var start = lines.findIndex((l) => l.indexOf(TAG + ' START') === 0);
  if (start < 0) return null;
  var out: string[] = [];
  for (var i = start + 1; i < lines.length; i++) {
    var l = lines[i];
    if (l.indexOf(TAG + ' ') === 0) break;
    // summaryText: the seed line, the medium line, then one indented line per board.
    if (out.length >= 2 && !/^  \S/.test(l)) break;
    out.push(l);
  }
  return out.join('\n');
}

function firstDifference(a: string, b: string): string {
  var x = a.split('\n');
  var y = b.split('\n');
  for (var i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return 'line ' + (i + 1) + ':\n    engine:  ' + (x[i] === undefined ? '(none)' : x[i]) + '\n    node:vm: ' + (y[i] === undefined ? '(none)' : y[i]);
  }
  return '';
}

export function judgeRun(lines: string[], status: number | null, o: JudgeOptions): RunJudgement {
  var pass = lines.filter((l) => l.indexOf(TAG + ' PASS') === 0);
  var fail = lines.filter((l) => l.indexOf(TAG + ' FAIL') === 0);
  var line = fail[0] || pass[0] ? (fail[0] || pass[0]).substring(TAG.length + 1) : '(no ' + TAG + ' PASS/FAIL line)';
  if (o.expectFail) {
    if (pass.length) return { ok: false, line: line, why: 'the control reported PASS: the harness cannot fail' };
    if (!fail.length) return { ok: false, line: line, why: 'the control printed no FAIL line' };
    if (o.exitStatusMeans && status === 0) return { ok: false, line: line, why: 'the control exited 0' };
    return { ok: true, line: line, why: '' };
  }
  if (fail.length) return { ok: false, line: line, why: 'FAIL reported' };
  if (pass.length !== 1) return { ok: false, line: line, why: pass.length ? 'more than one PASS line' : 'no PASS line (crashed or cut short?)' };
  if (o.exitStatusMeans && status !== 0) return { ok: false, line: line, why: 'exit status ' + status };
  if (o.summary !== undefined) {
    var got = summaryBlock(lines);
    if (got !== o.summary) return { ok: false, line: line, why: 'summary differs from node:vm, ' + firstDifference(got || '', o.summary) };
  }
  return { ok: true, line: line, why: '' };
}
