import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '../app.module';
import { buildOpenApiDocument } from '../common/openapi';
import { loadConfig } from '../config';

/** Where the published OpenAPI document lives: the top of the repository, beside schema.graphql. */
export const OPENAPI_FILE = join(__dirname, '../../openapi.json');

/** The REST face's OpenAPI document as JSON, built from the code exactly as the running gateway builds it. */
export async function printOpenApiDocument(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ZENLAYER_ACCESS_KEY_ID: 'schema-only',
    ZENLAYER_ACCESS_KEY_PASSWORD: 'schema-only',
    ZENLAYER_BASE_URL: 'http://127.0.0.1:9',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { logger: false, abortOnError: false });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (require.main === module) {
  printOpenApiDocument().then(
    (json) => {
      writeFileSync(OPENAPI_FILE, json);
      process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
