import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GRAPHQL_PATH } from '../common/request-context';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { Inject, Injectable } from '@nestjs/common';
import { GqlOptionsFactory, GraphQLSchemaHost } from '@nestjs/graphql';
import { AuthFailureLimiter } from '../auth/auth-failure-limiter';
import { Authenticator } from '../auth/authenticator';
import { ClientRateLimiter } from '../auth/client-rate-limiter';
import type { Identity } from '../auth/identity';
import type { AuthenticatedRequest } from '../auth/scopes.guard';
import { formatGraphqlError } from '../common/errors';
import { GATEWAY_CONFIG, GatewayConfig } from '../config';
import type { GraphqlContext, Loaders } from '../modules/graphql-context';
import { ImagesLoaders } from '../modules/images/images.loaders';
import { InstancesLoaders } from '../modules/instances/instances.loaders';
import { QuotasLoaders } from '../modules/quotas/quotas.loaders';
import { ZoneDirectory } from '../modules/zones/zone-directory';
import { ZonesLoaders } from '../modules/zones/zones.loaders';
import { graphqlMetricsPlugin } from '../observability/graphql-metrics.plugin';
import { Metrics } from '../observability/metrics';
import { limitRules, limitsPlugin } from './graphql-limits';
import { graphqlWsOptions } from './graphql-ws';
import { trustFunction } from '../common/client-address';

/** Stands for a caller the authentication layer did not identify: it holds no scope. */
const NOBODY: Identity = { kind: 'anonymous', id: 'unidentified', name: 'unidentified', scopes: new Set() };

/**
 * The loaders of one GraphQL operation, each made when a resolver first asks for it: most
 * operations use one or two of them, and they are made for every operation.
 */
class OperationLoaders implements Loaders {
  #image?: Loaders['image'];
  #imageQuota?: Loaders['imageQuota'];
  #zone?: Loaders['zone'];
  #instance?: Loaders['instance'];
  #imageInFlight?: Loaders['imageInFlight'];
  #zoneInstances?: Loaders['zoneInstances'];
  #imageInstances?: Loaders['imageInstances'];

  constructor(
    private readonly images: ImagesLoaders,
    private readonly quotas: QuotasLoaders,
    private readonly zones: ZonesLoaders,
    private readonly instances: InstancesLoaders,
  ) {}

  get image() {
    return (this.#image ??= this.images.create());
  }
  get imageQuota() {
    return (this.#imageQuota ??= this.quotas.create());
  }
  get zone() {
    return (this.#zone ??= this.zones.create());
  }
  get instance() {
    return (this.#instance ??= this.instances.instance());
  }
  get imageInFlight() {
    return (this.#imageInFlight ??= this.instances.imageInFlight());
  }
  get zoneInstances() {
    return (this.#zoneInstances ??= this.instances.zoneInstances());
  }
  get imageInstances() {
    return (this.#imageInstances ??= this.instances.imageInstances());
  }
}

/**
 * The GraphQL server's options, in one place: Apollo's settings and plugins, the request limits,
 * the error formatter, the per-operation context (identity and loaders) and the graphql-ws hooks.
 */
@Injectable()
export class GraphqlOptionsFactory implements GqlOptionsFactory<ApolloDriverConfig> {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly images: ImagesLoaders,
    private readonly quotas: QuotasLoaders,
    private readonly zones: ZonesLoaders,
    private readonly instances: InstancesLoaders,
    private readonly authenticator: Authenticator,
    private readonly authFailures: AuthFailureLimiter,
    private readonly rateLimiter: ClientRateLimiter,
    private readonly metrics: Metrics,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly zoneDirectory: ZoneDirectory,
  ) {}

  /** The account's number of zones (DescribeZones, cached): what a listing across zones costs in upstream calls. */
  private readonly zoneCount = (): Promise<number> => this.zoneDirectory.zoneCount();

  createGqlOptions(): ApolloDriverConfig {
    return {
      path: GRAPHQL_PATH,
      autoSchemaFile: true,
      sortSchema: true,
      playground: false,
      // Apollo's own switch would add a rule whose message names Apollo's option; the gateway's
      // rule names GRAPHQL_INTROSPECTION, and graphql-ws uses the same one.
      introspection: true,
      validationRules: limitRules(this.config.graphql),
      // No cache hints in this schema: Apollo's cache-control plugin would only add work to every field.
      plugins: [limitsPlugin({ ...this.config.graphql, zoneCount: this.zoneCount }), graphqlMetricsPlugin(this.metrics), ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled()],
      allowBatchedHttpRequests: true,
      subscriptions: {
        // Every operation over WebSocket held to the HTTP rules, plus connection and subscription caps (graphql/graphql-ws.ts).
        'graphql-ws': {
          path: GRAPHQL_PATH,
          ...graphqlWsOptions({
            limits: this.config.graphql,
            authenticator: this.authenticator,
            authFailures: this.authFailures,
            // The same limiter HTTP requests count against.
            rateLimiter: this.rateLimiter,
            schema: () => this.schemaHost.schema,
            deadlineMs: this.config.requestDeadlineMs,
            trustProxy: trustFunction(this.config.trustProxy),
            zoneCount: this.zoneCount,
          }),
        },
      },
      // Guards also run for field resolvers, so nested upstream-backed fields check scopes too.
      fieldResolverEnhancers: ['guards'],
      includeStacktraceInErrorResponses: false,
      // With introspection off (the production default), no "Did you mean ...?" either:
      // Apollo's option covers validation errors, the formatter variable coercion errors.
      hideSchemaDetailsFromClientErrors: !this.config.graphql.introspection,
      formatError: (formatted, error) => formatGraphqlError(formatted, error, { hideSuggestions: !this.config.graphql.introspection }),
      // Over HTTP, Apollo's Fastify integration passes the request; over graphql-ws, the
      // subscription's context with the identity from connection_init.
      context: (from: AuthenticatedRequest | { extra?: { identity?: Identity } }): GraphqlContext => {
        const req = 'raw' in from ? from : undefined;
        return {
          req,
          identity: req?.identity ?? ('extra' in from ? from.extra?.identity : undefined) ?? NOBODY,
          loaders: new OperationLoaders(this.images, this.quotas, this.zones, this.instances),
        };
      },
    };
  }
}
