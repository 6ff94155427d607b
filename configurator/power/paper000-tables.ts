/**
 * Paper 000's Table III (ECC sign and decrypt on the node: count, time, power,
 * energy) and Table I (the node's code size), reproduced for the cloud
 * protocol's node on the ESP32 parameters (docs/power-model.md) and printed
 * beside the paper's MSP430 figures.
 *
 * Work per operation is counted by running the node's own firmware crypto on
 * fresh curve contexts (a board signs once per boot, so the base-point table
 * is built inside the sign, as on the board), then turned into CPU time by the
 * cost table (`cpuSecondsFor`); power is the model's current for the CPU active
 * with the radio off (the paper's measurement) and with the radio listening (as
 * the node runs in the simulator); energy = power × time. The count column is
 * what the batch's nodes actually did (signatures per request renewal, ECDHs
 * per KEY tried), from their reports.
 */
import { makeCurve, keyGen, Curve } from '../../firmware/crypto/weierstrass.ts';
import { P256_PARAMS, SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { ecdsaSignHash } from '../../firmware/crypto/ecdsa.ts';
import { ecdh } from '../../firmware/crypto/weierstrass.ts';
import { sha256 } from '../../firmware/crypto/sha256.ts';
import { hkdfSha256 } from '../../firmware/crypto/hkdf-sha256.ts';
import { ccmSeal, ccmOpen } from '../../firmware/crypto/aes-ccm.ts';
import { snapshotWork } from '../../firmware/crypto/work-counters.ts';
import { joinStatementBytes, CURVE_P256, CURVE_SECP160K1 } from '../../firmware/protocols/cloud/ac-api.ts';
import { PowerParams, ESP32_WROOM32, MSP430_CC2420_PAPER000 } from './power-params.ts';

export interface WorkCount {
  [unit: string]: number;
}

function diff(a: WorkCount, b: WorkCount): WorkCount {
  const o: WorkCount = {};
  for (const k in b) if (b[k] - (a[k] || 0) > 0) o[k] = b[k] - (a[k] || 0);
  return o;
}

function bytes(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      out[i] = s & 255;
    }
    return out;
  };
}

/** The node's sign (one JOIN) and decrypt (one KEY: ECDH, HKDF, CCM open) work on a fresh curve context. */
export function nodeOpWork(curve: number): { sign: WorkCount; decrypt: WorkCount } {
  const P = curve === CURVE_P256 ? P256_PARAMS : SECP160K1_PARAMS;
  const setup: Curve = makeCurve(P);
  const node = keyGen(setup, bytes(7), false);
  const eph = keyGen(setup, bytes(11), false);
  const stmt = joinStatementBytes('NB-10001', new Uint8Array([2, 0x4e, 0x42, 0, 0, 3]), 1800000000, bytes(3)(8), curve);
  // The board: a fresh context (no base-point table yet), as after a boot.
  const C = makeCurve(P);
  const w0 = snapshotWork();
  ecdsaSignHash(C, sha256(stmt), node.priv);
  const w1 = snapshotWork();
  const key = new Uint8Array(16);
  const sealed = ccmSeal(key, new Uint8Array(13), new Uint8Array(20), new Uint8Array(8), 8);
  const w2 = snapshotWork();
  const z = ecdh(C, node.priv, eph.pub);
  hkdfSha256(z, sha256(stmt), new Uint8Array(8 + 2 * eph.pub.length + 22), 48);
  ccmOpen(key, new Uint8Array(13), sealed, new Uint8Array(8), 8);
  const w3 = snapshotWork();
  return { sign: diff(w0, w1), decrypt: diff(w2, w3) };
}

export interface Table3Row {
  source: string;
  op: string;
  count: number | string;
  timeS: number;
  powerMw: number;
  energyMj: number;
  work: string;
}

/** The paper's own rows (Table III, MSP430F2617 + CC2420, secp160k1). */
export const PAPER_TABLE3 = [
  { op: 'ECC Sign', count: 1, timeS: 5.73, powerMw: 32, energyMj: 173 },
  { op: 'ECC Decrypt', count: 1, timeS: 5.3, powerMw: 30, energyMj: 160 },
];

