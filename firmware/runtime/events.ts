/**
 * The typed events a protocol core accepts and the typed effects it returns:
 * one list for every protocol, so the compiler checks each core, the runtime
 * (firmware/runtime/runtime.ts) and every binding against the same shapes.
 * A protocol that needs a new effect adds it here, and the runtime's switch
 * (which the compiler checks for exhaustiveness) must then carry it out.
 *
 * Cores are pure (ARCHITECTURE.md, STYLE "Protocols"): `next(state, event)`
 * returns the next state and the effects; timers, I/O and randomness live in
 * the runtime, which stamps each event with `now` (ms) and `rand` (the random
 * bytes the role asked for).
 */
import { Mac } from '../ports/ports.ts';

/** Stamped on every event by the runtime before the core sees it. */
export interface Stamp {
  now?: number;
  rand?: Uint8Array;
}

export interface BootEvent extends Stamp {
  t: 'boot';
}

/** A frame from the radio: already routed to this protocol by its first byte. */
export interface FrameEvent extends Stamp {
  t: 'frame';
  from: Mac;
  bytes: Uint8Array;
  rssi?: number;
}

/** A timer the core armed fired (ids are the core's own; the runtime scopes them per protocol). */
export interface TimerEvent extends Stamp {
  t: 'timer';
  id: string;
}

/** Result of the Wi-Fi join the core asked for with `join`, tagged with that join's id. */
export interface WifiEvent extends Stamp {
  t: 'wifi';
  /** a WIFI_* code (firmware/ports/ports.ts) */
  result: number;
  /** the `join` effect's id: a late result of an older join is recognisable */
  join: number;
}

/**
 * The answer to an `uplink` request (border router → Authentication Cloud,
 * controller → authentication server): `status` is the server's HTTP-like
 * status, 0 when it could not be reached; `json` its body.
 */
export interface UplinkEvent extends Stamp {
  t: 'uplink';
  id: number;
  status: number;
  json: string | null;
}

/** A message from the out-of-band channel (serial console, QR, the simulator's private medium). */
export interface OobEvent extends Stamp {
  t: 'oob';
  bytes: Uint8Array;
}

/** A command from the operator (console, stored command file, host CLI); `C` is the protocol's own list. */
export type CommandEvent<C> = Stamp & { t: 'command' } & C;

export type CoreEvent<C = {}> = BootEvent | FrameEvent | TimerEvent | WifiEvent | UplinkEvent | OobEvent | CommandEvent<C>;

export interface SendEffect {
  t: 'send';
  to: Mac;
  bytes: Uint8Array;
}
export interface ArmEffect {
  t: 'arm';
  id: string;
  ms: number;
}
export interface CancelEffect {
  t: 'cancel';
  id: string;
}
/** Atomic replace of a logical file (two-slot store). */
export interface StoreEffect {
  t: 'store';
  file: string;
  bytes: Uint8Array;
}
export interface EraseEffect {
  t: 'erase';
  file: string;
}
/** Join Wi-Fi to prove a configuration; the result comes back as a WifiEvent with the same `join`. */
export interface JoinEffect {
  t: 'join';
  ssid: string;
  psk: string;
  join: number;
}
/** Progress or an error for the console/log (a code of the registry). */
export interface ReportEffect {
  t: 'report';
  code: number;
  detail: string;
}
/** A delivery outcome the configurator's audit log must keep. `device` names the enrollee (key hash, SN, id). */
export interface AuditEffect {
  t: 'audit';
  device: string;
  mac: string;
  code: number;
  version: number;
  now: number;
}
/** A request to the protocol's server over the uplink port; the answer is an UplinkEvent with this id. */
export interface UplinkEffect {
  t: 'uplink';
  id: number;
  path: string;
  json: string;
}
/** A message for the out-of-band channel. */
export interface OobEffect {
  t: 'oob';
  bytes: Uint8Array;
}
/** A pairwise key agreed with a peer board (protocol ecqv); the app keeps it for app messages. */
export interface PairwiseEffect {
  t: 'pairwise';
  peer: string;
  mac: Mac;
  key: Uint8Array;
}

/**
 * Switch the radio's receiver on (listen for frames) or off (issue 14, a
 * duty-cycled enrollee). Sending needs no `on`: a send wakes the transmitter
 * for its frame whatever the receiver does. A receiver that is off receives
 * nothing: a frame sent to it meanwhile is lost, as on the air.
 */
export interface RadioEffect {
  t: 'radio';
  on: boolean;
}
/**
 * Nothing needs the CPU for `ms`: the board may light-sleep until then or until
 * its next timer, whichever comes first (a timer wakes it). Light sleep also
 * keeps the receiver off; the core switches it off first (RadioEffect) and on
 * again when it wants to hear. A board that cannot sleep just idles.
 */
export interface SleepEffect {
  t: 'sleep';
  ms: number;
}

export type CoreEffect =
  | SendEffect | ArmEffect | CancelEffect | StoreEffect | EraseEffect | JoinEffect
  | ReportEffect | AuditEffect | UplinkEffect | OobEffect | PairwiseEffect
  | RadioEffect | SleepEffect;

/** One step of a core: the next state, the effects in order, a transition name for the log, and a code (0 = accepted). */
export interface Step<S> {
  state: S;
  effects: CoreEffect[];
  tr: string;
  code: number;
}

/**
 * One role of one protocol, as the runtime runs it. `proto` routes frames
 * (their first byte) and OOB messages to it; `randBytes` is how many random
 * bytes the runtime attaches to every event.
 */
export interface Role<S, C = {}> {
  proto: number;
  name: string;
  randBytes: number;
  next(state: S, ev: CoreEvent<C>): Step<S>;
}
