/**
 * Counted crypto work, read by the runtime and reported to the Meter port so
 * the power model can turn it into CPU time (counts x per-engine cost table).
 * A plain object of numbers: incrementing a property is cheap on every engine.
 * Crypto code never touches a port; it only bumps these.
 */
export var work = {
  /** field multiplications (incl. squarings) mod 2^255-19 */
  fmul25519: 0,
  /** field multiplications (incl. squarings) mod a Weierstrass prime (P-256, secp256k1, secp160k1) */
  fmulP: 0,
  /** field inversions of any curve (counted besides their multiplications) */
  finv: 0,
  /** SHA-256 compression-function calls */
  shaBlock: 0,
  /** AES-128 block encryptions */
  aesBlock: 0,
};

export type WorkUnit = 'fmul25519' | 'fmulP' | 'finv' | 'shaBlock' | 'aesBlock';
export var WORK_UNITS: WorkUnit[] = ['fmul25519', 'fmulP', 'finv', 'shaBlock', 'aesBlock'];

/** A copy of the counters now. */
export function snapshotWork(): { [k: string]: number } {
  var o: { [k: string]: number } = {};
  for (var i = 0; i < WORK_UNITS.length; i++) o[WORK_UNITS[i]] = work[WORK_UNITS[i]];
  return o;
}
