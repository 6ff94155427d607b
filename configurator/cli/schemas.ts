/**
 * Schemas (zod, from the npm registry) for every JSON file the CLI reads:
 * manifest.json, whitelist.json, configs.json, the device secrets
 * (devices/<id>.json) and configurator.key.json. A file that does not match
 * gives a CliError naming the file and the field path (`devices[3].keyHash`),
 * never a stack trace; values are never coerced (a number where a string
 * belongs is refused, issue 9 findings 5 and 6).
 *
 * The manifest's devices are a discriminated union on `protocol`: each
 * protocol with a keygen adds its device object (with `protocol:
 * z.literal('<name>')`) to MANIFEST_DEVICES below; the whitelist device is the
 * first row. Limits come from the formats the boards read
 * (firmware/protocols/whitelist/README.md §5, §6), so a file that passes here
 * encodes to bytes the board accepts.
 */
import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha2.js';
import { CliError, CliErrorCode } from './cli-errors.ts';

/** The one key a JS object cannot hold as an own property when assigned: refused everywhere. */
export const RESERVED_KEY = '__proto__';
/** Device ids: file names under devices/, 1..32 characters. */
export const ID_RE = /^[A-Za-z0-9._-]{1,32}$/;
/** Group names: the whitelist file stores them in at most 32 UTF-8 bytes (README §6). */
export const GROUP_MAX_BYTES = 32;

export const bytesOf = (s: string) => Buffer.byteLength(s, 'utf8');

export const hex32 = z.string().regex(/^[0-9a-fA-F]{64}$/, 'expected 32 bytes of hex (64 hex digits)');
export const deviceId = z.string().regex(ID_RE, `must match ${ID_RE}`);
/** A group name as the whitelist file can hold it (non-empty where a device names it). */
export const groupName = z
  .string()
  .min(1, 'must be a non-empty string')
  .refine((g) => bytesOf(g) <= GROUP_MAX_BYTES, `must be at most ${GROUP_MAX_BYTES} UTF-8 bytes`)
  .refine((g) => g !== RESERVED_KEY, `"${RESERVED_KEY}" is reserved`);
const isoTime = z.string().min(1, 'must be a timestamp');

// ---- manifest.json ---------------------------------------------------------

/** A whitelist device (protocol 1): an X25519 public key and the SHA-256 the whitelist carries. */
export const whitelistDevice = z
  .strictObject({
    id: deviceId,
    protocol: z.literal('whitelist'),
    publicKey: hex32,
    keyHash: hex32,
    group: groupName,
  })
  .superRefine((d, ctx) => {
    const h = Buffer.from(sha256(Buffer.from(d.publicKey, 'hex'))).toString('hex');
    if (h !== d.keyHash.toLowerCase()) ctx.addIssue({ code: 'custom', path: ['keyHash'], message: 'is not SHA-256 of publicKey' });
  });

/** An ecqv device (protocol 2): the 8-byte device id its certificate will name. */
export const ecqvDevice = z.object({
  id: deviceId,
  protocol: z.literal('ecqv'),
  deviceId: z.string().regex(/^[0-9a-fA-F]{16}$/, 'expected 8 bytes of hex (16 hex digits)'),
  group: groupName,
});

/** One row per protocol whose batches `nowboard keygen` makes; the discriminator is `protocol`. */
export const MANIFEST_DEVICES = [whitelistDevice, ecqvDevice] as const;
export const manifestDevice = z.discriminatedUnion('protocol', MANIFEST_DEVICES);

/**
 * Batch-level rules per protocol: the suites it has, and the size of the
 * configurator's public key (`configurator.publicKey`) for a suite.
 */
export const MANIFEST_BATCH: { [protocol: string]: { suites: number[]; keyBytes: (suite: number) => number; compressed?: boolean; suiteNote: string } } = {
  whitelist: { suites: [1], keyBytes: () => 32, suiteNote: 'this version speaks suite 1' },
  // the CA key Q_CA, compressed: 33 bytes on P-256, 21 on secp160k1
  ecqv: { suites: [1, 2], keyBytes: (s) => (s === 1 ? 33 : 21), compressed: true, suiteNote: 'ecqv: 1 = P-256, 2 = secp160k1' },
};

