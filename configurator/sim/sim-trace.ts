/**
 * The simulator's trace: one record per frame outcome at one receiver, plus
 * board events (boot, report, crash, power cut). Serialised to JSON (one
 * record per line, keys in a fixed order) and to readable text (one line per
 * record). Only virtual time and seeded draws reach it, so the same seed gives
 * byte-identical output.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */

export interface FrameRecord {
  kind: 'frame';
  /** Virtual ms at which the outcome happened (delivery, drop, refusal). */
  t: number;
  /** Sender board id and MAC. */
  from: string;
  fromMac: string;
  /** Receiver board id ('*' when no node owns the destination), and the destination MAC of the frame. */
  to: string;
  toMac: string;
  len: number;
  hex: string;
  outcome: 'delivered' | 'dropped' | 'duplicated' | 'refused' | 'held';
  /** Why: 'ok', 'loss', 'out-of-range', 'partition', 'radio-off', 'no-such-peer', 'too-large', 'released', ... */
  reason: string;
  /** MAC attempt number (1-based) for unicast; 1 for broadcast. */
  attempt: number;
  rssi: number;
}

export interface BoardRecord {
  kind: 'board';
  t: number;
  board: string;
  /** 'boot', 'report', 'print', 'crash', 'power-cut', 'reboot', 'send-status' */
  ev: string;
  detail: string;
}

export type TraceRecord = FrameRecord | BoardRecord;

export interface Trace {
  /** In insertion order; toJSON/toText print them in time order. */
  records: TraceRecord[];
  add(r: TraceRecord): void;
  frames(): FrameRecord[];
  toJSON(): string;
  toText(): string;
}

var HEX = '0123456789abcdef';

export function bytesToHex(b: Uint8Array): string {
  var s = '';
  for (var i = 0; i < b.length; i++) s += HEX.charAt(b[i] >> 4) + HEX.charAt(b[i] & 15);
  return s;
}

export function macText(m: Uint8Array): string {
  var parts: string[] = [];
  for (var i = 0; i < m.length; i++) parts.push(HEX.charAt(m[i] >> 4) + HEX.charAt(m[i] & 15));
  return parts.join(':');
}

/** Fixed 3-decimal ms so float noise never reaches the trace text. */
export function fmtMs(t: number): string {
  return (Math.round(t * 1000) / 1000).toFixed(3);
}

function pad(s: string, n: number): string {
  while (s.length < n) s = ' ' + s;
  return s;
}

function padRight(s: string, n: number): string {
  while (s.length < n) s += ' ';
  return s;
}

function recordJson(r: TraceRecord): string {
  if (r.kind === 'frame') {
    return JSON.stringify({
      kind: r.kind, t: fmtMs(r.t), from: r.from, fromMac: r.fromMac, to: r.to, toMac: r.toMac,
      len: r.len, outcome: r.outcome, reason: r.reason, attempt: r.attempt, rssi: r.rssi, hex: r.hex,
    });
  }
  return JSON.stringify({ kind: r.kind, t: fmtMs(r.t), board: r.board, ev: r.ev, detail: r.detail });
}

function recordText(r: TraceRecord): string {
  if (r.kind === 'frame') {
    return pad(fmtMs(r.t), 12) + ' ms  ' + padRight(r.from, 8) + ' -> ' + padRight(r.to, 8) + ' ' +
      padRight(r.outcome, 10) + ' ' + padRight(r.reason, 13) + ' len=' + pad(String(r.len), 3) +
      ' try=' + r.attempt + ' rssi=' + r.rssi + ' dst=' + r.toMac + ' ' + r.hex;
  }
  return pad(fmtMs(r.t), 12) + ' ms  ' + padRight(r.board, 8) + ' ' + r.ev + ' ' + r.detail;
}

/**
 * Records in time order. Drops are recorded when a transmission starts but
 * stamped with its end, so insertion order is not quite time order; the sort
 * is stable (ties keep insertion order), hence still deterministic.
 */
function inTimeOrder(records: TraceRecord[]): TraceRecord[] {
  var idx: { r: TraceRecord; i: number }[] = [];
  for (var i = 0; i < records.length; i++) idx.push({ r: records[i], i: i });
  idx.sort(function (a, b) {
    return a.r.t - b.r.t || a.i - b.i;
  });
  var out: TraceRecord[] = [];
  for (var j = 0; j < idx.length; j++) out.push(idx[j].r);
  return out;
}

export function makeTrace(): Trace {
  var trace: Trace = {
    records: [],
    add: function (r: TraceRecord) {
      trace.records.push(r);
    },
    frames: function () {
      var out: FrameRecord[] = [];
      for (var i = 0; i < trace.records.length; i++) {
        var r = trace.records[i];
        if (r.kind === 'frame') out.push(r);
      }
      return out;
    },
    toJSON: function () {
      var lines: string[] = [];
      var rs = inTimeOrder(trace.records);
      for (var i = 0; i < rs.length; i++) lines.push(recordJson(rs[i]));
      return '[\n' + lines.join(',\n') + '\n]\n';
    },
    toText: function () {
      var lines: string[] = [];
      var rs = inTimeOrder(trace.records);
      for (var i = 0; i < rs.length; i++) lines.push(recordText(rs[i]));
      return lines.join('\n') + '\n';
    },
  };
  return trace;
}
