// Builds the SDK twice from one source: ESM (dist/esm) and CommonJS (dist/cjs), each with .d.ts files.
// dist/cjs gets its own package.json ({"type": "commonjs"}) so that Node and TypeScript read it as CommonJS.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(join(dir, 'package.json')).resolve('typescript/bin/tsc');
rmSync(join(dir, 'dist'), { recursive: true, force: true });
for (const config of ['tsconfig.esm.json', 'tsconfig.cjs.json']) {
  execFileSync(process.execPath, [tsc, '-p', join(dir, config)], { stdio: 'inherit' });
}
writeFileSync(join(dir, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
