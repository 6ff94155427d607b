/**
 * The one registry of codes (issue 8): common codes 0..255, each protocol in
 * its own range, names unique across the product, and every doc table equal
 * to the code's table (docs/codes.md for the common range, each protocol's
 * README for its own).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as P from '../../firmware/ports/ports.ts';
import * as C from '../../firmware/codec/codes.ts';
import { PROTOCOL_NAMES } from '../../firmware/codec/protocol-ids.ts';
import { PROTOCOLS, allCodeTables, codeName, codeText, protocolByName } from '../../firmware/protocols/registry.ts';

function docRows(rel: string): [number, string, string][] {
  const doc = readFileSync(new URL('../../' + rel, import.meta.url), 'utf8');
  return [...doc.matchAll(/^\| (\d+) \| `([A-Z0-9_]+)` \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2], m[3]]);
}

function tableRows(t: C.CodeTable): [number, string, string][] {
  return Object.entries(t.rows).map(([k, r]) => [Number(k), r[0], r[1]] as [number, string, string]);
}

describe('code registry', () => {
  it('Wi-Fi codes equal the port constants; every ACK result fits below 32', () => {
    expect([C.WIFI_NO_AP, C.WIFI_AUTH_FAIL, C.WIFI_TIMEOUT, C.OK]).toEqual([P.WIFI_NO_AP, P.WIFI_AUTH_FAIL, P.WIFI_TIMEOUT, P.WIFI_OK]);
    expect(C.CONFIG_FORMAT).toBeLessThan(32);
    expect(C.CONFIG_STALE).toBeLessThan(32);
  });

  it('every code lies in its table range, and names are unique across every protocol', () => {
    const names: string[] = [];
    for (const t of allCodeTables()) {
      expect(t.base).toBe(t.proto * 256);
      for (const [k, row] of Object.entries(t.rows)) {
        const code = Number(k);
        expect(code, `${row[0]} in table ${t.proto}`).toBeGreaterThanOrEqual(t.base);
        expect(code, `${row[0]} in table ${t.proto}`).toBeLessThan(t.base + 256);
        names.push(row[0]);
      }
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('each exported constant of the common table has its row', () => {
    for (const [k, row] of Object.entries(C.COMMON_CODES.rows)) expect((C as any)[row[0]]).toBe(Number(k));
  });

  it('each protocol is registered under its id and name, once', () => {
    const ids = PROTOCOLS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of PROTOCOLS) {
      expect(p.name).toBe(PROTOCOL_NAMES[p.id]);
      expect(p.codes.proto).toBe(p.id);
      expect(protocolByName(p.name)).toBe(p);
    }
    expect(protocolByName('no-such')).toBeNull();
  });

  it('names and texts resolve across tables; unknown codes say so', () => {
    expect(codeName(C.E_TIMEOUT)).toBe('E_TIMEOUT');
    expect(codeName(256)).toBe('E_AUTH_CHALLENGE');
    expect(codeName(250)).toBe('CODE_250');
    expect(codeText(9999)).toBe('unknown code 9999');
  });

  it('docs/codes.md shows exactly the common table', () => {
    expect(docRows('docs/codes.md')).toEqual(tableRows(C.COMMON_CODES));
  });

  it("each protocol's README shows exactly its own table", () => {
    for (const p of PROTOCOLS) expect(docRows(p.doc), p.doc).toEqual(tableRows(p.codes));
  });
});
