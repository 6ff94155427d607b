/**
 * The cloud protocol's batch for the simulator with the in-memory AC stub
 * (configurator/sim/ac-stub.ts, host crypto on @noble/curves): what
 * `nowboard sim --protocol cloud` and the tests run. The batch itself (keys,
 * files, uplink, ranges) is cloud-batch-core.ts, which takes any AC; the
 * engine suite gives it an ES5 one (host-tests/engines/cloud-engine-batch.ts),
 * since nothing here can run in Duktape, Espruino or JerryScript.
 */
import { makeAcStub } from '../sim/ac-stub.ts';
import { BatchProtocol } from './batch-protocol.ts';
import { cloudBatchOn, trustRow, CloudBatchOptions, CloudSimBatch, SimAc, SimAcSetup } from './cloud-batch-core.ts';

export {
  CLOUD_CLOCK_BASE, SIM_TRUST_FOR, AC_ID, cloudBatchOn, trustRow, applyRanges, setRange,
} from './cloud-batch-core.ts';
export type { SimAc, SimAcSetup, MakeSimAc, CloudSimNode, CloudSimBr, CloudSimBatch, CloudBatchOptions } from './cloud-batch-core.ts';

/** The in-memory stub as a batch's AC (synchronous answers). */
export function stubSimAc(s: SimAcSetup): SimAc {
  var stub = makeAcStub({ acId: s.acId, acPriv: s.acPriv, trustFor: s.trustFor, now: s.now });
  return {
    name: 'in-memory AC stub (configurator/sim/ac-stub.ts)',
    endpoint: function (path, json) {
      return stub.handle(path, json);
    },
    addBr: stub.addBr,
    addNode: stub.addNode,
    revoke: stub.revoke,
  };
}

/** The cloud batch on the in-memory AC stub (swap it with useAc before the boards boot). */
export function cloudBatchWith(co: CloudBatchOptions): BatchProtocol<CloudSimBatch> {
  return cloudBatchOn(co, stubSimAc);
}

/** Replace the AC the uplink calls (before the boards boot): loads its trust list and BR list first. */
export async function useAc(batch: CloudSimBatch, ac: SimAc): Promise<void> {
  for (var i = 0; i < batch.configurators.length; i++) await ac.addBr(batch.configurators[i].id.brId, batch.configurators[i].id.pub);
  for (var j = 0; j < batch.enrollees.length; j++) await ac.addNode(trustRow(batch.enrollees[j].id, batch.enrollees[j].gpub));
  batch.ac = ac;
}

export var cloudBatch: BatchProtocol<CloudSimBatch> = cloudBatchWith({});
