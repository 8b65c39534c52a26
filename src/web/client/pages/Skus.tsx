import { useEffect, useState } from 'react';
import { api } from '../api.ts';
import { useLiveData } from '../live.ts';
import { Link } from '../router.tsx';
import type { SkuListItem } from '../types.ts';
import { Badge, Empty, fmt, Page } from '../ui.tsx';

export function SkusPage() {
  const [q, setQ] = useState(new URLSearchParams(location.search).get('q') ?? '');
  const [search, setSearch] = useState(q);
  useEffect(() => {
    const t = setTimeout(() => setSearch(q.trim()), 200);
    return () => clearTimeout(t);
  }, [q]);
  const { data, error } = useLiveData(
    () => api.get<{ skus: SkuListItem[] }>(`/web/api/skus?limit=200&q=${encodeURIComponent(search)}`), [search]);

  return (
    <Page title="SKUs" error={error}>
      <div className="toolbar" role="search">
        <label htmlFor="sku-search">Search</label>
        <input id="sku-search" type="search" placeholder="SKU, name or category" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {data && data.skus.length === 200 ? <p className="muted small">Showing the first 200 SKUs; search to narrow down.</p> : null}
      {!data ? <p className="loading">Loading…</p> : data.skus.length === 0 ? <Empty>No SKUs match.</Empty> : (
        <div className="table-wrap">
          <table className="dense">
            <caption className="sr-only">SKU quantities in the order they are computed</caption>
            <thead>
              <tr>
                <th scope="col">SKU</th>
                <th scope="col" className="num">On hand</th><th scope="col" className="num">Committed</th><th scope="col" className="num">Held</th>
                <th scope="col" className="num">ATP</th><th scope="col" className="num">Reserve</th><th scope="col" className="num">Buffer</th>
                <th scope="col" className="num">Pool</th><th scope="col">Strategy</th><th scope="col">Per store: shown / confirmed</th>
              </tr>
            </thead>
            <tbody>
              {data.skus.map((s) => (
                <tr key={s.sku} data-sku={s.sku}>
                  <th scope="row">
                    <Link href={`/skus/${encodeURIComponent(s.sku)}`}>{s.sku}</Link>
                    <div className="muted small">{[s.name, s.category].filter(Boolean).join(' · ')}</div>
                    {!s.listed ? <Badge tone="warn">unlisted</Badge> : null}
                    {s.deactivated ? <Badge tone="bad">deactivated</Badge> : null}
                  </th>
                  <td className="num">{fmt(s.onHand)}</td>
                  <td className="num">{fmt(s.committed)}</td>
                  <td className="num">{fmt(s.held)}</td>
                  <td className={`num ${s.atp < 0 ? 'neg' : ''}`}>{fmt(s.atp)}</td>
                  <td className="num">{fmt(s.ownReserve)}</td>
                  <td className="num">{fmt(s.buffer)}{s.bufferPercent !== undefined ? <span className="muted small"> ({s.bufferPercent}%)</span> : null}</td>
                  <td className="num">{fmt(s.pool)}</td>
                  <td>{s.strategy}</td>
                  <td>
                    <ul className="chips">
                      {s.stores.map((st) => (
                        <li key={st.storeId} className={st.confirmed === st.desired ? 'chip' : 'chip pending'} data-store={st.storeId}
                          title={st.confirmed === st.desired ? 'confirmed by the store' : 'push pending'}>
                          {st.storeName}: <strong>{fmt(st.desired)}</strong> / {fmt(st.confirmed)}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
