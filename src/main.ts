import type { Server } from 'node:http';
import { ConfigError, parseConfig } from './config/app-config.js';
import { StartupError } from './common/startup-error.js';

const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  // loaded after the configuration is known to be good, so that a bad variable fails fast
  const [{ createApp }, { BrokerService }] = await Promise.all([
    import('./app.js'),
    import('./broker/broker.service.js'),
  ]);
  const app = await createApp(config);
  try {
    await app.listen({ port: config.httpPort, host: config.httpHost });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`HTTP port ${config.httpPort} is in use — is another gateway running? Set HTTP_PORT.\n`);
      await app.close().catch(() => undefined);
      process.exit(1);
    }
    throw err;
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.httpPort;
  // with HTTP_PORT=0 (tests) the default PUBLIC_URL, the OAuth issuer, is only known now
  config.listeningOn(port);
  const mqttPort = app.get(BrokerService).tcpPort;
  // test/helpers/gateway.ts and the demo parse this line
  process.stdout.write(
    `Gateway listening on http://${config.httpHost}:${port} (MQTT on port ${mqttPort}, WebSocket at ${config.mqttWsPath})\n`,
  );

  // Graceful shutdown: stop accepting, finish in-flight work, run every module's shutdown hook, exit 0.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal} received, shutting down\n`);
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${SHUTDOWN_GRACE_MS} ms, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    // server.close() only drops the keep-alive sockets idle at that moment; one whose request was in flight turns
    // idle after its answer and would hold the close until the client's keep-alive timeout
    const server = app.getHttpServer() as Server;
    setInterval(() => server.closeIdleConnections(), 100).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second signal during shutdown must not kill the process half-way
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (err instanceof StartupError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
