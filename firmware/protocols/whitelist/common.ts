/**
 * Small helpers shared by the two whitelist cores: the event, effect and step
 * types (firmware/runtime/events.ts with this protocol's commands), copy-on-write cloning (the cores never mutate the state they
 * are given, so a rejected frame leaves the caller's state object untouched).
 */
import { WlConfig } from './records.ts';
import { CoreEvent, CoreEffect, Step } from '../../runtime/events.ts';

/** Operator commands of the whitelist configurator (README §8.2); checked field by field at run time. */
export interface WlCommand {
  op: string;
  hash?: Uint8Array;
  group?: string;
  ss?: Uint8Array;
  config?: WlConfig;
}

/** Events a core accepts (README §8): the product's typed events with this protocol's commands. */
export type WlEvent = CoreEvent<WlCommand>;

/** Effects a core returns; the runtime carries them out in order. */
export type WlEffect = CoreEffect;

/** One step: the next state, the effects, a transition name for the log, and a code (0 = accepted). */
export type WlStep<S> = Step<S>;

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
