import { defaultPublicUrl, parseConfig } from './app-config.js';

describe('PUBLIC_URL', () => {
  it('defaults to localhost for wildcard hosts, else to HTTP_HOST', () => {
    expect(defaultPublicUrl('0.0.0.0', 3000)).toBe('http://localhost:3000');
    expect(defaultPublicUrl('::', 3000)).toBe('http://localhost:3000');
    expect(defaultPublicUrl('127.0.0.1', 8080)).toBe('http://127.0.0.1:8080');
    expect(defaultPublicUrl('::1', 8080)).toBe('http://[::1]:8080');
  });

  it('follows the port actually bound unless PUBLIC_URL is set', () => {
    const ephemeral = parseConfig({ HTTP_HOST: '127.0.0.1', HTTP_PORT: '0' });
    ephemeral.listeningOn(43210);
    expect(ephemeral.publicUrl).toBe('http://127.0.0.1:43210');
    const fixed = parseConfig({ HTTP_PORT: '0', PUBLIC_URL: 'https://api.example.com/' });
    fixed.listeningOn(43210);
    expect(fixed.publicUrl).toBe('https://api.example.com');
  });

  it('accepts OAUTH_SIGNING_KEY as PEM with escaped line breaks, and names it when it is not one', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\\nMIIEv…\\n-----END PRIVATE KEY-----\\n';
    expect(parseConfig({ OAUTH_SIGNING_KEY: pem }).oauthSigningKey).toBe(
      '-----BEGIN PRIVATE KEY-----\nMIIEv…\n-----END PRIVATE KEY-----',
    );
    expect(() => parseConfig({ OAUTH_SIGNING_KEY: 'secret' })).toThrow(
      /^Invalid environment variable OAUTH_SIGNING_KEY/,
    );
  });
});
