// The Espruino binding's uplink port (firmware/platform/espruino/uplink.ts) on a
// fake `http` module and a manual clock: an answer, a connection error, no
// answer in time (status 0 once), no configuration (no port), the simulator's module.
import { describe, it, expect } from 'vitest';
import { EventEmitter } from 'node:events';
import { espruinoUplink, UPLINK_TIMEOUT_MS } from '../../firmware/platform/espruino/uplink.ts';

function manualClock() {
  let t = 0;
  let id = 0;
  const timers = new Map<number, { at: number; cb: () => void }>();
  return {
    now: () => t,
    setTimer: (ms: number, cb: () => void) => {
      timers.set(++id, { at: t + ms, cb });
      return id;
    },
    clearTimer: (i: number) => void timers.delete(i),
    advance(ms: number) {
      t += ms;
      for (const [k, v] of [...timers]) if (v.at <= t) {
        timers.delete(k);
        v.cb();
      }
    },
  };
}

function fakeHttp(behaviour: 'answer' | 'error' | 'silent') {
  const seen: any[] = [];
  return {
    seen,
    request(opts: any, cb: (res: any) => void) {
      const req = new EventEmitter() as any;
      req.end = (body: string) => {
        seen.push({ opts, body });
        if (behaviour === 'answer') {
          const res = new EventEmitter() as any;
          res.statusCode = 200;
          cb(res);
          res.emit('data', '{"v":1,');
          res.emit('data', '"ok":true}');
          res.emit('close');
        } else if (behaviour === 'error') req.emit('error', new Error('ECONNREFUSED'));
      };
      return req;
    },
  };
}

describe('Espruino uplink port', () => {
  it('POSTs the JSON to the configured AC and answers its status and body once', () => {
    const clock = manualClock();
    const http = fakeHttp('answer');
    const up = espruinoUplink(undefined, http, '{"host":"ac.local","port":8080}', clock)!;
    const got: any[] = [];
    up.request('/v1/join', '{"x":1}', (s, j) => got.push([s, j]));
    expect(http.seen[0].opts).toEqual(expect.objectContaining({ host: 'ac.local', port: 8080, path: '/v1/join', method: 'POST' }));
    expect(http.seen[0].body).toBe('{"x":1}');
    clock.advance(UPLINK_TIMEOUT_MS + 1);
    expect(got).toEqual([[200, '{"v":1,"ok":true}']]);
  });

  it('a connection error or silence is status 0, exactly once', () => {
    for (const b of ['error', 'silent'] as const) {
      const clock = manualClock();
      const up = espruinoUplink(undefined, fakeHttp(b), '{"host":"ac.local"}', clock)!;
      const got: any[] = [];
      up.request('/v1/join', '{}', (s, j) => got.push([s, j]));
      clock.advance(UPLINK_TIMEOUT_MS + 1);
      clock.advance(UPLINK_TIMEOUT_MS + 1);
      expect(got, b).toEqual([[0, null]]);
    }
  });

  it('no port without a configuration or an http module; the simulator module wins', () => {
    const clock = manualClock();
    expect(espruinoUplink(undefined, fakeHttp('answer'), undefined, clock)).toBeUndefined();
    expect(espruinoUplink(undefined, fakeHttp('answer'), 'not json', clock)).toBeUndefined();
    expect(espruinoUplink(undefined, undefined, '{"host":"x"}', clock)).toBeUndefined();
    const calls: string[] = [];
    const up = espruinoUplink({ request: (p: string, j: string, done: any) => { calls.push(p); done(201, 'ok'); } }, fakeHttp('answer'), '{"host":"x"}', clock)!;
    const got: any[] = [];
    up.request('/v1/check', '{}', (s, j) => got.push([s, j]));
    expect(calls).toEqual(['/v1/check']);
    expect(got).toEqual([[201, 'ok']]);
  });
});
