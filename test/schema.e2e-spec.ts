import { readFileSync } from 'node:fs';
import { printGatewaySchema, SCHEMA_FILE } from '../src/schema/print-schema';

describe('the published schema (schema.graphql)', () => {
  it('is exactly the schema the code builds (run `npm run schema` after changing the API)', async () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(await printGatewaySchema());
  });
});
