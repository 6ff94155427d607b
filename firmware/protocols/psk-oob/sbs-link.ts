/**
 * The SBR ↔ SBS link (README.md "SBS"): the SBS core (sbs.ts) behind the
 * UplinkPort the runtime calls for the configurator's `uplink` effects.
 *
 * `SbsService` is the seam: anything that can answer a flight 2 with a
 * flight 3 — the in-process SBS of a small network below, or the
 * Authentication Cloud service hosting the same core behind HTTP. On the
 * wire of the link: POST SBS_PATH {"f2": base64} → 200 {"f3": base64}, or
 * a non-200 status with {"code": n} when flight 2 could not be authenticated.
 */
import { UplinkPort, ClockPort, RandomPort, StoragePort } from '../../ports/ports.ts';
import { toBase64, fromBase64 } from '../../bytes/base64.ts';
import { E_FIELD } from '../../codec/codes.ts';
import { SBS_PATH } from './configurator.ts';
import { makeSbs, sbsInitial, sbsDbOf, SbsState, SbsOptions } from './sbs.ts';
import { decodeSbsDb, encodeSbsDb } from './records.ts';
import { PskOobSuite } from './suite.ts';

/** SBS database file on a board that hosts the SBS (written by `nowboard installer imprint`). */
export var SBS_FILE = 'nb-sbs';

export interface SbsService {
  /** answer one flight 2; `done` gets the status, flight 3 or null, and a code */
  handle(f2: Uint8Array, done: (status: number, f3: Uint8Array | null, code: number) => void): void;
}

/** An SBS running in this process over a state, persisting every change with `save`. */
export function sbsService(s: PskOobSuite, initial: SbsState, clock: ClockPort, random: RandomPort, save: (st: SbsState) => void): SbsService & { state(): SbsState } {
  var core = makeSbs(s);
  var st = initial;
  return {
    handle: function (f2: Uint8Array, done: (status: number, f3: Uint8Array | null, code: number) => void) {
      var r = core.handle(st, f2, clock.now(), random.bytes(12));
      st = r.state;
      // The new pending key is on flash before flight 3 leaves: an SBI can only
      // adopt a key the SBS will still know after a power cut.
      if (r.changed) save(st);
      done(r.status, r.f3, r.code);
    },
    state: function () {
      return st;
    },
  };
}

/** The link as the configurator's UplinkPort: JSON in and out, answers always asynchronous. */
export function sbsUplink(svc: SbsService, clock: ClockPort): UplinkPort {
  return {
    request: function (path: string, json: string, done: (status: number, json: string | null) => void) {
      var f2: Uint8Array | null = null;
      try {
        var body = JSON.parse(json);
        f2 = path === SBS_PATH && body && typeof body.f2 === 'string' ? fromBase64(body.f2) : null;
      } catch (e) {
        f2 = null;
      }
      if (!f2) {
        clock.setTimer(0, function () {
          done(400, JSON.stringify({ code: E_FIELD }));
        });
        return;
      }
      svc.handle(f2, function (status: number, f3: Uint8Array | null, code: number) {
        var out = status === 200 && f3 ? JSON.stringify({ f3: toBase64(f3) }) : JSON.stringify({ code: code });
        clock.setTimer(0, function () {
          done(status, out);
        });
      });
    },
  };
}

/**
 * The SBS of a small network inside the configurator: its database from
 * Storage (SBS_FILE), written back on every change. null with a code when the
 * file is missing or does not decode (an unreadable trust list is not an empty one).
 */
export function localSbsUplink(s: PskOobSuite, storage: StoragePort, clock: ClockPort, random: RandomPort, opt?: SbsOptions): { code: number; uplink: UplinkPort | null } {
  var raw = storage.read(SBS_FILE);
  if (!raw) return { code: -1, uplink: null };
  var d = decodeSbsDb(raw);
  if (d.code || !d.db) return { code: d.code, uplink: null };
  var svc = sbsService(s, sbsInitial(s, d.db, opt), clock, random, function (st: SbsState) {
    storage.write(SBS_FILE, encodeSbsDb(sbsDbOf(st)));
  });
  return { code: 0, uplink: sbsUplink(svc, clock) };
}
