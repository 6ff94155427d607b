/**
 * Certificate bytes (README §4.5): the compact ECQV certificate beside an
 * X.509 certificate for the same key. The bench builds a minimal X.509 in the
 * engine bundle (host-tests/bench/x509-min.ts); here node:crypto parses and
 * verifies it (a real certificate, for the key the ECQV certificate implies),
 * and `openssl x509 -new -CA … -force_pubkey` makes one for the same key,
 * issuer and subject: the sizes agree within the DER signature's 1–2 bytes.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { X509Certificate, createPublicKey, createPrivateKey } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { ecqvFirmwareSuite } from '../../firmware/protocols/ecqv/suite-firmware.ts';
import { encodeCertMeta } from '../../firmware/protocols/ecqv/cert.ts';
import { caIdOf } from '../../firmware/protocols/ecqv/keys.ts';
import { ecqvExtractPublic } from '../../firmware/crypto/ecqv.ts';
import { p256 as fwP256 } from '../../firmware/crypto/p256.ts';
import { x509Minimal } from '../bench/x509-min.ts';
import { rng, key } from './driver.ts';

const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ecqv certificate bytes vs X.509', () => {
  const s = ecqvFirmwareSuite(1);
  const dCA = key(s, 'x509 ca');
  const caPub = s.publicKey(dCA);
  const U = new Uint8Array([0x90, 0xce, 0x51, 0xce, 0x35, 0xc6, 0xd8, 0x4e]);
  const T = 1800000000;
  const req = s.request(rng(1));
  const iss = s.issue(dCA, req.RU, encodeCertMeta(1, U, T, 365 * 24, caIdOf(s, caPub)), rng(2));
  const QU = ecqvExtractPublic(fwP256(), iss.cert, caPub, false);
  const der = x509Minimal(QU, hex(U), dCA, T, 365, rng(3)(20));
  const caPoint = p256.Point.fromBytes(caPub).toBytes(false);
  const jwk = (pt: Uint8Array) => ({ kty: 'EC', crv: 'P-256', x: b64u(pt.subarray(1, 33)), y: b64u(pt.subarray(33, 65)) });
  const caKey = createPublicKey({ key: jwk(caPoint), format: 'jwk' });

  it('the minimal X.509 built for the bench is a real certificate: node:crypto parses it and verifies it with the CA key', () => {
    const x = new X509Certificate(Buffer.from(der));
    expect(x.subject).toBe('CN=' + hex(U));
    expect(x.issuer).toBe('CN=ca');
    expect(x.verify(caKey)).toBe(true);
    const pk = x.publicKey.export({ format: 'jwk' }) as { x: string; y: string };
    expect(pk.x).toBe(b64u(QU.subarray(1, 33)));
    expect(pk.y).toBe(b64u(QU.subarray(33, 65)));
    expect(new Date(x.validFrom).getTime() / 1000).toBe(T);
    expect(new Date(x.validTo).getTime() / 1000).toBe(T + 365 * 86400);
  });

  it('openssl makes a certificate of the same size (±2 bytes) for the same key; the ECQV one is 52 bytes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nowboard-x509-'));
    const caPem = createPrivateKey({ key: { ...jwk(caPoint), d: b64u(dCA) }, format: 'jwk' }).export({ format: 'pem', type: 'pkcs8' }) as string;
    fs.writeFileSync(path.join(dir, 'ca.pem'), caPem);
    fs.writeFileSync(path.join(dir, 'dev.pem'), createPublicKey({ key: jwk(QU), format: 'jwk' }).export({ format: 'pem', type: 'spki' }) as string);
    const sh = (args: string[]) => {
      const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      expect(r.error, 'openssl must be installed for this comparison').toBeUndefined();
      expect(r.status, r.stderr).toBe(0);
    };
    sh(['req', '-x509', '-new', '-key', 'ca.pem', '-subj', '/CN=ca', '-days', '3650', '-out', 'ca.crt']);
    sh(['x509', '-new', '-subj', '/CN=' + hex(U), '-CA', 'ca.crt', '-CAkey', 'ca.pem', '-force_pubkey', 'dev.pem', '-days', '365', '-outform', 'DER', '-out', 'dev.der']);
    const ossl = new Uint8Array(fs.readFileSync(path.join(dir, 'dev.der')));
    const x = new X509Certificate(Buffer.from(ossl));
    expect(x.verify(caKey)).toBe(true);
    expect(x.publicKey.export({ format: 'jwk' })).toMatchObject({ x: b64u(QU.subarray(1, 33)) });
    expect(Math.abs(ossl.length - der.length)).toBeLessThanOrEqual(2);
    expect(iss.cert.length).toBe(52);
    expect(ossl.length).toBeGreaterThan(5 * iss.cert.length);
  });
});
