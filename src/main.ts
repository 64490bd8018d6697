import { AppConfig, ConfigError, parseConfig } from './config/app-config.js';
import { createApp } from './app.js';
import { BrokerService } from './broker/broker.service.js';
import { StartupError } from './common/startup-error.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
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
  const mqttPort = app.get(BrokerService).tcpPort;
  // test/helpers/gateway.ts and the demo parse this line
  process.stdout.write(
    `Gateway listening on http://${config.httpHost}:${port} (MQTT on port ${mqttPort}, WebSocket at ${app.get(AppConfig).mqttWsPath})\n`,
  );
}

main().catch((err: unknown) => {
  if (err instanceof StartupError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
