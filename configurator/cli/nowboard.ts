#!/usr/bin/env -S npx tsx
/**
 * nowboard — the host CLI for batches of boards.
 *
 *   nowboard keygen --count N --out DIR      identities + manifest + whitelist + configs
 *   nowboard whitelist [build|add|revoke|list] --manifest DIR/manifest.json [--id ID]
 *   nowboard sim [--count 16] [--loss 0.1] [--seed S] [--out reports/] [--protocol a,b|all]
 *   nowboard calibrate [--from OUTPUT | --port /dev/ttyUSB0]
 *   nowboard flash --manifest DIR/manifest.json --id ID --port /dev/ttyUSB0 [--dry-run]
 *   nowboard serve --dir DIR [--transport udp|sim|bridge:/dev/ttyUSB0]
 *   nowboard installer imprint --count N --out DIR     psk-oob: ID, NID, IK per device, registered for the SBS
 *   nowboard oob qr --line 'NBOOB …' [--svg F] [--png F] | oob relay --configurator P --enrollees P,…
 *   nowboard cloud init|serve|add|revoke|list|audit|br … [--db DIR|postgres://…]
 *
 * Exit status: 0 ok, 1 failure, 2 usage error. Errors are one line on stderr.
 */
import { CliError } from './cli-errors.ts';
import { usageFor } from './args.ts';
import { cmdKeygen, cmdWhitelist, cmdFlash, keygenFlags, whitelistFlags, flashFlags } from './commands-files.ts';
import { cmdSim, simFlags } from './command-sim.ts';
import { cmdCalibrate, calibrateFlags } from './command-calibrate.ts';
import { cmdServe, serveFlags } from './command-serve.ts';
import { cmdInstaller, installerFlags, cmdOob, oobFlags } from './command-psk-oob.ts';
import { cmdCloud, cloudFlags, cloudUsage } from './command-cloud.ts';

const COMMANDS: Record<string, { run: (argv: string[], out: (s: string) => void) => number | Promise<number>; summary: string; flags: any; usage?: (rest: string[]) => string }> = {
  keygen: { run: cmdKeygen, summary: 'make enrollee identities, a manifest, a whitelist and a config store', flags: keygenFlags },
  whitelist: { run: cmdWhitelist, summary: 'build | add | revoke | list the configurator whitelist', flags: whitelistFlags },
  sim: { run: cmdSim, summary: 'provision a batch on the ESP-NOW simulator with the real bundles', flags: simFlags },
  flash: { run: cmdFlash, summary: 'flash boards through flash.sh (Espruino CLI)', flags: flashFlags },
  calibrate: { run: cmdCalibrate, summary: "measure the cost table's CPU figures on a real board", flags: calibrateFlags },
  serve: { run: cmdServe, summary: 'be the configurator from this computer (udp | sim | bridge), audit log in the batch', flags: serveFlags },
  installer: { run: cmdInstaller, summary: 'psk-oob: imprint ID, NID, IK into a batch and register them for the SBS (installer imprint)', flags: installerFlags },
  oob: { run: cmdOob, summary: 'psk-oob out-of-band channel: qr (terminal, --svg, --png) | relay serial consoles', flags: oobFlags },
  cloud: { run: cmdCloud, summary: 'Authentication Cloud: init | serve | add | revoke | list | audit | br add|revoke|list', flags: cloudFlags, usage: cloudUsage },
};

function help(): string {
  return [
    'nowboard — zero-touch provisioning for ESP32 boards running JavaScript',
    '',
    ...Object.entries(COMMANDS).map(([n, c]) => `  nowboard ${n.padEnd(10)} ${c.summary}`),
    '',
    'nowboard help COMMAND for its flags.',
  ].join('\n');
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    const c = rest[0] && COMMANDS[rest[0]];
    out(c ? (c.usage ? c.usage(rest.slice(1)) : usageFor(rest[0], c.summary, c.flags)) : help());
    return 0;
  }
  const c = COMMANDS[cmd];
  if (!c) throw new CliError('E_USAGE', `unknown command "${cmd}" (try: nowboard help)`);
  if (rest.includes('--help')) {
    out(c.usage ? c.usage(rest.filter((a) => a !== '--help')) : usageFor(cmd, c.summary, c.flags));
    return 0;
  }
  return await c.run(rest, out);
}

const isMain = process.argv[1] && import.meta.url === new URL('file://' + process.argv[1]).href;
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      if (e instanceof CliError) {
        process.stderr.write(`nowboard: ${e.code}: ${e.message}\n`);
        process.exit(e.exitCode);
      }
      process.stderr.write(`nowboard: internal error: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
