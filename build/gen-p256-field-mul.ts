/**
 * Writes firmware/crypto/p256-field-mul.ts: the P-256 field product and square as
 * straight-line code (no loops, operands in locals), plus the E.convolve variant,
 * the same for every other 16-limb modulus (generic reduction by the matrix F.Lg), and
 * limb-wise add/sub/small-multiple for any 16-limb field.
 *
 * Why generated: on the small interpreters a loop re-reads its body, its bound and
 * its indices every pass, and an array read costs far more than a local; the
 * unrolled form of the same arithmetic measured several times faster on Duktape,
 * JerryScript and Espruino (host-tests/bench). Nobody should hand-edit 300 lines of
 * `a3*b12 + ...`: this script derives them from the formulas below, and
 * host-tests/build/generated-code.test.ts fails when the file and the script differ.
 *
 *   npx tsx build/gen-p256-field-mul.ts          # rewrite the file
 *   npx tsx build/gen-p256-field-mul.ts --check  # exit 1 if it is stale
 *
 * Arithmetic (bignum-limbs.ts header has the bounds):
 *   1. columns c_k = Σ_{i+j=k} a_i·b_j, k = 0..30 (exact in doubles for |limb| ≤ 2^20);
 *      the square uses d_i = 2a_i so each cross product is computed once;
 *   2. fold k = 30..16 top-down with 2^256 ≡ 2^224 − 2^192 − 2^96 + 1 (mod p)
 *      (FIPS 186-4 D.2.3; on 16-bit limbs: +c_k to k−2, −c_k to k−4 and k−10, +c_k to k−16);
 *   3. two balanced carry passes `h = c + K − K` (K = 3·2^67 rounds to a multiple of
 *      2^16, no Math.floor call), each folding its top carry into limbs 0, 6, 12, 14
 *      (2^256 ≡ 2^224 − 2^192 − 2^96 + 1 again, now on the carry); the last fold is
 *      not carried, so output limbs are within ±(2^15 + a few).
 * The convolve variant computes the same columns and the same fold with native dot
 * products, then runs the same carry code: results are bit-identical.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

var N = 16;
/** 3·2^67 as a literal (what field25519.ts writes too); it only has to land in [2^68, 2^69). */
var K = '4.4272185776902924e20';

export var OUT_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'firmware', 'crypto', 'p256-field-mul.ts');

/** Fold statements for columns c30..c16 on locals named `${v}k`. */
function foldLines(v: string): string[] {
  var out: string[] = [];
  for (var k = 2 * N - 2; k >= N; k--) {
    out.push('  ' + v + (k - 2) + ' += ' + v + k + '; ' + v + (k - 4) + ' -= ' + v + k + '; ' +
      v + (k - 10) + ' -= ' + v + k + '; ' + v + (k - 16) + ' += ' + v + k + ';');
  }
  return out;
}

/**
 * One balanced carry pass over locals `${v}from..${v}to` with temporary `t`; leaves the
 * carry out of the last limb, a multiple of 2^16, in h. Each limb is one statement
 * relying on left-to-right evaluation (as in field25519.ts).
 */
function carryPass(v: string, from: number, to: number, t: string): string[] {
  var out = ['  ' + v + from + ' = (' + t + ' = ' + v + from + ') - (h = ' + t + ' + ' + K + ' - ' + K + ');'];
  for (var j = from + 1; j <= to; j++) {
    out.push('  ' + v + j + ' = (' + t + ' = ' + v + j + ' + h / 65536) - (h = ' + t + ' + ' + K + ' - ' + K + ');');
  }
  return out;
}

/** `o[i] = ${v}i;` for every limb, four to a line. */
function storeLines(v: string): string[] {
  var st: string[] = [], out: string[] = [];
  for (var i = 0; i < N; i++) st.push('o[' + i + '] = ' + v + i + ';');
  for (var s = 0; s < N; s += 4) out.push('  ' + st.slice(s, s + 4).join(' '));
  return out;
}

/** Two carry passes over `${v}0..${v}15`, each folding its top carry (P-256), then the stores. */
function carryLines(v: string): string[] {
  var out: string[] = [];
  for (var pass = 0; pass < 2; pass++) {
    out.push.apply(out, carryPass(v, 0, N - 1, 'c'));
    out.push('  h = h / 65536; ' + v + '0 += h; ' + v + '6 -= h; ' + v + '12 -= h; ' + v + '14 += h;');
  }
  out.push.apply(out, storeLines(v));
  return out;
}

function loads(name: string, arr: string): string {
  var parts: string[] = [];
  for (var i = 0; i < N; i++) parts.push(name + i + ' = ' + arr + '[' + i + ']');
  return '  var ' + parts.join(', ') + ';';
}

