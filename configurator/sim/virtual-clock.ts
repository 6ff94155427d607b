/**
 * Discrete-event scheduler on virtual milliseconds. Events are ordered by
 * (time, sequence number): two events at the same time run in the order they
 * were scheduled, so a run never depends on heap internals. Nothing here reads
 * a real clock.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */

interface Entry {
  at: number;
  seq: number;
  fn: () => void;
}

export interface VirtualClock {
  /** Current virtual time in ms. */
  now(): number;
  /** Run fn at absolute time `at` (clamped to now). Returns an id for cancel(). */
  at(at: number, fn: () => void): number;
  /** Run fn `delayMs` from now. */
  after(delayMs: number, fn: () => void): number;
  cancel(id: number): void;
  /** Number of events still queued (cancelled ones excluded). */
  pending(): number;
  /** Time of the next live event, or -1. */
  nextTime(): number;
  /** Run the next event; false if there was none. */
  step(): boolean;
  /** Run every event due at or before untilMs, then set the time to untilMs. */
  run(untilMs: number): void;
  /**
   * Run events until pred() is true (checked before the first and after every
   * event) or the next event is later than maxMs. Returns pred()'s last value.
   */
  runUntil(pred: () => boolean, maxMs: number): boolean;
  /** Events run so far. */
  steps(): number;
}

function before(x: Entry, y: Entry): boolean {
  return x.at < y.at || (x.at === y.at && x.seq < y.seq);
}

export function makeClock(): VirtualClock {
  var heap: Entry[] = [];
  var cancelled: { [seq: number]: boolean } = {};
  /** Sequence numbers still in the heap, so cancel() of a stale id is a no-op. */
  var live: { [seq: number]: boolean } = {};
  var cancelledCount = 0;
  var nowMs = 0;
  var nextSeq = 1;
  var stepCount = 0;

  function push(e: Entry): void {
    live[e.seq] = true;
    heap.push(e);
    var i = heap.length - 1;
    while (i > 0) {
      var parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      var tmp = heap[i];
      heap[i] = heap[parent];
      heap[parent] = tmp;
      i = parent;
    }
  }

  function pop(): Entry {
    var top = heap[0];
    delete live[top.seq];
    var last = heap.pop() as Entry;
    if (heap.length > 0) {
      heap[0] = last;
      var i = 0;
      var n = heap.length;
      for (;;) {
        var l = 2 * i + 1;
        var r = l + 1;
        var m = i;
        if (l < n && before(heap[l], heap[m])) m = l;
        if (r < n && before(heap[r], heap[m])) m = r;
        if (m === i) break;
        var tmp = heap[i];
        heap[i] = heap[m];
        heap[m] = tmp;
        i = m;
      }
    }
    return top;
  }

  /** Drop cancelled entries sitting at the top of the heap. */
  function skipCancelled(): void {
    while (heap.length > 0 && cancelled[heap[0].seq]) {
      var e = pop();
      delete cancelled[e.seq];
      cancelledCount--;
    }
  }

  var clock: VirtualClock = {
    now: function () {
      return nowMs;
    },
    at: function (at: number, fn: () => void) {
      if (!(at >= nowMs)) at = nowMs; // also catches NaN
      var seq = nextSeq++;
      push({ at: at, seq: seq, fn: fn });
      return seq;
    },
    after: function (delayMs: number, fn: () => void) {
      return clock.at(nowMs + (delayMs > 0 ? delayMs : 0), fn);
    },
    cancel: function (id: number) {
      if (cancelled[id] || !live[id]) return;
      cancelled[id] = true;
      cancelledCount++;
    },
    pending: function () {
      return heap.length - cancelledCount;
    },
    nextTime: function () {
      skipCancelled();
      return heap.length > 0 ? heap[0].at : -1;
    },
    step: function () {
      skipCancelled();
      if (heap.length === 0) return false;
      var e = pop();
      nowMs = e.at;
      stepCount++;
      e.fn();
      return true;
    },
    run: function (untilMs: number) {
      for (;;) {
        skipCancelled();
        if (heap.length === 0 || heap[0].at > untilMs) break;
        clock.step();
      }
      if (untilMs > nowMs) nowMs = untilMs;
    },
    runUntil: function (pred: () => boolean, maxMs: number) {
      if (pred()) return true;
      for (;;) {
        skipCancelled();
        if (heap.length === 0 || heap[0].at > maxMs) return pred();
        clock.step();
        if (pred()) return true;
      }
    },
    steps: function () {
      return stepCount;
    },
  };
  return clock;
}
