/**
 * `nowboard cloud serve`: the Authentication Cloud over HTTP.
 *
 * Fastify (already a dependency, maintained): it enforces the body limit while
 * reading (a 1 GB body is cut at AC_MAX_BODY, not buffered), gives typed errors
 * for framing faults we map to signed E_AC_* answers, and closes gracefully —
 * `close()` stops accepting, lets requests in flight finish, drops idle
 * keep-alive sockets. node:http would need each of those written by hand.
 *
 * The body is taken as raw text (no JSON parser in front): the AC core parses
 * and validates it, so HTTP and the in-process uplink answer identically.
 *
 *   POST /v1/join, /v1/check   BrRequest JSON → AcResponse JSON, HTTP status = its `status`
 *   GET  /v1/health            { ok, ac, pub, db } (503 if the database does not answer)
 */
import Fastify, { FastifyInstance } from 'fastify';
import { AC_JOIN_PATH, AC_CHECK_PATH } from '../../firmware/protocols/cloud/ac-api.ts';
import { AuthCloud, AC_MAX_BODY } from './auth-cloud.ts';

export interface AcServerOptions {
  host?: string;
  /** 0 = any free port */
  port?: number;
  bodyLimit?: number;
  /** one line per refused or failed request (the service log); default: nothing */
  log?: (line: string) => void;
}

export interface AcServer {
  url: string;
  port: number;
  app: FastifyInstance;
  /** Stop accepting, finish requests in flight, close. Does not close the database. */
  close(): Promise<void>;
}

function ridOf(body: unknown): string {
  if (typeof body !== 'string') return '';
  const m = /"rid"\s*:\s*"([0-9a-f]{32})"/.exec(body.slice(0, AC_MAX_BODY));
  return m ? m[1] : '';
}

export async function startAcServer(ac: AuthCloud, opts: AcServerOptions = {}): Promise<AcServer> {
  const log = opts.log ?? (() => undefined);
  const app = Fastify({ bodyLimit: opts.bodyLimit ?? AC_MAX_BODY, logger: false, return503OnClosing: true, forceCloseConnections: 'idle' });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  // While closing, answers in flight carry `Connection: close`: otherwise the
  // client's keep-alive socket holds close() until the keep-alive timeout (72 s).
  let closing = false;
  for (const path of [AC_JOIN_PATH, AC_CHECK_PATH]) {
    app.post(path, async (req, reply) => {
      const body = typeof req.body === 'string' ? req.body : '';
      const r = await ac.handle(path, body);
      if (r.status !== 200) log(`${path} ${r.status} ${JSON.parse(r.body).code} rid=${r.rid || '-'} from ${req.ip}`);
      if (closing) reply.header('connection', 'close');
      reply.code(r.status).header('content-type', 'application/json').send(JSON.stringify(r));
    });
  }

  app.get('/v1/health', async (_req, reply) => {
    try {
      await ac.db.query('SELECT 1');
      return { ok: true, ac: ac.acId, pub: ac.acPubHex, db: ac.db.kind };
    } catch (e) {
      reply.code(503);
      return { ok: false, ac: ac.acId, pub: ac.acPubHex, db: ac.db.kind, error: (e as Error).message };
    }
  });

  app.setNotFoundHandler((req, reply) => {
    const r = ac.refusal('E_AC_BAD_REQUEST', '', `no route ${req.method} ${req.url}`);
    log(`${req.url} ${r.status} E_AC_BAD_REQUEST no route from ${req.ip}`);
    reply.code(r.status).header('content-type', 'application/json').send(JSON.stringify(r));
  });

  // Framing faults fastify finds before our handler: over-long, empty or un-typed bodies.
  app.setErrorHandler((err: any, req, reply) => {
    const tooLarge = err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413;
    const code = tooLarge ? 'E_AC_TOO_LARGE' : err.statusCode && err.statusCode < 500 ? 'E_AC_BAD_REQUEST' : 'E_AC_DB';
    const r = ac.refusal(code, ridOf(req.body), err.message);
    log(`${req.url} ${r.status} ${code} ${err.code ?? ''} from ${req.ip}`);
    reply.code(r.status).header('content-type', 'application/json').send(JSON.stringify(r));
  });

  await app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port ?? 0;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? '[' + host + ']' : host}:${port}`,
    port,
    app,
    close: () => {
      closing = true;
      return app.close();
    },
  };
}
