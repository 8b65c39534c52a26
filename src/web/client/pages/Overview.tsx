import { useMemo } from 'react';
import { api } from '../api.ts';
import { color, LineChart, type Series } from '../chart.tsx';
import { useLiveData } from '../live.ts';
import { Link } from '../router.tsx';
import type { Overview } from '../types.ts';
import { Badge, Empty, fmt, healthTone, money, ms, Page, plural, Stat, when } from '../ui.tsx';

const LEVEL_TONE = { 4: 'good', 3: 'info', 2: 'warn', 1: 'bad' } as const;

export function OverviewPage(props: { admin: boolean }) {
  const { data, error } = useLiveData(() => api.get<Overview>('/web/api/overview'), []);
  const chart = useMemo(() => {
    if (!data) return { labels: [] as string[], series: [] as Series[] };
    const labels = [...new Set(data.lagSeries.map((p) => p.minute))].sort();
    const names = new Map(data.stores.map((s) => [s.id, s.name]));
    const withLag = new Set(data.lagSeries.map((p) => p.store_id));
    const ids = data.stores.map((s) => s.id).filter((id) => withLag.has(id));
    const series: Series[] = ids.map((id, i) => ({
      label: `${names.get(id) ?? id} median`,
      color: color(i),
      data: labels.map((m) => data.lagSeries.find((p) => p.store_id === id && p.minute === m)?.p50 ?? null),
    }));
    return { labels: labels.map((l) => l.slice(11, 19)), series };
  }, [data]);

  return (
    <Page title="Overview" error={error}>
      {data ? (
        <>
          <div className="stats">
            <Stat label="Stores" value={fmt(data.stores.length)} hint={`${data.stores.filter((s) => s.health !== 'healthy').length} not healthy`} />
            <Stat label="Oversells this month" value={fmt(data.oversells.count)} hint={plural(data.oversells.units, 'unit short', 'units short')} tone={data.oversells.count > 0 ? 'bad' : 'good'} />
            <Stat label="Oversell cost this month" value={money(data.oversells.cost)} hint="recorded conflict costs" />
            {data.phantom ? (
              <Stat
                label="Phantom exposure now"
                value={`${fmt(data.phantom.exposureUnits, 2)} units`}
                hint={`${fmt(data.phantom.avgVelocity, 2)}/day × ${ms(data.phantom.worstDelayMs)} × ${fmt(data.phantom.sharedSkus)} SKUs`}
              />
            ) : null}
          </div>

          <h2>Stores</h2>
          {data.stores.length === 0 ? <Empty>No stores connected yet. <Link href="/stores">Connect one</Link>.</Empty> : (
            <div className="table-wrap">
              <table>
                <caption className="sr-only">Sync health per store</caption>
                <thead>
                  <tr>
                    <th scope="col">Store</th><th scope="col">Platform</th><th scope="col">Health</th><th scope="col">Sync level</th>
                    <th scope="col" className="num">Lag p50</th><th scope="col" className="num">Lag p99</th><th scope="col" className="num">Queue</th>
                    <th scope="col" className="num">Webhook delivery</th><th scope="col">Last push</th>
                  </tr>
                </thead>
                <tbody>
                  {data.stores.map((s) => (
                    <tr key={s.id} data-store={s.id}>
                      <th scope="row">{s.name}<div className="muted small">{s.retailerName}</div></th>
                      <td>{s.platform}</td>
                      <td>
                        <Badge tone={healthTone(s.health)} title={s.lastError ?? undefined}>{s.health}</Badge>
                        {s.paused ? <> <Badge tone="muted">paused</Badge></> : null}
                      </td>
                      <td>{s.syncLevel ? <Badge tone={LEVEL_TONE[s.syncLevel]}>{s.syncLevel} · {s.syncLevelName}</Badge> : <span className="muted">not measured</span>}</td>
                      <td className="num">{ms(s.lagP50Ms)}</td>
                      <td className="num">{ms(s.lagP99Ms)}</td>
                      <td className="num">{fmt(s.queueDepth)}</td>
                      <td className="num">{s.webhookDeliveryRate === null ? '—' : `${fmt(s.webhookDeliveryRate * 100, 1)}%`}</td>
                      <td>{when(s.lastPushAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2>Sync lag, last hour</h2>
          {chart.labels.length === 0 ? <Empty>No pushes in the last hour.</Empty> : (
            <LineChart title="Median sync lag per store, 10-second buckets, milliseconds" labels={chart.labels} series={chart.series} yLabel="ms" />
          )}
          <p className="muted small">Lag is measured from the commit of a change to the store's acknowledgement. Sync levels: 4 real-time (&lt; 5 s), 3 polling (≤ 15 min), 2 scheduled (≤ 4 h), 1 manual.{props.admin ? '' : ' You see your own stores only.'}</p>
        </>
      ) : <p className="loading">Loading…</p>}
    </Page>
  );
}
