import type * as Contract from './contract';

/**
 * Every suite's answers are checked against the published contract (see contract.ts): this
 * file wraps `fetch` for every test file (jest.config.js `setupFilesAfterEnv`). A REST answer
 * that breaks openapi.json, or a GraphQL answer that breaks schema.graphql, fails the request
 * that got it, so the test that sent it fails and says why; a failure some test swallowed
 * still fails its file when the file ends.
 *
 * Only answers from loopback servers are looked at: the gateways and simulators the suites
 * start. The simulator's own paths are not the document's and are left alone.
 */

const seen: string[] = [];
// Loaded on the first loopback answer: unit suites never pay for the validators.
let contract: typeof Contract | undefined;
const load = (): typeof Contract => (contract ??= require('./contract') as typeof Contract);
const realFetch = globalThis.fetch;

let expectingBreaches = false;

/** Runs `send` with breaches of the contract still thrown but not held against the file: for the contract suite's own tests. */
export async function whileExpectingBreaches<T>(send: () => Promise<T>): Promise<T> {
  expectingBreaches = true;
  try {
    return await send();
  } finally {
    expectingBreaches = false;
  }
}

/** How many answers this file had checked, for the contract suite's own assertions. */
export const contractChecks = { rest: 0, graphql: 0 };

globalThis.fetch = async function contractCheckedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await realFetch(input, init);
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request?.url ?? String(input));
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return response;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const problems = await violationsOf(url, method, init, response);
  if (problems.length === 0) return response;
  if (!expectingBreaches) seen.push(...problems);
  throw new Error(`The answer breaks the published contract:\n- ${problems.join('\n- ')}`);
};

async function violationsOf(url: URL, method: string, init: RequestInit | undefined, response: Response): Promise<string[]> {
  const { graphqlViolations, isDocumentedPath, restViolations } = load();
  const mediaType = response.headers.get('content-type') ?? '';
  if (url.pathname.replace(/\/$/, '') === '/graphql') {
    if (!mediaType.includes('json')) return [];
    const requests = graphqlRequestsOf(url, method, init);
    let answers: unknown;
    try {
      answers = JSON.parse(await response.clone().text());
    } catch {
      return [`GraphQL ${method} → ${response.status}: the body is not JSON although its media type says so`];
    }
    const batch = Array.isArray(requests) && Array.isArray(answers);
    const pairs = (batch ? (answers as unknown[]) : [answers]).map((answer, i) => [batch ? (requests as GraphqlRequest[])[i] : (requests as GraphqlRequest | undefined), answer] as const);
    return pairs.flatMap(([one, answer]) => {
      if (!answer || typeof answer !== 'object') return [`GraphQL ${method} → ${response.status}: an answer that is not an object`];
      contractChecks.graphql++;
      // A request sent by id (trusted documents) has no text here: its errors are still checked.
      return graphqlViolations({ query: typeof one?.query === 'string' ? one.query : '', variables: one?.variables, operationName: one?.operationName, answer: answer as never });
    });
  }
  if (!isDocumentedPath(url.pathname) && !mediaType.startsWith('application/problem+json')) return [];
  contractChecks.rest++;
  const body = method === 'HEAD' ? '' : await response.clone().text();
  return restViolations({ method, url: url.pathname + url.search, status: response.status, headers: response.headers, body });
}

type GraphqlRequest = { query?: unknown; variables?: Record<string, unknown> | null; operationName?: string | null };

/** The operation(s) a GraphQL request sent, from its JSON body or its query string. */
function graphqlRequestsOf(url: URL, method: string, init: RequestInit | undefined): GraphqlRequest | GraphqlRequest[] | undefined {
  try {
    if (method === 'GET') {
      const variables = url.searchParams.get('variables');
      return { query: url.searchParams.get('query') ?? undefined, variables: variables ? JSON.parse(variables) : undefined, operationName: url.searchParams.get('operationName') };
    }
    return typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
  } catch {
    return undefined;
  }
}

afterAll(() => {
  if (seen.length > 0) throw new Error(`Answers in this file broke the published contract:\n- ${seen.join('\n- ')}`);
});
