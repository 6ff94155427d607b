// Placeholder entry until the Configurator app lands (issue 4).
import { bindPorts } from 'nowboard-platform';
var ports = bindPorts();
ports.log.log(1, 'nowboard configurator placeholder');
