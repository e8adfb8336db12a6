import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { AppModule } from '../app.module';
import { loadConfig } from '../config';

/** Where the published schema lives: the top of the repository. */
export const SCHEMA_FILE = join(__dirname, '../../schema.graphql');

const HEADER = '# The GraphQL schema of the Zenlayer image gateway, generated from the code by `npm run schema`. Do not edit.\n\n';

/** The gateway's schema as SDL, built from the code exactly as the running gateway builds it. */
export async function printGatewaySchema(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ZENLAYER_ACCESS_KEY_ID: 'schema-only',
    ZENLAYER_ACCESS_KEY_PASSWORD: 'schema-only',
    ZENLAYER_BASE_URL: 'http://127.0.0.1:9',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { logger: false, abortOnError: false });
  try {
    await app.init();
    return HEADER + printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema)) + '\n';
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  printGatewaySchema().then(
    (sdl) => {
      writeFileSync(SCHEMA_FILE, sdl);
      process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
