/**
 * The ECQV protocol's configurator, a certificate authority on a board
 * (firmware/protocols/ecqv/README.md §6): its key file (d_CA, Q_CA, master
 * secret of the request keys, validity, clock base), the device list with the
 * CRL version, and timing for engines where one P-256 multiplication takes
 * tens of seconds.
 */
import { StoragePort } from '../../../firmware/ports/ports.ts';
import { decodeCaIdentity, decodeDevices, DeviceEntry } from '../../../firmware/protocols/ecqv/records.ts';
import { makeCa, caInitial, DEVICES_FILE, CaOptions, CA_DEFAULTS } from '../../../firmware/protocols/ecqv/configurator.ts';
import { ecqvFirmwareSuite } from '../../../firmware/protocols/ecqv/suite-firmware.ts';
import { codeName } from '../../../firmware/protocols/ecqv/codes.ts';
import { ID_LEN } from '../../../firmware/protocols/ecqv/cert.ts';
import { withDefaults } from '../../../firmware/apps/engine-accel.ts';
import { ConfiguratorSpec, ConfiguratorBoot } from '../configurator-app.ts';

export var CA_KEY_FILE = 'nb-cakey';

/**
 * Issuance costs the CA two multiplications (tens of seconds each on Espruino)
 * and the enrollee about four after the RESPONSE: long waits, few sessions at
 * once, and cookies good for 2–4 minutes (a REQUEST may wait in the queue of a
 * busy CA; replays are caught by the nonce list anyway).
 */
export var CA_TIMING: CaOptions = withDefaults(CA_DEFAULTS, {
  cookieMs: 120000,
  finMs: 40000,
  ackMs: 60000,
  maxTries: 6,
  ackTries: 3,
  bucketSize: 2,
  bucketMs: 20000,
  crlMs: 120000,
});

export function ecqvConfigurator(timing?: CaOptions): ConfiguratorSpec {
  return {
    codeName: codeName,
    storeIdBytes: ID_LEN,
    load: function (st: StoragePort): ConfiguratorBoot {
      var kraw = st.read(CA_KEY_FILE);
      var key = kraw ? decodeCaIdentity(kraw) : null;
      if (!key || key.code || !key.identity) return { code: key ? key.code : -1, what: 'CA key', role: null, initial: null, info: {} };
      var entries: DeviceEntry[] = [];
      var crl = 0;
      var code = 0;
      var draw = st.read(DEVICES_FILE);
      if (draw) {
        var dl = decodeDevices(draw);
        if (dl.code === 0 && dl.entries) {
          entries = dl.entries;
          crl = dl.crl;
        } else code = dl.code;
      }
      return {
        code: code, what: 'devices', role: makeCa(ecqvFirmwareSuite(key.identity.suite)),
        initial: caInitial(key.identity, entries, crl, timing || CA_TIMING), info: { devices: entries.length, crl: crl },
      };
    },
  };
}
