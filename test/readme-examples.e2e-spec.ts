/**
 * The documentation's examples, run as a reader would run them, each on a freshly started gateway.
 *
 * The documentation is README.md, ARCHITECTURE.md and every Markdown file under docs/; each is
 * read the same way. What they hold, and what this suite does with it:
 *
 * - A fenced `sh`/`bash`/`shell` block is a shell example: it runs with bash, `localhost:3000`
 *   rewritten to the test gateway. Its answer is either the `json` block right after it (the
 *   whole stdout, compared as JSON) or its own `#>` lines (each one line of stdout, in order;
 *   bash takes them for comments).
 * - A `graphql` block holding an operation is POSTed to `/graphql`; its answer is the `json`
 *   block right after it (the response body). A `graphql` block of type definitions is an excerpt
 *   of the schema, checked field by field against `schema.graphql`.
 * - A `ts`/`js` block followed by a `text` block is a script: compiled to CommonJS and run with
 *   node; the `text` block is its stdout, line by line.
 * - Any block may be excluded by the line right before it, `<!-- example: not-run (why) -->`.
 *   Every other block must be one of the above or an answer: anything else fails the suite, and
 *   the last test checks that every example did run. Nothing is skipped silently.
 *
 * Matching an answer: JSON answers are compared as values (keys in any order, but the same keys);
 * text lines as text. In either, `...` (or `…`) matches any text; a bare `…` or `...` as the last
 * item of a JSON list matches any further items; a value shaped like a generated image id
 * (`img-` and 12 hex digits) or Zenlayer request id (`T` and an upper-case UUID) matches any
 * value of that shape, one shown value to one actual value within an example, both ways (so an
 * answer can show that two results carry the same id, or different ones).
 *
 * Every example gets a new gateway on a new embedded simulator, started as `npm start` starts it
 * (development, no credentials, no client authentication), and the examples run in a shuffled
 * order: the seed is printed and in the suite's name; README_EXAMPLES_SEED=<seed> repeats an order.
 *
 * Every GraphQL operation in the documentation (graphql blocks, and the `"query"` of shell and
 * script examples, marked or not) is validated against `schema.graphql` with GraphQL Inspector,
 * with the gateway's default depth and alias limits.
 *
 * Every relative link between these files must name a file of the repository, and every
 * `#section` a heading of the Markdown file it points to. The README leads: its first screenful
 * (FIRST_SCREEN_LINES) holds run examples of the first queries a frontend makes.
 */
import { validate as inspectorValidate } from '@graphql-inspector/core';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import {
  astFromValue,
  buildSchema,
  DocumentNode,
  FieldDefinitionNode,
  GraphQLObjectType,
  GraphQLSchema,
  isObjectType,
  Kind,
  parse,
  print,
  Source,
  visit,
} from 'graphql';
import ts from 'typescript';
import { loadConfig } from '../src/config';
import { RunningGateway, startGateway } from '../src/gateway';

const ROOT = join(__dirname, '..');
const SCHEMA_PATH = join(ROOT, 'schema.graphql');
const README = 'README.md';
/** The README's first screenful: its quick start and first queries end within it. */
const FIRST_SCREEN_LINES = 80;

/** Every Markdown file of docs/, at any depth, relative to the repository root. */
function markdownUnder(folder: string): string[] {
  if (!existsSync(join(ROOT, folder))) return [];
  return readdirSync(join(ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return markdownUnder(path);
    return entry.isFile() && entry.name.endsWith('.md') ? [path] : [];
  });
}

/** The documentation this suite reads, relative to the repository root. */
const DOC_FILES = [README, 'ARCHITECTURE.md', ...markdownUnder('docs').sort()].filter((file) => existsSync(join(ROOT, file)));
/** What the README's examples call; rewritten to the test gateway. */
const README_ORIGIN = 'localhost:3000';
/** The gateway's defaults for GRAPHQL_MAX_DEPTH and GRAPHQL_MAX_ALIASES: a README operation must pass them. */
const MAX_DEPTH = 10;
const MAX_ALIASES = 100;
const EXAMPLE_TIMEOUT_MS = 20_000;

