/**
 * Small helpers shared by the two whitelist cores: the step result, event and
 * effect shapes, copy-on-write cloning (the cores never mutate the state they
 * are given, so a rejected frame leaves the caller's state object untouched).
 */
import { WlConfig } from './records.ts';

/** Events a core accepts (docs/whitelist-protocol.md §8). `rand` carries the randomness the core may use. */
export interface WlEvent {
  t: string;
  now?: number;
  rand?: Uint8Array;
  /** frame */
  from?: Uint8Array;
  bytes?: Uint8Array;
  /** timer */
  id?: string;
  /** wifi */
  result?: number;
  /** command */
  op?: string;
  hash?: Uint8Array;
  group?: string;
  ss?: Uint8Array;
  config?: WlConfig;
  [k: string]: any;
}

/** Effects a core returns; the runtime carries them out in order. */
export interface WlEffect {
  t: string;
  [k: string]: any;
}

/** One step: the next state, the effects, a transition name for the log, and a code (0 = accepted). */
export interface WlStep<S> {
  state: S;
  effects: WlEffect[];
  tr: string;
  code: number;
}

export function clone<T>(o: T): T {
  var r: any = {};
  var src: any = o;
  for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) r[k] = src[k];
  return r as T;
}

export function report(code: number, detail: string): WlEffect {
  return { t: 'report', code: code, detail: detail };
}

/** Random bytes of an event, or null when fewer than n were supplied. */
export function randOf(ev: WlEvent, n: number): Uint8Array | null {
  var r = ev.rand;
  if (!(r instanceof Uint8Array) || r.length < n) return null;
  return r;
}

export function isMac(m: any): boolean {
  return m instanceof Uint8Array && m.length === 6;
}
