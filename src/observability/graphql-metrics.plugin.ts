import type { ApolloServerPlugin } from '@apollo/server';
import type { Metrics } from './metrics';

/** Counts GraphQL operations by type, (bounded) name and outcome. */
export function graphqlMetricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, operationName, errors, response }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const failed = (errors?.length ?? 0) > 0 || (body?.errors?.length ?? 0) > 0;
          metrics.graphqlOperation(operation?.operation ?? 'invalid', operationName ?? undefined, !failed);
        },
      };
    },
  };
}