function mulBody(): string[] {
  var out = [loads('a', 'a'), loads('b', 'b')];
  for (var k = 0; k <= 2 * N - 2; k++) {
    var terms: string[] = [];
    for (var i = Math.max(0, k - N + 1); i <= Math.min(k, N - 1); i++) terms.push('a' + i + '*b' + (k - i));
    out.push('  var c' + k + ' = ' + terms.join(' + ') + ';');
  }
  return out;
}

function sqrBody(): string[] {
  var out = [loads('a', 'a')];
  var ds: string[] = [];
  for (var i = 0; i < N - 1; i++) ds.push('d' + i + ' = 2 * a' + i);
  out.push('  var ' + ds.join(', ') + ';');
  for (var k = 0; k <= 2 * N - 2; k++) {
    var terms: string[] = [];
    for (var x = Math.max(0, k - N + 1); x <= Math.min(k, N - 1); x++) {
      var y = k - x;
      if (x < y) terms.push('d' + x + '*a' + y);
      else if (x === y) terms.push('a' + x + '*a' + x);
    }
    out.push('  var c' + k + ' = ' + terms.join(' + ') + ';');
  }
  return out;
}

function convBody(): string[] {
  var out: string[] = [];
  out.push('  var B = CB, C = CC, v = cv, c, h;');
  out.push.apply(out, convColumns('C[#]'));
  // folded limb j = Σ_k C_k·L[32j + k] (L: the fold as a 16×32 matrix, built by foldMatrixP256)
  var ls: string[] = [];
  for (var j = 0; j < N; j++) ls.push('x' + j + ' = v(C, L, ' + 32 * j + ')');
  out.push('  var ' + ls.join(', ') + ';');
  return out;
}

/**
 * Generic 16-limb reduction (bignum-limbs.ts "any other modulus") of the raw columns
 * c[0..30]: balanced carry of every column (c31, c32 take the top carries), then limb
 * j = c_j + Σ_{k=0..16} c_{16+k}·L[17j + k] with L = 2^(16(16+k)) mod m (F.Lg), then
 * three rounds of carry + fold of the top carry with R = 2^256 mod m (F.RN); the last
 * fold is not carried.
 */
function genericTail(): string[] {
  var out: string[] = [];
  var ls: string[] = [];
  for (var k = 0; k <= 2 * N - 2; k++) ls.push('c' + k + ' = c[' + k + ']');
  out.push('  var ' + ls.join(', ') + ', t, h;');
  out.push.apply(out, carryPass('c', 0, 2 * N - 2, 't'));
  out.push('  var c31 = (t = h / 65536) - (h = t + ' + K + ' - ' + K + '), c32 = h / 65536;');
  var xs: string[] = [];
  for (var j = 0; j < N; j++) xs.push('x' + j);
  out.push('  var ' + xs.join(', ') + ';');
  out.push('  if (cv) {');
  out.push.apply(out, genericMatrixConv().map(function (l) { return '  ' + l; }));
  out.push('  } else {');
  out.push.apply(out, genericMatrixJs().map(function (l) { return '  ' + l; }));
  out.push('  }');
  var rs: string[] = [];
  for (j = 0; j < N; j++) rs.push('R' + j + ' = R[' + j + ']');
  out.push('  var ' + rs.join(', ') + ';');
  for (var round = 0; round < 3; round++) {
    out.push.apply(out, carryPass('x', 0, N - 1, 't'));
    var fs: string[] = [];
    for (j = 0; j < N; j++) fs.push('x' + j + ' += h * R' + j + ';');
    out.push('  h = h / 65536;');
    for (var s2 = 0; s2 < N; s2 += 4) out.push('  ' + fs.slice(s2, s2 + 4).join(' '));
  }
  out.push.apply(out, storeLines('x'));
  return out;
}

/** `  var ck = <sum>;` → `  c[k] = <sum>;` (columns stored, not kept in locals). */
function storeColumn(line: string): string {
  return line.replace(/^  var c(\d+) = /, '  c[$1] = ');
}

/** The matrix product of genericTail written out (272 terms). */
function genericMatrixJs(): string[] {
  var out: string[] = [];
  for (var j = 0; j < N; j++) {
    var terms = ['c' + j];
    for (var k = 0; k <= N; k++) terms.push('c' + (N + k) + '*L[' + ((N + 1) * j + k) + ']');
    out.push('  x' + j + ' = ' + terms.join(' + ') + ';');
  }
  return out;
}

