/**
 * The psk-oob enrollee (SBI) on a board (firmware/protocols/psk-oob/README.md
 * §6): the installer's identity (ID, NID, IK), the PSK of the last re-key if
 * any, the proven configuration, and the board's MAC (told to the SBR in
 * flight 5). AES only: nothing here imports SHA or EC (build/aes-only.ts).
 */
import { StoragePort } from '../../ports/ports.ts';
import { decodeStoredConfig, DeviceConfig } from '../../codec/config-record.ts';
import { decodeIdentity, decodeKeyFile, PoKey } from '../../protocols/psk-oob/records.ts';
import { makeEnrollee, enrolleeInitial, CONFIG_FILE, KEY_FILE, SbiState, SbiOptions } from '../../protocols/psk-oob/enrollee.ts';
import { firmwareSuite } from '../../protocols/psk-oob/suite.ts';
import { enrolleeCodeName } from '../../protocols/psk-oob/codes.ts';
import { EnrolleeSpec, EnrolleeBoot, IDENTITY_FILE } from '../enrollee-app.ts';

/** Present at boot: re-key under the current PSK (enrollee-main.ts). */
export var REKEY_FILE = 'nb.rekey';

export function pskOobEnrollee(mac: Uint8Array, timing?: SbiOptions): EnrolleeSpec {
  return {
    configFile: CONFIG_FILE,
    codeName: enrolleeCodeName,
    load: function (st: StoragePort): EnrolleeBoot {
      var raw = st.read(IDENTITY_FILE);
      var id = raw ? decodeIdentity(raw) : null;
      if (!id || id.code || !id.identity) return { code: id ? id.code : -1, what: 'identity', role: null, initial: null, held: 0 };
      // A key file that does not decode is not "no re-key yet": the SBS may have
      // forgotten IK already. Falling back to IK would lock the device out quietly.
      var key: PoKey | null = null;
      var kraw = st.read(KEY_FILE);
      if (kraw) {
        var dk = decodeKeyFile(kraw);
        if (dk.code || !dk.key) return { code: dk.code, what: 'psk', role: null, initial: null, held: 0 };
        key = dk.key;
      }
      var cfg: DeviceConfig | null = null;
      var code = 0;
      var craw = st.read(CONFIG_FILE);
      if (craw) {
        var dc = decodeStoredConfig(craw);
        if (dc.code === 0) cfg = dc.config;
        else code = dc.code;
      }
      return { code: code, what: 'config', role: makeEnrollee(firmwareSuite()), initial: enrolleeInitial(id.identity, key, mac, cfg, timing), held: cfg ? cfg.version : 0 };
    },
    provisioned: function (s: SbiState) {
      return { v: s.cfg ? s.cfg.version : 0, ssid: s.cfg ? s.cfg.ssid : '' };
    },
  };
}
