// Interim Enrollee app: a placeholder exchange (HELLO broadcast -> WELCOME) on
// the real runtime and ports, until the whitelist protocol lands (issue 4).
import { bindPorts } from 'nowboard-platform';
import { startRuntime, Tagged } from '../runtime/runtime.ts';
import { BROADCAST } from '../ports/ports.ts';
import { utf8Encode, utf8Decode } from '../bytes/bytes.ts';

var ports = bindPorts();
function next(s: { done: boolean; tries: number }, ev: Tagged) {
  if (s.done) return { state: s, effects: [] as Tagged[] };
  if (ev.t === 'boot' || (ev.t === 'timer' && ev.id === 'hello')) {
    return {
      state: { done: false, tries: s.tries + 1 },
      effects: [{ t: 'send', to: BROADCAST, bytes: utf8Encode('HELLO') }, { t: 'arm', id: 'hello', ms: 500 }],
    };
  }
  if (ev.t === 'frame' && utf8Decode(ev.bytes) === 'WELCOME') {
    return {
      state: { done: true, tries: s.tries },
      effects: [
        { t: 'cancel', id: 'hello' },
        { t: 'store', file: 'welcome', bytes: ev.bytes },
        { t: 'report', line: 'NOWBOARD {"ev":"provisioned","tries":' + s.tries + '}' },
      ],
    };
  }
  return { state: s, effects: [] as Tagged[] };
}
var rt = startRuntime(ports, next, { done: false, tries: 0 }, {
  randBytes: 0,
  onEffect: function (e) {
    if (e.t === 'report') ports.log.log(1, e.line);
  },
});
rt.dispatch({ t: 'boot' });