/** The paper's Table I (node, Z1): text / data / bss bytes and the platform's totals. */
export const PAPER_TABLE1 = { text: 55389, data: 358, bss: 5346, flashTotal: 99208, ramTotal: 8192 };

function mw(p: PowerParams, states: string[][]): number {
  let mA = 0;
  for (const [c, s] of states) mA += p.components[c][s].mA;
  return mA * p.voltageV;
}

function workText(w: WorkCount): string {
  return Object.keys(w).sort().map((k) => `${k} ${w[k]}`).join(', ');
}

export interface Table3Input {
  cpuSecondsFor: (work: WorkCount, engine: string) => number;
  engine: string;
  /** signatures and decryptions per node in the batch, by curve (median node), if measured */
  counts?: { [curve: number]: { sign: number; decrypt: number } };
}

export function table3Rows(o: Table3Input): Table3Row[] {
  const rows: Table3Row[] = [];
  for (const p of PAPER_TABLE3) rows.push({ source: 'paper 000, MSP430 + CC2420, secp160k1 (measured)', op: p.op, count: p.count, timeS: p.timeS, powerMw: p.powerMw, energyMj: p.energyMj, work: '' });
  const msp = mw(MSP430_CC2420_PAPER000, [['cpu', 'cpu'], ['radio', 'off']]);
  for (const p of PAPER_TABLE3) rows.push({ source: 'model, paper 000 Table II parameters, the paper\'s times', op: p.op, count: p.count, timeS: p.timeS, powerMw: msp, energyMj: msp * p.timeS, work: '' });
  const cpuOnly = mw(ESP32_WROOM32, [['cpu', 'cpu'], ['radio', 'off']]);
  const listening = mw(ESP32_WROOM32, [['cpu', 'cpu'], ['radio', 'rx']]);
  for (const curve of [CURVE_SECP160K1, CURVE_P256]) {
    const w = nodeOpWork(curve);
    const name = curve === CURVE_P256 ? 'P-256' : 'secp160k1';
    for (const [op, work] of [['ECC Sign', w.sign], ['ECC Decrypt', w.decrypt]] as [string, WorkCount][]) {
      const t = o.cpuSecondsFor(work, o.engine);
      const c = o.counts && o.counts[curve] ? (op === 'ECC Sign' ? o.counts[curve].sign : o.counts[curve].decrypt) : '-';
      rows.push({ source: `model, ESP32 (${o.engine}), ${name}, CPU active, radio off`, op, count: c, timeS: t, powerMw: cpuOnly, energyMj: cpuOnly * t, work: workText(work) });
      rows.push({ source: `model, ESP32 (${o.engine}), ${name}, CPU active, radio listening (as in the simulator)`, op, count: c, timeS: t, powerMw: listening, energyMj: listening * t, work: '' });
    }
  }
  return rows;
}

export function table3Markdown(rows: Table3Row[]): string {
  const out = ['| source | operation | count per node | time (s) | power (mW) | energy (mJ) | counted work |', '| --- | --- | ---: | ---: | ---: | ---: | --- |'];
  for (const r of rows) out.push(`| ${r.source} | ${r.op} | ${r.count} | ${r.timeS.toFixed(2)} | ${r.powerMw.toFixed(1)} | ${r.energyMj.toFixed(1)} | ${r.work} |`);
  return out.join('\n');
}

export interface BundleSize {
  path: string;
  raw: number;
  gzip: number;
}

export function table1Markdown(bundles: BundleSize[]): string {
  const p = PAPER_TABLE1;
  const out = [
    '| node code | flash (code + constants) | RAM | note |',
    '| --- | ---: | ---: | --- |',
    `| paper 000, Z1 (MSP430F2617), C, secp160k1 | ${p.text + p.data} B (text ${p.text} + data ${p.data}) of ${p.flashTotal} | ${p.data + p.bss} B (data ${p.data} + bss ${p.bss}) of ${p.ramTotal} | Table I |`,
  ];
  for (const b of bundles) {
    out.push(`| ${b.path} | ${b.raw} B raw, ${b.gzip} B gzip | not measured | the whole node app: both curves, AES-CCM, HKDF, the config record, the runtime; Espruino keeps the (minified) source in RAM, so its RAM use is at least the raw size |`);
  }
  return out.join('\n');
}
