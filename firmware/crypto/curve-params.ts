/**
 * Short-Weierstrass curves y² = x³ + a·x + b over GF(p), as data (SEC 2 v2 §2.4.2
 * secp256k1, §2.4.2/2.7 secp256r1 = NIST P-256 (FIPS 186-4 D.1.2.3); SEC 2 v1
 * §2.4.1 secp160k1). All have cofactor 1 and p ≡ 3 (mod 4), which the square root
 * in point decompression relies on. Hex strings are big-endian.
 *
 * `a3`: a ≡ −3 (doubling uses 3(X − Z²)(X + Z²)); `a0`: a = 0 (doubling drops the
 * a·Z⁴ term); `p256`: the prime is the P-256 prime (Solinas reduction path).
 */
export interface CurveParams {
  name: string;
  p: string;
  a: string;
  b: string;
  n: string;
  gx: string;
  gy: string;
  a3: boolean;
  a0: boolean;
  p256: boolean;
}

export var P256_PARAMS: CurveParams = {
  name: 'P-256',
  p: 'ffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
  a: 'ffffffff00000001000000000000000000000000fffffffffffffffffffffffc',
  b: '5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
  n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  gx: '6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
  gy: '4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
  a3: true,
  a0: false,
  p256: true,
};

export var SECP256K1_PARAMS: CurveParams = {
  name: 'secp256k1',
  p: 'fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f',
  a: '00',
  b: '07',
  n: 'fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141',
  gx: '79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798',
  gy: '483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8',
  a3: false,
  a0: true,
  p256: false,
};

/** secp160k1: p is 160 bits, n is 161 bits (scalars take 21 bytes). */
export var SECP160K1_PARAMS: CurveParams = {
  name: 'secp160k1',
  p: 'fffffffffffffffffffffffffffffffeffffac73',
  a: '00',
  b: '07',
  n: '0100000000000000000001b8fa16dfab9aca16b6b3',
  gx: '3b4c382ce37aa192a4019e763036f4f5dd4d7ebb',
  gy: '938cf935318fdced6bc28286531733c3f03c4fee',
  a3: false,
  a0: true,
  p256: false,
};
