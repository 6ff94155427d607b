/**
 * A provisioning network for stock Espruino (no ESP-NOW API): the boards speak
 * the protocol as UDP broadcast (espnow-radio.ts `dgramRadio`) over a Wi-Fi
 * network of their own — an access point the configurator starts itself
 * (`ap: true`), or any access point with that SSID on the bench. Its name and
 * passphrase are written to each board with its identity (Storage file
 * `nb-udp.json`, docs/bindings.md; `nowboard flash` writes it from the batch's
 * provisioning.json).
 *
 * The binding, not the protocol core, owns the network:
 *  - at boot an enrollee joins the provisioning network (retrying with a
 *    growing pause); a configurator with `ap: true` starts the access point;
 *  - frames sent while not on it wait in a small queue and leave when it is
 *    (ESP-NOW would have sent them; over Wi-Fi there is nowhere to send them);
 *  - the core's `join` (prove a configuration, threat 13) leaves the
 *    provisioning network, joins the target, reports the result to the core at
 *    once, and goes back to the provisioning network — on failure so the board
 *    can be provisioned again, and on success too, because the core's ACK must
 *    reach the configurator to be audited (it waits in the queue meanwhile).
 *    Commit on success stays in the core. With `settle: true` a board that
 *    proved a configuration leaves for the target for good once the ACK had
 *    `ackMs` to get through (later frames are dropped, counted);
 *  - Espruino's Wifi.connect reports only a bad password; any other failure
 *    just retries (Espruino reference, Wifi.connect), so every join has its own
 *    deadline (`joinMs`), after which it is abandoned and reported.
 *
 * Timers and Wi-Fi callbacks of an abandoned join are ignored (a generation
 * counter), so a late answer cannot move the state.
 */
import { RadioPort, WifiPort, ClockPort, WIFI_OK, WIFI_NO_AP, WIFI_AUTH_FAIL, WIFI_TIMEOUT } from '../../ports/ports.ts';

export interface NetConfig {
  /** our UDP port */
  port: number;
  /** "host:port" broadcast destinations */
  peers: string[];
  /** the provisioning network; absent = none (a Linux build on loopback) */
  ssid?: string;
  psk?: string;
  /** start the provisioning access point instead of joining it (the configurator) */
  ap?: boolean;
  /** after a proven configuration: leave for the target once the ACK had ackMs (default false) */
  settle?: boolean;
  /** deadline of one join attempt (ms, default 15000) */
  joinMs?: number;
  /** time the ACK gets on the provisioning network before settling (ms, default 10000) */
  ackMs?: number;
}

/** Parse nb-udp.json; `null` when absent or unusable (the binding then uses its defaults). */
export function netConfig(text: string | undefined): NetConfig | null {
  if (!text) return null;
  var o: any;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return null;
  }
  if (!o || typeof o.port !== 'number' || !o.peers || typeof o.peers.length !== 'number') return null;
  var c: NetConfig = { port: o.port, peers: [] };
  for (var i = 0; i < o.peers.length; i++) if (typeof o.peers[i] === 'string') c.peers.push(o.peers[i]);
  if (typeof o.ssid === 'string' && o.ssid.length > 0) {
    c.ssid = o.ssid;
    c.psk = typeof o.psk === 'string' ? o.psk : '';
    c.ap = o.ap === true;
    c.settle = o.settle === true;
  }
  if (typeof o.joinMs === 'number' && o.joinMs > 0) c.joinMs = o.joinMs;
  if (typeof o.ackMs === 'number' && o.ackMs >= 0) c.ackMs = o.ackMs;
  return c;
}

/** Espruino's Wifi callback error -> a WIFI_* code. */
export function wifiResult(err: any): number {
  if (!err) return WIFI_OK;
  var s = String(err).toLowerCase();
  if (s.indexOf('auth') >= 0 || s.indexOf('password') >= 0) return WIFI_AUTH_FAIL;
  if (s.indexOf('timeout') >= 0) return WIFI_TIMEOUT;
  return WIFI_NO_AP;
}

/** Where the board's Wi-Fi is. */
export var NET_DOWN = 'down';
export var NET_JOINING = 'joining';
export var NET_HOME = 'home';
export var NET_AWAY = 'away';
export var NET_SETTLED = 'settled';

export interface NetStats {
  /** associations with the provisioning network (or AP starts) */
  homeJoins: number;
  /** failed attempts to get there */
  homeFails: number;
  /** proofs (target joins) done */
  proofs: number;
  /** frames that waited for the provisioning network */
  queued: number;
  /** frames given up: queue full, or sent after settling */
  dropped: number;
}

export interface ProvNet {
  radio: RadioPort;
  wifi: WifiPort;
  state(): string;
  stats: NetStats;
}

interface Held {
  to: Uint8Array;
  payload: Uint8Array;
  done?: (ok: boolean) => void;
}

/** Frames that may wait for the provisioning network; more drop the oldest. */
export var QUEUE_LIMIT = 16;

