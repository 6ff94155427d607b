/**
 * Optional natives for the out-of-band channel (protocol psk-oob): a host with
 * an OOB peripheral (NFC, a display and camera, the console) registers both;
 * without them the binding prints `NBOOB <base64>` lines (index.ts bindOob).
 */
declare var nb_oob_send: ((bytes: Uint8Array) => void) | undefined;
declare var nb_oob_on_recv: ((cb: (bytes: Uint8Array) => void) => void) | undefined;
/** Optional: a request to the protocol's server (HTTP on the host); `done(status, body)` later, status 0 = unreachable. */
declare var nb_uplink_request: ((path: string, json: string, done: (status: number, json: string | null) => void) => void) | undefined;
