/**
 * Imported by crypto-bench-entry.ts before tweetnacl. When tweetnacl loads it
 * looks for a random source: `self.crypto.getRandomValues`, else
 * `require('crypto')`. Espruino has a `require` that does not know 'crypto'
 * (the load would throw) and Duktape/JerryScript have neither. The benchmark
 * never asks tweetnacl for randomness, so give it a `self` whose
 * getRandomValues refuses: tweetnacl takes the first branch and never calls require.
 * Node (and any engine that has `self`) is left alone.
 */
declare var self: unknown;

if (typeof self === 'undefined') {
  // The global object: `this` of a plain (sloppy-mode) function call.
  var getGlobal = function (this: { [k: string]: unknown }) {
    return this;
  } as unknown as () => { [k: string]: unknown } | undefined;
  var g = getGlobal();
  if (g) {
    g.self = {
      crypto: {
        getRandomValues: function () {
          throw new Error('bench: no randomness on this engine (tweetnacl asked for it)');
        },
      },
    };
  }
}

export var tweetnaclEnvReady = true;