export function provNet(wifi: any, inner: RadioPort, cfg: NetConfig, clock: ClockPort): ProvNet {
  var st = NET_DOWN;
  var gen = 0;
  var queue: Held[] = [];
  var retryMs = 1000;
  var joinMs = cfg.joinMs || 15000;
  var ackMs = cfg.ackMs === undefined ? 10000 : cfg.ackMs;
  var stats: NetStats = { homeJoins: 0, homeFails: 0, proofs: 0, queued: 0, dropped: 0 };
  /** the proven target to settle on once home (cfg.settle) */
  var settleTo: { ssid: string; psk: string } | null = null;

  /** Callbacks are never called synchronously (the RadioPort and WifiPort contracts). */
  function later(cb: ((v: any) => void) | undefined, v: any): void {
    if (cb) clock.setTimer(0, function () { cb(v); });
  }

  function flush(): void {
    while (queue.length && st === NET_HOME) {
      var h = queue.shift() as Held;
      inner.send(h.to, h.payload, h.done);
    }
  }

  /**
   * One Wi-Fi attempt with our own deadline. `done(result)` exactly once,
   * unless a newer attempt started meanwhile (then never).
   */
  function attempt(kind: string, ssid: string, psk: string, done: (r: number) => void): void {
    var my = ++gen;
    var finished = false;
    var guard = clock.setTimer(joinMs, function () {
      if (finished || my !== gen) return;
      finished = true;
      var r = WIFI_TIMEOUT;
      if (wifi.getDetails) {
        var d = wifi.getDetails();
        if (d && d.status === 'no_ap_found') r = WIFI_NO_AP;
        else if (d && d.status === 'wrong_password') r = WIFI_AUTH_FAIL;
      }
      if (kind === 'sta') wifi.disconnect(); // stop Espruino's silent retries
      done(r);
    });
    function cb(err: any): void {
      if (finished || my !== gen) return;
      finished = true;
      clock.clearTimer(guard);
      done(wifiResult(err));
    }
    if (kind === 'ap') wifi.startAP(ssid, { password: psk, authMode: psk ? 'wpa2' : 'open' }, cb);
    else wifi.connect(ssid, { password: psk }, cb);
  }

  function goHome(): void {
    st = NET_JOINING;
    attempt(cfg.ap ? 'ap' : 'sta', cfg.ssid as string, cfg.psk || '', function (r: number) {
      if (r === WIFI_OK) {
        st = NET_HOME;
        stats.homeJoins++;
        retryMs = 1000;
        flush();
        if (settleTo) settle(settleTo.ssid, settleTo.psk);
        return;
      }
      stats.homeFails++;
      var wait = retryMs;
      retryMs = Math.min(retryMs * 2, 30000);
      var my = gen;
      clock.setTimer(wait, function () {
        if (my === gen && st === NET_JOINING) goHome();
      });
    });
  }

  /** Home with the ACK sent: give it ackMs (a re-sent CONFIG gets the same ACK), then leave for good. */
  function settle(ssid: string, psk: string): void {
    var my = gen;
    clock.setTimer(ackMs, function () {
      if (my !== gen || st !== NET_HOME) return;
      settleTo = null;
      st = NET_SETTLED;
      while (queue.length) {
        stats.dropped++;
        later(queue.shift()!.done, false);
      }
      attempt('sta', ssid, psk, function () {});
    });
  }

  var radio: RadioPort = {
    mac: function () {
      return inner.mac();
    },
    send: function (to: Uint8Array, payload: Uint8Array, done?: (ok: boolean) => void) {
      if (to.length !== 6) throw new Error('E_BAD_MAC');
      if (payload.length > 250) throw new Error('E_FRAME_TOO_LARGE ' + payload.length);
      if (st === NET_HOME) return inner.send(to, payload, done);
      if (st === NET_SETTLED) {
        stats.dropped++;
        return later(done, false);
      }
      stats.queued++;
      queue.push({ to: to, payload: payload, done: done });
      if (queue.length > QUEUE_LIMIT) {
        stats.dropped++;
        later(queue.shift()!.done, false);
      }
    },
    onReceive: function (h) {
      inner.onReceive(h);
    },
  };

  var wifiPort: WifiPort = {
    join: function (ssid: string, psk: string, done: (r: number) => void) {
      // Proving the provisioning network itself: we are on it already.
      if (ssid === cfg.ssid && !cfg.ap && st === NET_HOME) return later(done, WIFI_OK);
      st = NET_AWAY;
      settleTo = null;
      stats.proofs++;
      wifi.disconnect();
      attempt('sta', ssid, psk, function (r: number) {
        // The core learns the result at once; its ACK waits in the queue until we are home.
        done(r);
        if (r === WIFI_OK && cfg.settle) settleTo = { ssid: ssid, psk: psk };
        goHome();
      });
    },
    leave: function () {
      wifi.disconnect();
    },
  };

  goHome();
  return {
    radio: radio,
    wifi: wifiPort,
    state: function () {
      return st;
    },
    stats: stats,
  };
}
