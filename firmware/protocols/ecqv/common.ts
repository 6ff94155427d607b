/**
 * Small helpers shared by the ECQV cores: event, effect and step types
 * (firmware/runtime/events.ts with this protocol's commands), copy-on-write
 * cloning (a core never mutates the state it is given), reports, and reading
 * an event's random bytes.
 */
import { CoreEvent, CoreEffect, Step } from '../../runtime/events.ts';
import { DeviceConfig } from '../../codec/config-record.ts';
import { Credential } from './records.ts';

/** Operator and app commands (README §7); every field is checked at run time. */
export interface EcqvCommand {
  op: string;
  /** device id U (8 bytes); `hash` is accepted too (the shared config store names devices so) */
  id?: Uint8Array;
  hash?: Uint8Array;
  group?: string;
  config?: DeviceConfig;
  /** peer: the paired peer (hex of its id) and the app message */
  peer?: string;
  text?: string;
  /** internal (board.ts → peer core): a newly proven credential and the peer list of its configuration */
  cred?: Credential;
  want?: string[];
}

export type EcqvEvent = CoreEvent<EcqvCommand>;
export type EcqvEffect = CoreEffect;
export type EcqvStep<S> = Step<S>;

export function clone<T>(o: T): T {
  var r: any = {};
  var src: any = o;
  for (var k in src) if (Object.prototype.hasOwnProperty.call(src, k)) r[k] = src[k];
  return r as T;
}

export function has(o: any, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

export function report(code: number, detail: string): EcqvEffect {
  return { t: 'report', code: code, detail: detail };
}

/** Random bytes of an event, or null when fewer than n were supplied. */
export function randOf(ev: EcqvEvent, n: number): Uint8Array | null {
  var r = ev.rand;
  if (!(r instanceof Uint8Array) || r.length < n) return null;
  return r;
}

export function isMac(m: any): boolean {
  return m instanceof Uint8Array && m.length === 6;
}

export function nowOf(ev: EcqvEvent): number {
  return typeof ev.now === 'number' ? ev.now : 0;
}

export var BROADCAST_MAC = new Uint8Array([255, 255, 255, 255, 255, 255]);

/** The code an EC failure maps to: a refused point, a failed ECQV check, or anything else. */
export function ecCode(e: any, point: number, check: number, other: number): number {
  var m = e && typeof e.message === 'string' ? e.message : '';
  if (m.indexOf('E_POINT') === 0) return point;
  if (m.indexOf('E_ECQV') === 0) return check;
  return other;
}
