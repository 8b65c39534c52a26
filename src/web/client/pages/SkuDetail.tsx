import { useMemo } from 'react';
import { api } from '../api.ts';
import { LineChart, type Series } from '../chart.tsx';
import { useLiveData } from '../live.ts';
import { Link } from '../router.tsx';
import type { SkuPage } from '../types.ts';
import { Badge, Empty, fmt, Page, when } from '../ui.tsx';

function ruleText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v !== 'object') return String(v);
  return Object.entries(v as Record<string, unknown>).map(([k, x]) => (x === true ? k : `${k} ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)).join(', ');
}

export function SkuDetailPage(props: { sku: string }) {
  const { data, error } = useLiveData(() => api.get<SkuPage>(`/web/api/skus/${encodeURIComponent(props.sku)}`), [props.sku]);
  const chart = useMemo(() => {
    if (!data) return { labels: [] as string[], series: [] as Series[] };
    const lines = [...data.ledger].reverse();
    return {
      labels: lines.map((l) => l.at.slice(5, 19).replace('T', ' ')),
      series: [
        { label: 'on hand', color: '#2563eb', stepped: true, data: lines.map((l) => l.on_hand) },
        { label: 'committed', color: '#d97706', stepped: true, data: lines.map((l) => l.committed) },
        { label: 'held', color: '#7c3aed', stepped: true, data: lines.map((l) => l.held) },
        { label: 'atp', color: '#059669', stepped: true, dashed: true, data: lines.map((l) => l.atp) },
      ] as Series[],
    };
  }, [data]);

  const steps = data ? [
    ['On hand', data.onHand, 'shared locations'], ['− committed', data.committed, 'accepted orders'], ['− held', data.held, 'active holds'],
    ['= ATP', data.atp, 'available to promise'], ['− own reserve', data.ownReserve, ruleText(data.rulesApplied.own_reserve?.value)],
    ['= after reserve', data.afterReserve, ''], ['− buffer', data.buffer, data.bufferPercent !== undefined ? `${data.bufferPercent}%` : ruleText(data.rulesApplied.buffer?.value)],
    ['= pool', data.pool, `shared by retailers (${data.strategy})`],
  ] as const : [];

  return (
    <Page title={`SKU ${props.sku}`} error={error} actions={<>
      <Link href={`/rules?scope=sku&key=${encodeURIComponent(props.sku)}`}>Edit this SKU's rules</Link>{' · '}
      <Link href="/skus">All SKUs</Link>
    </>}>
      {!data ? <p className="loading">Loading…</p> : (
        <>
          <p className="muted">{[data.name, data.category && `category ${data.category}`, `velocity ${fmt(data.velocity, 2)}/day`].filter(Boolean).join(' · ')}
            {data.deactivated ? <> <Badge tone="bad">deactivated: {data.deactivatedReason === 'not_viable' ? 'buffer table says not viable' : `atp below threshold ${data.threshold}`}</Badge></> : null}
          </p>
          <div className="grid2">
            <div className="card">
              <h2>Quantities</h2>
              <table className="steps">
                <tbody>
                  {steps.map(([label, value, note]) => (
                    <tr key={label}><th scope="row">{label}</th><td className="num" data-q={label}>{fmt(value)}</td><td className="muted small">{note}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="card">
              <h2>Buffer</h2>
              <p>In force: <strong>{fmt(data.buffer)} units</strong>{data.bufferPercent !== undefined ? ` (${data.bufferPercent}%)` : ''}
                {data.rulesApplied.buffer ? <span className="muted"> — {data.rulesApplied.buffer.scope} rule: {ruleText(data.rulesApplied.buffer.value)}</span> : <span className="muted"> — no buffer rule</span>}</p>
              <h3>Recommendation</h3>
              <p className="small">Formula: velocity {fmt(data.velocity, 2)}/day × delay {fmt(data.delaySeconds, 1)} s ÷ stock {fmt(Math.max(0, data.atp))} =
                {' '}{fmt(data.advice.formulaPercent, 3)}% → rounded up to <strong>{data.advice.roundedPercent}%</strong> = {fmt(data.advice.bufferUnits)} units.</p>
              <table>
                <thead><tr><th scope="col">Method</th><th scope="col" className="num">Buffer %</th><th scope="col" className="num">Units</th><th scope="col" className="num">Shown</th></tr></thead>
                <tbody>
                  <tr><th scope="row">Formula (rounded to 5%)</th><td className="num">{data.advice.roundedPercent}%</td><td className="num">{fmt(data.advice.bufferUnits)}</td><td className="num">{fmt(data.advice.shown)}</td></tr>
                  <tr><th scope="row">Table ({data.advice.velocityClass} × {data.advice.syncClass})</th>
                    <td className="num">{data.advice.tablePercent === null ? 'not viable' : `${data.advice.tablePercent}%`}</td>
                    <td className="num">{fmt(data.advice.tableBufferUnits)}</td><td className="num">{fmt(data.advice.tableShown)}</td></tr>
                </tbody>
              </table>
            </div>
          </div>

          <h2>Per store</h2>
          {data.stores.length === 0 ? <Empty>Not listed in any store.</Empty> : (
            <div className="table-wrap"><table>
              <thead><tr><th scope="col">Store</th><th scope="col" className="num">Shown (desired)</th><th scope="col" className="num">Confirmed</th><th scope="col">Confirmed at</th><th scope="col">Last error</th></tr></thead>
              <tbody>
                {data.stores.map((s) => (
                  <tr key={s.store_id} data-store={s.store_id}>
                    <th scope="row">{s.store_name}</th><td className="num">{fmt(s.desired)}</td>
                    <td className="num">{fmt(s.confirmed)} {s.confirmed !== s.desired ? <Badge tone="warn">pending</Badge> : null}</td>
                    <td>{when(s.confirmed_at)}</td><td className="small">{s.last_error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}

          <h2>Quantities over time</h2>
          {chart.labels.length < 2 ? <Empty>Not enough history yet.</Empty> : <LineChart title={`Quantities of ${data.sku} over time`} labels={chart.labels} series={chart.series} yLabel="units" />}

          <h2>Ledger</h2>
          {data.ledger.length === 0 ? <Empty>No ledger lines.</Empty> : (
            <div className="table-wrap"><table className="dense">
              <thead><tr><th scope="col">At</th><th scope="col">Kind</th><th scope="col">Ref</th><th scope="col">Location</th>
                <th scope="col" className="num">Δ on hand</th><th scope="col" className="num">Δ committed</th><th scope="col" className="num">Δ held</th>
                <th scope="col" className="num">On hand</th><th scope="col" className="num">Committed</th><th scope="col" className="num">Held</th><th scope="col" className="num">ATP</th></tr></thead>
              <tbody>
                {data.ledger.map((l) => (
                  <tr key={l.id}>
                    <td>{when(l.at)}</td><td>{l.kind}</td><td className="small">{l.ref ?? ''}</td><td>{l.location_id ?? ''}</td>
                    <td className="num">{l.delta_on_hand || ''}</td><td className="num">{l.delta_committed || ''}</td><td className="num">{l.delta_held || ''}</td>
                    <td className="num">{l.on_hand}</td><td className="num">{l.committed}</td><td className="num">{l.held}</td><td className={`num ${l.atp < 0 ? 'neg' : ''}`}>{l.atp}</td>
                  </tr>
                ))}
              </tbody>
            </table></div>
          )}
        </>
      )}
    </Page>
  );
}
