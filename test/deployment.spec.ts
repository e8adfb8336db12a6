import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..');
const K8S = join(ROOT, 'deploy/kubernetes');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: any; data?: any; stringData?: any };

const manifests = new Map<string, Manifest>(
  readdirSync(K8S)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .map((file) => {
      const documents = parseAllDocuments(readFileSync(join(K8S, file), 'utf8'));
      for (const document of documents) if (document.errors.length > 0) throw new Error(`${file}: ${document.errors[0].message}`);
      return [file, documents[0].toJSON() as Manifest];
    }),
);
const byKind = (kind: string) => [...manifests.values()].find((m) => m.kind === kind)!;

/** Every variable the gateway knows, read from its environment schema. */
const knownVariables = new Set([...readFileSync(join(ROOT, 'src/config/environment.ts'), 'utf8').matchAll(/^ {2}([A-Z][A-Z0-9_]+)[?!]?:/gm)].map((m) => m[1]));
const shutdownGraceMs = (config: Manifest) => Number(config.data.SHUTDOWN_GRACE_MS ?? 10000);

describe('Kubernetes manifests (deploy/kubernetes)', () => {
  it('are well-formed resources', () => {
    expect(manifests.size).toBeGreaterThanOrEqual(7);
    for (const [file, m] of manifests) {
      expect({ file, apiVersion: typeof m.apiVersion, kind: typeof m.kind, name: typeof m.metadata?.name }).toEqual({ file, apiVersion: 'string', kind: 'string', name: 'string' });
    }
  });

  it('list every manifest in the kustomization, and only files that exist', () => {
    const kustomization = parse(readFileSync(join(K8S, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    for (const resource of kustomization.resources) expect(existsSync(join(K8S, resource))).toBe(true);
    const expected = [...manifests.keys()].filter((f) => f !== 'secret.example.yaml').sort();
    expect([...kustomization.resources].sort()).toEqual(expected);
  });

  describe('the Deployment', () => {
    const deployment = byKind('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const port = container.ports.find((p: { name: string }) => p.name === 'http');

    it('probes /healthz for liveness and /readyz for readiness on the container port', () => {
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(port.containerPort).toBe(3000);
    });

    it('runs as non-root with a read-only root filesystem and no capabilities', () => {
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    });

    it('sets resource requests and limits', () => {
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    });

    it('mounts the Zenlayer credentials from a Secret and points ZENLAYER_CREDENTIALS_FILE inside the mount', () => {
      const file = container.env.find((e: { name: string }) => e.name === 'ZENLAYER_CREDENTIALS_FILE').value as string;
      const mount = container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
      expect(mount).toMatchObject({ name: expect.any(String), readOnly: true });
      const volume = pod.volumes.find((v: { name: string }) => v.name === mount.name);
      expect(volume.secret.secretName).toBe(byKind('Secret').metadata.name);
      expect(volume.secret.items.map((i: { path: string }) => i.path)).toContain(file.slice(mount.mountPath.length + 1));
    });

    it('gives the drain more time than SHUTDOWN_GRACE_MS before the pod is killed', () => {
      expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(shutdownGraceMs(byKind('ConfigMap')) + 5000);
    });

    it('only sets variables the gateway knows', () => {
      const names = [...Object.keys(byKind('ConfigMap').data), ...container.env.map((e: { name: string }) => e.name)];
      expect(names.filter((n) => !knownVariables.has(n))).toEqual([]);
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

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
  const gateways = Object.entries(compose.services).filter(([, s]) => (s.command ?? []).length === 0 && s.build);

  it('runs two gateway replicas, the simulator and Redis', () => {
    expect(gateways.map(([name]) => name).sort()).toEqual(['gateway-1', 'gateway-2']);
    expect(compose.services.simulator.command).toEqual(['node', 'dist/simulator/main']);
    expect(compose.services.redis.image).toMatch(/^redis/);
  });

  it('wires the replicas to the simulator and one Redis, with variables the gateway knows', () => {
    for (const [, gateway] of gateways) {
      expect(gateway.environment).toMatchObject({ ZENLAYER_BASE_URL: 'http://simulator:8090', REDIS_URL: 'redis://redis:6379' });
      expect(Object.keys(gateway.environment).filter((n) => !knownVariables.has(n))).toEqual([]);
      expect(gateway.depends_on).toMatchObject({ simulator: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

  it('builds in stages and runs the compiled gateway as a non-root user with a health check', () => {
    expect(dockerfile.match(/^FROM /gm)!.length).toBeGreaterThan(1);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "dist\/main"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*/m);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
  });
});