/** The same matrix product with the native dot product over the carried high limbs (in H). */
function genericMatrixConv(): string[] {
  var out: string[] = ['  var H = CH;'];
  var hs: string[] = [];
  for (var k = 0; k <= N; k++) hs.push('H[' + k + '] = c' + (N + k) + ';');
  for (var s = 0; s <= N; s += 6) out.push('  ' + hs.slice(s, s + 6).join(' '));
  for (var j = 0; j < N; j++) out.push('  x' + j + ' = c' + j + ' + cv(H, L, ' + (N + 1) * j + ');');
  return out;
}

/** Columns with the native dot product into locals c0..c30 (B = b reversed, then zeros). */
function convColumns(target: string): string[] {
  var out: string[] = [];
  for (var i = 0; i < N; i++) out.push('  B[' + (N - 1 - i) + '] = b[' + i + '];');
  // column k = Σ_i a_i·B[(i + off) mod 32]: off = 15 − k picks b_{k−i} (k ≤ 15); 47 − k wraps
  for (var k = 0; k <= 2 * N - 2; k++) {
    out.push('  ' + target.replace('#', String(k)) + ' = v(a, B, ' + (k < N ? N - 1 - k : 3 * N - 1 - k) + ');');
  }
  return out;
}

/** o = a ∘ b limb by limb for 16-limb elements (any field with N = 16), unrolled. */
function limbwise(name: string, doc: string, expr: (i: number) => string, params: string): string[] {
  var out = ['/** ' + doc + ' */', 'export function ' + name + '(' + params + '): void {'];
  var st: string[] = [];
  for (var i = 0; i < N; i++) st.push('o[' + i + '] = ' + expr(i) + ';');
  for (var s = 0; s < N; s += 4) out.push('  ' + st.slice(s, s + 4).join(' '));
  out.push('}', '');
  return out;
}

