import { describe, it, expect } from 'vitest';
import { makeSlotStorage, RawStore } from '../../firmware/ports/slot-storage.ts';
import { crc32 } from '../../firmware/ports/crc32.ts';

/** A raw store that can lose power part-way through a write: it keeps only the first `keep` bytes. */
function cuttableStore() {
  var files: Record<string, Uint8Array> = {};
  var cut: { afterBytes: number } | null = null;
  var raw: RawStore = {
    read: (n) => (files[n] ? new Uint8Array(files[n]) : undefined),
    write: (n, d) => {
      if (cut) {
        files[n] = d.subarray(0, Math.min(cut.afterBytes, d.length)).slice();
        throw new Error('POWER_CUT');
      }
      files[n] = new Uint8Array(d);
    },
    erase: (n) => {
      delete files[n];
    },
    list: (p) => Object.keys(files).filter((k) => k.startsWith(p)),
  };
  return { raw, files, cutAt: (b: number | null) => (cut = b === null ? null : { afterBytes: b }) };
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) => (b ? new TextDecoder().decode(b) : undefined);

describe('crc32', () => {
  it('matches the standard check value', () => {
    // The CRC-32/ISO-HDLC check value for "123456789" is 0xCBF43926.
    expect(crc32(enc('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('slot storage', () => {
  it('reads back what was written, newest wins across many writes', () => {
    const { raw } = cuttableStore();
    const st = makeSlotStorage(raw);
    expect(st.read('cfg')).toBeUndefined();
    for (let i = 0; i < 7; i++) {
      st.write('cfg', enc('v' + i));
      expect(dec(st.read('cfg'))).toBe('v' + i);
    }
    expect(st.list('')).toEqual(['cfg']);
    st.erase('cfg');
    expect(st.read('cfg')).toBeUndefined();
    expect(st.list('')).toEqual([]);
  });

  it('a power cut at every byte of a replace leaves exactly the old or the new value', () => {
    const oldV = 'ssid=old;psk=0123456789';
    const newV = 'ssid=new;psk=abcdefghijklmnopqrstuvwxyz';
    const total = 13 + newV.length;
    let sawOld = 0;
    let sawNew = 0;
    for (let k = 0; k <= total; k++) {
      const s = cuttableStore();
      const st = makeSlotStorage(s.raw);
      st.write('cfg', enc('ssid=older'));
      st.write('cfg', enc(oldV));
      s.cutAt(k);
      expect(() => st.write('cfg', enc(newV))).toThrow('POWER_CUT');
      s.cutAt(null);
      const after = dec(makeSlotStorage(s.raw).read('cfg')); // "reboot": a fresh view of the same flash
      expect([oldV, newV]).toContain(after);
      if (after === oldV) sawOld++;
      else sawNew++;
    }
    // Only a cut after the very last byte (a complete write that then "fails") can show the new value.
    expect(sawOld).toBe(total);
    expect(sawNew).toBe(1);
  });

  it('a flipped bit in the newest slot falls back to the older one', () => {
    const s = cuttableStore();
    const st = makeSlotStorage(s.raw);
    st.write('cfg', enc('A'));
    st.write('cfg', enc('B'));
    const slot = Object.keys(s.files).find((n) => dec(s.files[n].subarray(13)) === 'B')!;
    s.files[slot][13] ^= 1;
    expect(dec(st.read('cfg'))).toBe('A');
  });

  it('rejects names the Espruino store cannot hold', () => {
    const st = makeSlotStorage(cuttableStore().raw);
    expect(() => st.write('x'.repeat(27), enc('a'))).toThrow(/E_STORAGE_NAME/);
    expect(() => st.write('a~b', enc('a'))).toThrow(/E_STORAGE_NAME/);
    expect(() => st.read('')).toThrow(/E_STORAGE_NAME/);
  });
});
