/**
 * CRC-32 (IEEE 802.3 polynomial 0xEDB88320, reflected), used by the slot store
 * to tell a completely written slot from one cut off by a power loss. Not a MAC:
 * integrity against accidents only (THREATS #12).
 */
var table: Int32Array | null = null;

function makeTable(): Int32Array {
  var t = new Int32Array(256);
  for (var n = 0; n < 256; n++) {
    var c = n;
    for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

export function crc32(data: Uint8Array): number {
  if (!table) table = makeTable();
  var t = table;
  var c = -1;
  for (var i = 0; i < data.length; i++) c = t[(c ^ data[i]) & 255] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
