/**
 * The installer attack of paper 001 (§3, §5), as an adversary program: it
 * imprinted every device, so it knows every IK (and ID, NID); it records every
 * ESP-NOW frame on the air and every message on the SBR ↔ SBS link. It tries
 * everything it can compute from that: open flight 2 and 3 with keys derived
 * from any IK in place of SK_cs; derive session keys for every CONFIG it saw
 * (its TID is on the air) from every PSK it can form — IK itself (a device that
 * was never re-keyed), the paper's E(RN_i ⊕ RN_c, IK) and this protocol's KDF
 * with nonces it does not know guessed as zero — and open the fragments.
 *
 * `withOob` makes the control attacker: the same program also handed the OOB
 * messages (what the scheme assumes it never sees). It must then decrypt every
 * configuration, which shows the attack code is able to succeed at all.
 */
import { toHex, copyBytes, equalBytes } from '../../firmware/bytes/bytes.ts';
import { fromBase64 } from '../../firmware/bytes/base64.ts';
import { aesExpandKey, aesEncryptBlock } from '../../firmware/crypto/aes128.ts';
import { firmwareSuite } from '../../firmware/protocols/psk-oob/suite.ts';
import { decodeFrame, flightNonce, bandNonce, T_F2, T_F3, T_F4, T_CONFIG, TAG_LEN, RN_LEN, PoFrame } from '../../firmware/protocols/psk-oob/frames.ts';
import { keyF4, newPsk, sessionKeys, linkKeys } from '../../firmware/protocols/psk-oob/keys.ts';

export interface InstallerKnowledge {
  /** what it imprinted: ID, NID, IK per device */
  devices: { id: Uint8Array; nid: number; ik: Uint8Array }[];
  /** every ESP-NOW frame on the air */
  air: Uint8Array[];
  /** every message on the SBR ↔ SBS link (JSON, both directions) */
  link: string[];
}

export interface InstallerResult {
  frames: number;
  configFrames: number;
  linkMessages: number;
  /** link messages opened with an IK-derived key */
  linkOpened: number;
  /** CONFIG fragments opened, and the devices whose PSK it derived */
  configsOpened: number;
  psksDerived: string[];
  /** configuration bytes it recovered (empty when it learned nothing) */
  plaintexts: Uint8Array[];
}

function paperPsk(ik: Uint8Array, rni: Uint8Array, rnc: Uint8Array): Uint8Array {
  var x = new Uint8Array(16);
  for (var i = 0; i < 16; i++) x[i] = rni[i] ^ rnc[i];
  var out = new Uint8Array(16);
  aesEncryptBlock(aesExpandKey(x), ik, out);
  return out;
}

export function installerAttack(k: InstallerKnowledge, oob?: Uint8Array[]): InstallerResult {
  var s = firmwareSuite();
  var res: InstallerResult = { frames: k.air.length, configFrames: 0, linkMessages: k.link.length, linkOpened: 0, configsOpened: 0, psksDerived: [], plaintexts: [] };
  // Link messages: F2 and F3 under any IK-derived "SK_cs".
  for (var i = 0; i < k.link.length; i++) {
    var body: any = null;
    try {
      body = JSON.parse(k.link[i]);
    } catch (e) {
      body = null;
    }
    var raw = body && typeof body.f2 === 'string' ? fromBase64(body.f2) : body && typeof body.f3 === 'string' ? fromBase64(body.f3) : null;
    var d = raw ? decodeFrame(raw) : null;
    if (!d || !d.frame || (d.frame.type !== T_F2 && d.frame.type !== T_F3)) continue;
    var f = d.frame;
    for (var j = 0; j < k.devices.length; j++) {
      var lk = linkKeys(s, k.devices[j].ik, f.idc as Uint8Array);
      var key = f.type === T_F2 ? lk.c2s : lk.s2c;
      if (s.open(key, flightNonce(f.type, f.nonce as Uint8Array), f.sealed as Uint8Array, f.aad as Uint8Array, TAG_LEN)) {
        res.linkOpened++;
        break;
      }
    }
  }
  // Candidate PSKs per device and TID: what it can compute, plus (control only) the real one from the OOB flights.
  var zero = new Uint8Array(RN_LEN);
  var oobF4: PoFrame[] = [];
  if (oob) {
    for (var o = 0; o < oob.length; o++) {
      var od = decodeFrame(oob[o]);
      if (od.frame && od.frame.type === T_F4) oobF4.push(od.frame);
    }
  }
  var derived: { [hx: string]: boolean } = {};
  for (var a = 0; a < k.air.length; a++) {
    var fd = decodeFrame(k.air[a]);
    if (!fd.frame || fd.frame.type !== T_CONFIG) continue;
    res.configFrames++;
    var cf = fd.frame;
    var tid = cf.tid as number;
    var opened = false;
    for (var di = 0; di < k.devices.length && !opened; di++) {
      var dev = k.devices[di];
      var cands: { psk: Uint8Array; idc: Uint8Array | null }[] = [{ psk: dev.ik, idc: null }];
      cands.push({ psk: paperPsk(dev.ik, zero, zero), idc: null });
      for (var q = 0; q < oobF4.length; q++) {
        var f4 = oobF4[q];
        if (f4.tid !== tid || !equalBytes(f4.id as Uint8Array, dev.id)) continue;
        // What the OOB flights give away to anyone holding IK: RN_i and RN_c.
        var pt4 = s.open(keyF4(s, dev.ik, dev.id, dev.nid, f4.gen as number, f4.idc as Uint8Array, tid), flightNonce(T_F4, f4.nonce as Uint8Array), f4.sealed as Uint8Array, f4.aad as Uint8Array, TAG_LEN);
        if (pt4) cands.push({ psk: newPsk(s, dev.ik, dev.id, dev.nid, f4.gen as number, f4.idc as Uint8Array, tid, copyBytes(pt4, 0, 16), copyBytes(pt4, 16, 32)), idc: f4.idc as Uint8Array });
      }
      // Without the OOB flights the controller's ID is still on the link in clear (F2's header): try every one seen.
      var idcs: Uint8Array[] = [];
      for (var li = 0; li < k.link.length; li++) {
        try {
          var lb = JSON.parse(k.link[li]);
          var lr = lb && typeof lb.f2 === 'string' ? fromBase64(lb.f2) : null;
          var ld = lr ? decodeFrame(lr) : null;
          if (ld && ld.frame && ld.frame.tid === tid) idcs.push(ld.frame.idc as Uint8Array);
        } catch (e) {
          // not JSON: nothing to learn
        }
      }
      for (var c = 0; c < cands.length && !opened; c++) {
        var ids = cands[c].idc ? [cands[c].idc as Uint8Array] : idcs;
        for (var ii = 0; ii < ids.length && !opened; ii++) {
          var sk = sessionKeys(s, cands[c].psk, dev.id, dev.nid, ids[ii], tid);
          var pt = s.open(sk.c2e, bandNonce(T_CONFIG, tid, cf.idx as number), cf.sealed as Uint8Array, cf.aad as Uint8Array, TAG_LEN);
          if (pt) {
            opened = true;
            res.configsOpened++;
            res.plaintexts.push(pt);
            if (!derived[toHex(dev.id)]) {
              derived[toHex(dev.id)] = true;
              res.psksDerived.push(toHex(dev.id));
            }
          }
        }
      }
    }
  }
  return res;
}
