/** Live updates: one EventSource per tab; pages refetch when the engine reports a change. */
import { useCallback, useEffect, useRef, useState } from 'react';

type Listener = (type: string, data: unknown) => void;
const listeners = new Set<Listener>();
let source: EventSource | null = null;
let statusListeners = new Set<(s: LiveStatus) => void>();
export type LiveStatus = 'connecting' | 'live' | 'offline';
let status: LiveStatus = 'connecting';

function setStatus(s: LiveStatus) {
  status = s;
  for (const l of statusListeners) l(s);
}

export function startLive(): void {
  if (source) return;
  source = new EventSource('/web/events');
  source.onopen = () => setStatus('live');
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  for (const type of ['desired', 'pushed', 'stock', 'order', 'conflict']) {
    source.addEventListener(type, (e) => {
      let data: unknown = {};
      try { data = JSON.parse((e as MessageEvent<string>).data); } catch { /* keep {} */ }
      for (const l of listeners) l(type, data);
    });
  }
}

export function stopLive(): void {
  source?.close();
  source = null;
  setStatus('offline');
}

export function useLiveStatus(): LiveStatus {
  const [s, set] = useState(status);
  useEffect(() => {
    statusListeners.add(set);
    return () => { statusListeners.delete(set); };
  }, []);
  return s;
}

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
  /** Increments on every refresh that came from a live event. */
  liveTick: number;
}

/**
 * Loads with `fetcher`, and again whenever a live event arrives (coalesced: a burst of events is one refetch),
 * so numbers on screen follow the engine without a reload.
 */
export function useLiveData<T>(fetcher: () => Promise<T>, deps: readonly unknown[], types?: readonly string[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [liveTick, setLiveTick] = useState(0);
  const seq = useRef(0);
  const fetchRef = useRef(fetcher);
  fetchRef.current = fetcher;

  const load = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    fetchRef.current().then(
      (d) => { if (mine === seq.current) { setData(d); setError(undefined); setLoading(false); } },
      (e: unknown) => { if (mine === seq.current) { setError(e instanceof Error ? e.message : String(e)); setLoading(false); } },
    );
  }, []);

  useEffect(load, deps); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const l: Listener = (type) => {
      if (types && !types.includes(type)) return;
      if (timer) return;
      timer = setTimeout(() => { timer = undefined; setLiveTick((n) => n + 1); load(); }, 200);
    };
    listeners.add(l);
    return () => { listeners.delete(l); if (timer) clearTimeout(timer); };
  }, [load, types?.join(',')]); // eslint-disable-line react-hooks/exhaustive-deps

  return { data, error, loading, reload: load, liveTick };
}
