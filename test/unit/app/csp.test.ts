import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, contentSecurityPolicyMeta, cspDirectives } from '../../../src-main/app/csp';

function parse(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

describe('content security policy', () => {
  const policy = parse(contentSecurityPolicy());

  it('allows scripts only from the app itself: no inline, eval or remote code', () => {
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-eval|https?:|\*/);
  });

  it('lets Monaco run: workers from the bundle or blob:, inline styles', () => {
    expect(policy.get('worker-src')).toEqual(["'self'", 'blob:']);
    expect(policy.get('style-src')).toContain("'unsafe-inline'");
  });

  it('refuses plugins, framing, form posts and <base> changes', () => {
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('adds the dev server and its HMR socket only when asked', () => {
    const dev = parse(contentSecurityPolicy({ devServer: 'http://localhost:5173/' }));
    expect(dev.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(dev.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
  });

  it('gives the same policy for the <meta> fallback, less frame-ancestors (ignored there)', () => {
    const meta = parse(contentSecurityPolicyMeta());
    expect(meta.has('frame-ancestors')).toBe(false);
    for (const [name, values] of Object.entries(cspDirectives())) {
      if (name !== 'frame-ancestors') expect(meta.get(name)).toEqual(values);
    }
  });
});
