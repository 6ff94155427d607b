/**
 * The fuzzer's kept corpus: the wire vectors (one whole suite-1 handshake,
 * host-tests/protocol/wire-vectors.json) and whitelist-corpus.txt, hand-made
 * edge cases (one hex frame per line, `#` comments) — inputs that once needed a
 * specific check, kept so every run starts from them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VECTORS_PATH } from '../protocol/make-wire-vectors.ts';

export const CORPUS_PATH = fileURLToPath(new URL('./whitelist-corpus.txt', import.meta.url));

export function loadCorpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const v = JSON.parse(readFileSync(VECTORS_PATH, 'utf8'));
  for (const f of v.frames) out.push(Uint8Array.from(Buffer.from(f.hex, 'hex')));
  for (const line of readFileSync(CORPUS_PATH, 'utf8').split('\n')) {
    const l = line.replace(/#.*$/, '').trim();
    if (!l) continue;
    if (!/^([0-9a-f]{2})*$/i.test(l)) throw new Error('whitelist-corpus.txt: not hex: ' + l.slice(0, 40));
    out.push(Uint8Array.from(Buffer.from(l, 'hex')));
  }
  return out;
}
