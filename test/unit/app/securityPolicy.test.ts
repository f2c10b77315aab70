import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, APP_ORIGIN, isExternalWebUrl, isSameOrigin, originOf } from '../../../src-main/app/appOrigin';
import { isRequestAllowed, navigationDecision, windowOpenDecision } from '../../../src-main/app/securityPolicy';

describe('app origin', () => {
  it('names the custom scheme origin that WHATWG URL reports as "null"', () => {
    expect(new URL(APP_ENTRY_URL).origin).toBe('null');
    expect(originOf(APP_ENTRY_URL)).toBe('lamina-app://app');
    expect(originOf('http://LOCALHOST:5173/x?y')).toBe('http://localhost:5173');
  });

  it('has no origin for opaque or broken URLs', () => {
    for (const u of ['about:blank', 'data:text/html,hi', 'javascript:alert(1)', 'not a url', ''])
      expect(originOf(u)).toBeNull();
  });

  it('does not mistake look-alike hosts, ports or schemes for the app', () => {
    expect(isSameOrigin(`${APP_ORIGIN}/deep/page.html#x`, APP_ORIGIN)).toBe(true);
    expect(isSameOrigin('lamina-app://app.evil.com/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('lamina-app://evil/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('https://app/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isSameOrigin('file:///etc/passwd', APP_ORIGIN)).toBe(false);
  });

  it('treats only http(s) as external web links', () => {
    expect(isExternalWebUrl('https://example.org/a')).toBe(true);
    expect(isExternalWebUrl('http://example.org')).toBe(true);
    for (const u of ['file:///tmp/x', 'javascript:void(0)', 'smb://host/share', 'lamina-app://app/', 'nonsense']) {
      expect(isExternalWebUrl(u)).toBe(false);
    }
  });
});

describe('navigation and new windows', () => {
  it('keeps in-app navigation, sends web links to the browser, refuses everything else', () => {
    expect(navigationDecision(`${APP_ORIGIN}/index.html#/runs`, APP_ORIGIN)).toBe('allow');
    expect(navigationDecision('https://example.org/paper.pdf', APP_ORIGIN)).toBe('open-external');
    expect(navigationDecision('file:///home/me/.ssh/id_rsa', APP_ORIGIN)).toBe('deny');
    expect(navigationDecision('javascript:alert(1)', APP_ORIGIN)).toBe('deny');
  });

  it('never opens an app window, even for the app origin', () => {
    expect(windowOpenDecision(`${APP_ORIGIN}/index.html`, APP_ORIGIN)).toBe('deny');
    expect(windowOpenDecision('https://www.tensorflow.org/js', APP_ORIGIN)).toBe('open-external');
    expect(windowOpenDecision('about:blank', APP_ORIGIN)).toBe('deny');
  });
});

describe('request filter (no remote content)', () => {
  const prod = [APP_ORIGIN];
  it('passes the app origin, data:, blob: and devtools:', () => {
    for (const u of [
      `${APP_ORIGIN}/assets/index.js`,
      'data:image/png;base64,AAAA',
      'blob:lamina-app://app/1234',
      'devtools://devtools/x',
    ]) {
      expect(isRequestAllowed(u, prod)).toBe(true);
    }
  });

  it('cancels the network, the file system and look-alike origins', () => {
    for (const u of [
      'https://cdn.example.com/lib.js',
      'http://localhost:5173/',
      'ws://localhost:5173/',
      'file:///etc/hosts',
      'lamina-app://other/x',
    ]) {
      expect(isRequestAllowed(u, prod)).toBe(false);
    }
  });

  it('passes the dev server and its socket in development only', () => {
    const dev = ['http://localhost:5173', 'ws://localhost:5173'];
    expect(isRequestAllowed('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(isRequestAllowed('ws://localhost:5173/', dev)).toBe(true);
    expect(isRequestAllowed('http://localhost:8080/', dev)).toBe(false);
  });
});
