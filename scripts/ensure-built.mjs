// `npm start` on a fresh clone: build once if dist/ is missing or older than the sources, then run.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync('dist/main.js') ? statSync('dist/main.js').mtimeMs : 0;
if (built < newest('src')) {
  process.stdout.write('Building the gateway (first start or sources changed)…\n');
  execSync('npm run --silent build', { stdio: 'inherit' });
}