/** How `npm start` starts on a fresh machine, on loopback and a free port, silent. */
const FRESH_START_ENV: Record<string, string> = {
  NODE_ENV: 'development',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  // Shorter than the defaults (15 s CREATING, polls from 2 s) so that the watch example takes a
  // second, not 17; no answer in the README depends on these times.
  SIMULATOR_IMAGE_READY_MS: '1000',
  SUBSCRIPTION_POLL_MIN_MS: '100',
  SUBSCRIPTION_POLL_MAX_MS: '200',
};

// ---------------------------------------------------------------------------------------------
// The README's blocks

interface Block {
  /** The Markdown file, relative to the repository root. */
  file: string;
  lang: string;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 1-based line of the closing fence. */
  endLine: number;
  /** The reason of a `<!-- example: not-run (reason) -->` on the line before the fence. */
  notRun?: string;
  /** A malformed `<!-- example: ... -->` line before the fence. */
  badMarker?: string;
}

const MARKER = /^<!--\s*example:\s*(.*?)\s*-->$/;
const NOT_RUN = /^not-run\s*\((.+)\)$/;

function readmeBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*(```+|~~~+)\s*([\w-]*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    let end = i + 1;
    while (end < lines.length && lines[end].trim() !== fence) end++;
    const block: Block = { file, lang: open[2].toLowerCase(), text: lines.slice(i + 1, end).join('\n'), line: i + 1, endLine: end + 1 };
    const marker = i > 0 ? MARKER.exec(lines[i - 1].trim()) : null;
    if (marker) {
      const notRun = NOT_RUN.exec(marker[1]);
      if (notRun && notRun[1].trim()) block.notRun = notRun[1].trim();
      else block.badMarker = lines[i - 1].trim();
    }
    blocks.push(block);
    i = end;
  }
  return blocks;
}

// ---------------------------------------------------------------------------------------------
// Examples and their answers

type Answer = { kind: 'json'; text: string } | { kind: 'lines'; lines: string[] };

interface Example {
  kind: 'shell' | 'graphql' | 'script';
  block: Block;
  answer: Answer;
  /** The last line of the example with its answer (the answer block's closing fence, if any). */
  endLine: number;
  title: string;
}

interface Plan {
  examples: Example[];
  notRun: Block[];
  schemaExcerpts: Block[];
  /** Every block the documentation holds, by `file:line`, and what became of it. */
  accounted: Map<string, string>;
  problems: string[];
}

const SHELL = new Set(['sh', 'bash', 'shell']);
const SCRIPT = new Set(['ts', 'typescript', 'js', 'javascript']);
const ANSWER = new Set(['json', 'text']);

const isTypeSystem = (document: DocumentNode) => document.definitions.every((d) => !(d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION));

/** `docs/graphql.md line 12`: where a block is, as messages name it. */
const blockName = (block: Block) => `${block.file} line ${block.line}`;
/** The key of a block in `Plan.accounted` and in the record of examples that ran. */
const blockKey = (block: Block) => `${block.file}:${block.line}`;

function titleOf(block: Block): string {
  const first = block.text.split('\n').find((l) => l.trim() && !l.trim().startsWith('#') && !l.trim().startsWith('//') && !l.startsWith('import')) ?? '';
  const short = first.trim().replace(/\s+/g, ' ');
  return `${blockName(block)} (${block.lang}): ${short.length > 70 ? `${short.slice(0, 70)}…` : short}`;
}

function planExamples(markdown: string, blocks: Block[], plan: Plan): Plan {
  const lines = markdown.split('\n');
  /** The block right after `block`, with nothing but blank lines between, if it is an answer block. */
  const answerAfter = (index: number): Block | undefined => {
    const next = blocks[index + 1];
    if (!next || !ANSWER.has(next.lang) || next.notRun || next.badMarker) return undefined;
    const between = lines.slice(blocks[index].endLine, next.line - 1);
    return between.every((l) => l.trim() === '') ? next : undefined;
  };
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i];
    const where = `${blockName(block)} (\`\`\`${block.lang})`;
    if (block.badMarker) {
      plan.problems.push(`${where}: unknown marker ${block.badMarker}; use <!-- example: not-run (why) -->`);
      continue;
    }
    if (block.notRun) {
      plan.notRun.push(block);
      plan.accounted.set(blockKey(block), `not run: ${block.notRun}`);
      const answer = answerAfter(i);
      if (answer) {
        plan.accounted.set(blockKey(answer), `answer of the not-run block at line ${block.line}`);
        i++;
      }
      continue;
    }
    const answer = answerAfter(i);
    if (block.lang === 'graphql') {
      let document: DocumentNode;
      try {
        document = parse(block.text);
      } catch (error) {
        plan.problems.push(`${where}: not GraphQL: ${(error as Error).message}`);
        continue;
      }
      if (isTypeSystem(document)) {
        plan.schemaExcerpts.push(block);
        plan.accounted.set(blockKey(block), 'schema excerpt, checked against schema.graphql');
        if (answer) plan.problems.push(`${where}: a schema excerpt has no answer, yet a ${answer.lang} block follows it`);
        continue;
      }
      if (!answer || answer.lang !== 'json') {
        plan.problems.push(`${where}: a GraphQL example needs its answer, a json block, right after it (or mark it not-run)`);
        continue;
      }
      plan.examples.push({ kind: 'graphql', block, answer: { kind: 'json', text: answer.text }, endLine: answer.endLine, title: titleOf(block) });
    } else if (SHELL.has(block.lang)) {
      const shown = block.text.split('\n').filter((l) => /^\s*#>/.test(l));
      if (answer && shown.length > 0) {
        plan.problems.push(`${where}: shows its answer twice, as #> lines and as the ${answer.lang} block after it`);
        continue;
      }
      if (answer && answer.lang !== 'json') {
        plan.problems.push(`${where}: the answer block of a shell example is json (its stdout as a value) or #> lines inside it`);
        continue;
      }
      if (!answer && shown.length === 0) {
        plan.problems.push(`${where}: a shell example shows no answer: add #> lines or a json block after it (or mark it not-run)`);
        continue;
      }
      plan.examples.push({
        kind: 'shell',
        block,
        answer: answer ? { kind: 'json', text: answer.text } : { kind: 'lines', lines: shown.map((l) => l.replace(/^\s*#>\s?/, '')) },
        endLine: answer ? answer.endLine : block.endLine,
        title: titleOf(block),
      });
    } else if (SCRIPT.has(block.lang)) {
      if (!answer || answer.lang !== 'text') {
        plan.problems.push(`${where}: a script example needs its output, a text block, right after it (or mark it not-run)`);
        continue;
      }
      plan.examples.push({ kind: 'script', block, answer: { kind: 'lines', lines: answer.text.split('\n') }, endLine: answer.endLine, title: titleOf(block) });
    } else if (ANSWER.has(block.lang)) {
      plan.problems.push(`${where}: an answer block with no example right before it (or mark it not-run)`);
      continue;
    } else {
      plan.problems.push(`${where}: a block this suite cannot run: mark it <!-- example: not-run (why) -->`);
      continue;
    }
    plan.accounted.set(blockKey(block), `example (${block.lang})`);
    if (answer) {
      plan.accounted.set(blockKey(answer), `answer of the example at line ${block.line}`);
      i++;
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// Matching an output against the answer shown

/** Generated values, by shape: one shown value stands for one actual value of the same shape. */
const GENERATED = [/img-[0-9a-f]{12}/, /T[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/];
const PLACEHOLDER = new RegExp(GENERATED.map((shape) => shape.source).join('|'));
const WILDCARD = /\.\.\.|…/;
const TOKENS = new RegExp(`(${WILDCARD.source}|${PLACEHOLDER.source})`, 'g');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Shown generated values and the actual ones they matched, within one example, one to one. */
class Bindings {
  private readonly shownToActual = new Map<string, string>();
  private readonly actualToShown = new Map<string, string>();

  /** Binds the pairs (actual values already of the placeholder's shape) if they agree with every earlier one; else says why not and binds nothing. */
  bind(pairs: Array<[shown: string, actual: string]>): string | undefined {
    const staged = new Map(this.shownToActual);
    const stagedBack = new Map(this.actualToShown);
    for (const [shown, actual] of pairs) {
      const bound = staged.get(shown);
      if (bound !== undefined && bound !== actual) return `${shown} stands for ${bound} elsewhere in this answer, here ${actual}`;
      const back = stagedBack.get(actual);
      if (back !== undefined && back !== shown) return `${actual} is shown as ${back} elsewhere in this answer, here as ${shown}`;
      staged.set(shown, actual);
      stagedBack.set(actual, shown);
    }
    staged.forEach((v, k) => this.shownToActual.set(k, v));
    stagedBack.forEach((v, k) => this.actualToShown.set(k, v));
    return undefined;
  }
}

/** Whether `actual` is the text `shown` describes; a reason when it is not. */
function matchText(shown: string, actual: string, bindings: Bindings): string | undefined {
  const parts = shown.split(TOKENS);
  const placeholders: string[] = [];
  const source = parts
    .map((part, index) => {
      if (index % 2 === 0) return escapeRegExp(part);
      if (part === '...' || part === '…') return '[\\s\\S]*?';
      placeholders.push(part);
      return `(${GENERATED.find((shape) => new RegExp(`^${shape.source}$`).test(part))!.source})`;
    })
    .join('');
  const match = new RegExp(`^${source}$`).exec(actual);
  if (!match) return `expected ${JSON.stringify(shown)}, got ${JSON.stringify(actual)}`;
  return bindings.bind(placeholders.map((shownValue, i) => [shownValue, match[i + 1]]));
}

const MORE_ITEMS = '\u0000more items';

/** A JSON answer as a value: a bare `...` or `…` outside strings becomes a marker of "more items". */
function parseShownJson(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '…' || text.startsWith('...', i)) {
      out += JSON.stringify(MORE_ITEMS);
      if (c !== '…') i += 2;
    } else out += c;
  }
  return JSON.parse(out);
}

const describeValue = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 300));

/** The first place where `actual` differs from the value `shown` describes, or undefined. */
function matchJson(shown: unknown, actual: unknown, bindings: Bindings, path = '$'): string | undefined {
  if (shown === '...' || shown === '…') return undefined;
  if (typeof shown === 'string') {
    if (shown === MORE_ITEMS) return `${path}: a bare … stands for further items of a list, at its end only`;
    if (typeof actual !== 'string') return `${path}: expected a string like ${JSON.stringify(shown)}, got ${describeValue(actual)}`;
    const why = matchText(shown, actual, bindings);
    return why && `${path}: ${why}`;
  }
  if (Array.isArray(shown)) {
    if (!Array.isArray(actual)) return `${path}: expected a list, got ${describeValue(actual)}`;
    const open = shown.length > 0 && shown[shown.length - 1] === MORE_ITEMS;
    const items = open ? shown.slice(0, -1) : shown;
    if (open ? actual.length < items.length : actual.length !== items.length) {
      return `${path}: expected ${open ? 'at least ' : ''}${items.length} items, got ${actual.length}: ${describeValue(actual)}`;
    }
    for (let i = 0; i < items.length; i++) {
      const why = matchJson(items[i], actual[i], bindings, `${path}[${i}]`);
      if (why) return why;
    }
    return undefined;
  }
  if (shown !== null && typeof shown === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path}: expected an object, got ${describeValue(actual)}`;
    const shownKeys = Object.keys(shown).sort();
    const actualKeys = Object.keys(actual).sort();
    if (shownKeys.join() !== actualKeys.join()) return `${path}: expected the keys ${shownKeys.join(', ')}, got ${actualKeys.join(', ')}: ${describeValue(actual)}`;
    for (const key of shownKeys) {
      const why = matchJson((shown as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], bindings, `${path}.${key}`);
      if (why) return why;
    }
    return undefined;
  }
  return Object.is(shown, actual) ? undefined : `${path}: expected ${describeValue(shown)}, got ${describeValue(actual)}`;
}

/** Compares an example's output with its answer: undefined when it matches, else what differs. */
function compareWithAnswer(answer: Answer, output: string): string | undefined {
  const bindings = new Bindings();
  if (answer.kind === 'json') {
    let actual: unknown;
    try {
      actual = JSON.parse(output);
    } catch {
      return `the output is not JSON: ${JSON.stringify(output.slice(0, 500))}`;
    }
    return matchJson(parseShownJson(answer.text), actual, bindings);
  }
  const actualLines = output.replace(/\n$/, '').split('\n');
  const shownLines = answer.lines.length === 1 && answer.lines[0] === '' ? [] : answer.lines;
  for (let i = 0; i < Math.max(shownLines.length, actualLines.length); i++) {
    if (i >= shownLines.length) return `line ${i + 1}: nothing shown, got ${JSON.stringify(actualLines[i])}`;
    if (i >= actualLines.length) return `line ${i + 1}: expected ${JSON.stringify(shownLines[i])}, got no more output`;
    const why = matchText(shownLines[i], actualLines[i], bindings);
    if (why) return `line ${i + 1}: ${why}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Running an example

interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command in its own process group, killed with its children after `timeoutMs`. */
function run(command: string, args: string[], env: Record<string, string>): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, EXAMPLE_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** Only what the examples need: no proxies (loopback only), node and curl on the PATH. */
const exampleEnv = (): Record<string, string> => ({
  PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: tmpdir(),
  LANG: 'C.UTF-8',
  NO_PROXY: '*',
  no_proxy: '*',
});

/** The example's text pointed at the test gateway; refuses one that would talk to any other address. */
function pointedAt(text: string, gateway: RunningGateway): string {
  const host = new URL(gateway.url).host;
  const rewritten = text.split(README_ORIGIN).join(host);
  const elsewhere = rewritten.replace(new RegExp(escapeRegExp(host), 'g'), '').match(/\b(localhost|127\.0\.0\.1|0\.0\.0\.0)(:\d+)?\b/);
  if (elsewhere) throw new Error(`the example talks to ${elsewhere[0]}, not to ${README_ORIGIN}`);
  return rewritten;
}

async function outputOf(example: Example, gateway: RunningGateway): Promise<string> {
  if (example.kind === 'graphql') {
    const response = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: example.block.text }),
      signal: AbortSignal.timeout(EXAMPLE_TIMEOUT_MS),
    });
    return response.text();
  }
  let result: ProcessResult;
  if (example.kind === 'shell') {
    result = await run('bash', ['--noprofile', '--norc', '-c', pointedAt(example.block.text, gateway)], exampleEnv());
  } else {
    const { outputText } = ts.transpileModule(pointedAt(example.block.text, gateway), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    // `-e` resolves modules from the working directory: the project's node_modules.
    result = await run(process.execPath, ['-e', outputText], exampleEnv());
  }
  if (result.timedOut || result.code !== 0) {
    throw new Error(`${result.timedOut ? `timed out after ${EXAMPLE_TIMEOUT_MS} ms` : `exited ${result.code}`}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return result.stdout;
}

// ---------------------------------------------------------------------------------------------
// The schema, the excerpt and the operations

/** Every GraphQL operation in the documentation: graphql blocks, and the queries inside shell and script blocks. */
function readmeOperations(blocks: Block[]): Array<{ where: string; document: string }> {
  const operations: Array<{ where: string; document: string }> = [];
  for (const block of blocks) {
    if (block.lang === 'graphql') {
      try {
        if (isTypeSystem(parse(block.text))) continue;
      } catch {
        // Not parsable: Inspector reports it below, naming the block.
      }
      operations.push({ where: blockName(block), document: block.text });
    } else if (SHELL.has(block.lang)) {
      for (const m of block.text.matchAll(/"query"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) {
        operations.push({ where: `${blockName(block)} (curl body)`, document: JSON.parse(`"${m[1]}"`) as string });
      }
    } else if (SCRIPT.has(block.lang)) {
      for (const m of block.text.matchAll(/\bquery:\s*(['`])((?:(?!\1)[^\\]|\\.)*)\1/g)) {
        operations.push({ where: `${blockName(block)} (script)`, document: m[2] });
      }
    }
  }
  return operations;
}

