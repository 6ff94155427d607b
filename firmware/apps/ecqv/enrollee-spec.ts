/**
 * The ECQV protocol's board app (firmware/protocols/ecqv/README.md §6, §3.4):
 * its identity (id, request key, pinned CA key), its certificate, key and proven
 * configuration, the last CRL, and the board role (enrollee + peer). When a
 * pairwise key is agreed, the app sends the peer one encrypted greeting and
 * prints what it receives: `{"ev":"paired"}` and `{"ev":"app-message"}` lines.
 */
import { StoragePort, Ports } from '../../ports/ports.ts';
import { decodeIdentity, decodeCredential, decodeCrlFile, Credential } from '../../protocols/ecqv/records.ts';
import { ENROLLEE_DEFAULTS, EnrolleeOptions, CRED_FILE, enrolleeInitial } from '../../protocols/ecqv/enrollee.ts';
import { PEER_DEFAULTS, PeerOptions, CRL_FILE, CrlView, peerInitial, parsePeers } from '../../protocols/ecqv/peer.ts';
import { makeBoard, BoardState, PEERS_SETTING } from '../../protocols/ecqv/board.ts';
import { ecqvDeviceSuite } from '../../protocols/ecqv/suite-firmware.ts';
import { caIdOf } from '../../protocols/ecqv/keys.ts';
import { decodeFrame, T_CRL } from '../../protocols/ecqv/frames.ts';
import { I_APP_MESSAGE, codeName } from '../../protocols/ecqv/codes.ts';
import { DeviceConfig } from '../../codec/config-record.ts';
import { equalBytes, toHex } from '../../bytes/bytes.ts';
import { CoreEffect } from '../../runtime/events.ts';
import { Runtime } from '../../runtime/runtime.ts';
import { EnrolleeSpec, EnrolleeBoot, IDENTITY_FILE } from '../enrollee-app.ts';
import { withDefaults } from '../engine-accel.ts';
import { emit } from '../report-line.ts';

/**
 * Timing for a board where one P-256 multiplication takes tens of seconds
 * (Espruino on an ESP32, docs/power-model.md): the RESPONSE step reconstructs
 * and checks d_U and caches d_U·Q_CA (about four multiplications), and the CA
 * may be busy issuing to others, so waits are long.
 */
export var ENROLLEE_TIMING: EnrolleeOptions = withDefaults(ENROLLEE_DEFAULTS, {
  helloBaseMs: 2000,
  helloMaxMs: 32000,
  helloSlowMs: 120000,
  requestMs: 60000,
  requestTries: 6,
  sessionMs: 240000,
});

/** Pairing on such a board: each side spends one multiplication (~40 s) per exchange. */
export var PEER_TIMING: PeerOptions = withDefaults(PEER_DEFAULTS, {
  helloBaseMs: 5000,
  helloMaxMs: 60000,
  nonceTries: 6,
  respMs: 60000,
  respTries: 4,
  bucketMs: 20000,
});

function crlOf(raw: Uint8Array | undefined, caId: Uint8Array): CrlView | null {
  if (!raw) return null;
  var d = decodeCrlFile(raw);
  if (!d.frame) return null;
  var f = decodeFrame(d.frame).frame;
  if (!f || f.type !== T_CRL || !equalBytes(f.caId as Uint8Array, caId)) return null;
  return { version: f.version as number, ids: f.ids as Uint8Array[], frame: d.frame };
}

export function ecqvEnrollee(timing?: EnrolleeOptions, peerTiming?: PeerOptions): EnrolleeSpec {
  var me = '';
  return {
    configFile: CRED_FILE,
    codeName: codeName,
    load: function (st: StoragePort): EnrolleeBoot {
      var raw = st.read(IDENTITY_FILE);
      var id = raw ? decodeIdentity(raw) : null;
      if (!id || id.code || !id.identity) return { code: id ? id.code : -1, what: 'identity', role: null, initial: null, held: 0 };
      var ident = id.identity;
      var suite = ecqvDeviceSuite(ident.suite);
      var caId = caIdOf(suite, ident.caPub);
      me = toHex(ident.U);
      var cred: Credential | null = null;
      var cfg: DeviceConfig | null = null;
      var code = 0;
      var craw = st.read(CRED_FILE);
      if (craw) {
        var dc = decodeCredential(craw);
        if (dc.code === 0 && dc.suite === ident.suite) {
          cred = dc.cred;
          cfg = dc.cfg;
        } else code = dc.code || 98;
      }
      var initial: BoardState = {
        en: enrolleeInitial(ident, caId, cred, cfg, timing || ENROLLEE_TIMING),
        pw: peerInitial(ident, caId, cred, cfg ? parsePeers(cfg.settings[PEERS_SETTING]) : [], crlOf(st.read(CRL_FILE), caId), peerTiming || PEER_TIMING),
      };
      return { code: code, what: 'credential', role: makeBoard(suite), initial: initial, held: cfg ? cfg.version : 0 };
    },
    provisioned: function (s: BoardState) {
      return { v: s.en.cfg ? s.en.cfg.version : 0, ssid: s.en.cfg ? s.en.cfg.ssid : '' };
    },
    onEffect: function (e: CoreEffect, rt: Runtime, ports: Ports) {
      if (e.t === 'pairwise') {
        emit(ports, 'paired', { peer: e.peer });
        // One encrypted app message to each new peer (the simulator's pairing run counts them).
        rt.dispatch({ t: 'command', op: 'send', peer: e.peer, text: 'hello from ' + me } as any);
      } else if (e.t === 'report' && e.code === I_APP_MESSAGE) {
        emit(ports, 'app-message', { from: e.detail.substring(0, 16), text: e.detail.substring(17) });
      }
    },
  };
}
