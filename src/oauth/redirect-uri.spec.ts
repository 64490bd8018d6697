import { isAcceptableRedirectUri, redirectWith } from './redirect-uri.js';

describe('redirect URIs', () => {
  it.each([
    'https://app.example.com/callback',
    'https://app.example.com/callback?tenant=1',
    'https://app.example.com:8443/cb',
    'http://127.0.0.1:8080/callback',
    'http://localhost/cb',
    'http://[::1]:9000/cb',
  ])('accepts %s', (uri) => expect(isAcceptableRedirectUri(uri)).toBe(true));

  it.each([
    'http://app.example.com/callback',
    'https://app.example.com/cb#frag',
    'https://user:pw@app.example.com/cb',
    'https://good.com@evil.com/cb',
    'https://*.example.com/cb',
    'javascript:alert(1)',
    'myapp://callback',
    '/relative/cb',
    'https://app.example.com/a b',
  ])('refuses %s', (uri) => expect(isAcceptableRedirectUri(uri)).toBe(false));

  it('appends response parameters and keeps the registered query', () => {
    expect(
      redirectWith('https://app.example.com/cb?tenant=1', { code: 'abc', state: 'x y+z/é&=', iss: undefined }),
    ).toBe('https://app.example.com/cb?tenant=1&code=abc&state=x+y%2Bz%2F%C3%A9%26%3D');
  });
});
