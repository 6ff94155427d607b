/**
 * The Storage files a board is flashed with, built on the host with the same
 * encoders and the same two-slot framing the firmware reads (so a freshly
 * flashed board sees a valid slot 0).
 */
import { x25519 } from '@noble/curves/ed25519.js';
import { makeSlotStorage, RawStore } from '../../firmware/ports/slot-storage.ts';
import { encodeIdentity } from '../../firmware/protocols/whitelist/records.ts';
import { DeviceSecret, fromHexField } from './manifest.ts';

/** Logical Storage names the apps read (≤ 26 chars; the slot store adds "~0"/"~1"). */
export const FILE_IDENTITY = 'nb-id';
export const FILE_CONFIG = 'nb-cfg';
export const FILE_CONFIGURATOR_KEY = 'nb-ckey';
export const FILE_WHITELIST = 'nb-wl';
export const FILE_CONFIG_STORE = 'nb-store';
export const FILE_AUDIT = 'nb-audit';

/** Run `write` against an in-memory raw store; return the raw files it produced. */
export function slotFiles(write: (st: ReturnType<typeof makeSlotStorage>) => void): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const raw: RawStore = {
    read: (n) => files[n],
    write: (n, d) => {
      files[n] = new Uint8Array(d);
    },
    erase: (n) => {
      delete files[n];
    },
    list: (p) => Object.keys(files).filter((k) => k.startsWith(p)),
  };
  write(makeSlotStorage(raw));
  return files;
}

export function identityBytes(s: DeviceSecret): Uint8Array {
  const e = fromHexField(s.privateKey, 32, `${s.id}.privateKey`);
  const C = fromHexField(s.configuratorPublicKey, 32, `${s.id}.configuratorPublicKey`);
  return encodeIdentity({ e, E: x25519.getPublicKey(e), C, ss: x25519.getSharedSecret(e, C) });
}

/** Raw Storage files for one enrollee: its identity, slot-framed. */
export function deviceStorageFiles(s: DeviceSecret): Record<string, Uint8Array> {
  const id = identityBytes(s);
  return slotFiles((st) => st.write(FILE_IDENTITY, id));
}
