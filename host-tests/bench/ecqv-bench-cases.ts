/**
 * ECQV protocol benchmark (firmware/protocols/ecqv/README.md §4.4, §4.5), run
 * by the crypto bench bundle on every engine and by `npm run bench` on Node:
 * the crypto of one issuance for the enrollee and for the CA, the crypto of
 * pairing with one new peer, each as a ratio to ONE variable-base P-256
 * multiplication timed in the same run (target for a new peer: one such
 * multiplication plus hashing), and certificate bytes: ECQV beside a minimal
 * X.509 for the same key (built here, x509-min.ts) and Zigbee SE's.
 * Inputs are fixed and made before timing. ES5 rules apply (bundled).
 */
import { toHex, copyBytes, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { p256 } from '../../firmware/crypto/p256.ts';
import { mulCT, decodePoint } from '../../firmware/crypto/weierstrass.ts';
import { ecqvExtractPublic } from '../../firmware/crypto/ecqv.ts';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { encodeCertMeta } from '../../firmware/protocols/ecqv/cert.ts';
import {
  caIdOf, requestKey, issueTh0, requestTag, issueTh1, responseTag, chain, issueKeys, finTag, pairTh1, pairKeys, randStream, KEYMODE_PER_DEVICE,
} from '../../firmware/protocols/ecqv/keys.ts';
import { encodeRequestBody, encodeResponseBody, encodePHello, encodePRespBody, SUITE_P256, SUITE_SECP160K1, sizesOf } from '../../firmware/protocols/ecqv/frames.ts';
import { EcqvSuite } from '../../firmware/protocols/ecqv/suite.ts';
import { runBench, BenchCase, BenchResult } from './bench-runner.ts';
import { x509Minimal } from './x509-min.ts';

interface Fixture {
  s: EcqvSuite;
  dCA: Uint8Array;
  caPub: Uint8Array;
  dQcaCA: Uint8Array;
  U: Uint8Array;
  kU: Uint8Array;
  /** the enrollee's r_U with the CA's answer for it */
  rU: Uint8Array;
  RU: Uint8Array;
  cert: Uint8Array;
  sU: Uint8Array;
  meta: Uint8Array;
  /** two certified devices for pairing */
  d1: Uint8Array;
  q1: Uint8Array;
  cert1: Uint8Array;
  cert2: Uint8Array;
  x509: Uint8Array;
}

var fx: Fixture | null = null;

function seeded(label: string): (n: number) => Uint8Array {
  var s = ecqvFirmwareSuite(SUITE_P256);
  return randStream(s, s.sha256(utf8Encode('nowboard ecqv bench ' + label)));
}

/** Everything the cases need, made once (not timed). */
function fixture(): Fixture {
  if (fx) return fx;
  var s = ecqvFirmwareSuite(SUITE_P256);
  var ca = s.request(seeded('ca'));
  var master = s.sha256(utf8Encode('bench master'));
  var caId = caIdOf(s, ca.RU);
  var U = utf8Encode('benchdev');
  var meta = encodeCertMeta(SUITE_P256, U, 1800000000, 8760, caId);
  var req = s.request(seeded('r'));
  var iss = s.issue(ca.kU, req.RU, meta, seeded('k'));
  var U2 = utf8Encode('benchpe2');
  var r2 = s.request(seeded('r2'));
  var iss2 = s.issue(ca.kU, r2.RU, encodeCertMeta(SUITE_P256, U2, 1800000000, 8760, caId), seeded('k2'));
  var d1 = s.receive(req.kU, iss.cert, iss.s, ca.RU).dU;
  var QU = ecqvExtractPublic(p256(), iss.cert, ca.RU, false);
  fx = {
    s: s, dCA: ca.kU, caPub: ca.RU, dQcaCA: s.cacheCa(ca.kU, ca.RU), U: U, kU: requestKey(s, master, U, KEYMODE_PER_DEVICE),
    rU: req.kU, RU: req.RU, cert: iss.cert, sU: iss.s, meta: meta,
    d1: d1, q1: s.cacheCa(d1, ca.RU), cert1: iss.cert, cert2: iss2.cert,
    x509: x509Minimal(QU, toHex(U), ca.kU, 1800000000, 365, seeded('serial')(20)),
  };
  return fx;
}

var NONCE = new Uint8Array(16);
var COOKIE = new Uint8Array(16);

/** The enrollee's crypto for one certificate: R_U, the request MAC, the response MAC, d_U and its check, d_U·Q_CA, the keys and FINISHED. */
export function enrolleeIssuanceCrypto(): void {
  var f = fixture(), s = f.s;
  s.request(seeded('each'));
  var body = encodeRequestBody(SUITE_P256, f.U, NONCE, 0, COOKIE, f.RU);
  var th0 = issueTh0(s, f.caPub, body);
  var tq = requestTag(s, f.kU, th0);
  var th1 = issueTh1(s, th0, tq, encodeResponseBody(SUITE_P256, 1, NONCE, f.cert, f.sU));
  var tr = responseTag(s, f.kU, th1);
  var dU = s.receive(f.rU, f.cert, f.sU, f.caPub).dU;
  var dQ = s.cacheCa(dU, f.caPub);
  var th2 = chain(s, th1, tr);
  var k = issueKeys(s, copyBytes(dQ, 1, 33), f.kU, th2);
  finTag(s, k.fin, th2);
}

/** The CA's crypto for one certificate: the cookie-free part of a REQUEST (MAC), issuance, Z = x(d_CA·Q_U), keys, RESPONSE MAC. */
export function caIssuanceCrypto(): void {
  var f = fixture(), s = f.s;
  var body = encodeRequestBody(SUITE_P256, f.U, NONCE, 0, COOKIE, f.RU);
  var th0 = issueTh0(s, f.caPub, body);
  var tq = requestTag(s, f.kU, th0);
  var iss = s.issue(f.dCA, f.RU, f.meta, seeded('ca each'));
  var Z = s.agree(f.dCA, f.dQcaCA, iss.cert);
  var th1 = issueTh1(s, th0, tq, encodeResponseBody(SUITE_P256, 1, NONCE, iss.cert, iss.s));
  var th2 = chain(s, th1, responseTag(s, f.kU, th1));
  var k = issueKeys(s, Z, f.kU, th2);
  finTag(s, k.fin, th2);
}

/** One new peer: ONE variable-base multiplication (cached d·Q_CA), the transcript, the keys and both Finished tags. */
export function pairwiseCrypto(): void {
  var f = fixture(), s = f.s;
  var Z = s.agree(f.d1, f.q1, f.cert2);
  var hello = encodePHello(SUITE_P256, copyBytes(f.cert2, 34, 42), NONCE, 0, f.cert1);
  var th1 = pairTh1(s, hello, encodePRespBody(SUITE_P256, 1, NONCE, 0, f.cert2));
  var k = pairKeys(s, Z, th1);
  var tr = finTag(s, k.rfin, th1);
  finTag(s, k.ifin, chain(s, th1, tr));
}

export var ECQV_REF = 'p256 variable-base (ecqv unit)';
export var ECQV_PEER = 'ecqv pairwise per new peer';
export var ECQV_AGREE = 'ecqv pairwise: agreement only';

/** The EC part of a new peer alone: decode P_V, (d·e_V)·P_V, add the cached d·Q_CA. */
export function pairwiseAgreement(): void {
  var f = fixture();
  f.s.agree(f.d1, f.q1, f.cert2);
}

function unit(): void {
  var C = p256();
  mulCT(C, fixture().d1, decodePoint(C, fixture().caPub));
}

/**
 * The unit is timed before and after the others (the ratio uses the faster of
 * the two), and one call of everything runs untimed first: a JIT warms up, a
 * shared machine's load moves, neither should decide a ratio.
 */
export var ecqvBenchCases: BenchCase[] = [
  {
    name: ECQV_REF,
    iterations: 20,
    setup: function () {
      fixture();
      unit();
      enrolleeIssuanceCrypto();
      caIssuanceCrypto();
      pairwiseCrypto();
    },
    run: unit,
  },
  { name: 'ecqv issuance: enrollee', iterations: 10, run: enrolleeIssuanceCrypto },
  { name: 'ecqv issuance: CA', iterations: 10, run: caIssuanceCrypto },
  { name: ECQV_PEER, iterations: 20, run: pairwiseCrypto },
  { name: ECQV_AGREE, iterations: 20, run: pairwiseAgreement },
  { name: ECQV_REF + ' again', iterations: 20, run: unit },
];

function find(rs: BenchResult[], name: string): BenchResult | null {
  for (var i = 0; i < rs.length; i++) if (rs[i].name === name) return rs[i];
  return null;
}

/** 3 significant digits without toFixed (engines differ). */
function r3(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Run the ECQV cases, then print their ratios to one variable-base multiplication and the certificate sizes. */
export function runEcqvBench(say: (s: string) => void, capScale?: number): BenchResult[] {
  say('');
  say('ECQV (protocol 2): one variable-base P-256 multiplication is the unit');
  var rs = runBench(ecqvBenchCases, say, capScale);
  var u1 = find(rs, ECQV_REF), u2 = find(rs, ECQV_REF + ' again');
  var us = u1 && u1.secs > 0 ? u1.secs : -1;
  if (u2 && u2.secs > 0 && (us < 0 || u2.secs < us)) us = u2.secs;
  if (us > 0) {
    say('ratio to one variable-base P-256 multiplication (' + r3(us * 1000) + ' ms, the faster of the two timings):');
    for (var i = 0; i < rs.length; i++) if (rs[i].name.indexOf(ECQV_REF) !== 0 && rs[i].secs > 0) say('  ' + rs[i].name + ': ' + r3(rs[i].secs / us) + 'x');
    var pw = find(rs, ECQV_PEER), ag = find(rs, ECQV_AGREE);
    if (pw && pw.secs > 0 && ag && ag.secs > 0) {
      var qa = ag.secs / us;
      say('target: a new peer costs one variable-base multiplication plus hashing: the EC part is ' + r3(qa) + 'x one multiplication -> ' +
        (qa <= 1.2 ? 'MET' : 'NOT MET') + '; hashing adds ' + r3((pw.secs - ag.secs) / us) + 'x (pure-JS SHA-256 here; a board with native SHA-256 pays little of it)');
    }
  }
  var f = fixture();
  var z1 = sizesOf(SUITE_P256), z2 = sizesOf(SUITE_SECP160K1);
  say('certificate bytes: ECQV P-256 ' + (z1 ? z1.cert : 0) + ' (measured ' + f.cert.length + '), ECQV secp160k1 ' + (z2 ? z2.cert : 0) +
    '; X.509 for the same key (v1, no extensions, ECDSA-SHA256, built here) ' + f.x509.length +
    ' = ' + r3(f.x509.length / f.cert.length) + 'x; Zigbee SE ECQV 48 (sect163k1) / 74 (sect283k1)');
  return rs;
}
