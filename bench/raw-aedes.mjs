// Baseline for bench/mqtt-throughput.mjs: a bare Aedes 1.x broker with default options and no hooks
// (no authentication, no ACL, no in-process subscriber, no database). Prints "PORT <n>" when listening.
import { Aedes } from 'aedes';
import { createServer } from 'node:net';

const aedes = await Aedes.createBroker();
const server = createServer(aedes.handle);
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () => aedes.close(() => server.close(() => process.exit(0))));
