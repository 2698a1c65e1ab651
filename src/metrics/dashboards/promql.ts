/** PromQL fragments shared by the dashboards. */

/** Selector of the cluster and node variables (`cluster` from the scrape config, `instance` = node). */
export const SEL = 'cluster="$cluster", instance=~"$Nodes"';

/** Grafana's rate window. */
export const RI = '$__rate_interval';

/** `metric{SEL, extra}`. */
export function sel(metric: string, extra = ''): string {
  return `${metric}{${SEL}${extra ? `, ${extra}` : ''}}`;
}

/** `rate(metric{SEL, extra}[window])`. */
export function rate(metric: string, extra = '', window = RI): string {
  return `rate(${sel(metric, extra)}[${window}])`;
}

/** `sum by (labels) (rate(...))`, or `sum(rate(...))` without labels. */
export function sumRate(metric: string, extra = '', by = '', window = RI): string {
  return `sum${by ? ` by (${by})` : ''} (${rate(metric, extra, window)})`;
}

/** Copies the pod part of `source`/`destination` into a `pod` label. */
export function asPod(expr: string, from: 'source' | 'destination'): string {
  return `label_replace(${expr}, "pod", "$1", "${from}", "(.+)")`;
}

/** Extracts the namespace (before `/`) of `source`/`destination` into `namespace`. */
export function asNamespace(expr: string, from: 'source' | 'destination'): string {
  return `label_replace(${expr}, "namespace", "$1", "${from}", "([^/]+)/.*")`;
}
