/**
 * The whitelist protocol as `nowboard serve` runs it: the very configurator core
 * the configurator board runs (firmware/protocols/whitelist/configurator.ts,
 * unchanged), with the host suite (host-suite.ts), host timing, and its device
 * list and configurations from the batch directory instead of Storage.
 *
 * What differs from the board (configurator/app/whitelist/configurator-spec.ts)
 * is only what a computer makes cheap:
 * - every whitelisted device's ss = X25519(c, E) is computed up front (the board
 *   gets it precomputed from `nowboard flash`, or computes it at first contact);
 * - SERVE_TIMING: a session's two X25519s cost about 4 ms here instead of about
 *   33 s, so hundreds of sessions may wait for their PROOF at once (each
 *   enrollee's own X25519, 16.7 s on an ESP32 in JavaScript, is what they wait
 *   for), and lost frames are retried after seconds, not tens of seconds;
 * - devices already audited as provisioned with their current configuration
 *   (a previous run) are left out of the core's whitelist: their announcements
 *   are ignored like any unknown key's, at no cost, so nothing is provisioned twice.
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { createHash } from 'node:crypto';
import {
  makeConfigurator, configuratorInitial, CONFIGURATOR_DEFAULTS, ConfiguratorOptions, ConfiguratorState, CS_STATE_NAMES,
} from '../../firmware/protocols/whitelist/configurator.ts';
import { decodeFrame, T_PRESENCE } from '../../firmware/protocols/whitelist/frames.ts';
import { codeName } from '../../firmware/protocols/whitelist/codes.ts';
import { WhitelistEntry } from '../../firmware/protocols/whitelist/records.ts';
import { macToString } from '../../firmware/bytes/bytes.ts';
import type { Role, CoreEvent } from '../../firmware/runtime/events.ts';
import type { ExtraCounter } from '../../firmware/runtime/runtime.ts';
import { hostSuite, HostWork } from './host-suite.ts';
import type { BatchInput } from './batch-input.ts';

/**
 * Configurator timing with host-speed crypto (see the header). Each value keeps
 * the relations the core's options state (configurator.ts ConfiguratorOptions)
 * against the enrollee's timing (firmware/apps/whitelist/enrollee-spec.ts
 * ENROLLEE_TIMING: presence 2 s doubling to 32 s, +25 % jitter; join guard 20 s).
 */
export const SERVE_TIMING: ConfiguratorOptions = {
  ...CONFIGURATOR_DEFAULTS,
  // CHALLENGE re-sent every 3 s, 15 times: 45 s covers the enrollee's X25519 on an
  // ESP32 (16.7 s, events queued behind it) and its longest presence interval (40 s).
  proofMs: 3000,
  maxTries: 15,
  // CONFIG re-sent every 4 s, 8 times: 32 s > the enrollee's 20 s join guard.
  ackMs: 4000,
  ackTries: 8,
  cooldownMs: 10000,
  // Starting a session costs ~4 ms of host CPU: a burst of 256, then one per 5 ms
  // (200 a second) still bounds a flood of valid-looking announcements.
  bucketSize: 256,
  bucketMs: 5,
  // Sessions waiting for their enrollee's PROOF (its X25519) at once: a whole tray.
  maxPending: 1024,
};

/** An open session as serve shows it. */
export interface OpenSession {
  keyHash: string;
  sid: number;
  phase: string;
  version: number;
  mac: string;
}

/** What serve's engine needs from a protocol (one adapter per protocol; whitelist is the one keygen makes). */
export interface ServeProtocol {
  name: string;
  role: Role<any, any>;
  initial: any;
  /** operator commands to dispatch before boot (configurations) */
  commands: CoreEvent<any>[];
  work: HostWork;
  extraWork: ExtraCounter[];
  codeName(code: number): string;
  /** the state's session table (compared by identity to notice changes cheaply) */
  sessionTable(state: any): object;
  sessions(state: any): OpenSession[];
  /** The key hash of the enrollee a frame would open a new session for (a PRESENCE), else null. */
  opener(bytes: Uint8Array): string | null;
}

export interface WhitelistServeOptions {
  /** device ids to serve now (active, not yet provisioned with their configuration) */
  serve: Set<string>;
  timing?: ConfiguratorOptions;
}

function sha256Hex(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function whitelistServe(input: BatchInput, o: WhitelistServeOptions): ServeProtocol {
  const hs = hostSuite();
  const c = input.configurator.privateKey;
  const entries: WhitelistEntry[] = [];
  const commands: CoreEvent<any>[] = [];
  for (const d of input.devices) {
    const hash = new Uint8Array(Buffer.from(d.keyHash, 'hex'));
    if (d.revoked) {
      entries.push({ hash, ss: null, group: d.group, revoked: true });
      continue;
    }
    if (!o.serve.has(d.id) || !d.config) continue;
    entries.push({ hash, ss: new Uint8Array(x25519.getSharedSecret(c, d.publicKey)), group: d.group, revoked: false });
    // Each device gets its resolved record (group + overrides) as its own configuration.
    commands.push({ t: 'command', op: 'config', hash, config: d.config } as CoreEvent<any>);
  }
  const initial = configuratorInitial({ c, C: input.configurator.publicKey }, entries, o.timing ?? SERVE_TIMING);
  return {
    name: 'whitelist',
    role: makeConfigurator(hs.suite),
    initial,
    commands,
    work: hs.work,
    extraWork: hs.extraWork,
    codeName,
    sessionTable: (st: ConfiguratorState) => st.sess,
    sessions(st: ConfiguratorState) {
      const out: OpenSession[] = [];
      for (const hx of Object.keys(st.sess)) {
        const s = st.sess[hx];
        out.push({ keyHash: hx, sid: s.sid, phase: CS_STATE_NAMES[s.st] ?? String(s.st), version: s.target.version, mac: macToString(s.peer) });
      }
      return out;
    },
    opener(bytes) {
      const d = decodeFrame(bytes);
      if (!d.frame || d.frame.type !== T_PRESENCE || !d.frame.E) return null;
      return sha256Hex(d.frame.E);
    },
  };
}
