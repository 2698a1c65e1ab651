/**
 * The shell: navigation, the honesty bar (connection, store span, lost flows, nodes), the token
 * prompt, and the routes. Every route is stable; state lives in the URL.
 */
import { lazy, Suspense } from 'react';
import { NavLink, Navigate, Route, Routes, useParams } from 'react-router-dom';
import { StatusBar } from './components/StatusBar';
import { TokenPrompt } from './components/TokenPrompt';
import { dashboardById, DASHBOARDS } from './model/dashboards';
import { DashboardPage } from './pages/DashboardPage';
import { DiagnosisPage } from './pages/DiagnosisPage';

// The map (Cytoscape) and the flows explorer load on demand: dashboards start faster.
const ServiceMapPage = lazy(() =>
  import('./pages/ServiceMapPage').then((m) => ({ default: m.ServiceMapPage })),
);
const FlowsPage = lazy(() => import('./pages/FlowsPage').then((m) => ({ default: m.FlowsPage })));
import { useConnectionMonitor } from './state/connection-monitor';

/** Stable routes of the UI (the browser suite visits every one). */
export const ROUTES = [
  ...DASHBOARDS.map((d) => ({ path: d.path, title: d.title })),
  { path: '/service-map', title: 'Service map' },
  { path: '/flows', title: 'Flows' },
  { path: '/diagnosis', title: 'Diagnosis' },
] as const;

function DashboardRoute() {
  const { id = '' } = useParams();
  const def = dashboardById(id);
  if (!def) return <div className="panel-msg">No dashboard “{id}”.</div>;
  return <DashboardPage key={def.id} def={def} />;
}

export function App() {
  useConnectionMonitor();
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">flowlens</div>
        <div className="nav-group">Dashboards</div>
        {DASHBOARDS.map((d) => (
          <NavLink key={d.path} to={d.path}>
            {d.title}
          </NavLink>
        ))}
        <div className="nav-group">Explore</div>
        <NavLink to="/service-map">Service map</NavLink>
        <NavLink to="/flows">Flows</NavLink>
        <NavLink to="/diagnosis">Diagnosis</NavLink>
      </nav>
      <div className="content">
        <StatusBar />
        <main>
          <Suspense fallback={<div className="panel-msg">Loading…</div>}>
            <Routes>
              <Route path="/" element={<Navigate to="/dashboards/clusters" replace />} />
              <Route path="/dashboards/:id" element={<DashboardRoute />} />
              <Route path="/service-map" element={<ServiceMapPage />} />
              <Route path="/flows" element={<FlowsPage />} />
              <Route path="/diagnosis" element={<DiagnosisPage />} />
              <Route path="*" element={<div className="panel-msg">Not found.</div>} />
            </Routes>
          </Suspense>
        </main>
      </div>
      <TokenPrompt />
    </div>
  );
}
