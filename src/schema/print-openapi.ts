import { join } from 'node:path';
import { buildOpenApiDocument } from '../common/openapi';
import { readFromApp, writePublishedFile } from './schema-app';

/** Where the published OpenAPI document lives: the top of the repository, beside schema.graphql. */
export const OPENAPI_FILE = join(__dirname, '../../openapi.json');

/** The REST face's OpenAPI document as JSON, built from the code exactly as the running gateway builds it. */
export function printOpenApiDocument(): Promise<string> {
  return readFromApp((app) => `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`, { init: false });
}

if (require.main === module) writePublishedFile(OPENAPI_FILE, printOpenApiDocument);
