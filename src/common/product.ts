import { readFileSync } from 'node:fs';

/** Name and version of this build, from package.json (one level above both src/ and dist/). */
function readProduct(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  return { name: pkg.name, version: pkg.version };
}

export const PRODUCT = readProduct();

/** `<product>/<version>`, the User-Agent of every outgoing request (webhooks). */
export const USER_AGENT = `${PRODUCT.name}/${PRODUCT.version}`;
