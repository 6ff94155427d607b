/**
 * The cloud protocol's node app (firmware/protocols/cloud/README.md §6, §8.1):
 * its identity (SN, MAC, key pair, clock base), the network key and the proven
 * configuration it holds, and timing for a board where one signature or ECDH
 * takes tens of seconds and the border router spends minutes per node.
 */
import { StoragePort } from '../../ports/ports.ts';
import { decodeNodeIdentity, decodeNodeKey, NodeKey } from '../../protocols/cloud/records.ts';
import { makeNode, nodeInitial, NodeState, NodeOptions, NODE_DEFAULTS, KEY_FILE, CONFIG_FILE } from '../../protocols/cloud/node.ts';
import { cloudSuite } from '../../protocols/cloud/suite-firmware.ts';
import { codeName } from '../../protocols/cloud/codes.ts';
import { DeviceConfig, decodeStoredConfig } from '../../codec/config-record.ts';
import { E_SUITE, E_FILE_FIELD } from '../../codec/codes.ts';
import { EnrolleeSpec, EnrolleeBoot, IDENTITY_FILE } from '../enrollee-app.ts';
import { withDefaults } from '../engine-accel.ts';

/**
 * A border router on Espruino spends about three minutes per node (its
 * envelope signature, the AC answer's verification, a key pair and an ECDH,
 * docs/power-model.md), so a node may wait behind others: it repeats its
 * request for about four minutes (inside the AC's 300 s TS window) before it
 * signs a fresh one, and waits long for the configuration.
 */
export var NODE_TIMING: NodeOptions = withDefaults(NODE_DEFAULTS, {
  joinBaseMs: 2000,
  joinMaxMs: 32000,
  renewAfter: 11,
  sessionMs: 300000,
});

export function cloudNode(timing?: NodeOptions): EnrolleeSpec {
  return {
    configFile: CONFIG_FILE,
    codeName: codeName,
    load: function (st: StoragePort): EnrolleeBoot {
      var raw = st.read(IDENTITY_FILE);
      var id = raw ? decodeNodeIdentity(raw) : null;
      if (!id || id.code || !id.identity) return { code: id ? id.code : -1, what: 'identity', role: null, initial: null, held: 0 };
      var suite = cloudSuite(id.identity.curve);
      if (!suite) return { code: E_SUITE, what: 'identity curve', role: null, initial: null, held: 0 };
      var code = 0;
      var what = '';
      var key: NodeKey | null = null;
      var kraw = st.read(KEY_FILE);
      if (kraw) {
        var dk = decodeNodeKey(kraw);
        if (dk.key) key = dk.key;
        else {
          code = dk.code || E_FILE_FIELD;
          what = 'network key';
        }
      }
      var cfg: DeviceConfig | null = null;
      var craw = st.read(CONFIG_FILE);
      if (craw) {
        var dc = decodeStoredConfig(craw);
        if (dc.config) cfg = dc.config;
        else {
          code = dc.code;
          what = 'configuration';
        }
      }
      return { code: code, what: what, role: makeNode(suite), initial: nodeInitial(id.identity, key, cfg, timing || NODE_TIMING), held: cfg ? cfg.version : 0 };
    },
    provisioned: function (s: NodeState) {
      return { v: s.cfg ? s.cfg.version : 0, ssid: s.cfg ? s.cfg.ssid : '' };
    },
  };
}
