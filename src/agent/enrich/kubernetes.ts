/**
 * In-cluster enrichment: watches pods, Services, namespaces and nodes through the Kubernetes
 * API with @kubernetes/client-node informers (list, then watch, re-listing after errors) and
 * keeps the TopologyIndex current. The client library is loaded only when this is used, so the
 * agent starts without it outside a cluster.
 */
import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import { namespaceFromObject, nodeFromObject, podFromObject, serviceFromObject } from './topology-file.js';
import type { TopologyIndex } from './topology.js';

/** Options of {@link KubernetesWatcher}. */
export interface KubernetesWatcherOptions {
  /** A kubeconfig file; default: in-cluster service account, else ~/.kube/config or $KUBECONFIG. */
  kubeconfig?: string;
  /** Delay before an informer that failed is restarted. */
  restartDelayMs?: number;
  onError?: (msg: string) => void;
  /** Called after the initial list of every resource has arrived. */
  onSynced?: () => void;
}

type Obj = Record<string, unknown>;
type Stoppable = { stop(): Promise<void> };

/** Watches the cluster and feeds the index. */
export class KubernetesWatcher {
  private readonly informers: Stoppable[] = [];
  private stopped = false;
  private synced = 0;
  /** Events applied, for status output. */
  events = 0;

  constructor(
    private readonly index: TopologyIndex,
    private readonly opts: KubernetesWatcherOptions = {},
  ) {}

  /** Starts the four informers; resolves once they have started their first list. */
  async start(): Promise<void> {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    if (this.opts.kubeconfig) kc.loadFromFile(this.opts.kubeconfig);
    else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else kc.loadFromDefault();
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const idx = this.index;
    const name = (o: KubernetesObject) => ({
      ns: o.metadata?.namespace ?? 'default',
      name: o.metadata?.name ?? '',
    });
    const specs: Array<{
      path: string;
      list: () => Promise<KubernetesListObject<KubernetesObject>>;
      up: (o: Obj) => void;
      del: (o: KubernetesObject) => void;
    }> = [
      {
        path: '/api/v1/namespaces',
        list: () => core.listNamespace() as never,
        up: (o) => {
          const n = namespaceFromObject(o);
          if (n) idx.upsertNamespace(n);
        },
        del: (o) => idx.deleteNamespace(name(o).name),
      },
      {
        path: '/api/v1/nodes',
        list: () => core.listNode() as never,
        up: (o) => {
          const n = nodeFromObject(o);
          if (n) idx.upsertNode(n);
        },
        del: (o) => idx.deleteNode(name(o).name),
      },
      {
        path: '/api/v1/pods',
        list: () => core.listPodForAllNamespaces() as never,
        up: (o) => {
          const p = podFromObject(o);
          if (p) idx.upsertPod(p);
        },
        del: (o) => idx.deletePod(name(o).ns, name(o).name),
      },
      {
        path: '/api/v1/services',
        list: () => core.listServiceForAllNamespaces() as never,
        up: (o) => {
          const s = serviceFromObject(o);
          if (s) idx.upsertService(s);
        },
        del: (o) => idx.deleteService(name(o).ns, name(o).name),
      },
    ];
    for (const s of specs) {
      const inf = k8s.makeInformer(kc, s.path, s.list);
      const apply = (o: KubernetesObject) => {
        this.events++;
        s.up(o as unknown as Obj);
      };
      let first = true;
      inf.on('add', apply);
      inf.on('update', apply);
      inf.on('delete', (o) => {
        this.events++;
        s.del(o);
      });
      inf.on('connect', () => {
        if (first) {
          first = false;
          if (++this.synced === specs.length) this.opts.onSynced?.();
        }
      });
      inf.on('error', (err) => {
        this.opts.onError?.(
          `kubernetes watch ${s.path}: ${err instanceof Error ? err.message : String(err)}`,
        );
        if (this.stopped) return;
        setTimeout(() => {
          if (!this.stopped) inf.start().catch(() => {});
        }, this.opts.restartDelayMs ?? 5000).unref();
      });
      this.informers.push(inf);
      await inf
        .start()
        .catch((err: unknown) =>
          this.opts.onError?.(
            `kubernetes list ${s.path}: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
    }
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop().catch(() => {})));
  }
}
