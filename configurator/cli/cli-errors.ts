/**
 * Typed CLI errors: each has a stable code, a message for people, and an exit
 * status (2 for usage mistakes, 1 for everything else), so scripts driving the
 * CLI on a bench can tell a bad flag from a failed board.
 */
export type CliErrorCode =
  | 'E_USAGE'
  | 'E_FLAG_UNKNOWN'
  | 'E_FLAG_VALUE'
  | 'E_FLAG_MISSING'
  | 'E_FILE_MISSING'
  | 'E_FILE_CORRUPT'
  | 'E_FILE_EXISTS'
  | 'E_MANIFEST'
  | 'E_WHITELIST'
  | 'E_BUNDLE_MISSING'
  | 'E_FLASH'
  | 'E_SIM'
  | 'E_CALIBRATE'
  | 'E_LOCKED'
  | 'E_TRANSPORT'
  | 'E_CLOUD';

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: number;
  constructor(code: CliErrorCode, message: string) {
    super(message);
    this.code = code;
    this.exitCode = code === 'E_USAGE' || code.startsWith('E_FLAG') ? 2 : 1;
  }
}
