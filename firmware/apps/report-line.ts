/**
 * The apps' structured output: one line `NOWBOARD {json}` per event worth
 * reporting, printed through the Log port. The simulator, the bench CLI and a
 * person watching a serial console all read the same lines.
 */
import { Ports, LOG_INFO } from '../ports/ports.ts';

export function emit(ports: Ports, ev: string, fields: { [k: string]: any }): void {
  var o: { [k: string]: any } = { ev: ev };
  for (var k in fields) o[k] = fields[k];
  ports.log.log(LOG_INFO, 'NOWBOARD ' + JSON.stringify(o));
}
