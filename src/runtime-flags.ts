/**
 * The Node flags the gateway is measured and deployed with (docs/performance.md says what each
 * buys and costs). The Docker image passes them in its CMD; a gateway started as plain
 * `node dist/main` relaunches itself once with them, so every way of starting it runs the same.
 *
 * - `--max-semi-space-size`: Node 24's V8 lets the young generation grow to 64 MB per semi-space
 *   under load (134 MB of RSS, four times Node 20's); a request's garbage dies young, so a few MB
 *   hold it, at the cost of more frequent (and shorter) scavenges.
 * - `--heap-growing-percent`: how far the old generation may grow past what survived the last
 *   full collection before the next one; V8's own factor lets it reach several times the live data.
 */
export const NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=50'] as const;

/** The flags whoever started the process gave (command line or NODE_OPTIONS): theirs win. */
const given = (): string[] => [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)];

/** Flag names, e.g. `--max-semi-space-size`, that the process already runs with. */
const named = (flags: readonly string[]): Set<string> => new Set(flags.map((flag) => flag.split('=')[0].replace(/_/g, '-')));

/** What is missing from {@link NODE_FLAGS}, given the flags the process started with. */
export function missingFlags(started: string[] = given()): string[] {
  const present = named(started);
  return NODE_FLAGS.filter((flag) => !present.has(flag.split('=')[0]));
}

/**
 * When the process lacks any of {@link NODE_FLAGS} and Node can replace a process in place
 * (`process.execve`, Node 22.15+ and 24; not Node 20), re-executes the same command with them
 * added: same pid, same stdio, nothing loaded yet worth keeping. Returns only when no relaunch
 * happens (all flags given, or no `process.execve`).
 */
export function relaunchWithNodeFlags(): void {
  const missing = missingFlags();
  const execve = (process as { execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never }).execve;
  if (missing.length === 0 || typeof execve !== 'function') return;
  execve.call(process, process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], process.env);
}
