/**
 * The nb_* natives a JerryScript bundle sees in the simulator
 * (configurator/sim/jerry-globals.ts), against natives.d.ts and
 * docs/bindings.md: radio refusals as `false`, timers, storage, Wi-Fi codes,
 * and no Espruino name leaking into a JerryScript board.
 */
import { describe, it, expect } from 'vitest';
import { vmLoader, nodeNativeCrypto } from '../../configurator/sim/vm-board.ts';
import { makeWorld, WorldOptions } from '../../configurator/sim/sim-world.ts';
import { JERRY_GLOBAL_NAMES, wifiCode } from '../../configurator/sim/jerry-globals.ts';
import { WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL, WIFI_TIMEOUT } from '../../firmware/ports/ports.ts';
import nodeCrypto from 'node:crypto';

function world(extra?: Partial<WorldOptions>) {
  return makeWorld({ seed: 'jerry-test', loadBundle: vmLoader(), cpuSecondsFor: null, platform: 'jerryscript', ...extra });
}
function lines(b: { lines: { text: string }[] }) {
  return b.lines.map((l) => l.text);
}

describe('JerryScript natives on the simulator', () => {
  it('exactly the natives of natives.d.ts plus print/console; no Espruino global', () => {
    const w = world();
    const b = w.addBoard({ id: 'j', role: 'x', src: `
      var names = ${JSON.stringify(JERRY_GLOBAL_NAMES)};
      var seen = [];
      for (var i = 0; i < names.length; i++) seen.push(names[i] + ':' + typeof this[names[i]]);
      print(seen.join(' '));
      print([typeof E, typeof require, typeof setTimeout, typeof getTime].join(' '));` });
    w.boot(b);
    w.run(10);
    const got = lines(b);
    for (const n of JERRY_GLOBAL_NAMES.filter((x) => x !== 'nb_sha256' && x !== 'nb_aes128_ecb' && x !== 'console' && !x.startsWith('nb_oob') && x !== 'nb_uplink_request')) expect(got[0]).toContain(n + ':function');
    expect(got[0]).toContain('nb_sha256:undefined'); // no native crypto unless the world simulates it
    expect(got[1]).toBe('undefined undefined undefined undefined');
    expect(b.crashes).toEqual([]);
  });

  it('nb_radio_send: a 250-byte frame goes out (cb(true) for a broadcast), 251 bytes or a bad MAC return false', () => {
    const w = world();
    const a = w.addBoard({ id: 'a', role: 'x', x: 0, src: `
      var bc = new Uint8Array([255, 255, 255, 255, 255, 255]);
      print('250 ' + nb_radio_send(bc, new Uint8Array(250), function (ok) { print('cb ' + ok); }));
      print('251 ' + nb_radio_send(bc, new Uint8Array(251), function (ok) { print('never'); }));
      print('mac5 ' + nb_radio_send(new Uint8Array(5), new Uint8Array(1), function (ok) { print('never'); }));` });
    const r = w.addBoard({ id: 'r', role: 'x', x: 1, src: `
      nb_radio_on_recv(function (mac, data, rssi) { print('rx ' + data.length + ' from ' + mac.length + ' ' + (data instanceof Uint8Array) + ' ' + (rssi < 0)); });` });
    w.boot(r);
    w.boot(a, 5);
    w.run(1000);
    expect(lines(a)).toEqual(['250 true', '251 false', 'mac5 false', 'cb true']);
    expect(lines(r)).toEqual(['rx 250 from 6 true true']);
    expect(w.medium.stats.refused).toBe(1);
  });

  it('timers: one-shot, ids > 0, nb_clear_timer clears only its own id (never all)', () => {
    const w = world();
    const b = w.addBoard({ id: 'j', role: 'x', src: `
      var t1 = nb_set_timer(100, function () { print('t1 ' + nb_now_ms()); });
      var t2 = nb_set_timer(200, function () { print('t2 ' + nb_now_ms()); });
      var t3 = nb_set_timer(150, function () { print('never'); });
      print('ids ' + (t1 > 0 && t2 > 0 && t3 > 0 && t1 !== t2));
      nb_clear_timer(t3);
      nb_clear_timer(undefined);` });
    w.boot(b);
    w.run(1000);
    expect(lines(b)).toEqual(['ids true', 't1 100', 't2 200']);
  });

  it('storage: whole-file write/read/list/erase on the board flash, survives a reboot', () => {
    const w = world();
    const b = w.addBoard({ id: 'j', role: 'x', src: `
      var old = nb_storage_read('nb-a');
      if (old) print('after reboot ' + old.length + ' ' + old[2]);
      else {
        nb_storage_write('nb-a', new Uint8Array([1, 2, 3]));
        nb_storage_write('nb-b', new Uint8Array([9]));
        nb_storage_write('other', new Uint8Array([7]));
        print('list ' + nb_storage_list('nb-').sort().join(','));
        nb_storage_erase('nb-b');
        print('b ' + nb_storage_read('nb-b') + ' list ' + nb_storage_list('nb-').join(','));
      }` });
    w.boot(b);
    w.run(10);
    w.boot(b, 10);
    w.run(100);
    expect(lines(b)).toEqual(['list nb-a,nb-b', 'b undefined list nb-a', 'after reboot 3 3']);
  });

  it('nb_wifi_join reports the WIFI_* codes: ok, auth fail, no AP, timeout', () => {
    const w = world({ accessPoints: { lab: 'right', dead: null } });
    const b = w.addBoard({ id: 'j', role: 'x', src: `
      var tries = [['lab', 'right'], ['lab', 'wrong'], ['nowhere', 'x'], ['dead', 'x']];
      function next(i) {
        if (i >= tries.length) return;
        nb_wifi_join(tries[i][0], tries[i][1], function (code) { print(tries[i][0] + ' ' + code); nb_wifi_leave(); next(i + 1); });
      }
      next(0);` });
    w.boot(b);
    w.run(60000);
    expect(lines(b)).toEqual([`lab ${WIFI_OK}`, `lab ${WIFI_AUTH_FAIL}`, `nowhere ${WIFI_NO_AP}`, `dead ${WIFI_TIMEOUT}`]);
    expect([wifiCode(null), wifiCode('auth fail'), wifiCode('timeout'), wifiCode('no AP found')]).toEqual([WIFI_OK, WIFI_AUTH_FAIL, WIFI_TIMEOUT, WIFI_NO_AP]);
  });

  it('nb_random draws from the board stream (seeded); nb_sha256 / nb_aes128_ecb appear with native crypto and agree with node:crypto', () => {
    const run = (seed: string) => {
      const w = world({ seed, nativeCrypto: nodeNativeCrypto });
      const b = w.addBoard({ id: 'j', role: 'x', src: `
        function hex(a) { var s = ''; for (var i = 0; i < a.length; i++) s += (a[i] < 16 ? '0' : '') + a[i].toString(16); return s; }
        print(hex(nb_random(7)));
        print(hex(nb_sha256(new Uint8Array([97, 98, 99]))));
        var k = new Uint8Array(16); for (var i = 0; i < 16; i++) k[i] = i;
        print(hex(nb_aes128_ecb(k, new Uint8Array(16))));` });
      w.boot(b);
      w.run(10);
      return lines(b);
    };
    const a = run('s1');
    expect(a[0]).toMatch(/^[0-9a-f]{14}$/);
    expect(run('s1')[0]).toBe(a[0]);
    expect(run('s2')[0]).not.toBe(a[0]);
    expect(a[1]).toBe(nodeCrypto.createHash('sha256').update('abc').digest('hex'));
    const c = nodeCrypto.createCipheriv('aes-128-ecb', Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'), null);
    c.setAutoPadding(false);
    expect(a[2]).toBe(Buffer.concat([c.update(Buffer.alloc(16)), c.final()]).toString('hex'));
  });
});
