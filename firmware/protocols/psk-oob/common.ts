/**
 * Small helpers shared by the psk-oob cores: the event, effect and step types
 * (firmware/runtime/events.ts with this protocol's commands), copy-on-write
 * cloning (a core never mutates the state it is given), reports.
 */
import { CoreEvent, CoreEffect, Step } from '../../runtime/events.ts';
import { DeviceConfig } from '../../codec/config-record.ts';

/** Operator commands (README "Commands"); every field is checked at run time. */
export interface PoCommand {
  op: string;
  /** configurator `config`: the device's 8-byte ID (the shared config store calls it `hash`) */
  hash?: Uint8Array;
  group?: string;
  config?: DeviceConfig;
}

export type PoEvent = CoreEvent<PoCommand>;
export type PoEffect = CoreEffect;
export type PoStep<S> = Step<S>;

export function clone<T>(o: T): T {
  var r: any = {};
  var src: any = o;
  for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) r[k] = src[k];
  return r as T;
}

export function has(o: any, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function report(code: number, detail: string): PoEffect {
  return { t: 'report', code: code, detail: detail };
}

export function randOf(ev: PoEvent, n: number): Uint8Array | null {
  var r = ev.rand;
  if (!(r instanceof Uint8Array) || r.length < n) return null;
  return r;
}

export function nowOf(ev: PoEvent): number {
  return typeof ev.now === 'number' ? ev.now : 0;
}

export function isMac(m: any): boolean {
  return m instanceof Uint8Array && m.length === 6;
}