const operationName = (document: string) => {
  try {
    const definition = parse(document).definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    return definition && 'name' in definition && definition.name ? definition.name.value : 'anonymous';
  } catch {
    return 'unparsable';
  }
};

const printArgument = (name: string, type: string, defaultValue?: string) => `${name}: ${type}${defaultValue === undefined ? '' : ` = ${defaultValue}`}`;

/** Differences between the fields of a type-definitions excerpt and the schema. */
function excerptDifferences(excerpt: DocumentNode, schema: GraphQLSchema): string[] {
  const differences: string[] = [];
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((t) => t!.name));
  for (const definition of excerpt.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) {
      differences.push(`${definition.kind} is not checked: keep the excerpt to object types`);
      continue;
    }
    const type = schema.getType(definition.name.value);
    if (!type || !isObjectType(type)) {
      differences.push(`type ${definition.name.value} is not an object type of schema.graphql`);
      continue;
    }
    const fields = (type as GraphQLObjectType).getFields();
    const listed = new Set<string>();
    for (const node of (definition.fields ?? []) as FieldDefinitionNode[]) {
      listed.add(node.name.value);
      const field = fields[node.name.value];
      if (!field) {
        differences.push(`${type.name}.${node.name.value} is not in schema.graphql`);
        continue;
      }
      const shown = `${node.name.value}(${(node.arguments ?? [])
        .map((a) => printArgument(a.name.value, print(a.type), a.defaultValue && print(a.defaultValue)))
        .sort()
        .join(', ')}): ${print(node.type)}`;
      const real = `${field.name}(${field.args
        .map((a) => {
          const value = a.defaultValue === undefined ? undefined : astFromValue(a.defaultValue, a.type);
          return printArgument(a.name, String(a.type), value ? print(value) : undefined);
        })
        .sort()
        .join(', ')}): ${String(field.type)}`;
      if (shown !== real) differences.push(`${type.name}: the excerpt shows ${shown}, schema.graphql has ${real}`);
    }
    if (roots.has(type.name)) {
      const missing = Object.keys(fields).filter((name) => !listed.has(name));
      if (missing.length > 0) differences.push(`${type.name} in the excerpt lacks ${missing.join(', ')}`);
    }
  }
  return differences;
}

