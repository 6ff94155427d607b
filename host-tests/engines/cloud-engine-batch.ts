/**
 * The cloud protocol's batch for the engine suite (build/targets.ts
 * ENGINE_BATCHES): cloud-batch-core.ts with the ES5 Authentication Cloud of
 * cloud-engine-ac.ts instead of the @noble stub, so the standard scenario
 * runs in Duktape, Espruino and JerryScript on the shipped border-router and
 * node bundles. Node 3 (index 2) signs on secp160k1, the paper's curve, so
 * both node curves cross a real engine; the others are on P-256.
 *
 * ES5-safe: bundled into dist/engines/cloud/scenario-<platform>.js.
 */
import { BatchProtocol } from '../../configurator/batch/batch-protocol.ts';
import { cloudBatchOn, CloudSimBatch } from '../../configurator/batch/cloud-batch-core.ts';
import { engineSimAc } from './cloud-engine-ac.ts';

/** Node indexes on secp160k1 in the engine scenario. */
export var ENGINE_SECP160K1_NODES = [2];

export var cloudEngineBatch: BatchProtocol<CloudSimBatch> = cloudBatchOn({ secp160k1: ENGINE_SECP160K1_NODES }, engineSimAc);
