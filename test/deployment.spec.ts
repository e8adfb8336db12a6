import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { missingFlags, NODE_FLAGS } from '../src/runtime-flags';
import { loadConfig } from '../src/config/load-config';

/**
 * The deployment files, read as an operator's tools read them (YAML parsed, quantities and
 * durations as Kubernetes and compose count them), and their settings run through the gateway's
 * own configuration check: what they promise about drain, resources, secrets and exposure holds.
 */

const ROOT = join(__dirname, '..');
const K8S = join(ROOT, 'deploy/kubernetes');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: any; stringData?: any };
type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: unknown } };

const manifests = new Map<string, Manifest>(
  readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .map((file) => {
      const documents = parseAllDocuments(readFileSync(join(K8S, file), 'utf8'));
      for (const document of documents) if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      return [file, documents[0].toJSON() as Manifest];
    }),
);
const byKind = (kind: string) => {
  const found = [...manifests.values()].find((m) => m.kind === kind);
  if (!found) throw new Error(`no ${kind} in deploy/kubernetes`);
  return found;
};
const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as {
  namespace: string;
  resources: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string; digest?: string }>;
};

/** Every variable the gateway knows, read from its environment schema. */
const knownVariables = new Set([...read('src/config/environment.ts').matchAll(/^ {2}([A-Z][A-Z0-9_]+)[?!]?:/gm)].map((m) => m[1]));

/** Variables whose values are secrets: a Secret's business, never a ConfigMap's or a committed file's. */
const SECRET_VARIABLES = ['GATEWAY_API_KEYS', 'JWT_SECRET', 'METRICS_TOKEN', 'ZENLAYER_ACCESS_KEY_ID', 'ZENLAYER_ACCESS_KEY_PASSWORD', 'REDIS_URL'];

/** What the gateway spends on the trace flush after the drain, at most (TRACE_FLUSH_TIMEOUT_MS). */
const TRACE_FLUSH_MS = 5000;

/** Measured with the reference load benchmark: peak RSS ~300 MB (Node 24), ~1 core at 1,000-1,500 req/s. */
const MEASURED = { memoryBytes: 300 * 2 ** 20, cpuCores: 0.25 };

const DEMO_TOGGLES = ['DOCS_ENABLED', 'GRAPHQL_PLAYGROUND', 'GRAPHQL_INTROSPECTION'];

const SUFFIXES: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes resource quantity ("500m", "1", "320Mi", "1.5Gi", "1e3") as a plain number. */
function quantity(text: string | number): number {
  if (typeof text === 'number') return text;
  const match = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/.exec(text.trim());
  if (!match) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(text)}`);
  const [, number, exponent, suffix = ''] = match;
  return Number(number) * (exponent ? 10 ** Number(exponent.slice(1)) : SUFFIXES[suffix]);
}

/** A compose duration ("45s", "1m30s", "500ms", "1h") in milliseconds. */
function composeDurationMs(text: string): number {
  const units: Record<string, number> = { us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a compose duration: ${JSON.stringify(text)}`);
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit], 0);
}