// ---------------------------------------------------------------------------------------------
// Order

/** mulberry32: a small seeded generator, so that a failing order can be run again. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const random = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

const documents = DOC_FILES.map((file) => {
  const markdown = readFileSync(join(ROOT, file), 'utf8');
  return { file, markdown, blocks: readmeBlocks(file, markdown) };
});
const blocks = documents.flatMap((d) => d.blocks);
const plan: Plan = { examples: [], notRun: [], schemaExcerpts: [], accounted: new Map(), problems: [] };
for (const { markdown, blocks: own } of documents) planExamples(markdown, own, plan);
const seed = process.env.README_EXAMPLES_SEED ? Number(process.env.README_EXAMPLES_SEED) >>> 0 : Math.floor(Math.random() * 2 ** 32);
const order = shuffled(plan.examples, seed);

// ---------------------------------------------------------------------------------------------
// Links and headings

/** Lines outside fenced blocks, with their 1-based numbers. */
function prose(markdown: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, i) => {
    const open = /^\s*(```+|~~~+)/.exec(text);
    if (fence) {
      if (text.trim() === fence) fence = undefined;
    } else if (open) fence = open[1];
    else out.push({ line: i + 1, text });
  });
  return out;
}

/** The anchors GitHub makes of a file's headings (github-slugger: lower case, punctuation dropped, spaces to `-`, repeats numbered). */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of prose(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text);
    if (!heading) continue;
    const base = heading[1].toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Every inline link of a file's prose that is not a URL: `[text](target)`. */
function relativeLinks(markdown: string): Array<{ line: number; target: string }> {
  const links: Array<{ line: number; target: string }> = [];
  for (const { line, text } of prose(markdown)) {
    for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1])) links.push({ line, target: m[1] });
    }
  }
  return links;
}

/** What is wrong with each relative link of the documentation: a file that is not there, a file outside the repository, a `#section` that is no heading. */
function brokenLinks(): string[] {
  const problems: string[] = [];
  const anchors = new Map<string, Set<string>>();
  const anchorsIn = (path: string) => {
    if (!anchors.has(path)) anchors.set(path, anchorsOf(readFileSync(path, 'utf8')));
    return anchors.get(path)!;
  };
  for (const { file, markdown } of documents) {
    for (const { line, target } of relativeLinks(markdown)) {
      const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
      const path = pathPart === '' ? join(ROOT, file) : resolve(ROOT, dirname(file), decodeURIComponent(pathPart));
      const where = `${file} line ${line}: (${target})`;
      if (relative(ROOT, path).startsWith('..')) problems.push(`${where} leaves the repository`);
      else if (!existsSync(path)) problems.push(`${where} names ${relative(ROOT, path)}, which does not exist`);
      else if (anchor !== undefined && path.endsWith('.md') && !anchorsIn(path).has(anchor)) {
        problems.push(`${where}: ${relative(ROOT, path)} has no heading #${anchor}`);
      }
    }
  }
  return problems;
}

describe('the answer notation', () => {
  const json = (shown: string, actual: unknown) => compareWithAnswer({ kind: 'json', text: shown }, JSON.stringify(actual));
  const lines = (shown: string[], actual: string) => compareWithAnswer({ kind: 'lines', lines: shown }, actual);
  const [idA, idB] = ['img-0123456789ab', 'img-ba9876543210'];

  it('compares JSON as values: keys in any order, but the same keys and values', () => {
    expect(json('{"a":1,"b":[true,null]}', { b: [true, null], a: 1 })).toBeUndefined();
    expect(json('{"a":1}', { a: 2 })).toMatch(/\$\.a: expected 1, got 2/);
    expect(json('{"a":1}', { a: 1, b: 2 })).toMatch(/expected the keys a, got a, b/);
    expect(json('[1,2]', [1, 2, 3])).toMatch(/expected 2 items, got 3/);
  });

  it('lets ... stand for any text, and a bare … for further items at the end of a list', () => {
    expect(json('{"requestId":"T...","items":[{"id":"x"},…]}', { requestId: 'T0', items: [{ id: 'x' }, { id: 'y' }] })).toBeUndefined();
    expect(json('{"requestId":"T..."}', { requestId: 'X0' })).toMatch(/expected "T\.\.\.", got "X0"/);
    expect(json('{"any":"..."}', { any: { deep: [1] } })).toBeUndefined();
    expect(json('[…,1]', [0, 1])).toMatch(/at its end only/);
    expect(lines(['{"items":[...],"total":2}'], '{"items":[{"id":1}],"total":2}\n')).toBeUndefined();
  });

  it('binds each shown generated id to one actual id, both ways', () => {
    expect(json(`[{"id":"${idA}"},{"id":"${idA}"}]`, [{ id: idB }, { id: idB }])).toBeUndefined();
    expect(json(`[{"id":"${idA}"},{"id":"${idA}"}]`, [{ id: idA }, { id: idB }])).toMatch(/stands for img-0123456789ab elsewhere/);
    expect(json(`[{"id":"${idA}"},{"id":"${idB}"}]`, [{ id: idA }, { id: idA }])).toMatch(/shown as img-0123456789ab elsewhere/);
    expect(json(`{"id":"${idA}"}`, { id: 'img-fra-web-01' })).toMatch(/expected "img-0123456789ab", got "img-fra-web-01"/);
    expect(lines([`${idA} 201`, `${idA}`], `${idB} 201\n${idA}\n`)).toMatch(/line 2: img-0123456789ab stands for img-ba9876543210/);
  });

  it('wants every output line shown, and no more', () => {
    expect(lines(['CREATING', 'AVAILABLE'], 'CREATING\nAVAILABLE\n')).toBeUndefined();
    expect(lines(['CREATING', 'AVAILABLE'], 'CREATING\n')).toMatch(/line 2: expected "AVAILABLE", got no more output/);
    expect(lines(['CREATING'], 'CREATING\nAVAILABLE\n')).toMatch(/line 2: nothing shown/);
  });
});

describe('documentation blocks (README.md, ARCHITECTURE.md, docs/)', () => {
  it('are read from the README and from every Markdown file of docs/', () => {
    expect(DOC_FILES).toContain(README);
    expect(DOC_FILES).toEqual(expect.arrayContaining(markdownUnder('docs')));
    // Examples run from the README and from docs/ alike.
    expect(plan.examples.some((e) => e.block.file === README)).toBe(true);
    expect(plan.examples.some((e) => e.block.file.startsWith('docs/'))).toBe(true);
  });

  it('are each an example with its answer, a schema excerpt, or marked not-run', () => {
    expect(plan.problems).toEqual([]);
    const unaccounted = blocks.filter((b) => !plan.accounted.has(blockKey(b))).map((b) => `${blockName(b)} (\`\`\`${b.lang})`);
    expect(unaccounted).toEqual([]);
    expect(plan.examples.length).toBeGreaterThan(0);
  });

  it('hold GraphQL operations that all validate against schema.graphql (GraphQL Inspector)', () => {
    const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));
    const operations = readmeOperations(blocks);
    // Each graphql example at least, and the queries inside shell and script examples.
    expect(operations.length).toBeGreaterThanOrEqual(plan.examples.filter((e) => e.kind === 'graphql').length);
    const sources = operations.map(({ where, document }) => new Source(document, `${where}, operation ${operationName(document)}`));
    const invalid = inspectorValidate(schema, sources, { strictDeprecated: true, maxDepth: MAX_DEPTH, maxAliasCount: MAX_ALIASES });
    const report = invalid.map((d) => `${d.source.name}: ${[...d.errors, ...d.deprecated].map((e) => e.message).join('; ')}`);
    expect(report).toEqual([]);
  });

  it('hold a schema excerpt that agrees with schema.graphql', () => {
    const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));
    expect(plan.schemaExcerpts.length).toBeGreaterThan(0);
    for (const block of plan.schemaExcerpts) {
      expect({ at: blockName(block), differences: excerptDifferences(parse(block.text), schema) }).toEqual({ at: blockName(block), differences: [] });
    }
  });

  it('link only to files of the repository, and to headings that exist', () => {
    expect(brokenLinks()).toEqual([]);
  });
});