export function generate(): string {
  var L: string[] = [];
  L.push('/**');
  L.push(' * GENERATED by build/gen-p256-field-mul.ts — do not edit; change the script and run it.');
  L.push(' * host-tests/build/generated-code.test.ts fails when this file and the script differ.');
  L.push(' *');
  L.push(' * P-256 field product and square (p = 2^256 − 2^224 + 2^192 + 2^96 − 1, FIPS 186-4');
  L.push(' * D.1.2.3) on 16 limbs of 16 bits held in doubles, unrolled: columns, Solinas fold,');
  L.push(' * two balanced carry passes. Inputs |limb| ≤ 2^20; outputs within ±(2^15 + 8).');
  L.push(' * The arithmetic and its bounds are described in bignum-limbs.ts and in the script.');
  L.push(' * o may alias a or b (everything is read into locals first). Also here: the columns');
  L.push(' * and the reduction for the other 16-limb moduli, and limb-wise add/sub/k·a.');
  L.push(' */');
  L.push('');
  L.push('export type ConvolveFn = (a: Float64Array, b: Float64Array, offset: number) => number;');
  L.push('');
  L.push('/** Convolve path scratch: b reversed then 16 zeros; the 31 columns (+1 zero). */');
  L.push('var CB = new Float64Array(' + 2 * N + ');');
  L.push('var CC = new Float64Array(' + 2 * N + ');');
  L.push('/** Generic convolve path scratch: the carried high limbs c16..c32. */');
  L.push('var CH = new Float64Array(' + (N + 1) + ');');
  L.push('');
  L.push('/**');
  L.push(' * The fold of columns 0..31 into limbs 0..15 as a 16×32 matrix (row j at 32j), for');
  L.push(' * the convolve path: built by running the same top-down fold on unit columns.');
  L.push(' */');
  L.push('export function foldMatrixP256(): Float64Array {');
  L.push('  var M = new Float64Array(' + N * 2 * N + '), col = new Float64Array(' + 2 * N + '), k, j, i;');
  L.push('  for (k = 0; k < ' + 2 * N + '; k++) {');
  L.push('    for (i = 0; i < ' + 2 * N + '; i++) col[i] = 0;');
  L.push('    col[k] = 1;');
  L.push('    for (i = ' + (2 * N - 2) + '; i >= ' + N + '; i--) {');
  L.push('      col[i - 2] += col[i]; col[i - 4] -= col[i]; col[i - 10] -= col[i]; col[i - 16] += col[i]; col[i] = 0;');
  L.push('    }');
  L.push('    for (j = 0; j < ' + N + '; j++) M[' + 2 * N + ' * j + k] = col[j];');
  L.push('  }');
  L.push('  return M;');
  L.push('}');
  L.push('');
  L.push('/** o = a·b mod p (loose), pure JS. */');
  L.push('export function p256MulJs(o: Float64Array, a: Float64Array, b: Float64Array): void {');
  L.push.apply(L, mulBody());
  L.push('  var c, h;');
  L.push.apply(L, foldLines('c'));
  L.push.apply(L, carryLines('c'));
  L.push('}');
  L.push('');
  L.push('/** o = a² mod p (loose), pure JS: 136 products instead of 256. */');
  L.push('export function p256SqrJs(o: Float64Array, a: Float64Array): void {');
  L.push.apply(L, sqrBody());
  L.push('  var c, h;');
  L.push.apply(L, foldLines('c'));
  L.push.apply(L, carryLines('c'));
  L.push('}');
  L.push('');
  L.push('/**');
  L.push(' * Other 16-limb moduli (P-256 n, secp256k1 p and n): the raw columns of a·b (or a²)');
  L.push(' * go to c[0..30] (c[31] = 0), then gen16Reduce. The columns are cheap to store; the');
  L.push(' * reduction is written once, which keeps these rarer fields small in the bundle.');
  L.push(' */');
  L.push('export function gen16Columns(c: Float64Array, a: Float64Array, b: Float64Array): void {');
  L.push.apply(L, mulBody().map(storeColumn));
  L.push('  c[31] = 0;');
  L.push('}');
  L.push('');
  L.push('export function gen16SqrColumns(c: Float64Array, a: Float64Array): void {');
  L.push.apply(L, sqrBody().map(storeColumn));
  L.push('  c[31] = 0;');
  L.push('}');
  L.push('');
  L.push('/** The columns with the native dot product (same exact values). */');
  L.push('export function gen16ConvColumns(cv: ConvolveFn, c: Float64Array, a: Float64Array, b: Float64Array): void {');
  L.push('  var B = CB, v = cv;');
  L.push.apply(L, convColumns('c[#]'));
  L.push('  c[31] = 0;');
  L.push('}');
  L.push('');
  L.push('/**');
  L.push(' * o = the columns c reduced mod m (loose): balanced carries, the matrix L = F.Lg');
  L.push(' * (16 native calls when cv is given, else written out), three carry-and-fold rounds');
  L.push(' * with R = F.RN. Inputs |limb| ≤ 2^20 gave the columns; outputs |limb| ≤ 2^15 + 2^16.');
  L.push(' */');
  L.push('export function gen16Reduce(o: Float64Array, c: Float64Array, L: Float64Array, R: Float64Array, cv: ConvolveFn | null): void {');
  L.push.apply(L, genericTail());
  L.push('}');
  L.push('');
  L.push.apply(L, limbwise('limbs16Add', 'o = a + b, limb by limb (16 limbs, any field with N = 16; not carried).',
    function (i) { return 'a[' + i + '] + b[' + i + ']'; }, 'o: Float64Array, a: Float64Array, b: Float64Array'));
  L.push.apply(L, limbwise('limbs16Sub', 'o = a − b, limb by limb (16 limbs; not carried).',
    function (i) { return 'a[' + i + '] - b[' + i + ']'; }, 'o: Float64Array, a: Float64Array, b: Float64Array'));
  L.push.apply(L, limbwise('limbs16MulSmall', 'o = k·a for a small integer k, limb by limb (16 limbs; not carried).',
    function (i) { return 'a[' + i + '] * k'; }, 'o: Float64Array, a: Float64Array, k: number'));
  L.push('/**');
  L.push(' * o = a·b mod p (loose) with a native dot product cv (Espruino\'s E.convolve:');
  L.push(' * Σ_i x[i]·y[(i + off) mod y.length]): 31 calls for the columns, 16 for the fold');
  L.push(' * (L = foldMatrixP256()), then the same carry code as p256MulJs: bit-identical.');
  L.push(' */');
  L.push('export function p256MulConv(cv: ConvolveFn, L: Float64Array, o: Float64Array, a: Float64Array, b: Float64Array): void {');
  L.push("  'ram';");
  L.push.apply(L, convBody());
  L.push.apply(L, carryLines('x'));
  L.push('}');
  L.push('');
  return L.join('\n');
}

function main(): void {
  var text = generate();
  if (process.argv.indexOf('--check') >= 0) {
    var cur = '';
    try { cur = readFileSync(OUT_PATH, 'utf8'); } catch (e) { cur = ''; }
    if (cur !== text) {
      console.error(OUT_PATH + ' is stale: run npx tsx build/gen-p256-field-mul.ts');
      process.exit(1);
    }
    console.log(OUT_PATH + ' is up to date');
    return;
  }
  writeFileSync(OUT_PATH, text);
  console.log('wrote ' + OUT_PATH);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
