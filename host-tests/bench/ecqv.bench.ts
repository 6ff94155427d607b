/**
 * `npm run bench`, host part for protocol 2: the size of an X.509 certificate
 * that `openssl` makes for the same P-256 key as an ECQV certificate (same
 * issuer and subject names, 365 days, no extensions), beside the ECQV one,
 * the minimal X.509 the engine bundle builds, and Zigbee SE's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { encodeCertMeta } from '../../firmware/protocols/ecqv/cert.ts';
import { caIdOf, randStream } from '../../firmware/protocols/ecqv/keys.ts';
import { ecqvExtractPublic } from '../../firmware/crypto/ecqv.ts';
import { p256 as fwP256 } from '../../firmware/crypto/p256.ts';
import { utf8Encode, toHex } from '../../firmware/bytes/bytes.ts';
import { x509Minimal } from './x509-min.ts';

export default function run(): void {
  const s = ecqvFirmwareSuite(1);
  const rand = randStream(s, s.sha256(utf8Encode('ecqv.bench')));
  const ca = s.request(rand);
  const U = rand(8);
  const req = s.request(rand);
  const iss = s.issue(ca.kU, req.RU, encodeCertMeta(1, U, Math.floor(Date.now() / 1000), 8760, caIdOf(s, ca.RU)), rand);
  const QU = ecqvExtractPublic(fwP256(), iss.cert, ca.RU, false);
  const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const jwk = (pt: Uint8Array) => ({ kty: 'EC', crv: 'P-256', x: b64u(pt.subarray(1, 33)), y: b64u(pt.subarray(33, 65)) });
  const caPt = p256.Point.fromBytes(ca.RU).toBytes(false);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-ecqv-bench-'));
  fs.writeFileSync(path.join(dir, 'ca.pem'), createPrivateKey({ key: { ...jwk(caPt), d: b64u(ca.kU) }, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }) as string);
  fs.writeFileSync(path.join(dir, 'dev.pem'), createPublicKey({ key: jwk(QU), format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string);
  const sh = (args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  const own = x509Minimal(QU, toHex(U), ca.kU, Math.floor(Date.now() / 1000), 365, rand(20)).length;
  let ossl = 'openssl not available';
  const a = sh(['req', '-x509', '-new', '-key', 'ca.pem', '-subj', '/CN=ca', '-days', '3650', '-out', 'ca.crt']);
  const b = a.status === 0 && sh(['x509', '-new', '-subj', '/CN=' + toHex(U), '-CA', 'ca.crt', '-CAkey', 'ca.pem', '-force_pubkey', 'dev.pem', '-days', '365', '-outform', 'DER', '-out', 'dev.der']);
  if (b && b.status === 0) ossl = fs.statSync(path.join(dir, 'dev.der')).size + ' bytes (openssl x509 -new -CA … -force_pubkey, v1, no extensions)';
  fs.rmSync(dir, { recursive: true, force: true });
  console.log('certificate for one P-256 key:');
  console.log('  ECQV (this protocol)          ' + iss.cert.length + ' bytes (secp160k1: 40)');
  console.log('  Zigbee SE ECQV                48 bytes (sect163k1), 74 bytes (sect283k1)');
  console.log('  X.509, openssl                ' + ossl);
  console.log('  X.509, minimal DER (bench)    ' + own + ' bytes');
}
