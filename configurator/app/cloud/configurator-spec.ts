/**
 * The cloud protocol's border router on a board
 * (firmware/protocols/cloud/README.md §6, §8.2): its identity file (id and
 * P-256 key registered in the AC, the pinned AC key, the network key, a clock
 * base), the configuration store, and timing for Espruino, where the node's
 * ECDH behind a KEY takes tens of seconds before its KEYACK can come back.
 */
import { StoragePort } from '../../../firmware/ports/ports.ts';
import { decodeBrIdentity } from '../../../firmware/protocols/cloud/records.ts';
import { makeBorderRouter, brInitial, BrOptions, BR_DEFAULTS } from '../../../firmware/protocols/cloud/border-router.ts';
import { cloudSuite } from '../../../firmware/protocols/cloud/suite-firmware.ts';
import { codeName } from '../../../firmware/protocols/cloud/codes.ts';
import { withDefaults } from '../../../firmware/apps/engine-accel.ts';
import { ConfiguratorSpec, ConfiguratorBoot } from '../configurator-app.ts';

export var BR_KEY_FILE = 'nb-brkey';

export var BR_TIMING: BrOptions = withDefaults(BR_DEFAULTS, {
  acWaitMs: 90000,
  rtMs: 20000,
  maxTries: 8,
  // Each session costs this board ~2 minutes of P-256 work (its envelope signature, the AC answer's
  // verification, a key pair, an ECDH): two at once keep every KEYACK answered within a node's patience;
  // the other nodes meanwhile repeat their JOIN (E_BUSY, nothing computed).
  maxSessions: 2,
  // A check costs this board about 100 s of P-256 work: expired trust is re-asked at the next join instead.
  recheck: false,
});

export function cloudBorderRouter(timing?: BrOptions): ConfiguratorSpec {
  return {
    codeName: codeName,
    load: function (st: StoragePort): ConfiguratorBoot {
      var raw = st.read(BR_KEY_FILE);
      var id = raw ? decodeBrIdentity(raw) : null;
      if (!id || id.code || !id.identity) return { code: id ? id.code : -1, what: 'border router key', role: null, initial: null, info: {} };
      return { code: 0, what: '', role: makeBorderRouter(cloudSuite), initial: brInitial(id.identity, timing || BR_TIMING), info: { br: id.identity.brId } };
    },
  };
}
