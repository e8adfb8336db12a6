/**
 * The gateway's dependency rules (`npm run lint:deps`, run by `npm test`'s pretest step):
 * no cycles between files, and folders depend only downward:
 *   main / gateway -> app -> graphql, modules -> upstream, auth, observability, health -> common, config
 * The simulator is a test double: production code reaches it only through the lazy import in
 * gateway.ts (simulator mode), never statically.
 */
const layer = (name, path) => ({ name, path });
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A cycle makes the order of loading and of reading ambiguous.', from: {}, to: { circular: true } },
    {
      name: 'common-and-config-are-the-floor',
      severity: 'error',
      comment: 'common/ and config/ are used by everything above and use nothing of the gateway but each other.',
      from: { path: '^src/(common|config)/' },
      to: { path: '^src/(modules|graphql|upstream|auth|observability|health|playground|app|gateway|main)' },
    },
    {
      name: 'infrastructure-below-features',
      severity: 'error',
      comment: 'upstream/, auth/ and observability/ serve the features and the GraphQL wiring; they never reach up.',
      from: { path: '^src/(upstream|auth|observability)/' },
      to: { path: '^src/(modules|graphql|app|gateway|main)' },
    },
    {
      name: 'upstream-is-independent-of-auth-and-observability-modules',
      severity: 'error',
      comment: 'The Zenlayer module takes what it needs from observability through an injected interface.',
      from: { path: '^src/upstream/' },
      to: { path: '^src/auth/' },
    },
    {
      name: 'features-below-the-wiring',
      severity: 'error',
      comment: 'Features do not know how the GraphQL server or the app is wired.',
      from: { path: '^src/modules/' },
      to: { path: '^src/(graphql|app|gateway|main)' },
    },
    {
      name: 'features-through-the-upstream-index',
      severity: 'error',
      comment: 'Features talk to Zenlayer only through upstream/zenlayer/index.ts.',
      from: { path: '^src/(modules|graphql|health|app)' },
      to: { path: '^src/upstream/zenlayer/(?!index\\.ts$)' },
    },
    {
      name: 'no-static-simulator-in-production-code',
      severity: 'error',
      comment: 'The simulator is loaded lazily, only in simulator mode.',
      from: { path: '^src/(?!simulator/)', pathNot: '\\.spec\\.ts$' },
      to: { path: '^src/simulator/', dependencyTypesNot: ['dynamic-import', 'type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^test/|\\.spec\\.ts$|^src/schema/)' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
