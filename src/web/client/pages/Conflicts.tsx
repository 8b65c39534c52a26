import { api } from '../api.ts';
import { useLiveData } from '../live.ts';
import { Link } from '../router.tsx';
import type { Conflict, ConflictOrder } from '../types.ts';
import { Badge, Empty, fmt, money, Page, plural, when } from '../ui.tsx';

const ACTION_TEXT: Record<string, string> = {
  cancel: 'order cancelled on the store, apology sent with a discount code',
  backorder: 'kept as a backorder and flagged',
  notify: 'retailer alerted only',
};

export function ConflictsPage(props: { selected: string | null }) {
  const { data, error } = useLiveData(() => api.get<{ conflicts: Conflict[] }>('/web/api/conflicts'), [], ['conflict', 'order']);
  const total = data?.conflicts.reduce((s, c) => s + Number(c.cost), 0) ?? 0;
  return (
    <Page title="Conflicts" error={error}>
      {props.selected ? <ConflictDetail id={props.selected} /> : null}
      {!data ? <p className="loading">Loading…</p> : data.conflicts.length === 0 ? <Empty>No conflicts: no order has lost a race for the last units.</Empty> : (
        <>
          <p className="muted">{plural(data.conflicts.length, 'conflict')}, {money(total)} recorded cost.</p>
          <div className="table-wrap"><table>
            <thead><tr><th scope="col">When</th><th scope="col">Order</th><th scope="col">Store</th><th scope="col">SKU</th><th scope="col" className="num">Short</th>
              <th scope="col">Action</th><th scope="col">Status</th><th scope="col" className="num">Cost</th></tr></thead>
            <tbody>
              {data.conflicts.map((c) => (
                <tr key={c.id} data-conflict={c.id} aria-selected={props.selected === c.id}>
                  <td>{when(c.created_at)}</td>
                  <th scope="row"><Link href={`/conflicts/${encodeURIComponent(c.id)}`}>{c.order_name ?? c.platform_order_id}</Link></th>
                  <td>{c.store_name ?? '—'}<div className="muted small">{c.retailer_name}</div></td>
                  <td>{c.sku}</td>
                  <td className="num">{fmt(c.short)}</td>
                  <td>{c.action}</td>
                  <td><Badge tone={c.status === 'done' ? 'good' : c.status === 'failed' ? 'bad' : 'warn'}>{c.status}</Badge></td>
                  <td className="num">{money(Number(c.cost))}</td>
                </tr>
              ))}
            </tbody>
          </table></div>
        </>
      )}
    </Page>
  );
}

function ConflictDetail(props: { id: string }) {
  const { data, error } = useLiveData(
    () => api.get<{ conflict: Conflict; orders: ConflictOrder[] }>(`/web/api/conflicts/${encodeURIComponent(props.id)}`), [props.id], ['conflict', 'order']);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!data) return <p className="loading">Loading…</p>;
  const c = data.conflict;
  return (
    <article className="card detail" aria-labelledby="conflict-title">
      <header className="page-head">
        <h2 id="conflict-title">Conflict on {c.sku}: order {c.order_name ?? c.platform_order_id}</h2>
        <Link href="/conflicts">Close</Link>
      </header>
      <dl className="facts">
        <dt>Store</dt><dd>{c.store_name ?? '—'} ({c.retailer_name ?? 'unknown retailer'})</dd>
        <dt>Units short</dt><dd>{fmt(c.short)}</dd>
        <dt>What was done</dt><dd>{c.action}: {ACTION_TEXT[c.action] ?? c.action} — <Badge tone={c.status === 'done' ? 'good' : c.status === 'failed' ? 'bad' : 'warn'}>{c.status}</Badge>{c.resolved_at ? ` at ${when(c.resolved_at)}` : ''}</dd>
        {c.code ? <><dt>Code sent</dt><dd><code>{c.code}</code>{c.email ? ` to ${c.email}` : ''}</dd></> : null}
        {c.detail ? <><dt>Detail</dt><dd>{c.detail}</dd></> : null}
        <dt>Cost</dt><dd>{money(Number(c.cost))}</dd>
        <dt>Order status</dt><dd>{c.order_status}</dd>
      </dl>
      <h3>Orders for {c.sku} around it (commit order)</h3>
      {data.orders.length === 0 ? <Empty>No orders found.</Empty> : (
        <div className="table-wrap"><table className="dense">
          <thead><tr><th scope="col">Committed</th><th scope="col">Order</th><th scope="col">Store</th><th scope="col" className="num">Qty</th><th scope="col" className="num">Accepted</th><th scope="col" className="num">Short</th><th scope="col">Status</th></tr></thead>
          <tbody>
            {data.orders.map((o) => (
              <tr key={o.id} className={o.losing ? 'losing' : ''}>
                <td>{when(o.committed_at)}</td><th scope="row">{o.name ?? o.platform_order_id}{o.losing ? <> <Badge tone="bad">lost the race</Badge></> : null}</th>
                <td>{o.store_name ?? '—'}</td><td className="num">{o.quantity}</td><td className="num">{o.accepted}</td><td className="num">{o.short || ''}</td><td>{o.status}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </article>
  );
}
