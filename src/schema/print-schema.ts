import { GraphQLSchemaHost } from '@nestjs/graphql';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { readFromApp, writePublishedFile } from './schema-app';

/** Where the published schema lives: the top of the repository. */
export const SCHEMA_FILE = join(__dirname, '../../schema.graphql');

const HEADER = '# The GraphQL schema of the Zenlayer image gateway, generated from the code by `npm run schema`. Do not edit.\n\n';

/** The gateway's schema as SDL, built from the code exactly as the running gateway builds it. */
export function printGatewaySchema(): Promise<string> {
  return readFromApp((app) => HEADER + printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema)) + '\n', { init: true });
}

if (require.main === module) writePublishedFile(SCHEMA_FILE, printGatewaySchema);
