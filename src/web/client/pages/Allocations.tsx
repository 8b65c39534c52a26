import { useState } from 'react';
import { api } from '../api.ts';
import { useLiveData } from '../live.ts';
import type { Allocation, Retailer } from '../types.ts';
import { Badge, Empty, fmt, Page, when } from '../ui.tsx';

export function AllocationsPage(props: { admin: boolean }) {
  const [q, setQ] = useState('');
  const [retailerId, setRetailerId] = useState(new URLSearchParams(location.search).get('retailer') ?? '');
  const retailers = useLiveData(() => (props.admin ? api.get<{ retailers: Retailer[] }>('/web/api/stores') : Promise.resolve({ retailers: [] as Retailer[] })), [props.admin], []);
  const need = props.admin && !retailerId;
  const { data, error } = useLiveData(
    () => (need ? Promise.resolve(undefined) : api.get<{ retailer: Retailer; allocations: Allocation[] }>(
      `/web/api/allocations?q=${encodeURIComponent(q)}${props.admin ? `&retailerId=${encodeURIComponent(retailerId)}` : ''}`)),
    [q, retailerId, need]);
  return (
    <Page title={data?.retailer ? `Allocations: ${data.retailer.name}` : 'Allocations'} error={error}>
      <div className="toolbar" role="search">
        {props.admin ? (
          <label>Retailer
            <select value={retailerId} onChange={(e) => setRetailerId(e.target.value)}>
              <option value="">Choose…</option>
              {retailers.data?.retailers.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          </label>
        ) : null}
        <label htmlFor="alloc-search">Search SKU</label>
        <input id="alloc-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {need ? <Empty>Choose a retailer to see what its stores are shown.</Empty> : !data ? <p className="loading">Loading…</p> : data.allocations.length === 0 ? <Empty>No allocations yet.</Empty> : (
        <div className="table-wrap"><table>
          <caption className="sr-only">Quantity each store is allocated per SKU</caption>
          <thead><tr><th scope="col">SKU</th><th scope="col">Store</th><th scope="col" className="num">Allocated</th><th scope="col" className="num">Store shows</th><th scope="col">Confirmed at</th></tr></thead>
          <tbody>
            {data.allocations.map((a) => (
              <tr key={`${a.store_id}/${a.sku}`} data-sku={a.sku} data-store={a.store_id}>
                <th scope="row">{a.sku}<div className="muted small">{a.name ?? ''}</div></th>
                <td>{a.store_name} <span className="muted small">{a.platform}</span></td>
                <td className="num">{fmt(a.desired)}</td>
                <td className="num">{fmt(a.confirmed)} {a.confirmed !== a.desired ? <Badge tone="warn">updating</Badge> : null}</td>
                <td>{when(a.confirmed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
    </Page>
  );
}
