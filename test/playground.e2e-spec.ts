import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { API_KEYS_ENV, KEYS } from './helpers/clients';
import { Harness, startHarness } from './helpers/harness';

const CHROMIUM = '/usr/bin/chromium';

/** The GraphQL playground in a real browser that may reach nothing but the gateway on loopback. */
describe('the GraphQL playground in Chromium', () => {
  jest.setTimeout(60_000);
  let h: Harness;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    h = await startHarness({ GATEWAY_API_KEYS: API_KEYS_ENV });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('runs { zones { id } } with an API key from the headers editor, showing FRA-A, with no request to another host', async () => {
    const page = await browser.newPage();
    const offHost: string[] = [];
    await page.route('**/*', (route) => {
      const { hostname } = new URL(route.request().url());
      if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
      offHost.push(route.request().url());
      return route.abort();
    });
    const consoleErrors: string[] = [];
    page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));

    await page.goto(`${h.gateway.url}/graphql`);
    await page.waitForSelector('.graphiql-query-editor .CodeMirror');
    const setEditor = (selector: string, value: string) =>
      page.evaluate(
        ([s, v]) => ((globalThis as any).document.querySelector(s) as unknown as { CodeMirror: { setValue(text: string): void } }).CodeMirror.setValue(v),
        [selector, value] as const,
      );
    await setEditor('.graphiql-query-editor .CodeMirror', '{ zones { id } }');
    await page.waitForSelector('.graphiql-editor-tool .CodeMirror', { state: 'attached' });
    const headerEditors = await page.$$('.graphiql-editor-tool .CodeMirror');
    await page.evaluate(
      ([index, value]) => {
        const editors = (globalThis as any).document.querySelectorAll('.graphiql-editor-tool .CodeMirror');
        (editors[index] as unknown as { CodeMirror: { setValue(text: string): void } }).CodeMirror.setValue(value);
      },
      [headerEditors.length - 1, JSON.stringify({ 'x-api-key': KEYS.reader })] as const,
    );
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.graphiql-response')?.textContent?.includes('FRA-A'), undefined, { timeout: 15_000 });
    const result = await page.textContent('.graphiql-response');
    expect(result).toContain('"id": "FRA-A"');
    expect(result).not.toContain('UNAUTHENTICATED');

    // With the key in place, the schema (introspection) loads and the docs show it.
    await page.click('[aria-label="Re-fetch GraphQL schema"]');
    await page.click('[aria-label="Show Documentation Explorer"]');
    await page.waitForFunction(() => (globalThis as any).document.querySelector('.graphiql-doc-explorer')?.textContent?.includes('Query'), undefined, { timeout: 15_000 });
    expect(await page.textContent('.graphiql-doc-explorer')).toMatch(/Mutation/);

    await page.screenshot({ path: join(tmpdir(), 'playground.png') });
    expect(offHost).toEqual([]);
    expect(consoleErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
  });

  it('serves the page only to browsers: a GraphQL GET still gets GraphQL', async () => {
    const response = await fetch(`${h.gateway.url}/graphql?query=${encodeURIComponent('{ zones { id } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true', 'x-api-key': KEYS.reader },
    });
    expect(response.headers.get('content-type')).toMatch(/json/);
  });
});

describe('the playground in production', () => {
  it('is off unless GRAPHQL_PLAYGROUND is set', async () => {
    const h = await startHarness({ NODE_ENV: 'production', GATEWAY_API_KEYS: API_KEYS_ENV });
    try {
      const page = await fetch(`${h.gateway.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toContain('graphiql');
      expect((await fetch(`${h.gateway.url}/playground/graphiql.min.js`)).status).not.toBe(200);
    } finally {
      await h.close();
    }
  });
});
