import { NavLink, Route, Routes, Navigate } from 'react-router-dom';

/** Stable routes of the UI (the browser suite visits every one). */
export const ROUTES = [
  { path: '/dashboards/clusters', title: 'Clusters' },
  { path: '/dashboards/dns-cluster', title: 'DNS (Cluster)' },
  { path: '/dashboards/dns-workload', title: 'DNS (Workload)' },
  { path: '/dashboards/drops-workload', title: 'Drops (Workload)' },
  { path: '/dashboards/pod-flows-namespace', title: 'Pod Flows (Namespace)' },
  { path: '/dashboards/pod-flows-workload', title: 'Pod Flows (Workload)' },
  { path: '/dashboards/l7-namespace', title: 'L7 Flows (Namespace)' },
  { path: '/dashboards/l7-workload', title: 'L7 Flows (Workload)' },
  { path: '/service-map', title: 'Service map' },
  { path: '/flows', title: 'Flows' },
  { path: '/diagnosis', title: 'Diagnosis' },
] as const;

export function App() {
  return (
    <div className="app">
      <nav>
        {ROUTES.map((r) => (
          <NavLink key={r.path} to={r.path}>
            {r.title}
          </NavLink>
        ))}
      </nav>
      <main>
        <Routes>
          <Route path="/" element={<Navigate to="/dashboards/clusters" replace />} />
          {ROUTES.map((r) => (
            <Route key={r.path} path={r.path} element={<h1>{r.title}</h1>} />
          ))}
        </Routes>
      </main>
    </div>
  );
}