describe('the README leads', () => {
  /** Run examples of the README's first screenful, with the operations they send. */
  const firstScreen = plan.examples.filter((e) => e.block.file === README && e.endLine <= FIRST_SCREEN_LINES);
  const operations = firstScreen.flatMap((e) => readmeOperations([e.block]).map(({ document }) => parse(document)));
  const fieldsOf = (document: DocumentNode) => {
    const names = new Set<string>();
    visit(document, { Field: (node) => void names.add(node.name.value) });
    return names;
  };

  it('starts with the two commands of a fresh machine: npm install && npm start, and npm install && npm test', () => {
    const quickStart = readFileSync(join(ROOT, README), 'utf8').split('\n').slice(0, FIRST_SCREEN_LINES).join('\n');
    expect(quickStart).toMatch(/^npm install && npm start\b/m);
    expect(quickStart).toMatch(/^npm install && npm test\b/m);
  });

  it(`runs, within its first ${FIRST_SCREEN_LINES} lines, the images of a zone and the create-image screen (instances with their check)`, () => {
    expect(operations.some((d) => fieldsOf(d).has('images') && print(d).includes('zoneId'))).toBe(true);
    expect(operations.some((d) => fieldsOf(d).has('instances') && fieldsOf(d).has('imageCreation'))).toBe(true);
  });

  it('creates an image with a named operation, variables and an idempotency key, and watches its status', () => {
    const namedCreate = operations.some((d) =>
      d.definitions.some(
        (o) =>
          o.kind === Kind.OPERATION_DEFINITION &&
          o.operation === 'mutation' &&
          Boolean(o.name) &&
          (o.variableDefinitions?.length ?? 0) > 0 &&
          o.selectionSet.selections.some(
            (f) => f.kind === Kind.FIELD && f.name.value === 'createImage' && (f.arguments ?? []).some((a) => a.name.value === 'idempotencyKey' && a.value.kind === Kind.VARIABLE),
          ),
      ),
    );
    expect(namedCreate).toBe(true);
    expect(operations.some((d) => d.definitions.some((o) => o.kind === Kind.OPERATION_DEFINITION && o.operation === 'subscription') && fieldsOf(d).has('imageStatusChanged'))).toBe(true);
  });
});

