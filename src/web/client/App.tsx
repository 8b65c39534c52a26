import { useEffect, useState, type FormEvent } from 'react';
import { currentSession, setUnauthorizedHandler, signIn, signOut, type Principal } from './api.ts';
import { startLive, stopLive, useLiveStatus } from './live.ts';
import { Link, navigate, useLocation } from './router.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { SkusPage } from './pages/Skus.tsx';
import { SkuDetailPage } from './pages/SkuDetail.tsx';
import { RulesPageView } from './pages/Rules.tsx';
import { StoresPage } from './pages/Stores.tsx';
import { ConflictsPage } from './pages/Conflicts.tsx';
import { AllocationsPage } from './pages/Allocations.tsx';

const ADMIN_NAV = [
  ['/', 'Overview'], ['/skus', 'SKUs'], ['/rules', 'Rules'], ['/stores', 'Retailers & stores'], ['/conflicts', 'Conflicts'],
] as const;
const RETAILER_NAV = [['/', 'Overview'], ['/allocations', 'My allocations'], ['/stores', 'My stores'], ['/conflicts', 'Conflicts']] as const;

export function App() {
  const [principal, setPrincipal] = useState<Principal | null | undefined>(undefined);

  useEffect(() => {
    setUnauthorizedHandler(() => { stopLive(); setPrincipal(null); });
    void currentSession().then(setPrincipal);
  }, []);
  useEffect(() => {
    if (principal) startLive();
  }, [principal]);

  if (principal === undefined) return <p className="loading" aria-live="polite">Loading…</p>;
  if (principal === null) return <SignIn onSignedIn={setPrincipal} />;
  return <Shell principal={principal} onSignOut={async () => { await signOut().catch(() => {}); stopLive(); setPrincipal(null); navigate('/'); }} />;
}

function SignIn(props: { onSignedIn: (p: Principal) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(await signIn(key));
      setKey('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="signin">
      <form onSubmit={submit} className="card" aria-labelledby="signin-title">
        <h1 id="signin-title">dropsync</h1>
        <p>Sign in with a supplier admin key (<code>dsk_…</code>) or a retailer token (<code>dsr_…</code>).</p>
        <label htmlFor="key">Key or token</label>
        <input id="key" name="key" type="password" autoComplete="current-password" value={key} onChange={(e) => setKey(e.target.value)} required autoFocus />
        {error ? <p className="error" role="alert">{error}</p> : null}
        <button type="submit" disabled={busy || key.trim().length === 0}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}

function Shell(props: { principal: Principal; onSignOut: () => void }) {
  const { path, query } = useLocation();
  const live = useLiveStatus();
  const admin = props.principal.kind === 'admin';
  const nav = admin ? ADMIN_NAV : RETAILER_NAV;
  const active = (href: string) => (href === '/' ? path === '/' : path === href || path.startsWith(href + '/'));
  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand">dropsync</span>
        <nav aria-label="Main">
          <ul>
            {nav.map(([href, label]) => (
              <li key={href}><Link href={href} aria-current={active(href) ? 'page' : undefined}>{label}</Link></li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className={`live ${live}`} role="status" title="Live updates">{live === 'live' ? '● live' : live === 'connecting' ? '○ connecting' : '○ offline'}</span>
          <span className="muted">{admin ? 'Supplier' : 'Retailer'}: {props.principal.name ?? (admin ? props.principal.supplierId : props.principal.retailerId)}</span>
          <button type="button" className="secondary" onClick={props.onSignOut}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {/* Keyed by the full URL so a page opened with different query parameters starts afresh. */}
        <Route key={path + query.toString()} path={path} admin={admin} />
      </main>
    </div>
  );
}

function Route(props: { path: string; admin: boolean }) {
  const p = props.path;
  if (p === '/') return <OverviewPage admin={props.admin} />;
  if (p === '/stores') return <StoresPage admin={props.admin} />;
  if (p === '/conflicts' || p.startsWith('/conflicts/')) return <ConflictsPage selected={p.startsWith('/conflicts/') ? decodeURIComponent(p.slice(11)) : null} />;
  if (p === '/allocations') return <AllocationsPage admin={props.admin} />;
  if (props.admin) {
    if (p === '/skus') return <SkusPage />;
    if (p.startsWith('/skus/')) return <SkuDetailPage sku={decodeURIComponent(p.slice(6))} />;
    if (p === '/rules') return <RulesPageView />;
  }
  return <section className="page"><h1>Not found</h1><p><Link href="/">Back to the overview</Link></p></section>;
}
