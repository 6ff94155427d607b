import { describe, it, expect } from 'vitest';
import { makeFlash, isPowerCut, FLASH_PAGE } from '../../configurator/sim/flash-fake.ts';
import { makeFlashStorage } from '../../configurator/sim/flash-storage.ts';
import { makeSlotStorage, RawStore } from '../../firmware/ports/slot-storage.ts';

const text = (s: string | undefined) => s;
const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe('flash fake: hardware rules', () => {
  it('programming can only clear bits; erase works on whole pages', () => {
    const f = makeFlash(4);
    f.program(10, new Uint8Array([0xf0]));
    f.program(10, new Uint8Array([0x30])); // clears more bits: fine
    expect(f.read(10, 1)[0]).toBe(0x30);
    expect(() => f.program(10, new Uint8Array([0x31]))).toThrow(/E_FLASH_NOT_ERASED/);
    f.program(FLASH_PAGE - 1, new Uint8Array([0, 0])); // straddles pages 0 and 1
    f.erasePage(0);
    expect(f.read(10, 1)[0]).toBe(0xff);
    expect(f.read(FLASH_PAGE - 1, 2)).toEqual(new Uint8Array([0xff, 0])); // page 1 untouched
    expect(f.stats.erases).toBe(1);
    expect(f.stats.erasesPerPage).toEqual([1, 0, 0, 0]);
    expect(() => f.erasePage(4)).toThrow(/E_FLASH_RANGE/);
  });

  it('a program call is one operation per 256-byte write page', () => {
    const f = makeFlash(2);
    f.program(250, new Uint8Array(600)); // 250..849: pieces 250-255, 256-511, 512-767, 768-849
    expect(f.stats.programs).toBe(4);
    expect(f.stats.ops).toBe(4);
    expect(f.stats.bytesProgrammed).toBe(600);
  });

  it('cutPowerAfter(k): k ops happen, the next throws PowerCut, flash stays as after op k', () => {
    for (let k = 0; k <= 4; k++) {
      const f = makeFlash(2);
      let cutAt = -1;
      f.onPowerCut = (n) => { cutAt = n; };
      f.cutPowerAfter(k);
      let err: any;
      try {
        f.program(0, new Uint8Array(1024)); // 4 pieces
      } catch (e) {
        err = e;
      }
      const img = f.read(0, 1024);
      const zeros = img.filter((b) => b === 0).length;
      if (k >= 4) {
        expect(err).toBeUndefined();
        expect(zeros).toBe(1024);
      } else {
        expect(isPowerCut(err)).toBe(true);
        expect(f.powerCut).toBe(true);
        expect(cutAt).toBe(k);
        expect(zeros).toBe(256 * k);
        expect(() => f.erasePage(1)).toThrow(/PowerCut/); // dead until restored
        f.restorePower();
        f.erasePage(1);
        expect(f.powerCut).toBe(false);
      }
    }
  });
});

