/**
 * `nowboard installer imprint` and `nowboard keygen --protocol psk-oob`: the
 * files they write decode on the board (the firmware's own decoders), pass
 * their zod schemas, hold keys at mode 0600; corrupt or conflicting input is
 * one typed error.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../configurator/cli/nowboard.ts';
import { makeSlotStorage } from '../../firmware/ports/slot-storage.ts';
import { decodeIdentity, decodeSbrIdentity, decodeSbsDb } from '../../firmware/protocols/psk-oob/records.ts';
import { storeCommands } from '../../configurator/app/config-store.ts';

function dirStore(dir: string) {
  return makeSlotStorage({
    read: (n) => (fs.existsSync(path.join(dir, n)) ? new Uint8Array(fs.readFileSync(path.join(dir, n))) : undefined),
    write: () => {},
    erase: () => {},
    list: () => [],
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'nb-psk-'));

describe('nowboard keygen --protocol psk-oob and installer imprint', () => {
  it('writes an SBR, imprinted devices and the SBS registration that the boards decode', async () => {
    const dir = tmp();
    const out: string[] = [];
    expect(await main(['keygen', '--protocol', 'psk-oob', '--count', '3', '--out', dir, '--nid', '4e420001'], (s) => out.push(s))).toBe(0);
    const inst = JSON.parse(fs.readFileSync(path.join(dir, 'installer.json'), 'utf8'));
    const sbs = JSON.parse(fs.readFileSync(path.join(dir, 'sbs.json'), 'utf8'));
    expect(inst.devices).toHaveLength(3);
    expect(sbs.sbr).toHaveLength(1);
    for (const f of ['installer.json', 'sbs.json', 'sbr.json']) expect(fs.statSync(path.join(dir, f)).mode & 0o777).toBe(0o600);
    for (const d of inst.devices) {
      const id = decodeIdentity(dirStore(path.join(dir, 'devices', d.id)).read('nb-id')!);
      expect(id.code).toBe(0);
      expect(Buffer.from(id.identity!.id).toString('hex')).toBe(d.deviceId);
      expect(Buffer.from(id.identity!.ik).toString('hex')).toBe(d.ik);
      expect(id.identity!.nid).toBe(0x4e420001);
    }
    const cst = dirStore(path.join(dir, 'configurator'));
    const sbr = decodeSbrIdentity(cst.read('nb-sbr')!);
    expect(sbr.code).toBe(0);
    const db = decodeSbsDb(cst.read('nb-sbs')!);
    expect(db.db!.dev.map((x) => Buffer.from(x.key).toString('hex')).sort()).toEqual(inst.devices.map((x: any) => x.ik).sort());
    expect(Buffer.from(db.db!.sbr[0].kcs).toString('hex')).toBe(JSON.parse(fs.readFileSync(path.join(dir, 'sbr.json'), 'utf8')).kcs);
    expect(storeCommands(cst.read('nb.store')!, 8).cmds).toHaveLength(1);
    // A second installer adds its devices to the same SBS registration, same network.
    expect(await main(['installer', 'imprint', '--count', '2', '--out', dir, '--prefix', 'b2-', '--force'], () => {})).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'sbs.json'), 'utf8')).devices).toHaveLength(5);
  });

  it('refuses an existing batch, a wrong NID, a corrupt sbs.json, a bad subcommand', async () => {
    const dir = tmp();
    await main(['installer', 'imprint', '--count', '1', '--out', dir, '--nid', '00000001'], () => {});
    await expect(main(['installer', 'imprint', '--count', '1', '--out', dir], () => {})).rejects.toMatchObject({ code: 'E_FILE_EXISTS' });
    await expect(main(['installer', 'imprint', '--count', '1', '--out', dir, '--force', '--nid', '00000002'], () => {})).rejects.toMatchObject({ code: 'E_FLAG_VALUE' });
    await expect(main(['installer', 'imprint', '--count', '1', '--out', tmp(), '--nid', 'xyz'], () => {})).rejects.toMatchObject({ code: 'E_FLAG_VALUE' });
    const sbs = JSON.parse(fs.readFileSync(path.join(dir, 'sbs.json'), 'utf8'));
    sbs.devices[0].key = 'nothex';
    fs.writeFileSync(path.join(dir, 'sbs.json'), JSON.stringify(sbs));
    await expect(main(['installer', 'imprint', '--count', '1', '--out', dir, '--force'], () => {})).rejects.toMatchObject({ code: 'E_FILE_CORRUPT' });
    sbs.devices[0].key = '00'.repeat(16);
    sbs.devices.push({ ...sbs.devices[0] });
    fs.writeFileSync(path.join(dir, 'sbs.json'), JSON.stringify(sbs));
    await expect(main(['installer', 'imprint', '--count', '1', '--out', dir, '--force'], () => {})).rejects.toThrow(/registered twice/);
    await expect(main(['installer', 'burn'], () => {})).rejects.toMatchObject({ code: 'E_USAGE' });
    const k = tmp();
    await main(['keygen', '--protocol', 'psk-oob', '--count', '1', '--out', k], () => {});
    await expect(main(['keygen', '--protocol', 'psk-oob', '--count', '1', '--out', k], () => {})).rejects.toMatchObject({ code: 'E_FILE_EXISTS' });
  });
});
