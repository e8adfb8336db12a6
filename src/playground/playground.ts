import accepts from 'accepts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathOf, GRAPHQL_PATH } from '../common/request-context';

/** Where the playground's own files are served from: every script, style and font comes from the gateway. */
export const PLAYGROUND_ASSETS_PATH = '/playground';

const moduleDir = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));

/** Static files, each from the npm package that ships it. */
const ASSETS: Record<string, string> = {
  'react.production.min.js': join(moduleDir('react'), 'umd/react.production.min.js'),
  'react-dom.production.min.js': join(moduleDir('react-dom'), 'umd/react-dom.production.min.js'),
  'graphiql.min.js': join(moduleDir('graphiql'), 'graphiql.min.js'),
  'graphiql.min.css': join(moduleDir('graphiql'), 'graphiql.min.css'),
};

// No inline script: the page stays within a `script-src 'self'` content security policy.
const INIT_SCRIPT = `(() => {
  const url = new URL('/graphql', window.location.href).toString();
  const fetcher = GraphiQL.createFetcher({ url });
  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    defaultEditorToolsVisibility: 'headers',
    defaultHeaders: JSON.stringify({ 'x-api-key': '' }, null, 2),
    defaultQuery: '# Put your API key (or "authorization": "Bearer <token>") in the Headers tab below.\\n{\\n  zones { id name supportsImageCreation }\\n  imageQuotas { zoneId count maxCount remaining }\\n}\\n',
  }));
})();
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Zenlayer image gateway — GraphQL playground</title>
  <link rel="stylesheet" href="${PLAYGROUND_ASSETS_PATH}/graphiql.min.css" />
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="${PLAYGROUND_ASSETS_PATH}/react.production.min.js"></script>
  <script src="${PLAYGROUND_ASSETS_PATH}/react-dom.production.min.js"></script>
  <script src="${PLAYGROUND_ASSETS_PATH}/graphiql.min.js"></script>
  <script src="${PLAYGROUND_ASSETS_PATH}/init.js"></script>
</body>
</html>
`;

/** A browser asking for /graphql (an HTML page, not a GraphQL request). */
export function wantsPlayground(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  return (
    pathOf(request.url) === GRAPHQL_PATH &&
    (request.query as Record<string, unknown>).query === undefined &&
    accepts(request.raw).type(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html'
  );
}

interface Asset {
  type: string;
  body: Buffer | string;
  cacheControl?: string;
}

/**
 * GraphiQL at GET /graphql for browsers, with its assets under /playground/: works with no
 * internet access. It has a headers editor for the API key or bearer token. A Fastify
 * `onRequest` hook that answers those requests (the files are read once, at start) and lets
 * every other request through.
 */
export function playgroundHook() {
  const assets = new Map<string, Asset>([[`${PLAYGROUND_ASSETS_PATH}/init.js`, { type: 'application/javascript; charset=utf-8', body: INIT_SCRIPT }]]);
  for (const [name, file] of Object.entries(ASSETS)) {
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'application/javascript; charset=utf-8';
    assets.set(`${PLAYGROUND_ASSETS_PATH}/${name}`, { type, body: readFileSync(file), cacheControl: 'public, max-age=86400, immutable' });
  }

  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    // The page is the same for everyone and holds no credential: kept, but revalidated.
    if (wantsPlayground(request)) return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(PAGE);
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    const asset = assets.get(pathOf(request.url));
    if (!asset) return;
    if (asset.cacheControl) reply.header('cache-control', asset.cacheControl);
    return reply.type(asset.type).send(asset.body);
  };
}
