// Interim Configurator app: answers HELLO with WELCOME (placeholder exchange
// until the whitelist protocol lands, issue 4).
import { bindPorts } from 'nowboard-platform';
import { startRuntime, Tagged } from '../../firmware/runtime/runtime.ts';
import { utf8Encode, utf8Decode, macToString } from '../../firmware/bytes/bytes.ts';

var ports = bindPorts();
function next(s: { served: number }, ev: Tagged) {
  if (ev.t === 'frame' && utf8Decode(ev.bytes) === 'HELLO') {
    return {
      state: { served: s.served + 1 },
      effects: [
        { t: 'send', to: ev.from, bytes: utf8Encode('WELCOME') },
        { t: 'report', line: 'NOWBOARD {"ev":"served","to":"' + macToString(ev.from) + '"}' },
      ],
    };
  }
  return { state: s, effects: [] as Tagged[] };
}
var rt = startRuntime(ports, next, { served: 0 }, {
  randBytes: 0,
  onEffect: function (e) {
    if (e.t === 'report') ports.log.log(1, e.line);
  },
});
rt.dispatch({ t: 'boot' });
