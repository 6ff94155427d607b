/**
 * The psk-oob configurator (SBR) on a board (firmware/protocols/psk-oob/README.md
 * §6): its ID_c, NID and SK_cs from `nb-sbr`; device keys in the configuration
 * store are the 8-byte enrollee IDs.
 */
import { StoragePort } from '../../../firmware/ports/ports.ts';
import { decodeSbrIdentity } from '../../../firmware/protocols/psk-oob/records.ts';
import { makeConfigurator, configuratorInitial, SbrOptions } from '../../../firmware/protocols/psk-oob/configurator.ts';
import { firmwareSuite } from '../../../firmware/protocols/psk-oob/suite.ts';
import { codeName } from '../../../firmware/protocols/psk-oob/codes.ts';
import { ConfiguratorSpec, ConfiguratorBoot } from '../configurator-app.ts';

export var SBR_FILE = 'nb-sbr';

export function pskOobConfigurator(timing?: SbrOptions): ConfiguratorSpec {
  return {
    codeName: codeName,
    storeIdBytes: 8,
    load: function (st: StoragePort): ConfiguratorBoot {
      var raw = st.read(SBR_FILE);
      var me = raw ? decodeSbrIdentity(raw) : null;
      if (!me || me.code || !me.identity) return { code: me ? me.code : -1, what: 'sbr key', role: null, initial: null, info: {} };
      var s = firmwareSuite();
      return { code: 0, what: 'sbr key', role: makeConfigurator(s), initial: configuratorInitial(s, me.identity, timing), info: { nid: me.identity.nid } };
    },
  };
}
