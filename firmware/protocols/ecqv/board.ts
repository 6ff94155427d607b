/**
 * A certified board runs two ECQV roles under one protocol id: the enrollee
 * (issuance, configuration, re-provisioning) and the peer (pairwise keys, app
 * messages, the CRL). The runtime hands every ECQV frame to one role per
 * protocol (firmware/runtime/runtime.ts), so this composite is that role: it
 * routes by frame type and timer id, and when the enrollee commits a new
 * credential it hands the peer the credential and the configuration's `peers`
 * setting (README §3.4: how boards find each other). Pure like its parts: the
 * state is {en, pw}, never mutated; effects are the parts' effects in order.
 */
import { T_P_HELLO, T_P_RESP, T_P_FIN, T_APP, T_CRL } from './frames.ts';
import { PROTO_ECQV } from '../../codec/protocol-ids.ts';
import { E_EVENT } from '../../codec/codes.ts';
import { EcqvSuite } from './suite.ts';
import { EcqvEvent, EcqvEffect, EcqvStep, EcqvCommand } from './common.ts';
import { makeEnrollee, EnrolleeState, ENROLLEE_RAND } from './enrollee.ts';
import { makePeer, PeerState, parsePeers } from './peer.ts';
import { Role } from '../../runtime/events.ts';

/** The app setting naming the boards to pair with: comma-separated hex ids. */
export var PEERS_SETTING = 'peers';

export interface BoardState {
  en: EnrolleeState;
  pw: PeerState;
}

export type BoardCore = Role<BoardState, EcqvCommand>;

function isPeerFrame(b: Uint8Array): boolean {
  if (!(b instanceof Uint8Array) || b.length < 3 || b[0] !== PROTO_ECQV) return false;
  var t = b[2];
  return t === T_P_HELLO || t === T_P_RESP || t === T_P_FIN || t === T_APP || t === T_CRL;
}

export function makeBoard(suite: EcqvSuite): BoardCore {
  var en = makeEnrollee(suite);
  var pw = makePeer(suite);

  function both(st: BoardState, e: EcqvStep<EnrolleeState> | null, p: EcqvStep<PeerState> | null): EcqvStep<BoardState> {
    var ns = st;
    var effects: EcqvEffect[] = [];
    var code = 0;
    var tr: string[] = [];
    if (e && e.state !== st.en) ns = { en: e.state, pw: ns.pw };
    if (p && p.state !== st.pw) ns = { en: ns.en, pw: p.state };
    if (e) {
      for (var i = 0; i < e.effects.length; i++) effects.push(e.effects[i]);
      code = e.code;
      tr.push(e.tr);
    }
    if (p) {
      for (var j = 0; j < p.effects.length; j++) effects.push(p.effects[j]);
      if (!code) code = p.code;
      tr.push(p.tr);
    }
    return { state: ns, effects: effects, tr: tr.join(' | '), code: code };
  }

  /** After an enrollee step: a newly committed credential goes to the peer with its peer list. */
  function afterEnrollee(st: BoardState, e: EcqvStep<EnrolleeState>, ev: EcqvEvent): EcqvStep<BoardState> {
    var ns = e.state;
    if (ns.cred && ns.cred !== st.en.cred && ns.cfg) {
      var want = parsePeers(ns.cfg.settings[PEERS_SETTING]);
      var p = pw.next(st.pw, { t: 'command', op: 'credential', cred: ns.cred, want: want, now: ev.now, rand: ev.rand });
      return both(st, e, p);
    }
    return both(st, e, null);
  }

  function next(st: BoardState, ev: EcqvEvent): EcqvStep<BoardState> {
    if (!ev || typeof ev.t !== 'string') return both(st, en.next(st.en, ev), null);
    if (ev.t === 'boot') return both(st, en.next(st.en, ev), pw.next(st.pw, ev));
    if (ev.t === 'frame') {
      if (isPeerFrame(ev.bytes)) return both(st, null, pw.next(st.pw, ev));
      return afterEnrollee(st, en.next(st.en, ev), ev);
    }
    if (ev.t === 'timer') {
      if (String(ev.id).substring(0, 2) === 'p:') return both(st, null, pw.next(st.pw, ev));
      return afterEnrollee(st, en.next(st.en, ev), ev);
    }
    if (ev.t === 'wifi') return afterEnrollee(st, en.next(st.en, ev), ev);
    if (ev.t === 'command') return both(st, null, pw.next(st.pw, ev));
    var r = en.next(st.en, ev);
    return { state: st, effects: r.effects, tr: r.tr, code: r.code || E_EVENT };
  }

  return { proto: PROTO_ECQV, name: 'ecqv/board', randBytes: ENROLLEE_RAND, next: next };
}
