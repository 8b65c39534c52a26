import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api, ApiError, v1 } from '../api.ts';
import { useLiveData } from '../live.ts';
import type { Preview, RetailerRuleRow, RulesPage } from '../types.ts';
import { Badge, Empty, fmt, Page } from '../ui.tsx';

type Scope = 'global' | 'category' | 'sku';
type Mode = '' | 'units' | 'percent' | 'formula' | 'table';
const STRATEGIES = ['hybrid', 'equal', 'proportional', 'priority', 'dynamic'];

interface Form {
  reserveMode: Mode; reserve: string; bufferMode: Mode; buffer: string; threshold: string; strategy: string;
  retailers: Record<string, { floor: string; ceiling: string; tier: string; excluded: boolean }>;
}

const str = (n: unknown) => (typeof n === 'number' ? String(n) : '');
const intOrNull = (s: string) => (s.trim() === '' ? null : Number(s));

function formFrom(data: RulesPage, scope: Scope, key: string): Form {
  const at = (kind: string) => data.rules.find((r) => r.scope === scope && r.scope_key === key && r.kind === kind)?.value as Record<string, unknown> | number | string | undefined;
  const reserve = at('own_reserve') as Record<string, unknown> | undefined;
  const buffer = at('buffer') as Record<string, unknown> | undefined;
  const threshold = at('threshold');
  const strategy = at('strategy');
  const modeOf = (v: Record<string, unknown> | undefined): Mode =>
    !v ? '' : 'units' in v ? 'units' : 'percent' in v ? 'percent' : 'formula' in v ? 'formula' : 'table' in v ? 'table' : '';
  const retailers: Form['retailers'] = {};
  for (const r of data.retailers) {
    const rr: RetailerRuleRow | undefined = data.retailerRules.find((x) => x.retailer_id === r.id && x.scope === scope && x.scope_key === key);
    retailers[r.id] = { floor: str(rr?.floor), ceiling: str(rr?.ceiling), tier: str(rr?.tier), excluded: rr?.excluded ?? false };
  }
  return {
    reserveMode: modeOf(reserve), reserve: str(reserve?.units ?? reserve?.percent),
    bufferMode: modeOf(buffer), buffer: str(buffer?.units ?? buffer?.percent),
    threshold: typeof threshold === 'object' ? str((threshold as Record<string, unknown>).units) : str(threshold),
    strategy: typeof strategy === 'object' ? String((strategy as Record<string, unknown>).strategy ?? '') : String(strategy ?? ''),
    retailers,
  };
}

function stored(f: Form) {
  const rv = (mode: Mode, v: string) => (mode === '' ? null : mode === 'formula' || mode === 'table' ? { [mode]: true } : { [mode]: Number(v) });
  return {
    own_reserve: rv(f.reserveMode, f.reserve),
    buffer: rv(f.bufferMode, f.buffer),
    threshold: f.threshold.trim() === '' ? null : Number(f.threshold),
    strategy: f.strategy === '' ? null : f.strategy,
  };
}