/** Runs `check` with `files` (name → content) in a temporary directory. */
function withFiles<T>(files: Record<string, string>, check: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'deployment-spec-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return check(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A generated API key of production strength and its GATEWAY_API_KEYS entry by digest, as an operator would create them. */
const generatedApiKeys = () => {
  const key = randomBytes(32).toString('base64url');
  return JSON.stringify([{ name: 'web', keySha256: createHash('sha256').update(key).digest('hex'), scopes: ['images:read'] }]);
};

describe('the parsers this suite reads the files with', () => {
  it('read Kubernetes quantities and compose durations as the tools do', () => {
    expect([quantity('500m'), quantity('1'), quantity('0.5'), quantity('2k'), quantity('1e3')]).toEqual([0.5, 1, 0.5, 2000, 1000]);
    expect([quantity('320Mi'), quantity('1Gi'), quantity('300M'), quantity('1.5Ki')]).toEqual([320 * 2 ** 20, 2 ** 30, 300e6, 1536]);
    expect(() => quantity('320MB')).toThrow('not a Kubernetes quantity');
    expect(() => quantity('lots')).toThrow('not a Kubernetes quantity');
    expect([composeDurationMs('45s'), composeDurationMs('1m30s'), composeDurationMs('500ms')]).toEqual([45_000, 90_000, 500]);
    expect(() => composeDurationMs('45')).toThrow('not a compose duration');
  });
});

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  const deployment = byKind('Deployment');
  const config = byKind('ConfigMap');
  const secret = byKind('Secret');
  const namespace = byKind('Namespace');
  const pod = deployment.spec.template.spec;
  const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
  const container = pod.containers[0];
  const env = container.env as EnvVar[];
  const envVar = (name: string) => env.find((e) => e.name === name);
  const containerPort = (name: string) => (container.ports as Array<{ name: string; containerPort: number }>).find((p) => p.name === name);
  const secretKeys = Object.keys({ ...(secret.data ?? {}), ...(secret.stringData ?? {}) });

  it('are well-formed resources', () => {
    expect(manifests.size).toBeGreaterThanOrEqual(7);
    for (const [file, m] of manifests) {
      expect({ file, apiVersion: typeof m.apiVersion, kind: typeof m.kind, name: typeof m.metadata?.name }).toEqual({ file, apiVersion: 'string', kind: 'string', name: 'string' });
    }
  });

  it('list every manifest in the kustomization, and only files that exist; no resource that needs an operator', () => {
    for (const resource of kustomization.resources) expect(existsSync(join(K8S, resource))).toBe(true);
    const expected = [...manifests.keys()].filter((f) => f !== 'secret.example.yaml').sort();
    expect([...kustomization.resources].sort()).toEqual(expected);
    // A PrometheusRule or ServiceMonitor would make `kubectl apply -k` fail on a cluster without the operator.
    expect([...manifests.values()].map((m) => m.kind).filter((kind) => /^(PrometheusRule|ServiceMonitor|PodMonitor)$/.test(kind))).toEqual([]);
  });

  it('put everything in the one namespace, labelled to enforce the restricted Pod Security Standard', () => {
    expect(namespace.metadata.name).toBe(kustomization.namespace);
    for (const [file, m] of manifests) if (m.kind !== 'Namespace') expect({ file, namespace: m.metadata.namespace }).toEqual({ file, namespace: kustomization.namespace });
    expect(namespace.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  describe('the Deployment', () => {
    it('probes /healthz for liveness and startup, /readyz for readiness, on the http port (PORT)', () => {
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(containerPort('http')!.containerPort).toBe(Number(config.data.PORT));
    });

    it('satisfies the restricted Pod Security Standard', () => {
      const podContext = pod.securityContext ?? {};
      const containerContext = container.securityContext ?? {};
      expect(containerContext.runAsNonRoot ?? podContext.runAsNonRoot).toBe(true);
      expect(containerContext.runAsUser ?? podContext.runAsUser).not.toBe(0);
      expect((containerContext.seccompProfile ?? podContext.seccompProfile)?.type).toMatch(/^(RuntimeDefault|Localhost)$/);
      expect(containerContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(containerContext.privileged ?? false).toBe(false);
      expect(containerContext.capabilities.add ?? []).toEqual([]);
      expect({ hostNetwork: pod.hostNetwork ?? false, hostPID: pod.hostPID ?? false, hostIPC: pod.hostIPC ?? false }).toEqual({ hostNetwork: false, hostPID: false, hostIPC: false });
      const allowedVolumes = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
      for (const volume of pod.volumes ?? []) expect(Object.keys(volume).filter((k) => k !== 'name' && !allowedVolumes.includes(k))).toEqual([]);
      for (const port of container.ports) expect(port.hostPort).toBeUndefined();
    });

    it('requests at least the measured peak memory and a share of a core, with limits above the requests', () => {
      const { requests, limits } = container.resources;
      expect(quantity(requests.memory)).toBeGreaterThanOrEqual(MEASURED.memoryBytes);
      expect(quantity(requests.cpu)).toBeGreaterThanOrEqual(MEASURED.cpuCores);
      expect(quantity(limits.memory)).toBeGreaterThan(quantity(requests.memory));
      expect(quantity(limits.cpu)).toBeGreaterThanOrEqual(quantity(requests.cpu));
    });

    it('mounts the Zenlayer credentials from a Secret and points ZENLAYER_CREDENTIALS_FILE inside the mount', () => {
      const file = envVar('ZENLAYER_CREDENTIALS_FILE')!.value!;
      const mount = container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
      expect(mount).toMatchObject({ name: expect.any(String), readOnly: true });
      const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
      expect(volume.secret.secretName).toBe(secret.metadata.name);
      const item = volume.secret.items.find((i: { path: string }) => i.path === file.slice(mount.mountPath.length + 1));
      expect(secretKeys).toContain(item.key);
    });

    it('takes GATEWAY_API_KEYS and REDIS_URL from the Secret, by keys the example Secret has', () => {
      for (const name of ['GATEWAY_API_KEYS', 'REDIS_URL']) {
        expect({ name, ref: envVar(name)?.valueFrom?.secretKeyRef }).toEqual({ name, ref: { name: secret.metadata.name, key: name } });
      }
      // Every reference to the Secret resolves, unless it is marked optional.
      for (const { name, valueFrom } of env) {
        const ref = valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect({ name, secret: ref.name }).toEqual({ name, secret: secret.metadata.name });
        if (!ref.optional) expect({ name, key: secretKeys.includes(ref.key) }).toEqual({ name, key: true });
      }
    });

    it('keeps secrets out of the ConfigMap and out of plain env values', () => {
      expect(Object.keys(config.data).filter((n) => SECRET_VARIABLES.includes(n))).toEqual([]);
      expect(env.filter((e) => SECRET_VARIABLES.includes(e.name) && e.value !== undefined).map((e) => e.name)).toEqual([]);
    });

    it('sets REQUEST_DEADLINE_MS and a SHUTDOWN_GRACE_MS that is at least as long', () => {
      expect(config.data.REQUEST_DEADLINE_MS).toMatch(/^\d+$/);
      expect(config.data.SHUTDOWN_GRACE_MS).toMatch(/^\d+$/);
      expect(Number(config.data.SHUTDOWN_GRACE_MS)).toBeGreaterThanOrEqual(Number(config.data.REQUEST_DEADLINE_MS));
    });

    it('pauses in preStop with the kubelet\'s sleep, not a second process', () => {
      const preStop = container.lifecycle.preStop;
      expect(Object.keys(preStop)).toEqual(['sleep']);
      expect(preStop.sleep.seconds).toBeGreaterThanOrEqual(1);
    });

    it('gives the pod time for preStop, the drain (SHUTDOWN_GRACE_MS) and the trace flush before it is killed', () => {
      const needed = container.lifecycle.preStop.sleep.seconds * 1000 + Number(config.data.SHUTDOWN_GRACE_MS) + TRACE_FLUSH_MS;
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(needed);
    });

    it('spreads the replicas over zones and nodes, counting its own pods', () => {
      const constraints = pod.topologySpreadConstraints as Array<{ topologyKey: string; maxSkew: number; whenUnsatisfiable: string; labelSelector: { matchLabels: Record<string, string> } }>;
      expect(constraints.map((c) => c.topologyKey).sort()).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
      for (const constraint of constraints) {
        expect(constraint.maxSkew).toBeGreaterThanOrEqual(1);
        expect(['ScheduleAnyway', 'DoNotSchedule']).toContain(constraint.whenUnsatisfiable);
        expect(Object.keys(constraint.labelSelector.matchLabels).length).toBeGreaterThan(0);
        expect(podLabels).toMatchObject(constraint.labelSelector.matchLabels);
      }
    });

    it('serves /metrics on METRICS_PORT, a named container port of its own, where the scrape annotation points', () => {
      const metrics = containerPort('metrics');
      expect(metrics).toBeDefined();
      expect(metrics!.containerPort).toBe(Number(config.data.METRICS_PORT));
      expect(metrics!.containerPort).not.toBe(containerPort('http')!.containerPort);
      const annotations = deployment.spec.template.metadata.annotations ?? {};
      if (annotations['prometheus.io/port'] !== undefined) expect(Number(annotations['prometheus.io/port'])).toBe(metrics!.containerPort);
    });

    it('believes X-Forwarded-For from the ingress (TRUST_PROXY), never from anyone', () => {
      const trustProxy = String(config.data.TRUST_PROXY ?? '');
      expect(trustProxy).not.toBe('');
      expect(trustProxy).not.toMatch(/^\s*true\s*$/i);
      expect(trustProxy).not.toBe('loopback'); // the default: behind an ingress every client would be the ingress
    });

    it('runs the image the kustomization pins by digest', () => {
      const imageName = (container.image as string).replace(/@sha256:[0-9a-f]+$/, '').replace(/:[\w.-]+$/, '');
      const entry = (kustomization.images ?? []).find((i) => i.name === imageName);
      expect(entry).toBeDefined();
      expect(entry!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(entry!.newTag).toBeUndefined();
    });

    it('only sets variables the gateway knows', () => {
      const names = [...Object.keys(config.data), ...env.map((e) => e.name)];
      expect(names.filter((n) => !knownVariables.has(n))).toEqual([]);
    });

    it('has settings the gateway accepts in production, with a generated Secret', () => {
      const gateway = withFiles({ 'zenlayer.json': JSON.stringify({ accessKeyId: 'AK-generated', accessKeyPassword: randomBytes(24).toString('hex') }) }, (dir) =>
        loadConfig({
          ...config.data,
          ZENLAYER_CREDENTIALS_FILE: join(dir, 'zenlayer.json'),
          GATEWAY_API_KEYS: generatedApiKeys(),
          REDIS_URL: 'rediss://:generated-password@redis.zenlayer-gateway.svc.cluster.local:6379',
        }),
      );
      expect(gateway).toMatchObject({ nodeEnv: 'production', host: '0.0.0.0', metricsPort: containerPort('metrics')!.containerPort, docs: false, graphql: { introspection: false, playground: false } });
      expect(gateway.shutdownGraceMs).toBeGreaterThanOrEqual(gateway.requestDeadlineMs);
      expect(gateway.trustProxy).not.toEqual(['loopback']);
    });

    it('comes with an example Secret whose placeholders the gateway refuses', () => {
      const { ['zenlayer.json']: credentials, ...variables } = secret.stringData as Record<string, string>;
      expect(() =>
        withFiles({ 'zenlayer.json': credentials }, (dir) => loadConfig({ ...config.data, ...variables, ZENLAYER_CREDENTIALS_FILE: join(dir, 'zenlayer.json') })),
      ).toThrow(/GATEWAY_API_KEYS/);
    });
  });

  it('routes the Service to the Deployment\'s pods on their http port', () => {
    const service = byKind('Service');
    expect(service.spec.selector).toEqual(byKind('Deployment').spec.template.metadata.labels);
    expect(service.spec.ports[0].targetPort).toBe('http');
  });

  it('scales the Deployment with the HPA and protects it with the PDB', () => {
    const hpa = byKind('HorizontalPodAutoscaler');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: byKind('Deployment').metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(byKind('Deployment').spec.selector.matchLabels);
  });
});

describe('Prometheus alert rules (deploy/prometheus/alerts.yaml)', () => {
  type Rule = { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  const rules = (parse(read('deploy/prometheus/alerts.yaml')) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);
  const exposed = new Set([...read('src/observability/metrics.ts').matchAll(/name: '([a-z_]+)'/g)].map((m) => m[1]));
  const exprOf = (pattern: RegExp) => rules.filter((r) => pattern.test(r.expr.replace(/\s+/g, ' ')));

  it('are alerting rules with a duration, a severity and a summary', () => {
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      expect({ alert: rule.alert, for: rule.for, severity: rule.labels?.severity, summary: typeof rule.annotations?.summary }).toEqual({
        alert: expect.stringMatching(/^[A-Z]\w+$/),
        for: expect.stringMatching(/^\d+[smh]$/),
        severity: expect.stringMatching(/^(critical|warning|info)$/),
        summary: 'string',
      });
    }
  });

  it('use only metrics the gateway exposes', () => {
    const used = new Set(rules.flatMap((r) => [...r.expr.matchAll(/\b((?:gateway|zenlayer|http|rate_limit)_[a-z_]+?)(?:_bucket|_count|_sum)?\b(?=\s*[{[)])/g)].map((m) => m[1])));
    expect(used.size).toBeGreaterThan(0);
    expect([...used].filter((name) => !exposed.has(name))).toEqual([]);
  });

  it('cover an open circuit, Redis down, the 5xx ratio, p99 latency and the upstream error ratio', () => {
    expect(exprOf(/gateway_dependency_up\{dependency="upstream"\}/)).not.toHaveLength(0);
    expect(exprOf(/gateway_dependency_up\{dependency="redis"\}.*== 0/)).not.toHaveLength(0);
    expect(exprOf(/http_requests_total\{status=~"5\.\."/)).not.toHaveLength(0);
    expect(exprOf(/histogram_quantile\(0\.99, .*http_request_duration_seconds_bucket/)).not.toHaveLength(0);
    expect(exprOf(/zenlayer_upstream_calls_total\{outcome!="OK"\}.*\/.*zenlayer_upstream_calls_total/)).not.toHaveLength(0);
  });
});

describe('docker-compose.yml (a local demo) and docker-compose.demo.yml', () => {
  type Service = { build?: unknown; image?: string; command?: string[]; environment?: Record<string, string>; ports?: Array<string | { host_ip?: string; published?: string | number }>; secrets?: Array<string | { source: string; target?: string }>; depends_on?: unknown; stop_grace_period?: string };
  type Compose = { services: Record<string, Service>; secrets?: Record<string, { file?: string; environment?: string }> };
  const text = read('docker-compose.yml');
  const compose = parse(text, { merge: true }) as Compose;
  const demo = parse(read('docker-compose.demo.yml'), { merge: true }) as Compose;
  const gateways = Object.entries(compose.services).filter(([, s]) => (s.command ?? []).length === 0 && s.build);
  /** The gateway's environment as compose runs it with the demo override: maps merge key by key. */
  const withDemo = (name: string) => ({ ...compose.services[name].environment, ...demo.services[name]?.environment });
  const secretFile = (gateway: Service) => {
    const path = gateway.environment!.ZENLAYER_CREDENTIALS_FILE;
    const source = (gateway.secrets ?? []).map((s) => (typeof s === 'string' ? { source: s, target: s } : { target: s.source, ...s })).find((s) => `/run/secrets/${s.target}` === path || s.target === path)?.source;
    return source === undefined ? undefined : compose.secrets?.[source]?.file;
  };

  it('says it is a local demo, not a deployment, and where deployments are', () => {
    const header = text.split('\n').filter((line) => line.startsWith('#')).slice(0, 6).join('\n');
    expect(header).toMatch(/LOCAL DEMO/);
    expect(header).toMatch(/not turn this file into a deployment/i);
    expect(header).toMatch(/deploy\/kubernetes/);
  });

  it('runs two gateway replicas, the simulator and Redis', () => {
    expect(gateways.map(([name]) => name).sort()).toEqual(['gateway-1', 'gateway-2']);
    expect(compose.services.simulator.command).toEqual(['node', 'dist/simulator/main']);
    expect(compose.services.redis.image).toMatch(/^redis/);
  });

  it('publishes ports on 127.0.0.1 only', () => {
    const published = [...Object.entries(compose.services), ...Object.entries(demo.services)].flatMap(([name, s]) => (s.ports ?? []).map((port) => ({ name, port })));
    expect(published.length).toBeGreaterThan(0);
    for (const { name, port } of published) {
      const bound = typeof port === 'string' ? /^127\.0\.0\.1:\d+:\d+(\/tcp)?$/.test(port) : port.host_ip === '127.0.0.1';
      expect({ name, port, bound }).toEqual({ name, port, bound: true });
    }
    expect(compose.services.simulator.ports).toBeUndefined();
    expect(compose.services.redis.ports).toBeUndefined();
  });

  it('wires the replicas to the simulator and one Redis, with variables the gateway knows', () => {
    for (const [name, gateway] of gateways) {
      expect(gateway.environment).toMatchObject({ ZENLAYER_BASE_URL: 'http://simulator:8090', REDIS_URL: 'redis://redis:6379', HOST: '0.0.0.0' });
      expect(Object.keys(withDemo(name)).filter((n) => !knownVariables.has(n))).toEqual([]);
      expect(gateway.depends_on).toMatchObject({ simulator: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });

  it('keeps the demo toggles out of docker-compose.yml, in the override that must be named to be used', () => {
    expect(existsSync(join(ROOT, 'docker-compose.override.yml'))).toBe(false);
    expect(existsSync(join(ROOT, 'docker-compose.override.yaml'))).toBe(false);
    for (const [name, gateway] of gateways) {
      expect(Object.keys(gateway.environment!).filter((n) => DEMO_TOGGLES.includes(n))).toEqual([]);
      expect(demo.services[name].environment).toEqual(Object.fromEntries(DEMO_TOGGLES.map((n) => [n, 'true'])));
    }
  });

  it('hands the upstream credentials over through compose secrets: the simulator\'s own key pair', () => {
    const simulator = compose.services.simulator.environment!;
    for (const [name, gateway] of gateways) {
      expect({ name, plain: Object.keys(gateway.environment!).filter((n) => /^ZENLAYER_ACCESS_KEY_/.test(n)) }).toEqual({ name, plain: [] });
      expect(gateway.environment!.ZENLAYER_CREDENTIALS_FILE).toMatch(/^\/run\/secrets\//);
      const file = secretFile(gateway);
      expect(file).toBeDefined();
      expect(JSON.parse(read(file!))).toEqual({ accessKeyId: simulator.SIMULATOR_ACCESS_KEY_ID, accessKeyPassword: simulator.SIMULATOR_ACCESS_KEY_PASSWORD });
    }
    // The build context leaves the demo secrets out of the image.
    expect(read('.dockerignore').split('\n')).toContain('deploy');
  });

  it('gives production-mode replicas API keys of 32+ characters', () => {
    for (const [, gateway] of gateways) {
      if (gateway.environment!.NODE_ENV !== 'production') continue;
      const keys = (JSON.parse(gateway.environment!.GATEWAY_API_KEYS) as Array<{ key?: string }>).map((k) => k.key).filter((k): k is string => k !== undefined);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) expect(key.length).toBeGreaterThanOrEqual(32);
    }
  });

  it('gives the drain and the trace flush time before Docker kills a replica', () => {
    for (const [, gateway] of gateways) {
      const { SHUTDOWN_GRACE_MS, REQUEST_DEADLINE_MS } = gateway.environment!;
      expect(Number(SHUTDOWN_GRACE_MS)).toBeGreaterThanOrEqual(Number(REQUEST_DEADLINE_MS ?? 30000));
      expect(composeDurationMs(gateway.stop_grace_period!)).toBeGreaterThanOrEqual(Number(SHUTDOWN_GRACE_MS) + TRACE_FLUSH_MS);
    }
  });

  it('runs Redis without eviction and with an append-only file', () => {
    const command = compose.services.redis.command!.join(' ');
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(command).toMatch(/--appendonly yes/);
  });

  it('starts the replicas as the gateway would start them, with and without the demo toggles', () => {
    for (const [name, gateway] of gateways) {
      const hostPaths = { ZENLAYER_CREDENTIALS_FILE: join(ROOT, secretFile(gateway)!) };
      const plain = loadConfig({ ...gateway.environment, ...hostPaths });
      expect(plain).toMatchObject({ nodeEnv: 'production', zenlayer: { mode: 'zenlayer' }, docs: false, graphql: { introspection: false, playground: false } });
      expect(plain.metricsPort ?? plain.metricsToken).toBeDefined();
      expect(loadConfig({ ...withDemo(name), ...hostPaths })).toMatchObject({ docs: true, graphql: { introspection: true, playground: true } });
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds every stage on Node 24 LTS and runs the compiled gateway, with its Node flags, as a non-root user with a health check', () => {
    const stages = dockerfile.match(/^FROM \S+/gm)!;
    expect(stages.length).toBeGreaterThan(1);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24(\.\d+)*-bookworm-slim(@sha256:[0-9a-f]{64})?$/);
    expect(dockerfile).toMatch(/^USER node$/m);
    // The flags on the command line, so the gateway has no reason to relaunch itself (runtime-flags.ts).
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]) as string[];
    expect(cmd).toEqual(['node', ...NODE_FLAGS, 'dist/main']);
    expect(missingFlags(cmd.slice(1, -1))).toEqual([]);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });

  it('leaves the runtime files to root, so the node user cannot change them', () => {
    expect(dockerfile).not.toMatch(/--chown=(node|1000)\b/);
    expect(dockerfile).not.toMatch(/\bchown\b[^\n]*\bnode\b/);
    // No mode that lets group or others write (e.g. 775, 0666, a+w, g+w).
    expect(dockerfile).not.toMatch(/chmod\s+(-R\s+)?([0-7]?[0-7]([2367][0-7]|[0-7][2367])\b|[ago]*[ago]\+[rx]*w)/);
    // Everything copied or run in the final stage happens before USER node, as root.
    const userAt = finalStage.search(/^USER node$/m);
    expect(userAt).toBeGreaterThan(0);
    expect(finalStage.slice(userAt)).not.toMatch(/^(COPY|ADD|RUN) /m);
    // COPY leaves files to root unless told otherwise: any --chown names root.
    for (const copy of finalStage.match(/^COPY .*/gm) ?? []) expect(copy).not.toMatch(/--chown=(?!(root|0)(:(root|0))?\s)/);
  });
});
