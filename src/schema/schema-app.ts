import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { AppModule } from '../app.module';
import { loadConfig } from '../config';

/**
 * Builds the gateway's application without serving or calling anything, hands it to `read`
 * (after `init` when asked: the GraphQL schema is built then), and closes it: how the published
 * schema.graphql and openapi.json are made from the code exactly as the running gateway makes them.
 */
export async function readFromApp<T>(read: (app: INestApplication) => T | Promise<T>, { init }: { init: boolean }): Promise<T> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ZENLAYER_ACCESS_KEY_ID: 'schema-only',
    ZENLAYER_ACCESS_KEY_PASSWORD: 'schema-only',
    ZENLAYER_BASE_URL: 'http://127.0.0.1:9',
    // Nothing is served: no client could reach it.
    GATEWAY_ALLOW_UNAUTHENTICATED: 'true',
  });
  const app = await NestFactory.create(AppModule.forRoot(config), new FastifyAdapter(), { logger: false, abortOnError: false });
  try {
    if (init) await app.init();
    return await read(app);
  } finally {
    await app.close();
  }
}

/** Writes what `produce` makes to `file`, for an `npm run` script; exits 1 with the reason if it fails. */
export function writePublishedFile(file: string, produce: () => Promise<string>): void {
  produce().then(
    (text) => {
      writeFileSync(file, text);
      process.stdout.write(`wrote ${file}\n`);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