export const manifestSchema = z
  .object({
    format: z.literal('nowboard-manifest/1'),
    created: isoTime,
    protocol: z.string(),
    suite: z.number().int().min(1),
    configurator: z.object({ publicKey: z.string().regex(/^([0-9a-fA-F]{2})+$/, 'expected hex') }),
    devices: z.array(manifestDevice),
  })
  .superRefine((m, ctx) => {
    const rule = Object.prototype.hasOwnProperty.call(MANIFEST_BATCH, m.protocol) ? MANIFEST_BATCH[m.protocol] : null;
    if (!rule) {
      ctx.addIssue({ code: 'custom', path: ['protocol'], message: `"${m.protocol}" has no keygen in this version (${Object.keys(MANIFEST_BATCH).join(', ')})` });
      return;
    }
    if (rule.suites.indexOf(m.suite) < 0) ctx.addIssue({ code: 'custom', path: ['suite'], message: `unsupported suite ${m.suite} (${rule.suiteNote})` });
    const key = m.configurator.publicKey;
    if (key.length !== 2 * rule.keyBytes(m.suite)) {
      ctx.addIssue({ code: 'custom', path: ['configurator', 'publicKey'], message: `expected ${rule.keyBytes(m.suite)} bytes of hex` });
    } else if (rule.compressed && key.slice(0, 2) !== '02' && key.slice(0, 2) !== '03') {
      ctx.addIssue({ code: 'custom', path: ['configurator', 'publicKey'], message: 'must be a compressed point (02/03)' });
    }
    const seen = new Map<string, number>();
    m.devices.forEach((d, i) => {
      if (d.protocol !== m.protocol) {
        ctx.addIssue({ code: 'custom', path: ['devices', i, 'protocol'], message: `"${d.protocol}" differs from the batch's "${m.protocol}"` });
      }
      const j = seen.get(d.id);
      if (j !== undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate id ${d.id} (also devices[${j}])` });
      seen.set(d.id, i);
      if (d.protocol === 'ecqv') {
        const k = seen.get('#' + d.deviceId.toLowerCase());
        if (k !== undefined) ctx.addIssue({ code: 'custom', path: ['devices', i, 'deviceId'], message: `duplicate deviceId ${d.deviceId} (also devices[${k}])` });
        seen.set('#' + d.deviceId.toLowerCase(), i);
      }
    });
  });

/**
 * Manifests written before protocols were selectable have no `protocol`: they
 * are whitelist batches, and each device inherits the batch's protocol.
 */
export function withManifestDefaults(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const m = { ...(v as Record<string, unknown>) };
  if (m.protocol === undefined) m.protocol = 'whitelist';
  if (Array.isArray(m.devices)) {
    m.devices = m.devices.map((d) =>
      d && typeof d === 'object' && !Array.isArray(d) && (d as Record<string, unknown>).protocol === undefined ? { ...(d as object), protocol: m.protocol } : d,
    );
  }
  return m;
}

// ---- whitelist.json ---------------------------------------------------------

export const whitelistEntry = z.strictObject({
  id: deviceId,
  keyHash: hex32,
  group: groupName,
  status: z.enum(['active', 'revoked']),
  changed: isoTime,
});

export const whitelistSchema = z
  .strictObject({ format: z.literal('nowboard-whitelist/1'), entries: z.array(whitelistEntry) })
  .superRefine((w, ctx) => {
    // The board's decoder refuses a whitelist with a hash twice (E_FILE_FIELD): refuse it here first.
    const hashes = new Map<string, number>();
    const ids = new Map<string, number>();
    w.entries.forEach((e, i) => {
      const h = e.keyHash.toLowerCase();
      const j = hashes.get(h);
      if (j !== undefined) ctx.addIssue({ code: 'custom', path: ['entries', i, 'keyHash'], message: `duplicate key hash (also entries[${j}])` });
      hashes.set(h, i);
      const k = ids.get(e.id);
      if (k !== undefined) ctx.addIssue({ code: 'custom', path: ['entries', i, 'id'], message: `duplicate id ${e.id} (also entries[${k}])` });
      ids.set(e.id, i);
    });
  });

// ---- configs.json -----------------------------------------------------------

/** Limits that keep one configuration inside the protocol's fragment budget (README §5). */
export const LIMITS = { ssid: 32, pskMin: 8, psk: 63, appKeys: 16, appKey: 32, appValue: 96 };

const appSettings = z
  .record(
    z
      .string()
      .min(1, 'setting keys must be non-empty')
      .refine((k) => bytesOf(k) <= LIMITS.appKey, `setting keys must be at most ${LIMITS.appKey} bytes`),
    z.string().refine((v) => bytesOf(v) <= LIMITS.appValue, `setting values must be at most ${LIMITS.appValue} bytes`),
  )
  .refine((a) => Object.keys(a).length <= LIMITS.appKeys, `at most ${LIMITS.appKeys} settings`);

const recordFields = {
  version: z.number().int('must be an integer').min(1).max(0xffffffff),
  ssid: z
    .string()
    .min(1, 'must be 1..32 bytes')
    .refine((s) => bytesOf(s) <= LIMITS.ssid, `must be 1..${LIMITS.ssid} bytes`),
  psk: z
    .string()
    .refine((s) => bytesOf(s) >= LIMITS.pskMin && bytesOf(s) <= LIMITS.psk, `must be ${LIMITS.pskMin}..${LIMITS.psk} bytes (WPA2 passphrase)`),
  app: appSettings,
};

export const configRecord = z.strictObject(recordFields);
/** A device's overrides of its group's record: any subset of the fields. */
export const configOverride = z.strictObject({
  version: recordFields.version.optional(),
  ssid: recordFields.ssid.optional(),
  psk: recordFields.psk.optional(),
  app: recordFields.app.optional(),
});

export const configsSchema = z.strictObject({
  format: z.literal('nowboard-configs/1'),
  groups: z.record(groupName, configRecord),
  devices: z.record(deviceId, configOverride),
});

// ---- secrets ----------------------------------------------------------------

export const deviceSecretSchema = z.strictObject({
  id: deviceId,
  privateKey: hex32,
  publicKey: hex32,
  configuratorPublicKey: hex32,
});

export const configuratorKeySchema = z.strictObject({ privateKey: hex32, publicKey: hex32 });

// ---- errors -----------------------------------------------------------------

/** `devices[3].keyHash`, `groups["line a"].psk`: a zod path as a person reads it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (typeof p === 'string' && /^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(p)) out += (out ? '.' : '') + p;
    else out += `[${JSON.stringify(String(p))}]`;
  }
  return out || '(top level)';
}

/**
 * An own `__proto__` key anywhere in parsed JSON (JSON.parse creates one; an
 * assignment would set a prototype instead), as a path, or null.
 */
export function reservedKeyPath(v: unknown, path: PropertyKey[] = []): PropertyKey[] | null {
  if (!v || typeof v !== 'object') return null;
  if (Object.prototype.hasOwnProperty.call(v, RESERVED_KEY)) return [...path, RESERVED_KEY];
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const p = reservedKeyPath(x, [...path, Array.isArray(v) ? Number(k) : k]);
    if (p) return p;
  }
  return null;
}

/** Parse `value` (read from `file`) with `schema`, or throw a CliError naming the file and the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string, code: CliErrorCode): T {
  const bad = reservedKeyPath(value);
  if (bad) throw new CliError(code, `${file}: ${fieldPath(bad)}: the key "${RESERVED_KEY}" is not allowed`);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3).map((i) => `${fieldPath(i.path)}: ${i.message}`);
  const more = r.error.issues.length > 3 ? ` (and ${r.error.issues.length - 3} more)` : '';
  throw new CliError(code, `${file}: ${issues.join('; ')}${more}`);
}

// ---- psk-oob (protocol 4): installer.json, sbs.json, sbr.json ----------------

const hexN = (bytes: number) => z.string().regex(new RegExp('^[0-9a-fA-F]{' + 2 * bytes + '}$'), `expected ${bytes} bytes of hex (${2 * bytes} hex digits)`);
const nidHex = hexN(4);
const pskOobDeviceId = hexN(8);

/** What the installer imprinted (secret, 0600): per device its name, 8-byte ID and IK (firmware/protocols/psk-oob/README.md §6). */
export const pskOobInstallerSchema = z.strictObject({
  format: z.literal('nowboard-psk-oob-installer/1'),
  nid: nidHex,
  devices: z.array(z.strictObject({ id: deviceId, deviceId: pskOobDeviceId, ik: hexN(16) })),
});

/** The SBS's registrations (secret, 0600): controllers with SK_cs, devices with their current key and generation. */
export const pskOobSbsSchema = z
  .strictObject({
    format: z.literal('nowboard-psk-oob-sbs/1'),
    nid: nidHex,
    sbr: z.array(z.strictObject({ idc: pskOobDeviceId, kcs: hexN(16) })),
    devices: z.array(z.strictObject({ deviceId: pskOobDeviceId, gen: z.number().int().min(0).max(0xffffffff), key: hexN(16) })),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.devices.forEach((d, i) => {
      const k = d.deviceId.toLowerCase();
      if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'deviceId'], message: 'registered twice' });
      seen.add(k);
    });
  });

/** A controller's own key file (secret, 0600). */
export const pskOobSbrSchema = z.strictObject({ format: z.literal('nowboard-psk-oob-sbr/1'), nid: nidHex, idc: pskOobDeviceId, kcs: hexN(16) });
