// Baseline broker of `npm run bench`: a bare Aedes 1.2 with default options and no hooks (no authentication, no ACL,
// no in-process subscriber, no database). Its sockets are set to no-delay, as the gateway's are (and Mosquitto's, by
// its config): otherwise a lone QoS 1 message waits out Nagle's algorithm (~40 ms). Prints "PORT <n>" when listening.
import { Aedes } from 'aedes';
import { createServer } from 'node:net';

const aedes = await Aedes.createBroker();
const server = createServer({ noDelay: true }, aedes.handle);
server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () => aedes.close(() => server.close(() => process.exit(0))));
