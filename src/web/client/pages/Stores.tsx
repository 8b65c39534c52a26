import { useState, type FormEvent } from 'react';
import { api, ApiError, v1 } from '../api.ts';
import { useLiveData } from '../live.ts';
import { Link } from '../router.tsx';
import type { MappingProblem, Retailer, StoreView } from '../types.ts';
import { Badge, Empty, fmt, healthTone, money, Page, plural, when } from '../ui.tsx';

interface StoresData { stores: StoreView[]; problems: MappingProblem[]; retailers: Retailer[] }

const errText = (err: unknown) => (err instanceof ApiError && err.field ? `${err.field}: ${err.message}` : (err as Error).message);

export function StoresPage(props: { admin: boolean }) {
  const { data, error, reload } = useLiveData(() => api.get<StoresData>('/web/api/stores'), []);
  const [msg, setMsg] = useState<string>();

  const togglePause = async (s: StoreView) => {
    setMsg(undefined);
    try {
      await api.post(v1(`/stores/${encodeURIComponent(s.id)}/${s.paused ? 'resume' : 'pause'}`));
      reload();
    } catch (err) { setMsg(errText(err)); }
  };

  return (
    <Page title={props.admin ? 'Retailers & stores' : 'My stores'} error={error ?? msg}>
      {!data ? <p className="loading">Loading…</p> : (
        <>
          {data.retailers.map((r) => {
            const stores = data.stores.filter((s) => s.retailerId === r.id);
            return (
              <section key={r.id} className="card" aria-labelledby={`r-${r.id}`} data-retailer={r.id}>
                <header className="page-head">
                  <h2 id={`r-${r.id}`}>{r.name}</h2>
                  <span className="muted small">on conflict: {r.conflict_action} · apology discount {money(Number(r.discount_value))} · oversell cost {money(Number(r.oversell_cost))}</span>
                  {props.admin ? <Link href={`/allocations?retailer=${encodeURIComponent(r.id)}`}>Allocations</Link> : <Link href="/allocations">My allocations</Link>}
                </header>
                {stores.length === 0 ? <Empty>No stores.</Empty> : (
                  <div className="table-wrap"><table>
                    <thead><tr><th scope="col">Store</th><th scope="col">Platform</th><th scope="col">Health</th><th scope="col" className="num">Listings</th>
                      <th scope="col" className="num">Queue</th><th scope="col">Last push</th><th scope="col">Mapping</th>{props.admin ? <th scope="col">Sync</th> : null}</tr></thead>
                    <tbody>
                      {stores.map((s) => {
                        const problems = data.problems.filter((p) => p.store_id === s.id);
                        return (
                          <tr key={s.id} data-store={s.id}>
                            <th scope="row">{s.name}<div className="muted small">{s.id}</div></th>
                            <td>{s.platform}</td>
                            <td><Badge tone={healthTone(s.health)} title={s.lastError ?? undefined}>{s.health}</Badge>{s.paused ? <> <Badge tone="muted">paused</Badge></> : null}</td>
                            <td className="num">{fmt(s.listings)}</td>
                            <td className="num">{fmt(s.queueDepth)}</td>
                            <td>{when(s.lastPushAt)}</td>
                            <td>{problems.length === 0 ? <Badge tone="good">ok</Badge> : (
                              <details><summary>{problems.length} unmapped</summary><ul className="small">{problems.slice(0, 50).map((p) => <li key={p.sku}>{p.sku}</li>)}</ul></details>
                            )}</td>
                            {props.admin ? <td><button type="button" className="secondary" onClick={() => togglePause(s)}>{s.paused ? 'Resume' : 'Pause'}</button></td> : null}
                          </tr>
                        );
                      })}
                    </tbody>
                  </table></div>
                )}
              </section>
            );
          })}
          {data.retailers.length === 0 ? <Empty>No retailers yet.</Empty> : null}
          {props.admin ? <CatalogueProblems problems={data.problems.filter((p) => p.store_id === null)} /> : null}
          {props.admin ? <ConnectStore retailers={data.retailers} onDone={reload} /> : null}
        </>
      )}
    </Page>
  );
}

function CatalogueProblems(props: { problems: MappingProblem[] }) {
  if (props.problems.length === 0) return null;
  return (
    <section className="card" aria-labelledby="cat-problems">
      <h2 id="cat-problems">SKU mapping problems</h2>
      <p className="muted small">Matching is exact after trimming; near-matches are reported here, never merged.</p>
      <ul>{props.problems.map((p) => <li key={p.kind + p.sku}><Badge tone="warn">{p.kind === 'duplicate' ? 'duplicate' : 'case/whitespace'}</Badge> {p.detail}</li>)}</ul>
    </section>
  );
}

interface ConnectResult {
  storeId: string; found: number; created: number;
  problems: { sku: string; kind: string; detail: string; externalIds?: string[] }[];
  webhooks: { topic: string; ok: boolean; error?: string }[];
}

