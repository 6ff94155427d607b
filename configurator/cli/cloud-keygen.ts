/**
 * `nowboard keygen --protocol cloud` (firmware/protocols/cloud/README.md §1, §6):
 *
 *   DIR/trust-list.json        public: one row per node {sn, mac, pub, curve, gpub} — what the AC's trust list holds
 *                              (gpub: the grant point F; the node's grant key K_an = HKDF(x(f·Q_AC)) goes into its
 *                              identity file, f is dropped, the AC re-derives K_an from d_AC and F: README §4.4)
 *                              (`nowboard cloud add --file DIR/trust-list.json`)
 *   DIR/border-routers.json    public: one row per BR {id, pub} — what the AC registers
 *   DIR/ac-key.json            secret (0600), only when --ac-pub is not given: the AC's P-256 key file
 *   DIR/nodes/<sn>/            each node's Storage files (identity nb-id, slot-framed) for flash.sh
 *   DIR/border-routers/<id>/   each BR's Storage files (nb-brkey: its key, the pinned AC key, the network key; nb.store;
 *                              nb-uplink.json {host, port} of the AC when --ac-host is given)
 *
 * MACs: a node signs its MAC and the AC checks it against the trust list, so it
 * must be the board's own: pass them with --macs (comma-separated, in node
 * order); otherwise locally administered placeholders 02:4e:42:00:hi:lo are
 * written (the simulator's) and must be replaced in trust-list.json and
 * re-generated before flashing real boards.
 * Keys come from node:crypto randomness through the firmware's own key
 * generation (the boards read them with the same code).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from './cli-errors.ts';
import { FlagValues } from './args.ts';
import { writeSecretJson, toHex } from './manifest.ts';
import { writeFilesTo } from './device-files.ts';
import { keyGen, makeCurve } from '../../firmware/crypto/weierstrass.ts';
import { P256_PARAMS, SECP160K1_PARAMS } from '../../firmware/crypto/curve-params.ts';
import { fromHex, utf8Encode } from '../../firmware/bytes/bytes.ts';
import { slotFiles } from '../../firmware/ports/slot-storage.ts';
import { CURVE_P256, CURVE_SECP160K1, CURVE_NAMES } from '../../firmware/protocols/cloud/ac-api.ts';
import { issueGrantKey } from '../../firmware/protocols/cloud/keys.ts';
import { cloudSuite } from '../../firmware/protocols/cloud/suite-firmware.ts';
import { encodeNodeIdentity, encodeBrIdentity, NodeIdentity, BrIdentity } from '../../firmware/protocols/cloud/records.ts';
import { validSn } from '../../firmware/protocols/cloud/frames.ts';
import { IDENTITY_FILE } from '../../firmware/apps/enrollee-app.ts';
import { BR_KEY_FILE } from '../app/cloud/configurator-spec.ts';
import { STORE_FILE } from '../app/config-store.ts';
import { boardMac } from '../sim/sim-world.ts';

const rand = (n: number) => new Uint8Array(randomBytes(n));

function b64url(b: Uint8Array): string {
  return Buffer.from(b).toString('base64url');
}

function parseMac(s: string, i: number): Uint8Array {
  const h = s.trim().toLowerCase().replace(/[:-]/g, '');
  if (!/^[0-9a-f]{12}$/.test(h)) throw new CliError('E_FLAG_VALUE', `--macs: entry ${i + 1} ("${s}") is not a MAC address`);
  return fromHex(h);
}

export function cmdKeygenCloud(flags: FlagValues, out: (s: string) => void): number {
  const dir = flags.out as string;
  const count = flags.count as number;
  const brs = (flags.brs as number | undefined) ?? 2;
  const curve = flags.curve === 'secp160k1' ? CURVE_SECP160K1 : CURVE_P256;
  const clock = (flags['clock-base'] as number | undefined) ?? Math.floor(Date.now() / 1000);
  const prefix = flags.prefix === 'dev-' ? 'NB-' : (flags.prefix as string);
  const macs = typeof flags.macs === 'string' ? (flags.macs as string).split(',').map(parseMac) : null;
  if (macs && macs.length !== count) throw new CliError('E_FLAG_VALUE', `--macs: ${macs.length} MACs for ${count} nodes`);
  if (!validSn(prefix + String(count).padStart(5, '0'))) throw new CliError('E_FLAG_VALUE', `--prefix: serial numbers must be 1..32 printable ASCII characters without spaces`);
  let acId = (flags['ac-id'] as string | undefined) ?? 'ac-1';
  let acPub: Uint8Array;
  const P = makeCurve(P256_PARAMS);
  if (typeof flags['ac-pub'] === 'string') {
    const h = (flags['ac-pub'] as string).toLowerCase();
    if (!/^04[0-9a-f]{128}$/.test(h)) throw new CliError('E_FLAG_VALUE', '--ac-pub: the AC key as 130 hex digits (uncompressed P-256 point, 04…)');
    acPub = fromHex(h);
  } else {
    const ac = keyGen(P, rand, false);
    acPub = ac.pub;
    fs.mkdirSync(dir, { recursive: true });
    writeSecretJson(path.join(dir, 'ac-key.json'), {
      kind: 'nowboard-p256', id: acId, pub: toHex(ac.pub),
      jwk: { kty: 'EC', crv: 'P-256', x: b64url(ac.pub.subarray(1, 33)), y: b64url(ac.pub.subarray(33, 65)), d: b64url(ac.priv) },
    });
  }
  const NC = curve === CURVE_P256 ? P : makeCurve(SECP160K1_PARAMS);
  fs.mkdirSync(path.join(dir, 'nodes'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'border-routers'), { recursive: true });
  const trust: { sn: string; mac: string; pub: string; curve: string; gpub: string }[] = [];
  const P256S = cloudSuite(CURVE_P256)!;
  for (let i = 0; i < count; i++) {
    const kp = keyGen(NC, rand, false);
    const sn = prefix + String(10001 + i);
    // The node's grant key (README §4.4): only the AC's public key is needed here.
    const g = issueGrantKey(P256S, acPub, sn, rand);
    const id: NodeIdentity = { curve, sn, mac: macs ? macs[i] : boardMac(brs + i + 1), clock, priv: kp.priv, pub: kp.pub, grantKey: g.key };
    writeFilesTo(path.join(dir, 'nodes', sn), slotFiles({ [IDENTITY_FILE]: encodeNodeIdentity(id) }));
    trust.push({ sn, mac: toHex(id.mac), pub: toHex(id.pub), curve: CURVE_NAMES[curve], gpub: toHex(g.gpub) });
  }
  const brRows: { id: string; pub: string }[] = [];
  const store = { groups: { '': { version: 1, ssid: (flags.ssid as string) ?? 'nowboard-lab', psk: randomBytes(12).toString('base64url'), settings: { mqtt: 'mqtt://broker.local' } } }, devices: {} };
  for (let i = 0; i < brs; i++) {
    const kp = keyGen(P, rand, false);
    const id: BrIdentity = { brId: 'br-' + (i + 1), priv: kp.priv, pub: kp.pub, acId, acPub, netKey: rand(16), clock };
    const files: Record<string, Uint8Array> = slotFiles({ [BR_KEY_FILE]: encodeBrIdentity(id), [STORE_FILE]: utf8Encode(JSON.stringify(store)) });
    // The BR board's uplink (firmware/platform/espruino/uplink.ts reads it raw, like nb-udp.json).
    if (typeof flags['ac-host'] === 'string') files['nb-uplink.json'] = utf8Encode(JSON.stringify({ host: flags['ac-host'], port: (flags['ac-port'] as number | undefined) ?? 47200 }));
    writeFilesTo(path.join(dir, 'border-routers', id.brId), files);
    brRows.push({ id: id.brId, pub: toHex(kp.pub) });
  }
  fs.writeFileSync(path.join(dir, 'trust-list.json'), JSON.stringify(trust, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'border-routers.json'), JSON.stringify(brRows, null, 2) + '\n');
  out(`wrote ${count} node identities (${CURVE_NAMES[curve]}), ${brs} border routers, trust-list.json and border-routers.json` +
    (typeof flags['ac-pub'] === 'string' ? '' : ' and ac-key.json') + ` to ${dir}` + (macs ? '' : '; MACs are placeholders (--macs gives the boards\' own)'));
  return 0;
}
