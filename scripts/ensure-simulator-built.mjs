// `npm run simulator` on a fresh clone: compile the simulator (and the topic contracts it imports from src/)
// once if simulator/dist is missing or older than its sources.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';

const ENTRY = 'simulator/dist/simulator/cli.js';
const SOURCES = ['simulator', 'src/broker/topics.ts'];

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'dist') continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const built = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : 0;
if (built < Math.max(...SOURCES.map(newest))) {
  process.stderr.write('Building the simulator…\n');
  execSync('npm run --silent build:simulator', { stdio: ['ignore', 2, 2] });
}
