/**
 * Helpers shared by the two cloud cores: event/effect/step types with this
 * protocol's commands, copy-on-write cloning (a core never mutates the state it
 * is given), reports.
 */
import { CoreEvent, CoreEffect, Step } from '../../runtime/events.ts';
import { DeviceConfig } from '../../codec/config-record.ts';

/** Operator commands of the border router (README §8.2): configurations from the store. */
export interface CloudCommand {
  op: string;
  /** SHA-256 of the serial number (a device's own configuration) */
  hash?: Uint8Array;
  group?: string;
  config?: DeviceConfig;
  /** op 'recheck': a serial number to ask the Authentication Cloud about now */
  sn?: string;
}

export type CloudEvent = CoreEvent<CloudCommand>;
export type CloudStep<S> = Step<S>;

export function clone<T>(o: T): T {
  var r: any = {};
  var src: any = o;
  for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) r[k] = src[k];
  return r as T;
}

export function report(code: number, detail: string): CoreEffect {
  return { t: 'report', code: code, detail: detail };
}

export function randOf(ev: CloudEvent, n: number): Uint8Array | null {
  var r = ev.rand;
  if (!(r instanceof Uint8Array) || r.length < n) return null;
  return r;
}

export function isMac(m: any): boolean {
  return m instanceof Uint8Array && m.length === 6;
}

/** Wall-clock seconds of a board: its flashed clock plus `now`, never below a time it learned (README §4.3). */
export function wallSeconds(clock: number, learned: number, nowMs: number): number {
  var t = clock + Math.floor((nowMs > 0 ? nowMs : 0) / 1000);
  return t > learned ? t : learned;
}
