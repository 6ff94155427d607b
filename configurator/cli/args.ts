/**
 * A small, strict flag parser: every flag is declared with its type and range;
 * anything else is an error that names the flag and what was expected.
 */
import { CliError } from './cli-errors.ts';

export type FlagSpec =
  | { type: 'int'; default?: number; min?: number; max?: number; help: string; required?: boolean }
  | { type: 'float'; default?: number; min?: number; max?: number; help: string; required?: boolean }
  | { type: 'string'; default?: string; help: string; required?: boolean; choices?: string[] }
  | { type: 'bool'; help: string };

export type FlagValues = Record<string, string | number | boolean | undefined>;

export function parseFlags(argv: string[], spec: Record<string, FlagSpec>, command: string): { flags: FlagValues; rest: string[] } {
  const flags: FlagValues = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const s = spec[name];
    if (!s) {
      const known = Object.keys(spec).map((k) => '--' + k).join(', ');
      throw new CliError('E_FLAG_UNKNOWN', `nowboard ${command}: unknown flag --${name} (known: ${known || 'none'})`);
    }
    if (s.type === 'bool') {
      if (value !== undefined && value !== 'true' && value !== 'false') {
        throw new CliError('E_FLAG_VALUE', `--${name} takes no value (or =true/=false), got "${value}"`);
      }
      flags[name] = value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) {
        throw new CliError('E_FLAG_VALUE', `--${name} needs a value (${s.help})`);
      }
    }
    if (s.type === 'int' || s.type === 'float') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || (s.type === 'int' && !Number.isInteger(n))) {
        throw new CliError('E_FLAG_VALUE', `--${name} must be ${s.type === 'int' ? 'an integer' : 'a number'}, got "${value}"`);
      }
      if (s.min !== undefined && n < s.min) throw new CliError('E_FLAG_VALUE', `--${name} must be >= ${s.min}, got ${n}`);
      if (s.max !== undefined && n > s.max) throw new CliError('E_FLAG_VALUE', `--${name} must be <= ${s.max}, got ${n}`);
      flags[name] = n;
    } else {
      if (s.choices && !s.choices.includes(value)) {
        throw new CliError('E_FLAG_VALUE', `--${name} must be one of ${s.choices.join(', ')}, got "${value}"`);
      }
      flags[name] = value;
    }
  }
  for (const [name, s] of Object.entries(spec)) {
    if (flags[name] === undefined && s.type !== 'bool' && s.default !== undefined) flags[name] = s.default;
    if (flags[name] === undefined && s.type !== 'bool' && s.required) {
      throw new CliError('E_FLAG_MISSING', `nowboard ${command}: --${name} is required (${s.help})`);
    }
    if (s.type === 'bool' && flags[name] === undefined) flags[name] = false;
  }
  return { flags, rest };
}

export function usageFor(command: string, summary: string, spec: Record<string, FlagSpec>): string {
  const lines = [`nowboard ${command} — ${summary}`, ''];
  for (const [name, s] of Object.entries(spec)) {
    const def = s.type !== 'bool' && s.default !== undefined ? ` (default ${s.default})` : '';
    const req = s.type !== 'bool' && s.required ? ' (required)' : '';
    lines.push(`  --${name.padEnd(18)} ${s.help}${def}${req}`);
  }
  return lines.join('\n');
}