describe(`documentation examples, each on a fresh gateway, in a shuffled order (seed ${seed})`, () => {
  const ran = new Set<string>();

  beforeAll(() => {
    process.stdout.write(
      `documentation examples (${DOC_FILES.join(', ')}): seed ${seed} (README_EXAMPLES_SEED=${seed} repeats it); order: ${order.map((e) => blockKey(e.block)).join(', ')}; ` +
        `${plan.examples.length} run, ${plan.notRun.length} marked not-run, ${plan.schemaExcerpts.length} schema excerpt checked, ` +
        `${readmeOperations(blocks).length} operations validated\n`,
    );
  });

  for (const example of order) {
    it(
      `runs ${example.title} and prints the answer shown`,
      async () => {
        ran.add(blockKey(example.block));
        const config = loadConfig(FRESH_START_ENV);
        const gateway = await startGateway(config);
        try {
          const output = await outputOf(example, gateway);
          const difference = compareWithAnswer(example.answer, output);
          if (difference) {
            throw new Error(`${blockName(example.block)}: the output differs from the answer shown: ${difference}\n--- output ---\n${output}`);
          }
        } finally {
          await gateway.close(1000);
        }
      },
      EXAMPLE_TIMEOUT_MS + 10_000,
    );
  }

  it('ran every example that is not marked not-run', () => {
    expect([...ran].sort()).toEqual(plan.examples.map((e) => blockKey(e.block)).sort());
  });
});
