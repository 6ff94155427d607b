// Placeholder entry until the Enrollee app lands (issue 4).
import { bindPorts } from 'nowboard-platform';
var ports = bindPorts();
ports.log.log(1, 'nowboard enrollee placeholder');
