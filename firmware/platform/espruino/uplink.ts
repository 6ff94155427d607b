/**
 * The uplink port on Espruino (firmware/ports/ports.ts UplinkPort): the border
 * router's HTTP POST to the Authentication Cloud. In the simulator the world
 * provides `NowUplink` (configurator/sim/sim-uplink.ts); on a board, Espruino's
 * `http` module over the Wi-Fi station link, to the AC named in Storage file
 * `nb-uplink.json`: {"host": "ac.example", "port": 8080}. No uplink: the port is
 * absent and the runtime answers every request with status 0.
 */
import { UplinkPort, ClockPort } from '../../ports/ports.ts';

/** An answer that takes longer than this is "unreachable" (status 0). */
export var UPLINK_TIMEOUT_MS = 20000;
/** Bodies above this are cut off (the AC's answers are a few hundred bytes). */
var MAX_BODY = 8192;

export function espruinoUplink(sim: any, http: any, cfgText: any, clock: ClockPort): UplinkPort | undefined {
  if (sim && typeof sim.request === 'function') {
    return {
      request: function (path: string, json: string, done: (status: number, json: string | null) => void) {
        sim.request(path, json, done);
      },
    };
  }
  if (!http || typeof cfgText !== 'string') return undefined;
  var cfg: any;
  try {
    cfg = JSON.parse(cfgText);
  } catch (e) {
    return undefined;
  }
  if (!cfg || typeof cfg.host !== 'string') return undefined;
  var port = typeof cfg.port === 'number' ? cfg.port : 80;
  return {
    request: function (path: string, json: string, done: (status: number, json: string | null) => void) {
      var finished = false;
      function finish(status: number, body: string | null): void {
        if (finished) return;
        finished = true;
        done(status, body);
      }
      var guard = clock.setTimer(UPLINK_TIMEOUT_MS, function () {
        finish(0, null);
      });
      try {
        var req = http.request(
          { host: cfg.host, port: port, path: path, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': json.length } },
          function (res: any) {
            var body = '';
            res.on('data', function (d: string) {
              if (body.length < MAX_BODY) body += d;
            });
            res.on('close', function () {
              clock.clearTimer(guard);
              finish(res.statusCode | 0, body);
            });
          },
        );
        req.on('error', function () {
          clock.clearTimer(guard);
          finish(0, null);
        });
        req.end(json);
      } catch (e) {
        clock.clearTimer(guard);
        finish(0, null);
      }
    },
  };
}
