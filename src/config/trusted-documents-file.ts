import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Registered operations by their id (the SHA-256 of the document text, as the manifest writers compute it). */
export type TrustedDocumentMap = ReadonlyMap<string, string>;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Reads a manifest of the operations the frontends may send, in either format a build writes:
 * - GraphQL Code Generator's client preset with `persistedDocuments: true`
 *   (`persisted-documents.json`): `{ "<hash>": "<document>", ... }`;
 * - Apollo's persisted query list (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "body", ... }] }`.
 * Each document is also known by the SHA-256 of its text, so full-text requests of a
 * registered document are recognised whatever id the manifest gave it.
 * @throws Error saying what is wrong with the file, never quoting its content.
 */
export function readTrustedDocuments(path: string): TrustedDocumentMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'not valid JSON';
    throw new Error(`cannot read the trusted-documents manifest ${path} (${reason})`);
  }
  const entries = manifestEntries(parsed);
  if (entries.length === 0) throw new Error(`the trusted-documents manifest ${path} lists no operation`);
  const documents = new Map<string, string>();
  for (const [id, body] of entries) {
    if (typeof id !== 'string' || id === '' || typeof body !== 'string' || body.trim() === '') {
      throw new Error(`the trusted-documents manifest ${path} has an entry without a string id and document`);
    }
    documents.set(id, body);
    documents.set(sha256(body), body);
  }
  return documents;
}

function manifestEntries(parsed: unknown): Array<[unknown, unknown]> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
  const manifest = parsed as Record<string, unknown>;
  if (manifest.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(manifest.operations)) return [];
    return manifest.operations.map((op: { id?: unknown; body?: unknown } | null) => [op?.id, op?.body]);
  }
  return Object.entries(manifest);
}