const PROBLEM_LABEL: Record<string, string> = { missing: 'missing', duplicate: 'duplicate', case_mismatch: 'case/whitespace', other: 'other' };

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function ConnectStore(props: { retailers: Retailer[]; onDone: () => void }) {
  const [platform, setPlatform] = useState<'shopify' | 'woocommerce'>('shopify');
  const [retailerId, setRetailerId] = useState('');
  const [newRetailer, setNewRetailer] = useState('');
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [apiBase, setApiBase] = useState('');
  const [token, setToken] = useState('');
  const [secret, setSecret] = useState('');
  const [msg, setMsg] = useState<{ tone: 'error' | 'ok'; text: string }>();
  const [result, setResult] = useState<ConnectResult>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setMsg(undefined); setResult(undefined);
    try {
      let rid = retailerId;
      if (!rid) rid = (await api.post<{ id: string }>(v1('/retailers'), { name: newRetailer.trim() })).id;
      // WooCommerce signs webhooks with a secret we choose; Shopify with the app's secret, when given.
      const credentials: Record<string, string> = platform === 'shopify'
        ? { accessToken: token, ...(secret ? { webhookSecret: secret } : {}) }
        : { consumerKey: token, consumerSecret: secret, webhookSecret: randomSecret() };
      const config = platform === 'shopify'
        ? { shopDomain: address.trim(), ...(apiBase.trim() ? { baseUrl: apiBase.trim() } : {}) }
        : { baseUrl: address.trim() };
      const store = await api.post<{ id: string }>(v1('/stores'), { retailerId: rid, platform, name: name.trim(), config, credentials });
      setRetailerId(rid);
      setName(''); setToken(''); setSecret('');
      props.onDone();
      try {
        const r = await api.post<ConnectResult>(`/web/api/stores/${encodeURIComponent(store.id)}/connect`, { credentials });
        setResult(r);
        setMsg({ tone: 'ok', text: `Connected store ${store.id}: ${plural(r.found, 'SKU')} found, ${plural(r.created, 'listing')} created.` });
      } catch (err) {
        setMsg({ tone: 'error', text: `Store ${store.id} was created, but mapping its SKUs failed: ${errText(err)}` });
      }
      props.onDone();
    } catch (err) {
      setMsg({ tone: 'error', text: errText(err) });
    } finally { setBusy(false); }
  };

  return (
    <form className="card connect" onSubmit={submit} aria-labelledby="connect-title">
      <h2 id="connect-title">Connect a store</h2>
      <p className="muted small">dropsync finds each of your listed SKUs in the store, maps the exact matches and reports the rest. Nothing is merged by guesswork.</p>
      <div className="row">
        <label>Platform
          <select value={platform} onChange={(e) => setPlatform(e.target.value as 'shopify' | 'woocommerce')}>
            <option value="shopify">Shopify</option><option value="woocommerce">WooCommerce</option>
          </select>
        </label>
        <label>Retailer
          <select value={retailerId} onChange={(e) => setRetailerId(e.target.value)}>
            <option value="">New retailer…</option>
            {props.retailers.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        {retailerId === '' ? <label>New retailer name <input value={newRetailer} onChange={(e) => setNewRetailer(e.target.value)} required /></label> : null}
        <label>Store name <input value={name} onChange={(e) => setName(e.target.value)} required /></label>
        <label>{platform === 'shopify' ? 'Shop domain' : 'Store URL'}
          <input value={address} onChange={(e) => setAddress(e.target.value)} required placeholder={platform === 'shopify' ? 'example.myshopify.com' : 'https://shop.example.com'} />
        </label>
        {platform === 'shopify' ? (
          <label>API base URL (optional)
            <input value={apiBase} onChange={(e) => setApiBase(e.target.value)} placeholder="emulator or proxy" />
          </label>
        ) : null}
        <label>{platform === 'shopify' ? 'Admin API access token' : 'Consumer key'}
          <input type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} required />
        </label>
        <label>{platform === 'shopify' ? 'Webhook signing secret (optional)' : 'Consumer secret'}
          <input type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} required={platform === 'woocommerce'} />
        </label>
      </div>
      <div className="actions">
        <button type="submit" disabled={busy}>{busy ? 'Connecting…' : 'Connect store'}</button>
        {msg ? <span className={msg.tone === 'error' ? 'error' : 'ok'} role={msg.tone === 'error' ? 'alert' : 'status'}>{msg.text}</span> : null}
      </div>
      {result ? <ConnectReport result={result} /> : null}
    </form>
  );
}

function ConnectReport(props: { result: ConnectResult }) {
  const { problems, webhooks } = props.result;
  return (
    <section aria-labelledby="connect-report" className="connect-report">
      <h3 id="connect-report">Mapping report</h3>
      {problems.length === 0 ? <p><Badge tone="good">every listed SKU mapped</Badge></p> : (
        <div className="table-wrap"><table className="dense">
          <thead><tr><th scope="col">SKU</th><th scope="col">Problem</th><th scope="col">Detail</th></tr></thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={`${p.sku}/${i}`} data-problem={p.kind}>
                <th scope="row">{p.sku || '—'}</th>
                <td><Badge tone={p.kind === 'missing' ? 'muted' : 'warn'}>{PROBLEM_LABEL[p.kind] ?? p.kind}</Badge></td>
                <td className="small">{p.detail}{p.externalIds?.length ? ` (${p.externalIds.join(', ')})` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      {webhooks.length > 0 ? (
        <p className="small">Webhooks: {webhooks.map((w) => <span key={w.topic}><Badge tone={w.ok ? 'good' : 'bad'} title={w.error}>{w.topic}</Badge> </span>)}</p>
      ) : null}
    </section>
  );
}
