/**
 * One Authentication Cloud instance of `npm run bench:cloud` (cloud-bench.ts),
 * a process of its own: opens the database (its own pool), waits for "go",
 * answers its share of the pre-signed BR envelopes through the AC core with
 * `concurrency` in flight, reports counts per verdict and its elapsed and CPU
 * time. With `http`, it serves `nowboard cloud serve`'s HTTP layer instead and
 * the bench process is the BRs: "go" starts the CPU clock, "stop" reports it.
 */
import fs from 'node:fs';
import { openDb } from '../../configurator/cloud/sql.ts';
import { openAuthCloud, acKeyOf } from '../../configurator/cloud/auth-cloud.ts';
import { startAcServer } from '../../configurator/cloud/ac-http.ts';
import { keyPairOfFile, P256KeyFile } from '../../configurator/cloud/ac-crypto.ts';
import { AC_JOIN_PATH } from '../../firmware/protocols/cloud/ac-api.ts';

interface Job {
  url: string;
  schema: string;
  acKey: P256KeyFile;
  file: string;
  concurrency: number;
  poolMax: number;
  http: boolean;
  /** load the trust list's per-node keys before the clock (AuthCloud.warm) */
  warm: boolean;
}

process.once('message', async (job: Job) => {
  const envelopes: string[] = JSON.parse(fs.readFileSync(job.file, 'utf8'));
  const db = await openDb(job.url, { schema: job.schema, poolMax: job.poolMax });
  const ac = openAuthCloud({ db, acKey: acKeyOf(job.acKey.id, keyPairOfFile(job.acKey)), windowSec: 600 });
  // Warm the pool (connections made before the clock starts).
  await Promise.all(Array.from({ length: job.poolMax }, () => db.query('SELECT 1')));
  const w0 = process.hrtime.bigint();
  const warmed = job.warm ? await ac.warm() : 0;
  const warmMs = Number(process.hrtime.bigint() - w0) / 1e6;
  const srv = job.http ? await startAcServer(ac, { port: 0 }) : null;
  process.send!({ ready: true, serverUrl: srv?.url, warmed, warmMs });
  process.once('message', async () => {
    const counts: Record<string, number> = {};
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    if (srv) {
      await new Promise<void>((res) => process.once('message', () => res()));
      await srv.close();
    } else {
      let next = 0;
      const lane = async () => {
        while (next < envelopes.length) {
          const r = await ac.handle(AC_JOIN_PATH, envelopes[next++]);
          const code = r.status === 200 ? 'OK' : JSON.parse(r.body).code;
          counts[code] = (counts[code] ?? 0) + 1;
        }
      };
      await Promise.all(Array.from({ length: job.concurrency }, lane));
    }
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await db.close();
    process.send!({ done: true, counts, seconds, cpuSeconds, handled: srv ? 0 : envelopes.length }, () => process.exit(0));
  });
});
