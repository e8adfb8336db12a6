import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Helmet's security headers, worked out once. With these options they are the same for every
 * response, so a request only copies them instead of running Helmet's fourteen middlewares.
 * No upgrade-insecure-requests: the playground and /docs are also opened over plain http on localhost.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => void (headers[name] = String(value)),
    removeHeader: (name: string) => void delete headers[name],
    getHeader: (name: string) => headers[name],
  };
  let ran = false;
  helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } })(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error;
      ran = true;
    },
  );
  if (!ran) throw new Error('helmet did not finish synchronously');
  return headers;
}
