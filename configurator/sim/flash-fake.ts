/**
 * A NOR-flash fake that enforces the hardware's rules (as DeviceScript's
 * posix/flash.c does), so firmware that would corrupt a real chip fails here:
 *
 * - Erase works on whole pages (4096 B, the ESP32's SPI-flash sector and
 *   Espruino's flash page) and sets every byte to 0xFF.
 * - Programming can only clear bits (1 -> 0): writing a byte whose new value
 *   has a 1 where the cell holds 0 throws E_FLASH_NOT_ERASED. A program call is
 *   split at 256-B write-page boundaries (the SPI NOR page-program unit); each
 *   piece is one operation.
 * - Power cuts: cutPowerAfter(k) lets k more page-level operations (erase or
 *   program piece) happen; the next one throws a PowerCut error instead and the
 *   chip stays exactly as after op k, so a half-written file is visible as it
 *   would be on real flash. Every later operation throws PowerCut too until
 *   restorePower() (the reboot).
 * - Counters: operations, erases (total and per page, for wear: THREATS #12),
 *   program pieces and bytes programmed.
 *
 * ES5-safe: bundled into the engine scenarios (host-tests/engines/).
 */

export var FLASH_PAGE = 4096;
export var FLASH_WRITE_PAGE = 256;

export interface FlashStats {
  ops: number;
  erases: number;
  programs: number;
  bytesProgrammed: number;
  erasesPerPage: number[];
}

export interface Flash {
  size: number;
  pageSize: number;
  stats: FlashStats;
  /** True once a cut has happened, until restorePower(). */
  powerCut: boolean;
  read(addr: number, len: number): Uint8Array;
  erasePage(page: number): void;
  program(addr: number, data: Uint8Array): void;
  /** Allow k more operations, then cut the power (k = 0: the next op fails). */
  cutPowerAfter(k: number): void;
  /** Disarm a pending cut without cutting. */
  disarm(): void;
  restorePower(): void;
  /** Called once when the power goes (the board dies). */
  onPowerCut: ((opIndex: number) => void) | null;
  /** A copy of the whole chip. */
  snapshot(): Uint8Array;
}

export function isPowerCut(e: any): boolean {
  return !!e && (e.name === 'PowerCut' || String(e.message || '').indexOf('PowerCut') === 0);
}

export function makeFlash(pages?: number): Flash {
  var pageCount = pages || 16;
  var size = pageCount * FLASH_PAGE;
  var cells = new Uint8Array(size);
  for (var i = 0; i < size; i++) cells[i] = 0xff;
  var erasesPerPage: number[] = [];
  for (var p = 0; p < pageCount; p++) erasesPerPage.push(0);
  /** Operations still allowed before the cut; -1 = no cut armed. */
  var budget = -1;

  function powerCutError(): Error {
    var e = new Error('PowerCut: flash lost power after operation ' + flash.stats.ops);
    e.name = 'PowerCut';
    return e;
  }

  /** Count one page-level operation, or cut the power instead of doing it. */
  function beginOp(): void {
    if (flash.powerCut) throw powerCutError();
    if (budget === 0) {
      flash.powerCut = true;
      budget = -1;
      if (flash.onPowerCut) flash.onPowerCut(flash.stats.ops);
      throw powerCutError();
    }
    if (budget > 0) budget--;
    flash.stats.ops++;
  }

  function checkRange(addr: number, len: number): void {
    if (!(addr >= 0) || !(len >= 0) || addr + len > size || Math.floor(addr) !== addr) {
      throw new Error('E_FLASH_RANGE: ' + addr + '+' + len + ' outside 0..' + size);
    }
  }

  var flash: Flash = {
    size: size,
    pageSize: FLASH_PAGE,
    stats: { ops: 0, erases: 0, programs: 0, bytesProgrammed: 0, erasesPerPage: erasesPerPage },
    powerCut: false,
    onPowerCut: null,
    read: function (addr: number, len: number) {
      checkRange(addr, len);
      var out = new Uint8Array(len);
      for (var i = 0; i < len; i++) out[i] = cells[addr + i];
      return out;
    },
    erasePage: function (page: number) {
      if (!(page >= 0 && page < pageCount) || Math.floor(page) !== page) throw new Error('E_FLASH_RANGE: page ' + page);
      beginOp();
      var base = page * FLASH_PAGE;
      for (var i = 0; i < FLASH_PAGE; i++) cells[base + i] = 0xff;
      flash.stats.erases++;
      erasesPerPage[page]++;
    },
    program: function (addr: number, data: Uint8Array) {
      checkRange(addr, data.length);
      // Check the whole request first: a real driver would have verified the
      // region was erased before starting.
      for (var i = 0; i < data.length; i++) {
        if ((cells[addr + i] & data[i]) !== data[i]) {
          throw new Error('E_FLASH_NOT_ERASED: byte at ' + (addr + i) + ' is 0x' + cells[addr + i].toString(16) +
            ', cannot program 0x' + data[i].toString(16) + ' without erasing its page');
        }
      }
      var pos = 0;
      while (pos < data.length) {
        var at = addr + pos;
        var pieceEnd = (Math.floor(at / FLASH_WRITE_PAGE) + 1) * FLASH_WRITE_PAGE;
        var n = Math.min(pieceEnd - at, data.length - pos);
        beginOp();
        for (var k = 0; k < n; k++) cells[at + k] = cells[at + k] & data[pos + k];
        flash.stats.programs++;
        flash.stats.bytesProgrammed += n;
        pos += n;
      }
    },
    cutPowerAfter: function (k: number) {
      budget = k;
    },
    disarm: function () {
      budget = -1;
    },
    restorePower: function () {
      flash.powerCut = false;
    },
    snapshot: function () {
      return flash.read(0, size);
    },
  };
  return flash;
}