describe('flash Storage (Espruino subset)', () => {
  it('round-trips strings, ArrayBuffers and typed arrays; read gives a binary string', () => {
    const st = makeFlashStorage(makeFlash(4));
    st.write('a', 'hello\u00ff');
    st.write('b', new Uint8Array([1, 2, 250]).buffer);
    const view = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    st.write('c', view);
    st.write('d', { x: 1 });
    expect(text(st.read('a'))).toBe('hello\u00ff');
    expect(new Uint8Array(st.readArrayBuffer('b')!)).toEqual(new Uint8Array([1, 2, 250]));
    expect(st.read('c')).toBe('\u0008\u0007');
    expect(st.read('d')).toBe('{"x":1}');
    expect(st.read('nope')).toBeUndefined();
    expect(st.readArrayBuffer('nope')).toBeUndefined();
    expect(st.list()).toEqual(['a', 'b', 'c', 'd']);
    expect(st.list(/^[ab]$/)).toEqual(['a', 'b']);
    st.write('a', 'again');
    st.erase('b');
    expect(st.list()).toEqual(['c', 'd', 'a']);
    expect(st.read('a')).toBe('again');
  });

  it('names are limited to 28 characters, like Espruino', () => {
    const st = makeFlashStorage(makeFlash(2));
    st.write('x'.repeat(28), '1');
    expect(st.read('x'.repeat(28))).toBe('1');
    expect(() => st.write('x'.repeat(29), '1')).toThrow(/longer than 28/);
    expect(() => st.read('x'.repeat(29))).toThrow(/longer than 28/);
    expect(() => st.write('', '1')).toThrow();
  });

  it('compacts when full (erases counted) and keeps live files', () => {
    const f = makeFlash(2);
    const st = makeFlashStorage(f);
    for (let i = 0; i < 40; i++) st.write('cfg', bytes(300, i));
    expect(st.compactions()).toBeGreaterThan(0);
    expect(f.stats.erases).toBeGreaterThan(0);
    expect(new Uint8Array(st.readArrayBuffer('cfg')!)).toEqual(bytes(300, 39));
    expect(() => st.write('huge', new Uint8Array(3 * FLASH_PAGE))).toThrow(/not enough free space/);
  });

  it('a power cut mid-write leaves what real flash would: old intact, old gone, or new with a 0xFF tail', () => {
    const seen = new Set<string>();
    for (let k = 0; k < 8; k++) {
      const f = makeFlash(4);
      const st = makeFlashStorage(f);
      st.write('file', bytes(600, 1));
      const base = f.stats.ops;
      f.cutPowerAfter(k);
      let err: any;
      try {
        st.write('file', bytes(600, 2));
      } catch (e) {
        err = e;
      }
      f.restorePower();
      const after = makeFlashStorage(f).readArrayBuffer('file');
      if (!err) {
        expect(new Uint8Array(after!)).toEqual(bytes(600, 2));
        seen.add('new');
        continue;
      }
      expect(isPowerCut(err)).toBe(true);
      expect(f.stats.ops - base).toBe(k);
      if (after === undefined) {
        seen.add('missing');
      } else {
        const got = new Uint8Array(after);
        expect(got.length).toBe(600);
        if (got.every((b, i) => b === bytes(600, 1)[i])) {
          seen.add('old'); // cut before the old entry was marked deleted
        } else {
          expect(got).not.toEqual(bytes(600, 2));
          expect(got[599]).toBe(0xff); // the unwritten tail
          seen.add('garbled');
        }
      }
    }
    expect(seen).toEqual(new Set(['old', 'missing', 'garbled', 'new']));
  });
});

describe('THREATS #12 on the flash fake: the firmware two-slot store survives a cut after every operation', () => {
  function raw(st: ReturnType<typeof makeFlashStorage>): RawStore {
    return {
      read: (n) => { const ab = st.readArrayBuffer(n); return ab ? new Uint8Array(ab) : undefined; },
      write: (n, d) => { st.write(n, d); },
      erase: (n) => st.erase(n),
      list: (p) => st.list().filter((x) => x.indexOf(p) === 0),
    };
  }

  it('after a cut at op k and a reboot, the value is exactly old or new; erases are counted', () => {
    const oldV = bytes(200, 5);
    const newV = bytes(230, 6);
    let outcomes = { old: 0, new: 0 };
    let opsForWrite = 0;
    for (let k = 0; ; k++) {
      const f = makeFlash(4);
      makeSlotStorage(raw(makeFlashStorage(f))).write('wifi', oldV);
      const base = f.stats.ops;
      f.cutPowerAfter(k);
      let cut = false;
      try {
        makeSlotStorage(raw(makeFlashStorage(f))).write('wifi', newV);
      } catch (e) {
        expect(isPowerCut(e)).toBe(true);
        cut = true;
      }
      f.disarm();
      f.restorePower();
      const got = makeSlotStorage(raw(makeFlashStorage(f))).read('wifi');
      expect(got).toBeDefined();
      const isOld = got!.length === oldV.length && got!.every((b, i) => b === oldV[i]);
      const isNew = got!.length === newV.length && got!.every((b, i) => b === newV[i]);
      expect(isOld || isNew).toBe(true);
      if (isOld) outcomes.old++;
      else outcomes.new++;
      if (!cut) {
        opsForWrite = f.stats.ops - base;
        expect(isNew).toBe(true);
        expect(f.stats.erases).toBe(0); // appends only: no erase until the area fills
        break;
      }
    }
    expect(opsForWrite).toBeGreaterThan(1);
    expect(outcomes.old).toBe(opsForWrite);
  });
});
