import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT } from './helpers/gateway.js';

const run = promisify(execFile);

/**
 * The SDKs follow the API: the OpenAPI document the built gateway serves, and the TypeScript and Python types
 * generated from it, are exactly what is committed under sdk/. A change to the API fails here until
 * `npm run sdk:generate` is run — after which the SDK's type-level test (`npm run check`) says whether the SDK
 * still fits.
 */
describe('SDK contract', () => {
  it("sdk/typescript/openapi.json and the generated types match the gateway's document", async () => {
    const result = await run(process.execPath, ['scripts/sdk-generate.mjs', '--check'], { cwd: ROOT }).catch(
      (err: { stdout: string; stderr: string; code: number }) => err,
    );
    expect(`${result.stderr}${result.stdout}`).toContain(
      "SDK types are up to date with the gateway's OpenAPI document",
    );
  }, 60_000);
});