export function RulesPageView() {
  const { data, error, reload } = useLiveData(() => api.get<RulesPage>('/web/api/rules'), [], []);
  // /rules?scope=sku&key=TEE-M opens the editor at that scope (the SKU page links here).
  const initial = new URLSearchParams(location.search);
  const [scope, setScope] = useState<Scope>(((s) => (s === 'category' || s === 'sku' ? s : 'global'))(initial.get('scope')));
  const [key, setKey] = useState(initial.get('key') ?? '');
  const [form, setForm] = useState<Form>();
  const [preview, setPreview] = useState<Preview>();
  const [msg, setMsg] = useState<{ tone: 'error' | 'ok'; text: string }>();
  const [busy, setBusy] = useState(false);
  const scopeKey = scope === 'global' ? '' : key.trim();

  useEffect(() => { if (data) setForm(formFrom(data, scope, scopeKey)); setPreview(undefined); }, [data, scope, scopeKey]);

  const edits = useMemo(() => {
    if (!form) return null;
    const s = stored(form);
    return {
      edits: [
        { scope, scopeKey, kind: 'own_reserve', value: s.own_reserve },
        { scope, scopeKey, kind: 'buffer', value: s.buffer },
        { scope, scopeKey, kind: 'threshold', value: s.threshold === null ? null : { units: s.threshold } },
        { scope, scopeKey, kind: 'strategy', value: s.strategy === null ? null : { strategy: s.strategy } },
      ],
      retailerEdits: Object.entries(form.retailers).map(([retailerId, r]) => ({
        retailerId, scope, scopeKey, floor: intOrNull(r.floor), ceiling: intOrNull(r.ceiling), tier: intOrNull(r.tier), excluded: r.excluded ? true : null,
      })),
    };
  }, [form, scope, scopeKey]);

  const runPreview = async (e?: FormEvent) => {
    e?.preventDefault();
    if (!edits) return;
    if (scope !== 'global' && !scopeKey) { setMsg({ tone: 'error', text: `Choose a ${scope} first.` }); return; }
    setBusy(true); setMsg(undefined);
    try {
      const target = scope === 'sku' ? { skus: [scopeKey] } : scope === 'category' ? { category: scopeKey } : {};
      setPreview(await api.post<Preview>('/web/preview', { ...edits, ...target }));
    } catch (err) {
      setMsg({ tone: 'error', text: err instanceof ApiError && err.field ? `${err.field}: ${err.message}` : String((err as Error).message) });
    } finally { setBusy(false); }
  };

  const save = async () => {
    if (!form || !data) return;
    setBusy(true); setMsg(undefined);
    try {
      const s = stored(form);
      const path = scope === 'global' ? '/rules/global' : `/rules/${scope}/${encodeURIComponent(scopeKey)}`;
      await api.put(v1(path), { ownReserve: s.own_reserve, buffer: s.buffer, threshold: s.threshold, strategy: s.strategy });
      for (const r of edits?.retailerEdits ?? []) {
        const rpath = scope === 'global' ? `/retailers/${encodeURIComponent(r.retailerId)}/rules/global` : `/retailers/${encodeURIComponent(r.retailerId)}/rules/${scope}/${encodeURIComponent(scopeKey)}`;
        const had = data.retailerRules.some((x) => x.retailer_id === r.retailerId && x.scope === scope && x.scope_key === scopeKey);
        const empty = r.floor === null && r.ceiling === null && r.tier === null && r.excluded === null;
        if (empty && !had) continue;
        await api.put(v1(rpath), { floor: r.floor, ceiling: r.ceiling, tier: r.tier, excluded: r.excluded });
      }
      setMsg({ tone: 'ok', text: 'Saved. Stores are being updated.' });
      reload();
    } catch (err) {
      setMsg({ tone: 'error', text: err instanceof ApiError && err.field ? `${err.field}: ${err.message}` : String((err as Error).message) });
    } finally { setBusy(false); }
  };

  const set = (patch: Partial<Form>) => { setForm((f) => (f ? { ...f, ...patch } : f)); setPreview(undefined); };
  const setR = (id: string, patch: Partial<Form['retailers'][string]>) => {
    setForm((f) => (f ? { ...f, retailers: { ...f.retailers, [id]: { ...f.retailers[id]!, ...patch } } } : f));
    setPreview(undefined);
  };

  return (
    <Page title="Rules" error={error}>
      {!data || !form ? <p className="loading">Loading…</p> : (
        <form className="rules" onSubmit={runPreview}>
          <fieldset className="card">
            <legend>Scope</legend>
            <p className="muted small">A SKU rule wins over its category's, which wins over the global rule.</p>
            <div className="row">
              <label>Scope
                <select value={scope} onChange={(e) => { setScope(e.target.value as Scope); setKey(''); }}>
                  <option value="global">Global</option><option value="category">Category</option><option value="sku">SKU</option>
                </select>
              </label>
              {scope === 'category' ? (
                <label>Category
                  <select value={key} onChange={(e) => setKey(e.target.value)}>
                    <option value="">Choose…</option>
                    {data.categories.map((c) => <option key={c} value={c}>{c}</option>)}
                  </select>
                </label>
              ) : scope === 'sku' ? (
                <label>SKU <input value={key} onChange={(e) => setKey(e.target.value)} placeholder="e.g. TEE-BLK-M" /></label>
              ) : null}
            </div>
          </fieldset>

          <fieldset className="card">
            <legend>Quantities</legend>
            <div className="row">
              <label>Own-channel reserve
                <select value={form.reserveMode} onChange={(e) => set({ reserveMode: e.target.value as Mode })}>
                  <option value="">inherit / none</option><option value="units">units</option><option value="percent">% of atp</option>
                </select>
              </label>
              {form.reserveMode ? <label>Reserve value <input type="number" min={0} value={form.reserve} onChange={(e) => set({ reserve: e.target.value })} required /></label> : null}
              <label>Buffer
                <select value={form.bufferMode} onChange={(e) => set({ bufferMode: e.target.value as Mode })}>
                  <option value="">inherit / none</option><option value="percent">percent</option><option value="units">units</option>
                  <option value="formula">formula (measured)</option><option value="table">seed table (measured)</option>
                </select>
              </label>
              {form.bufferMode === 'units' || form.bufferMode === 'percent'
                ? <label>Buffer value <input type="number" min={0} value={form.buffer} onChange={(e) => set({ buffer: e.target.value })} required /></label> : null}
              <label>Deactivation threshold <input type="number" min={0} value={form.threshold} onChange={(e) => set({ threshold: e.target.value })} placeholder="inherit" /></label>
              <label>Strategy
                <select value={form.strategy} onChange={(e) => set({ strategy: e.target.value })}>
                  <option value="">inherit (hybrid)</option>
                  {STRATEGIES.map((s) => <option key={s} value={s}>{s}</option>)}
                </select>
              </label>
            </div>
          </fieldset>

          <fieldset className="card">
            <legend>Retailers at this scope</legend>
            {data.retailers.length === 0 ? <Empty>No retailers yet.</Empty> : (
              <div className="table-wrap"><table>
                <thead><tr><th scope="col">Retailer</th><th scope="col">Floor</th><th scope="col">Ceiling</th><th scope="col">Tier</th><th scope="col">Excluded</th></tr></thead>
                <tbody>
                  {data.retailers.map((r) => {
                    const v = form.retailers[r.id]!;
                    return (
                      <tr key={r.id}>
                        <th scope="row">{r.name}</th>
                        <td><input aria-label={`${r.name} floor`} type="number" min={0} value={v.floor} onChange={(e) => setR(r.id, { floor: e.target.value })} /></td>
                        <td><input aria-label={`${r.name} ceiling`} type="number" min={0} value={v.ceiling} onChange={(e) => setR(r.id, { ceiling: e.target.value })} /></td>
                        <td><input aria-label={`${r.name} tier`} type="number" min={1} value={v.tier} onChange={(e) => setR(r.id, { tier: e.target.value })} /></td>
                        <td><input aria-label={`${r.name} excluded`} type="checkbox" checked={v.excluded} onChange={(e) => setR(r.id, { excluded: e.target.checked })} /></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table></div>
            )}
          </fieldset>

          <div className="actions">
            <button type="submit" disabled={busy}>Preview allocation</button>
            <button type="button" className="primary-save" disabled={busy || !preview} onClick={save} title={preview ? '' : 'Preview first'}>Save rules</button>
            {msg ? <span className={msg.tone === 'error' ? 'error' : 'ok'} role={msg.tone === 'error' ? 'alert' : 'status'}>{msg.text}</span> : null}
          </div>
          {preview ? <PreviewTable preview={preview} /> : null}
        </form>
      )}
    </Page>
  );
}

function Delta(props: { before: number; after: number }) {
  if (props.before === props.after) return <>{fmt(props.after)}</>;
  return <span className="changed">{fmt(props.before)} → <strong>{fmt(props.after)}</strong></span>;
}

function PreviewTable(props: { preview: Preview }) {
  const { preview } = props;
  if (preview.skus.length === 0) return <Empty>No SKUs in this scope to preview.</Empty>;
  return (
    <section aria-labelledby="preview-title" className="preview">
      <h2 id="preview-title">Preview: allocation before → after</h2>
      <div className="table-wrap"><table className="dense">
        <thead><tr>
          <th scope="col">SKU</th><th scope="col" className="num">ATP</th><th scope="col" className="num">Reserve</th><th scope="col" className="num">Buffer</th>
          <th scope="col" className="num">Pool</th><th scope="col">Strategy</th>
          {preview.retailers.map((r) => <th scope="col" className="num" key={r.id}>{r.name}</th>)}
        </tr></thead>
        <tbody>
          {preview.skus.map((s) => (
            <tr key={s.sku} data-sku={s.sku}>
              <th scope="row">{s.sku}{s.after.deactivated ? <> <Badge tone="bad">deactivated</Badge></> : null}</th>
              <td className="num">{fmt(s.after.atp)}</td>
              <td className="num"><Delta before={s.before.ownReserve} after={s.after.ownReserve} /></td>
              <td className="num"><Delta before={s.before.buffer} after={s.after.buffer} /></td>
              <td className="num" data-col="pool"><Delta before={s.before.pool} after={s.after.pool} /></td>
              <td>{s.before.strategy === s.after.strategy ? s.after.strategy : <span className="changed">{s.before.strategy} → <strong>{s.after.strategy}</strong></span>}</td>
              {preview.retailers.map((r) => (
                <td className="num" key={r.id} data-retailer={r.id}><Delta before={s.before.shown[r.id] ?? 0} after={s.after.shown[r.id] ?? 0} /></td>
              ))}
            </tr>
          ))}
        </tbody>
      </table></div>
    </section>
  );
}
