/** Small shared pieces: number/time formatting, status badges, stat cards, page frame. */
import type { ReactNode } from 'react';

export const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n) ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

export const plural = (n: number, one: string, many = `${one}s`) => `${fmt(n)} ${n === 1 ? one : many}`;

export const money = (n: number) => n.toLocaleString('en-US', { style: 'currency', currency: 'USD' });

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(1)} s`;
  if (v < 3_600_000) return `${(v / 60_000).toFixed(1)} min`;
  if (v < 86_400_000) return `${(v / 3_600_000).toFixed(1)} h`;
  return `${(v / 86_400_000).toFixed(1)} d`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

export function Badge(props: { tone: 'good' | 'warn' | 'bad' | 'muted' | 'info'; children: ReactNode; title?: string }) {
  return <span className={`badge ${props.tone}`} title={props.title}>{props.children}</span>;
}

export function healthTone(h: string): 'good' | 'warn' | 'bad' {
  return h === 'healthy' ? 'good' : h === 'degraded' ? 'warn' : 'bad';
}

export function Stat(props: { label: string; value: ReactNode; hint?: ReactNode; tone?: 'bad' | 'good' }) {
  return (
    <div className={`stat ${props.tone ?? ''}`}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">{props.value}</div>
      {props.hint ? <div className="stat-hint">{props.hint}</div> : null}
    </div>
  );
}

export function Page(props: { title: string; actions?: ReactNode; children: ReactNode; error?: string | undefined }) {
  return (
    <section className="page" aria-labelledby="page-title">
      <header className="page-head">
        <h1 id="page-title">{props.title}</h1>
        {props.actions ? <div className="page-actions">{props.actions}</div> : null}
      </header>
      {props.error ? <p className="error" role="alert">{props.error}</p> : null}
      {props.children}
    </section>
  );
}

export function Empty(props: { children: ReactNode }) {
  return <p className="empty">{props.children}</p>;
}
